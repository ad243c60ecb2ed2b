"""The FilterSet of counterfeit cases, shared by the HTML list and ``counterfeit-cases/``."""

from __future__ import annotations

import django_filters  # type: ignore[import-untyped]
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from anticounterfeit.choices import CASE_OPEN, CaseDuty, CaseStatus
from anticounterfeit.models import CaseAssignment, CounterfeitCase
from anticounterfeit.selectors import waiting_for
from cbec_supervision.filters import IdFilter, PageFiltersMixin


class CounterfeitCaseFilterSet(PageFiltersMixin, django_filters.FilterSet):
    """Cases: ``?status=notice&status=decided``, ``?open=true``, ``?bureau=ZJ``, ``?brand=``,
    ``?enterprise=<id>`` (the party or an enterprise involved), ``?q=`` (case number, title, brand, party),
    ``?mine=true`` (cases on which I hold a duty now), ``?duty=handler|reviewer|decider`` (those where I hold
    that duty), ``?waiting=true`` (those whose next step is mine: ``anticounterfeit.selectors.waiting_for``)."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=CaseStatus.choices, label=_("Status"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("Open"))
    bureau = django_filters.CharFilter(field_name="bureau__code", label=_("Bureau (code)"))
    brand = django_filters.CharFilter(field_name="brand", lookup_expr="icontains", label=_("Brand"))
    enterprise = IdFilter(method="filter_enterprise", label=_("Enterprise"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("My cases"))
    duty = django_filters.ChoiceFilter(choices=CaseDuty.choices, method="filter_duty", label=_("My duty"))
    waiting = django_filters.BooleanFilter(method="filter_waiting", label=_("Waiting for me"))

    page_fields = ("q", "status", "brand", "mine", "duty", "waiting")

    class Meta:
        model = CounterfeitCase
        fields = ["q", "status", "open", "bureau", "brand", "enterprise", "mine", "duty", "waiting"]

    def _user_id(self):
        user = getattr(self.request, "user", None)
        return user.pk if user is not None and user.is_authenticated else None

    def _held(self, duty: str | None = None) -> Q:
        assignments = CaseAssignment.objects.filter(case=OuterRef("pk"), user_id=self._user_id(), ended_at__isnull=True)
        if duty:
            assignments = assignments.filter(duty=duty)
        return Q(Exists(assignments))

    def filter_mine(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(self._held()) if value else queryset.exclude(self._held())

    def filter_duty(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(self._held(value))

    def filter_waiting(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value is None or user is None or not user.is_authenticated:
            return queryset
        condition = waiting_for(user)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(status__in=CASE_OPEN)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_enterprise(self, queryset, name, value):
        if value is None:
            return queryset
        involved = CounterfeitCase.enterprises.through.objects.filter(
            counterfeitcase_id=OuterRef("pk"), enterprisefiling_id=value
        )
        return queryset.filter(Q(enterprise=value) | Q(Exists(involved)))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(case_no__iexact=value)
            | Q(title__icontains=value)
            | Q(brand__icontains=value)
            | Q(party_name__icontains=value)
            | Q(enterprise__name__icontains=value)
        )
