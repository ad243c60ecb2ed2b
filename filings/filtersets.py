"""FilterSets shared by the HTML lists and the API: one per model."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.pickers import bureau_picker_widget
from catalogues.choices import Tier
from cbec_supervision.filters import IdFilter, PageFiltersMixin
from filings.choices import (
    ChangeRequestStatus,
    EnterpriseType,
    FilingStatus,
    GoodsCategory,
    ProductSubcategory,
    SupervisionLevel,
    Suspicion,
)
from filings.models import ChangeRequest, EnterpriseFiling, ProductFiling
from filings.pickers import enterprise_candidates, enterprise_picker_widget

_TYPE_FIELDS = {
    EnterpriseType.OPERATOR: "is_operator",
    EnterpriseType.PLATFORM: "is_platform",
    EnterpriseType.LOGISTICS: "is_logistics",
}


class EnterpriseFilingFilterSet(PageFiltersMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=FilingStatus.choices, label=_("Status"))
    type = django_filters.ChoiceFilter(choices=EnterpriseType.choices, method="filter_type", label=_("Type"))
    bureau = django_filters.CharFilter(field_name="bureau__code", label=_("Bureau code"))
    supervision_level = django_filters.ChoiceFilter(choices=SupervisionLevel.choices, label=_("Supervision level"))
    uscc = django_filters.CharFilter(field_name="uscc", lookup_expr="iexact", label=_("Credit code"))
    region_code = django_filters.CharFilter(field_name="region_code", lookup_expr="startswith", label=_("Region code"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Review overdue"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("My jurisdiction only"))
    ordering = django_filters.OrderingFilter(
        fields=(("submitted_at", "submitted_at"), ("created_at", "created_at"), ("name", "name")),
        label=_("Order by"),
    )

    page_fields = ("q", "status", "type", "bureau", "supervision_level", "overdue", "mine")
    #: the path from a row to its competent bureau
    bureau_path = "bureau"

    class Meta:
        model = EnterpriseFiling
        fields = ["q", "status", "type", "bureau", "supervision_level", "uscc", "region_code"]

    def page_widgets(self):
        return {"bureau": bureau_picker_widget()}

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(uscc__iexact=value) | Q(filing_no__iexact=value))

    def filter_type(self, queryset, name, value):
        return queryset.filter(**{_TYPE_FIELDS[value]: True})

    def filter_overdue(self, queryset, name, value):
        return filter_overdue(queryset, value)

    def filter_mine(self, queryset, name, value):
        return filter_mine(queryset, self.request, self.bureau_path, value)


def filter_mine(queryset, request, bureau_path: str, mine: bool | None):
    """With ``mine``, a bureau's staff keep the filings of their own jurisdiction: approved filings
    are shared nationally, so a bureau's lists otherwise show every bureau's approved filings too.
    Headquarters and enterprise users have no jurisdiction of their own: the filter changes nothing."""
    user = getattr(request, "user", None)
    if not mine or user is None or not getattr(user, "is_bureau_staff", False):
        return queryset
    return queryset.filter(**{f"{bureau_path}__in": user.jurisdiction()})


def filter_overdue(queryset, overdue: bool | None):
    """Submitted filings past (or within) their review deadline."""
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    if overdue is None:
        return queryset
    cutoff = timezone.now() - dt.timedelta(days=settings.FILING_REVIEW_DAYS)
    submitted = queryset.filter(status=FilingStatus.SUBMITTED)
    return submitted.filter(submitted_at__lt=cutoff) if overdue else submitted.filter(submitted_at__gte=cutoff)


class ProductFilingFilterSet(PageFiltersMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=FilingStatus.choices, label=_("Status"))
    enterprise = IdFilter(field_name="enterprise_id", label=_("Enterprise"))
    uscc = django_filters.CharFilter(field_name="enterprise__uscc", lookup_expr="iexact", label=_("Credit code"))
    bureau = django_filters.CharFilter(field_name="enterprise__bureau__code", label=_("Bureau code"))
    category = django_filters.ChoiceFilter(choices=GoodsCategory.choices, label=_("Category"))
    subcategory = django_filters.ChoiceFilter(choices=ProductSubcategory.choices, label=_("Sub-category"))
    hs_code = django_filters.CharFilter(field_name="hs_code", lookup_expr="startswith", label=_("HS code"))
    brand = django_filters.CharFilter(field_name="brand", lookup_expr="icontains", label=_("Brand"))
    gtin = django_filters.CharFilter(field_name="gtin", label=_("GTIN"))
    origin_country = django_filters.CharFilter(
        field_name="origin_country", lookup_expr="iexact", label=_("Country of origin")
    )
    tier = django_filters.ChoiceFilter(field_name="tier", choices=Tier.choices, label=_("Tier"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Review overdue"))
    suspicion = django_filters.ChoiceFilter(
        choices=[c for c in Suspicion.choices if c[0]], label=_("Suspected prohibited goods")
    )
    flagged = django_filters.BooleanFilter(method="filter_flagged", label=_("Flagged as prohibited, to be suspended"))
    change_pending = django_filters.BooleanFilter(
        method="filter_change_pending", label=_("A change request is pending")
    )
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("My jurisdiction only"))
    ordering = django_filters.OrderingFilter(
        fields=(("submitted_at", "submitted_at"), ("created_at", "created_at"), ("name", "name")),
        label=_("Order by"),
    )

    page_fields = (
        "q",
        "status",
        "enterprise",
        "bureau",
        "category",
        "subcategory",
        "tier",
        "suspicion",
        "flagged",
        "overdue",
        "mine",
    )
    staff_only = ("bureau", "tier", "suspicion", "flagged", "overdue", "mine")
    bureau_path = "enterprise__bureau"

    class Meta:
        model = ProductFiling
        fields = ["q", "status", "enterprise", "category", "subcategory", "hs_code", "brand", "gtin"]

    def page_widgets(self):
        from django import forms

        if self.request is not None and getattr(self.request.user, "is_enterprise_user", False):
            return {"enterprise": forms.HiddenInput()}
        user = getattr(self.request, "user", None)
        return {"enterprise": enterprise_picker_widget(enterprise_candidates(user)), "bureau": bureau_picker_widget()}

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(name_en__icontains=value)
            | Q(brand__icontains=value)
            | Q(filing_no__iexact=value)
            | Q(hs_code__startswith=value)
            | Q(gtin=value)
            | Q(enterprise__uscc__iexact=value)
            | Q(enterprise__name__icontains=value)
        )

    def filter_overdue(self, queryset, name, value):
        return filter_overdue(queryset, value)

    def filter_change_pending(self, queryset, name, value):
        """Products with (or without) a change request awaiting the bureau's review."""
        if value is None:
            return queryset
        pending = Exists(ChangeRequest.objects.filter(product=OuterRef("pk"), status=ChangeRequestStatus.PENDING))
        return queryset.filter(pending if value else ~pending)

    def filter_flagged(self, queryset, name, value):
        """Approved products a catalogue edition now puts in tier 1, not yet suspended (rule 1)."""
        if value is None:
            return queryset
        open_flag = Q(prohibited_flagged_at__isnull=False, status=FilingStatus.APPROVED)
        return queryset.filter(open_flag) if value else queryset.exclude(open_flag)

    def filter_mine(self, queryset, name, value):
        return filter_mine(queryset, self.request, self.bureau_path, value)


class ChangeRequestFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ChangeRequestStatus.choices, label=_("Status"))
    enterprise = IdFilter(field_name="enterprise_id", label=_("Enterprise"))
    product = IdFilter(field_name="product_id", label=_("Product"))
    target = django_filters.ChoiceFilter(
        choices=(("enterprise", _("Enterprise filing")), ("product", _("Product filing"))),
        method="filter_target",
        label=_("Filing"),
    )

    class Meta:
        model = ChangeRequest
        fields = ["status", "enterprise", "product"]

    def filter_target(self, queryset, name, value):
        return queryset.filter(product__isnull=(value == "enterprise"))
