"""FilterSets of catalogues, shared by the HTML pages and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalogues.choices import CatalogueKind
from catalogues.models import CatalogueEdition


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
