"""The FilterSet of inter-bureau notices, shared by the HTML list and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cbec_supervision.filters import IdFilter, PageFiltersMixin
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling
from filings.pickers import enterprise_picker_widget
from traceability import notice_objects
from traceability.choices import (
    INVESTIGATION_OPEN,
    InvestigationStatus,
    MeasureStatus,
    MeasureType,
    NoticeDirection,
    VoluntaryReview,
)
from traceability.models import InterBureauNotice, Investigation, Measure


class InterBureauNoticeFilterSet(PageFiltersMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    direction = django_filters.ChoiceFilter(
        choices=NoticeDirection.choices, method="filter_direction", label=_("Direction")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    acknowledged = django_filters.BooleanFilter(method="filter_acknowledged", label=_("Acknowledged"))
    object_type = django_filters.ChoiceFilter(choices=[], label=_("About"))
    object_id = django_filters.NumberFilter(min_value=1, max_value=2**63 - 1, label=_("Object id"))
    from_bureau = django_filters.CharFilter(field_name="from_bureau__code", label=_("From bureau (code)"))
    to_bureau = django_filters.CharFilter(field_name="to_bureau__code", label=_("To bureau (code)"))

    page_fields = ("q", "direction", "overdue", "acknowledged", "object_type")

    class Meta:
        model = InterBureauNotice
        fields = ["q", "direction", "overdue", "acknowledged", "object_type", "object_id", "from_bureau", "to_bureau"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The registered object types, read when the filter is used (apps register them in ``ready``).
        object_type = self.filters["object_type"]
        object_type.extra["choices"] = notice_objects.choices()
        # A form field built before (the API schema builds the base filters' fields) holds the choices
        # of that moment, and is copied with the filter: build it again from the registry.
        object_type.__dict__.pop("_field", None)

    def filter_q(self, queryset, name, value):
        """The subject, or a bureau's code or name."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(subject__icontains=value)
            | Q(from_bureau__code__iexact=value)
            | Q(to_bureau__code__iexact=value)
            | Q(from_bureau__name__icontains=value)
            | Q(to_bureau__name__icontains=value)
        )

    def filter_direction(self, queryset, name, value):
        """``incoming``: to a bureau of the reader's jurisdiction; ``outgoing``: from one. Headquarters
        oversees rather than receives: its incoming is empty, its outgoing what its own bureau sent."""
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        if value == NoticeDirection.INCOMING:
            return queryset.filter(pk__in=InterBureauNotice.objects.incoming_for(user).values("pk"))
        return queryset.filter(pk__in=InterBureauNotice.objects.outgoing_for(user).values("pk"))

    def filter_overdue(self, queryset, name, value):
        """Overdue: not acknowledged and past due; false: the others."""
        if value is None:
            return queryset
        condition = Q(acknowledged_at__isnull=True, due_at__lt=timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_acknowledged(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(acknowledged_at__isnull=not value)


class InvestigationFilterSet(PageFiltersMixin, django_filters.FilterSet):
    """Investigations, for the HTML list and ``investigations/``: ``?status=opened&status=investigating``,
    ``?lead_bureau=ZJ``, ``?notifying_bureau=GD``, ``?major=true``, ``?enterprise=<id>`` (the operator, the
    platform or the responsible enterprise), ``?open=true``, ``?q=`` (case number, title, enterprise name)."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=InvestigationStatus.choices, label=_("Status"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("Open"))
    lead_bureau = django_filters.CharFilter(field_name="lead_bureau__code", label=_("Lead bureau (code)"))
    notifying_bureau = django_filters.CharFilter(
        field_name="notifying_bureau__code", label=_("Notifying bureau (code)")
    )
    major = django_filters.BooleanFilter(field_name="major", label=_("Major case"))
    enterprise = IdFilter(method="filter_enterprise", label=_("Enterprise"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Led by my bureau"))

    page_fields = ("q", "status", "lead_bureau", "notifying_bureau", "major", "enterprise", "mine")

    class Meta:
        model = Investigation
        fields = ["q", "status", "open", "lead_bureau", "notifying_bureau", "major", "enterprise", "mine"]

    def filter_mine(self, queryset, name, value):
        """Led by a bureau of the reader's jurisdiction (bureau staff; nothing for anyone else)."""
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(lead_bureau__in=user.jurisdiction())

    def page_widgets(self) -> dict:
        return {"enterprise": enterprise_picker_widget(EnterpriseFiling.objects.filter(status=FilingStatus.APPROVED))}

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(case_no__iexact=value)
            | Q(title__icontains=value)
            | Q(enterprise__name__icontains=value)
            | Q(platform__name__icontains=value)
        )

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(status__in=INVESTIGATION_OPEN)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_enterprise(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Q(enterprise=value) | Q(platform=value) | Q(responsible_enterprise=value))


class MeasureFilterSet(PageFiltersMixin, django_filters.FilterSet):
    """Measures: by type, status, enterprise, investigation, overdue (shared by the list page and the API)."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    type = django_filters.ChoiceFilter(choices=MeasureType.choices, label=_("Measure"))
    status = django_filters.ChoiceFilter(choices=MeasureStatus.choices, label=_("Status"))
    enterprise = django_filters.NumberFilter(min_value=1, max_value=2**63 - 1, label=_("Enterprise (filing id)"))
    investigation = django_filters.NumberFilter(min_value=1, max_value=2**63 - 1, label=_("Investigation (id)"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    voluntary = django_filters.BooleanFilter(label=_("Voluntary recall"))
    review_status = django_filters.ChoiceFilter(choices=VoluntaryReview.choices, label=_("Review"))

    page_fields = ("q", "type", "status", "overdue")

    class Meta:
        model = Measure
        fields = ["q", "type", "status", "enterprise", "investigation", "overdue", "voluntary", "review_status"]

    def filter_q(self, queryset, name, value):
        """The description, the enterprise's name or the case number."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(description__icontains=value)
            | Q(enterprise__name__icontains=value)
            | Q(investigation__case_no__iexact=value)
        )

    def filter_overdue(self, queryset, name, value):
        """Overdue: flagged overdue, or open (not completed) past the deadline; false: the others."""
        if value is None:
            return queryset
        condition = Q(status=MeasureStatus.OVERDUE) | Q(
            status__in=(MeasureStatus.ISSUED, MeasureStatus.ACKNOWLEDGED), deadline__lt=timezone.now()
        )
        return queryset.filter(condition) if value else queryset.exclude(condition)
