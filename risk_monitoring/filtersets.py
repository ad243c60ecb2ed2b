"""The FilterSet of risk signals, shared by the HTML list and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Bureau
from cbec_supervision.filters import IdFilter, PageFiltersMixin
from filings.choices import GoodsCategory, ProductSubcategory
from risk_monitoring.choices import (
    Hazard,
    PlanStatus,
    RiskLevel,
    SamplingChannel,
    SamplingPurpose,
    SamplingStatus,
    SamplingVerdict,
    ScoreSubject,
    Severity,
    SignalSource,
    SignalStatus,
)
from risk_monitoring.models import Lab, RiskScore, RiskSignal, Sampling, SamplingPlan

#: the value of a choice filter keeping the rows where the field is not given (not yet assessed, no category)
NOT_GIVEN = "none"


def _or_not_given(choices: list[tuple[str, str]], label: object) -> list[tuple[str, object]]:
    return [*choices, (NOT_GIVEN, label)]


class RiskSignalFilterSet(PageFiltersMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    source = django_filters.MultipleChoiceFilter(choices=SignalSource.choices, label=_("Source"))
    status = django_filters.MultipleChoiceFilter(choices=SignalStatus.choices, label=_("Status"))
    severity = django_filters.ChoiceFilter(
        choices=_or_not_given(Severity.choices, _("Not assessed")), method="filter_given", label=_("Severity")
    )
    hazard = django_filters.ChoiceFilter(choices=Hazard.choices, label=_("Hazard"))
    enterprise = IdFilter(field_name="enterprise", label=_("Enterprise"))
    product = IdFilter(method="filter_product", label=_("Product"))
    platform = IdFilter(field_name="platform", label=_("Platform"))
    reported_by = django_filters.CharFilter(field_name="reported_by__code", label=_("Reported by (bureau code)"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("My bureau's queue"))
    category = django_filters.ChoiceFilter(
        choices=_or_not_given(GoodsCategory.choices, _("No category")), method="filter_given", label=_("Category")
    )
    subcategory = django_filters.ChoiceFilter(
        choices=_or_not_given(ProductSubcategory.choices, _("No sub-category")),
        method="filter_given",
        label=_("Sub-category"),
    )
    # Dates are local (Asia/Shanghai) days, both ends included: the risk dashboard's months link here.
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("Raised from"))
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("Raised to"))
    competent_bureau = django_filters.CharFilter(
        field_name="competent_bureau__code", label=_("Competent bureau (bureau code)")
    )
    jurisdiction = django_filters.CharFilter(
        method="filter_jurisdiction", label=_("Competent bureau or one of its branch bureaus (bureau code)")
    )
    unmatched = django_filters.BooleanFilter(
        method="filter_unmatched", label=_("Overseas notices matched to no filed product")
    )

    page_fields = ("q", "source", "status", "severity", "hazard", "mine", "unmatched")
    staff_only = ("mine", "unmatched")

    class Meta:
        model = RiskSignal
        fields = [
            "q",
            "source",
            "status",
            "severity",
            "hazard",
            "enterprise",
            "product",
            "platform",
            "reported_by",
            "category",
            "subcategory",
            "created_after",
            "created_before",
            "competent_bureau",
            "jurisdiction",
            "unmatched",
        ]

    def filter_given(self, queryset, name, value):
        """A choice, or ``none``: the rows where the field is blank (a new signal has no severity yet)."""
        if not value:
            return queryset
        return queryset.filter(**{name: "" if value == NOT_GIVEN else value})

    def filter_jurisdiction(self, queryset, name, value):
        """Signals whose competent bureau is the bureau of that code or one of its branch bureaus."""
        value = value.strip()
        if not value:
            return queryset
        bureaus = Bureau.objects.jurisdiction_of(Bureau.objects.filter(code=value).values("pk")[:1])  # type: ignore[arg-type]
        return queryset.filter(competent_bureau__in=bureaus.values("pk"))

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
        their jurisdiction; headquarters the national triage queue. Others: nothing is a queue of theirs."""
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        if user is None or not (getattr(user, "is_bureau_staff", False) or getattr(user, "is_hq", False)):
            return queryset.none()
        return queryset.filter(pk__in=RiskSignal.objects.queue_of(user).values("pk"))

    def filter_unmatched(self, queryset, name, value):
        """With ``unmatched``, the overseas notifications linked to no filed product (any bureau may
        browse them, to spot goods of its enterprises that matching missed)."""
        if value is None:
            return queryset
        unmatched = RiskSignal.objects.unmatched_overseas().values("pk")
        return queryset.filter(pk__in=unmatched) if value else queryset.exclude(pk__in=unmatched)


