"""FilterSets shared by the HTML lists and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from filings.choices import EnterpriseType, FilingStatus, SupervisionLevel
from filings.models import EnterpriseFiling

_TYPE_FIELDS = {
    EnterpriseType.OPERATOR: "is_operator",
    EnterpriseType.PLATFORM: "is_platform",
    EnterpriseType.LOGISTICS: "is_logistics",
}


class EnterpriseFilingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=FilingStatus.choices, label=_("Status"))
    type = django_filters.ChoiceFilter(choices=EnterpriseType.choices, method="filter_type", label=_("Type"))
    bureau = django_filters.CharFilter(field_name="bureau__code", label=_("Bureau code"))
    supervision_level = django_filters.ChoiceFilter(choices=SupervisionLevel.choices, label=_("Supervision level"))
    uscc = django_filters.CharFilter(field_name="uscc", lookup_expr="iexact", label=_("Credit code"))
    region_code = django_filters.CharFilter(field_name="region_code", lookup_expr="startswith", label=_("Region code"))

    class Meta:
        model = EnterpriseFiling
        fields = ["q", "status", "type", "bureau", "supervision_level", "uscc", "region_code"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(uscc__iexact=value) | Q(filing_no__iexact=value))

    def filter_type(self, queryset, name, value):
        return queryset.filter(**{_TYPE_FIELDS[value]: True})
