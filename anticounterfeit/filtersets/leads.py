"""The FilterSets of counterfeit leads and rights holders, shared by the HTML lists and the API."""

from __future__ import annotations

import django_filters  # type: ignore[import-untyped]
from django import forms
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from anticounterfeit.choices import LeadChannel, LeadStatus
from anticounterfeit.grouping import normalise_brand
from anticounterfeit.models import CounterfeitLead, RightsHolder
from cbec_supervision.filters import IdFilter, PageFiltersMixin
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling
from filings.pickers import enterprise_picker_widget


class CounterfeitLeadFilterSet(PageFiltersMixin, django_filters.FilterSet):
    """Leads, for the HTML list and ``counterfeit-leads/``: ``?status=new&status=dismissed``,
    ``?channel=``, ``?brand=`` (width, case, spaces and trademark signs ignored), ``?enterprise=<id>``,
    ``?bureau=ZJ``, ``?group=<group_key>`` (one duplicate group), ``?q=`` (title, seller, goods, brand,
    source reference), ``?received_after=`` / ``?received_before=`` (dates)."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=LeadStatus.choices, label=_("Status"))
    channel = django_filters.MultipleChoiceFilter(choices=LeadChannel.choices, label=_("Channel"))
    brand = django_filters.CharFilter(method="filter_brand", label=_("Brand"))
    enterprise = IdFilter(field_name="enterprise", label=_("Enterprise"))
    bureau = django_filters.CharFilter(field_name="bureau__code", lookup_expr="iexact", label=_("Bureau (code)"))
    group = django_filters.CharFilter(method="filter_group", label=_("Duplicate group"))
    received_after = django_filters.DateFilter(
        field_name="received_at",
        lookup_expr="date__gte",
        label=_("Received from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_before = django_filters.DateFilter(
        field_name="received_at",
        lookup_expr="date__lte",
        label=_("Received until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    page_fields = ("q", "status", "channel", "brand", "enterprise", "bureau", "received_after", "received_before")

    class Meta:
        model = CounterfeitLead
        fields = [
            "q",
            "status",
            "channel",
            "brand",
            "enterprise",
            "bureau",
            "group",
            "received_after",
            "received_before",
        ]

    def page_widgets(self) -> dict:
        return {"enterprise": enterprise_picker_widget(EnterpriseFiling.objects.filter(status=FilingStatus.APPROVED))}

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(brand__icontains=value)
            | Q(seller_name__icontains=value)
            | Q(product_name__icontains=value)
            | Q(enterprise__name__icontains=value)
            | Q(source_reference__iexact=value)
        )

    def filter_brand(self, queryset, name, value):
        """The brand as written, or any spelling of it (``ＮＩＫＥ®`` finds ``Nike``)."""
        value = value.strip()
        if not value:
            return queryset
        wanted = normalise_brand(value)
        # Spellings differ in width, case, spaces and signs: narrow in SQL by the plain text, then keep
        # the rows whose normalised brand matches (a page is small).
        matches = Q(brand__iexact=value)
        if wanted:
            matches |= Q(brand__icontains=wanted) | Q(pk__in=self._brand_ids(queryset, wanted))
        return queryset.filter(matches)

    @staticmethod
    def _brand_ids(queryset, wanted: str) -> list[int]:
        brands = {
            brand
            for brand in queryset.model.objects.exclude(brand="").values_list("brand", flat=True).distinct()[:5000]
            if normalise_brand(brand) == wanted
        }
        if not brands:
            return []
        return list(queryset.model.objects.filter(brand__in=brands).values_list("pk", flat=True)[:10000])

    def filter_group(self, queryset, name, value):
        value = value.strip().lower()
        if len(value) != 64 or any(ch not in "0123456789abcdef" for ch in value):
            return queryset.none()
        return queryset.filter(group_key=value)


class RightsHolderFilterSet(PageFiltersMixin, django_filters.FilterSet):
    """Rights holders: ``?q=`` (name, agent, a brand), ``?country=US``."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    country = django_filters.CharFilter(field_name="country", lookup_expr="iexact", label=_("Country (code)"))

    page_fields = ("q", "country")

    class Meta:
        model = RightsHolder
        fields = ["q", "country"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.annotate(brands_text=Cast("brands", TextField())).filter(
            Q(name__icontains=value) | Q(authorised_agent__icontains=value) | Q(brands_text__icontains=value)
        )
