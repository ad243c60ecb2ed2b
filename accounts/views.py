from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _

from accounts.filtersets import BureauFilterSet
from accounts.models import Bureau
from accounts.tables import BureauTable
from cbec_supervision.lists import list_page


@login_required
def bureau_list(request):
    queryset = Bureau.objects.visible_to(request.user).select_related("parent").prefetch_related("regions")
    return list_page(
        request,
        queryset=queryset,
        table_class=BureauTable,
        filterset_class=BureauFilterSet,
        context={"title": _("Bureaus")},
    )
