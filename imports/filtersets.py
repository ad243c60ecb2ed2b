"""FilterSets of import batches, their lines and export declarations, shared by the HTML lists and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.pickers import bureau_picker_widget
from catalogues.choices import FollowUp, Tier
from cbec_supervision.filters import IdFilter, PageFiltersMixin
from imports.choices import BatchMode, BatchStatus, Confirmation, ItemStatus, VerificationStatus
from imports.models import ExportDeclaration, ImportBatch, ImportItem


class ImportBatchFilterSet(PageFiltersMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=BatchStatus.choices, label=_("Status"))
    tier = django_filters.ChoiceFilter(choices=Tier.choices, label=_("Tier"))
    mode = django_filters.ChoiceFilter(choices=BatchMode.choices, label=_("Mode"))
    enterprise = IdFilter(field_name="enterprise", label=_("Operator"))
    platform = IdFilter(field_name="platform", label=_("Platform"))
    warehouse = IdFilter(field_name="warehouse", label=_("Warehouse"))
    port_bureau = django_filters.CharFilter(field_name="port_bureau__code", label=_("Port bureau"))
    uscc = django_filters.CharFilter(
        field_name="enterprise__uscc", lookup_expr="iexact", label=_("Operator credit code")
    )
    arrival_after = django_filters.DateFilter(field_name="arrival_date", lookup_expr="gte")
    arrival_before = django_filters.DateFilter(field_name="arrival_date", lookup_expr="lte")
    pending_confirmation = django_filters.BooleanFilter(
        method="filter_pending_confirmation", label=_("Lines await an inspector's confirmation")
    )
    verification = django_filters.ChoiceFilter(
        field_name="verification__status", choices=VerificationStatus.choices, label=_("On-site verification")
    )
    sent_to_verification = django_filters.BooleanFilter(
        field_name="verification", lookup_expr="isnull", exclude=True, label=_("Sent to on-site verification")
    )
    # Dates of declaration, in Asia/Shanghai (the current time zone): the dashboards' months and weeks.
    declared_after = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("Declared from")
    )
    declared_before = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("Declared to")
    )
    line_tier = django_filters.ChoiceFilter(
        choices=Tier.choices, method="filter_line_tier", label=_("With lines in tier")
    )
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Port bureau in my jurisdiction"))

    page_fields = ("q", "status", "tier", "mode", "port_bureau", "uscc")
    staff_only = ("uscc",)

    class Meta:
        model = ImportBatch
        fields = ["q", "status", "tier", "mode", "enterprise", "platform", "warehouse", "port_bureau", "verification"]

    def page_widgets(self):
        return {"port_bureau": bureau_picker_widget()}

    def filter_q(self, queryset, name, value):
        """The batch number, or the operator's name."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(batch_no__icontains=value) | Q(enterprise__name__icontains=value))

    def filter_line_tier(self, queryset, name, value):
        """Batches with at least one line in the tier (a batch's own tier is its most severe line's)."""
        if not value:
            return queryset
        return queryset.filter(Exists(ImportItem.objects.filter(batch=OuterRef("pk"), tier=value)))

    def filter_mine(self, queryset, name, value):
        """With ``mine``, a bureau's staff keep the batches entering through a port of their jurisdiction
        (they also see their enterprises' batches entering elsewhere). Others: no change."""
        user = getattr(self.request, "user", None)
        if not value or user is None or not getattr(user, "is_bureau_staff", False):
            return queryset
        return queryset.filter(port_bureau__in=user.jurisdiction())

    def filter_pending_confirmation(self, queryset, name, value):
        if value is None:
            return queryset
        pending = Exists(ImportItem.objects.filter(batch=OuterRef("pk"), confirmation=Confirmation.PENDING))
        return queryset.filter(pending if value else ~pending)


class ImportItemFilterSet(django_filters.FilterSet):
    tier = django_filters.ChoiceFilter(choices=Tier.choices, label=_("Tier"))
    confirmation = django_filters.ChoiceFilter(choices=Confirmation.choices, label=_("Confirmation"))
    status = django_filters.ChoiceFilter(choices=ItemStatus.choices, label=_("Status"))
    follow_up = django_filters.ChoiceFilter(choices=FollowUp.choices, label=_("Follow-up"))
    product = IdFilter(field_name="product", label=_("Product"))

    class Meta:
        model = ImportItem
        fields = ["tier", "confirmation", "status", "follow_up", "product"]


class ExportDeclarationFilterSet(PageFiltersMixin, django_filters.FilterSet):
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
    uscc = django_filters.CharFilter(field_name="enterprise__uscc", lookup_expr="iexact", label=_("Credit code"))

    page_fields = ("q", "destination_country", "hs_code", "uscc")
    staff_only = ("uscc",)

    class Meta:
        model = ExportDeclaration
        fields = ["q", "enterprise", "product", "destination_country", "order_no", "hs_code"]

    def filter_q(self, queryset, name, value):
        """The order number, the description, or the enterprise's name."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(order_no__icontains=value) | Q(description__icontains=value) | Q(enterprise__name__icontains=value)
        )
