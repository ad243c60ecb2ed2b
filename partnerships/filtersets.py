"""The one FilterSet of partnerships, shared by the HTML list and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cbec_supervision.filters import IdFilter, PageFiltersMixin
from partnerships.choices import PartnershipKind, PartnershipStatus
from partnerships.models import Partnership


class PartnershipFilterSet(PageFiltersMixin, django_filters.FilterSet):
    id = IdFilter(field_name="pk", label=_("Partnership"))
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=PartnershipKind.choices, label=_("Kind"))
    status = django_filters.MultipleChoiceFilter(choices=PartnershipStatus.choices, label=_("Status"))
    operator = IdFilter(field_name="operator_id", label=_("Operator"))
    partner = IdFilter(field_name="partner_id", label=_("Platform or warehouse"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Mine only"))
    ordering = django_filters.OrderingFilter(
        fields=(("requested_at", "requested_at"), ("decided_at", "decided_at"), ("status", "status")),
        label=_("Order by"),
    )

    page_fields = ("q", "kind", "status", "mine")

    class Meta:
        model = Partnership
        fields = ["id", "q", "kind", "status", "operator", "partner"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(operator__name__icontains=value)
            | Q(partner__name__icontains=value)
            | Q(operator__uscc__iexact=value)
            | Q(partner__uscc__iexact=value)
        )

    def filter_mine(self, queryset, name, value):
        """``mine=true``: an enterprise user keeps the partnerships its enterprise asked for (as the
        operator: its platforms and warehouses); a bureau's staff keep those whose operator is in
        their own jurisdiction (the partner's bureau may be another). ``false`` changes nothing."""
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        if getattr(user, "is_enterprise_user", False):
            return queryset.filter(operator_id=user.enterprise_id)
        if getattr(user, "is_bureau_staff", False):
            return queryset.filter(operator__bureau__in=user.jurisdiction())
        return queryset
