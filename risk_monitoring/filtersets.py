"""The FilterSets of risk signals and risk scores, shared by the HTML lists and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cbec_supervision.filters import IdFilter, PageFiltersMixin
from risk_monitoring.choices import Hazard, RiskLevel, ScoreSubject, Severity, SignalSource, SignalStatus
from risk_monitoring.models import RiskScore, RiskSignal


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


class RiskScoreFilterSet(PageFiltersMixin, django_filters.FilterSet):
    """Current scores unless ``history=true`` (every score computed, newest first)."""

    subject_type = django_filters.ChoiceFilter(choices=ScoreSubject.choices, label=_("Subject"))
    subject_id = django_filters.CharFilter(field_name="subject_id", max_length=40, label=_("Subject id"))
    level = django_filters.MultipleChoiceFilter(choices=RiskLevel.choices, label=_("Level"))
    enterprise = IdFilter(field_name="enterprise", label=_("Enterprise"))
    history = django_filters.BooleanFilter(method="filter_history", label=_("With past scores"))

    page_fields = ("subject_type", "level")

    class Meta:
        model = RiskScore
        fields = ["subject_type", "subject_id", "level", "enterprise", "history"]

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("history"):
            queryset = queryset.filter(is_current=True)
        return super().filter_queryset(queryset)

    def filter_history(self, queryset, name, value):
        return queryset  # applied in filter_queryset: current only unless asked