class SamplingPlanFilterSet(PageFiltersMixin, django_filters.FilterSet):
    month = django_filters.CharFilter(field_name="month", label=_("Month (YYYY-MM)"))
    status = django_filters.MultipleChoiceFilter(choices=PlanStatus.choices, label=_("Status"))
    bureau = django_filters.CharFilter(field_name="bureau__code", label=_("Bureau (code)"))

    page_fields = ("month", "status")

    class Meta:
        model = SamplingPlan
        fields = ["month", "status", "bureau"]


class SamplingFilterSet(PageFiltersMixin, django_filters.FilterSet):
    """Samplings, by the page and the API alike."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    channel = django_filters.ChoiceFilter(choices=SamplingChannel.choices, label=_("Channel"))
    purpose = django_filters.ChoiceFilter(choices=SamplingPurpose.choices, label=_("Purpose"))
    status = django_filters.MultipleChoiceFilter(choices=SamplingStatus.choices, label=_("Status"))
    verdict = django_filters.MultipleChoiceFilter(choices=SamplingVerdict.choices, label=_("Verdict"))
    subcategory = django_filters.ChoiceFilter(
        choices=_or_not_given(ProductSubcategory.choices, _("No sub-category")),
        method="filter_subcategory",
        label=_("Sub-category"),
    )
    product = IdFilter(field_name="product", label=_("Product"))
    enterprise = IdFilter(field_name="enterprise", label=_("Enterprise"))
    platform = IdFilter(field_name="platform", label=_("Platform"))
    warehouse = IdFilter(field_name="warehouse", label=_("Warehouse"))
    lab = IdFilter(field_name="lab", label=_("Laboratory"))
    bureau = django_filters.CharFilter(field_name="bureau__code", label=_("Sampling bureau (code)"))
    jurisdiction = django_filters.CharFilter(
        method="filter_jurisdiction", label=_("Sampling bureau or one of its branch bureaus (bureau code)")
    )
    # Dates of sampling, in Asia/Shanghai (the current time zone)
    sampled_after = django_filters.DateFilter(field_name="sampled_at", lookup_expr="date__gte", label=_("Sampled from"))
    sampled_before = django_filters.DateFilter(field_name="sampled_at", lookup_expr="date__lte", label=_("Sampled to"))

    page_fields = ("q", "channel", "status", "verdict", "bureau", "sampled_after", "sampled_before")
    staff_only = ("bureau",)

    class Meta:
        model = Sampling
        fields = [
            "q",
            "channel",
            "purpose",
            "status",
            "verdict",
            "product",
            "enterprise",
            "platform",
            "warehouse",
            "lab",
            "bureau",
            "subcategory",
            "jurisdiction",
            "sampled_after",
            "sampled_before",
        ]

    def filter_subcategory(self, queryset, name, value):
        """The product's sub-category, or ``none``: products filed with none."""
        if not value:
            return queryset
        return queryset.filter(product__subcategory="" if value == NOT_GIVEN else value)

    def filter_jurisdiction(self, queryset, name, value):
        """Samplings taken by the bureau of that code or one of its branch bureaus."""
        value = value.strip()
        if not value:
            return queryset
        bureaus = Bureau.objects.jurisdiction_of(Bureau.objects.filter(code=value).values("pk")[:1])  # type: ignore[arg-type]
        return queryset.filter(bureau__in=bureaus.values("pk"))

    def filter_q(self, queryset, name, value):
        """The sampling number, the product's or enterprise's name, the lab, the order number."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(sampling_no__iexact=value)
            | Q(product__name__icontains=value)
            | Q(enterprise__name__icontains=value)
            | Q(lab__name__icontains=value)
            | Q(order_no=value)
        )

    def page_widgets(self):
        return {
            "sampled_after": forms.DateInput(attrs={"type": "date"}),
            "sampled_before": forms.DateInput(attrs={"type": "date"}),
        }


class LabFilterSet(PageFiltersMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"))
    verify_only = django_filters.BooleanFilter(method="filter_verify_only", label=_("Verify only"))

    page_fields = ("q", "verify_only")

    class Meta:
        model = Lab
        fields = ["q"]

    def filter_verify_only(self, queryset, name, value):
        if value is None:
            return queryset
        ids = [lab.pk for lab in Lab.objects.with_trust().filter(inconsistent_count__gt=0) if lab.verify_only]
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)


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
