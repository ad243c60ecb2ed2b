"""The FilterSet of half-yearly reports, shared by the pages and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from reports.choices import ReportStatus
from reports.models import HalfYearReport


class HalfYearReportFilterSet(django_filters.FilterSet):
    period = django_filters.CharFilter(field_name="period", lookup_expr="iexact", label=_("Period"))
    bureau = django_filters.CharFilter(field_name="bureau__code", lookup_expr="iexact", label=_("Bureau (code)"))
    national = django_filters.BooleanFilter(field_name="bureau", lookup_expr="isnull", label=_("National"))
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label=_("Status"))

    class Meta:
        model = HalfYearReport
        fields = ["period", "bureau", "national", "status"]
