"""FilterSets of catalogues, shared by the HTML pages and the API."""

from __future__ import annotations

import json
from functools import cache

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalogues.choices import CatalogueKind
from catalogues.files import CHEMICAL
from catalogues.models import CatalogueEdition, CatalogueEntry
from cbec_supervision.filters import IdFilter


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


class CatalogueEntryFilterSet(django_filters.FilterSet):
    """The entries of a catalogue edition: one search for the page and the API.

    ``q`` finds an entry by its name or an alias (any case, Chinese or English), its CAS number,
    serial number, UN number (``1203`` or ``UN1203``), class or remark, and by HS code both ways:
    a code finds the entries whose prefix it starts with (``9503008900`` finds heading 9503), a
    prefix the entries under it (``95`` finds 9503).
    """

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    highly_toxic = django_filters.BooleanFilter(field_name="highly_toxic", label=_("Highly toxic"))
    entry = IdFilter(field_name="pk", widget=forms.HiddenInput)

    #: filters that mean something only for some layouts of catalogue file (see ``for_layout``)
    layout_filters = {"highly_toxic": {CHEMICAL}}

    class Meta:
        model = CatalogueEntry
        fields = ["q", "highly_toxic", "entry"]

    @classmethod
    @cache
    def for_layout(cls, layout: str) -> type[CatalogueEntryFilterSet]:
        """The same FilterSet, without the filters a catalogue of ``layout`` has no use for (its form
        offers only what applies, e.g. no "highly toxic" choice on an HS-based list)."""
        dropped = [name for name, layouts in cls.layout_filters.items() if layout not in layouts]
        if not dropped:
            return cls
        meta = type("Meta", (cls.Meta,), {"fields": [f for f in cls.Meta.fields if f not in dropped]})
        return type(f"{layout.title()}{cls.__name__}", (cls,), {"Meta": meta, **dict.fromkeys(dropped)})

    def filter_q(self, queryset, name, value):
        return queryset.filter(entry_search_condition(value)) if value.strip() else queryset


def entry_search_condition(q: str) -> Q:
    """The condition of ``CatalogueEntryFilterSet``'s ``q`` (see there); ``q`` must not be blank."""
    q = q.strip()
    condition = Q(name__icontains=q) | Q(cas=q) | Q(seq=q) | Q(category__icontains=q) | Q(remark__icontains=q)
    if '"' not in q and "\\" not in q:
        # Aliases are a JSON list, searched as its text; a quote or backslash would match its syntax.
        # SQLite keeps JSON text with non-ASCII characters escaped (\uXXXX); PostgreSQL does not.
        condition |= Q(aliases__icontains=q) | Q(aliases__icontains=json.dumps(q)[1:-1])
    un = q.upper().removeprefix("UN").strip()
    if len(un) == 4 and un.isdecimal() and un.isascii():
        condition |= Q(un_number=un)
    digits = q.replace(".", "").replace(" ", "")
    if digits.isdecimal() and digits.isascii() and len(digits) <= 10:
        condition |= Q(hs_prefix__startswith=digits) & ~Q(hs_prefix="")
        condition |= Q(hs_prefix__in=[digits[:n] for n in range(4, len(digits) + 1)])
    return condition
