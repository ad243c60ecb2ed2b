"""The FilterSet of risk signals, shared by the HTML list and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cbec_supervision.filters import IdFilter, PageFiltersMixin
from risk_monitoring.choices import Hazard, PlanStatus, Severity, SignalSource, SignalStatus
from risk_monitoring.models import RiskSignal, SamplingPlan


class RiskSignalFilterSet(PageFiltersMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    source = django_filters.MultipleChoiceFilter(choices=SignalSource.choices, label=_("Source"))
    status = django_filters.MultipleChoiceFilter(choices=SignalStatus.choices, label=_("Status"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("Severity"))
    hazard = django_filters.ChoiceFilter(choices=Hazard.choices, label=_("Hazard"))
    enterprise = IdFilter(field_name="enterprise", label=_("Enterprise"))
    product = IdFilter(method="filter_product", label=_("Product"))
    platform = IdFilter(field_name="platform", label=_("Platform"))
    reported_by = django_filters.CharFilter(field_name="reported_by__code", label=_("Reported by (bureau code)"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("My bureau's queue"))

    page_fields = ("q", "source", "status", "severity", "hazard", "mine")
    staff_only = ("mine",)

    class Meta:
        model = RiskSignal
        fields = ["q", "source", "status", "severity", "hazard", "enterprise", "product", "platform", "reported_by"]

    def filter_q(self, queryset, name, value):
        """The title, the enterprise's name, the brand, the GTIN or the overseas reference."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(enterprise__name__icontains=value)
            | Q(brand__icontains=value)
            | Q(gtin=value)
            | Q(overseas_reference__iexact=value)
        )

    def filter_product(self, queryset, name, value):
        """Signals naming the product among their products (not only as the first)."""
        if value is None:
            return queryset
        return queryset.filter(pk__in=RiskSignal.objects.filter(products=value).values("pk"))

    def filter_mine(self, queryset, name, value):
        """With ``mine``, bureau staff keep their bureau's queue: open signals about enterprises of
        their jurisdiction. Others: nothing is a queue of theirs."""
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        if user is None or not getattr(user, "is_bureau_staff", False):
            return queryset.none()
        return queryset.filter(pk__in=RiskSignal.objects.queue_of(user).values("pk"))


class SamplingPlanFilterSet(PageFiltersMixin, django_filters.FilterSet):
    month = django_filters.CharFilter(field_name="month", label=_("Month (YYYY-MM)"))
    status = django_filters.MultipleChoiceFilter(choices=PlanStatus.choices, label=_("Status"))
    bureau = django_filters.CharFilter(field_name="bureau__code", label=_("Bureau (code)"))

    page_fields = ("month", "status")

    class Meta:
        model = SamplingPlan
        fields = ["month", "status", "bureau"]
