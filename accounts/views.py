from __future__ import annotations

from django.contrib.auth.decorators import login_required

from accounts.filtersets import BureauFilterSet
from accounts.models import Bureau
from cbec_supervision.listing import render_list


@login_required
def bureau_list(request):
    queryset = Bureau.objects.visible_to(request.user).select_related("parent").prefetch_related("regions")
    return render_list(
        request, queryset=queryset, filterset_class=BureauFilterSet, template="accounts/bureau_list.html"
    )
