from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from cbec_supervision.listing import render_list
from cbec_supervision.models import Attachment
from filings.filtersets import EnterpriseFilingFilterSet
from filings.models import EnterpriseFiling


@login_required
def enterprise_list(request):
    queryset = EnterpriseFiling.objects.visible_to(request.user).select_related("bureau")
    return render_list(
        request, queryset=queryset, filterset_class=EnterpriseFilingFilterSet, template="filings/enterprise_list.html"
    )


@login_required
def enterprise_detail(request, pk: int):
    filing = get_object_or_404(EnterpriseFiling.objects.visible_to(request.user).select_related("bureau"), pk=pk)
    return render(
        request,
        "filings/enterprise_detail.html",
        {"filing": filing, "attachments": Attachment.objects.for_object(filing)},
    )
