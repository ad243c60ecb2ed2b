"""FilterSets shared by the HTML lists and the API: one per model."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from filings.choices import (
    BatchMode,
    BatchStatus,
    CatalogueKind,
    ChangeRequestStatus,
    Confirmation,
    EnterpriseType,
    FilingStatus,
    FollowUp,
    GoodsCategory,
    ProductSubcategory,
    SupervisionLevel,
    Tier,
)
from filings.models import (
    CatalogueEdition,
    ChangeRequest,
    EnterpriseFiling,
    ExportDeclaration,
    ImportBatch,
    ImportItem,
    ProductFiling,
)


class IdFilter(django_filters.NumberFilter):
    """An id within the database's 64-bit range: anything larger is a 400, not a database error."""

    def __init__(self, *args, **kwargs):
        from django import forms

        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)
        self.field_class = forms.IntegerField


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
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Review overdue"))
    ordering = django_filters.OrderingFilter(
        fields=(("submitted_at", "submitted_at"), ("created_at", "created_at"), ("name", "name")),
        label=_("Order by"),
    )

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

    def filter_overdue(self, queryset, name, value):
        return filter_overdue(queryset, value)


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


class ProductFilingFilterSet(django_filters.FilterSet):
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
    tier = django_filters.ChoiceFilter(field_name="tier", choices=((1, "1"), (2, "2"), (3, "3")), label=_("Tier"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Review overdue"))
    ordering = django_filters.OrderingFilter(
        fields=(("submitted_at", "submitted_at"), ("created_at", "created_at"), ("name", "name")),
        label=_("Order by"),
    )

    class Meta:
        model = ProductFiling
        fields = ["q", "status", "enterprise", "category", "subcategory", "hs_code", "brand", "gtin"]

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


class CatalogueEditionFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CatalogueKind.choices, label=_("Catalogue"))
    edition = django_filters.CharFilter(field_name="edition", lookup_expr="iexact", label=_("Edition"))
    in_force = django_filters.BooleanFilter(method="filter_in_force", label=_("In force today"))

    class Meta:
        model = CatalogueEdition
        fields = ["kind", "edition", "in_force"]

    def filter_in_force(self, queryset, name, value):
        if value is None:
            return queryset
        ids = [e.pk for e in CatalogueEdition.objects.in_force()]
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)


def entries_search(queryset, q: str):
    """Entries whose name, an alias, the CAS number, the UN number or the HS prefix matches ``q``.

    An HS code finds the entries whose prefix it starts with, and a prefix the entries under it.
    Aliases are matched in Python: JSON text is stored ASCII-escaped on SQLite.
    """
    q = q.strip()
    if not q:
        return queryset
    condition = Q(name__icontains=q) | Q(cas=q) | Q(seq=q)
    un = q.upper().removeprefix("UN").strip()
    if len(un) == 4 and un.isdecimal():
        condition |= Q(un_number=un)
    digits = q.replace(".", "").replace(" ", "")
    if digits.isdecimal() and digits.isascii() and len(digits) <= 10:
        condition |= Q(hs_prefix__startswith=digits) & ~Q(hs_prefix="")
        condition |= Q(hs_prefix__in=[digits[:n] for n in range(4, len(digits) + 1)])
    lowered = q.lower()
    alias_ids = [
        pk
        for pk, aliases in queryset.exclude(aliases=[]).values_list("pk", "aliases")
        if any(lowered in str(alias).lower() for alias in aliases or ())
    ]
    if alias_ids:
        condition |= Q(pk__in=alias_ids)
    return queryset.filter(condition)


class ImportBatchFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="batch_no", lookup_expr="icontains", label=_("Batch number"))
    status = django_filters.MultipleChoiceFilter(choices=BatchStatus.choices, label=_("Status"))
    tier = django_filters.ChoiceFilter(choices=Tier.choices, label=_("Tier"))
    mode = django_filters.ChoiceFilter(choices=BatchMode.choices, label=_("Mode"))
    enterprise = IdFilter(field_name="enterprise", label=_("Operator"))
    platform = IdFilter(field_name="platform", label=_("Platform"))
    warehouse = IdFilter(field_name="warehouse", label=_("Warehouse"))
    port_bureau = django_filters.CharFilter(field_name="port_bureau__code", label=_("Port bureau code"))
    arrival_after = django_filters.DateFilter(field_name="arrival_date", lookup_expr="gte")
    arrival_before = django_filters.DateFilter(field_name="arrival_date", lookup_expr="lte")
    pending_confirmation = django_filters.BooleanFilter(
        method="filter_pending_confirmation", label=_("Lines await an inspector's confirmation")
    )

    class Meta:
        model = ImportBatch
        fields = ["q", "status", "tier", "mode", "enterprise", "platform", "warehouse", "port_bureau"]

    def filter_pending_confirmation(self, queryset, name, value):
        if value is None:
            return queryset
        pending = Exists(ImportItem.objects.filter(batch=OuterRef("pk"), confirmation=Confirmation.PENDING))
        return queryset.filter(pending if value else ~pending)


class ImportItemFilterSet(django_filters.FilterSet):
    tier = django_filters.ChoiceFilter(choices=Tier.choices, label=_("Tier"))
    confirmation = django_filters.ChoiceFilter(choices=Confirmation.choices, label=_("Confirmation"))
    follow_up = django_filters.ChoiceFilter(choices=FollowUp.choices, label=_("Follow-up"))
    product = IdFilter(field_name="product", label=_("Product"))

    class Meta:
        model = ImportItem
        fields = ["tier", "confirmation", "follow_up", "product"]


class ExportDeclarationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    enterprise = IdFilter(field_name="enterprise", label=_("Enterprise"))
    product = IdFilter(field_name="product", label=_("Product"))
    destination_country = django_filters.CharFilter(
        field_name="destination_country", lookup_expr="iexact", label=_("Destination")
    )
    order_no = django_filters.CharFilter(field_name="order_no", lookup_expr="iexact", label=_("Order"))
    hs_code = django_filters.CharFilter(field_name="hs_code", lookup_expr="startswith", label=_("HS code"))
    declared_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    declared_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = ExportDeclaration
        fields = ["q", "enterprise", "product", "destination_country", "order_no", "hs_code"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(order_no__icontains=value) | Q(description__icontains=value))
