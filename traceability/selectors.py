"""Reads of traceability that other parts of the project show: the home queue of incoming notices,
and the notices about an object (on its page)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.models import Bureau
from cbec_supervision.dashboard import Figure, Panel, PanelItem, RiskScope
from cbec_supervision.home import Queue
from cbec_supervision.models import Attachment
from traceability.choices import MeasureStatus, ProposalStatus, VoluntaryReview
from traceability.models import (
    ConsumerNotice,
    InterBureauNotice,
    Investigation,
    Measure,
    RecallProgress,
    StrictSupervisionProposal,
)

if TYPE_CHECKING:
    from accounts.models import User


def home_queues(user: User) -> list[Queue]:
    """Unacknowledged notices to a bureau of the user's jurisdiction (bureau staff, rank 127), and the
    open investigations a bureau of the user's jurisdiction leads (rank 126)."""
    if not user.is_bureau_staff:
        return []
    count = InterBureauNotice.objects.incoming_for(user).unacknowledged().count()
    led = Investigation.objects.open().filter(lead_bureau__in=user.jurisdiction()).count()
    return [
        Queue(
            _("Investigations to lead"),
            led,
            f"{reverse('traceability:investigation_list')}?open=true&mine=true",
            "primary" if led else "secondary",
            _("open investigations your bureau leads"),
            rank=126,
        ),
        Queue(
            _("Notices to acknowledge"),
            count,
            f"{reverse('traceability:notice_list')}?direction=incoming&acknowledged=false",
            "warning" if count else "secondary",
            _("notices from other bureaus awaiting your bureau's acknowledgement"),
            rank=127,
        ),
    ]


def notices_about(obj: models.Model, user: User) -> list[InterBureauNotice]:
    """The notices about ``obj`` that ``user`` may read, newest first."""
    visible = InterBureauNotice.objects.visible_to(user)
    about = InterBureauNotice.objects.about(obj)
    return list((visible & about).select_related("from_bureau", "to_bureau").order_by("-sent_at", "-id"))


def risk_dashboard_panels(user: User, scope: RiskScope) -> list[Panel]:
    """The risk dashboard's overdue inter-bureau notices (not acknowledged by their due date), in one
    aggregate query. A bureau view counts those its jurisdiction was sent (to acknowledge) and those it
    sent (awaiting the other bureau); the national view counts every overdue notice the reader may see
    (headquarters: all of them, as the issue asks)."""
    if not (user.is_bureau_staff or user.is_hq):
        return []
    overdue = InterBureauNotice.objects.overdue().filter(pk__in=InterBureauNotice.objects.visible_to(user).values("pk"))
    base = reverse("traceability:notice_list")
    if scope.national:
        total = overdue.count()
        items = [
            PanelItem(
                _("Overdue notices"),
                Figure(total, f"{base}?overdue=true"),
                "danger" if total else "secondary",
                _("not acknowledged by their due date, between any two bureaus"),
            )
        ]
    else:
        jurisdiction = Bureau.objects.jurisdiction_of(scope.bureau_id).values("pk")
        counts = overdue.aggregate(
            incoming=Count("pk", filter=Q(to_bureau__in=jurisdiction)),
            outgoing=Count("pk", filter=Q(from_bureau__in=jurisdiction)),
        )
        own = user.is_bureau_staff and user.bureau_id == scope.bureau_id
        # A bureau's staff filter by direction (their jurisdiction); headquarters looking at a bureau
        # filter by its code.
        incoming_url = (
            f"{base}?direction=incoming&overdue=true" if own else f"{base}?to_bureau={scope.bureau_code}&overdue=true"
        )
        outgoing_url = (
            f"{base}?direction=outgoing&overdue=true" if own else f"{base}?from_bureau={scope.bureau_code}&overdue=true"
        )
        items = [
            PanelItem(
                _("Overdue: to acknowledge"),
                Figure(counts["incoming"], incoming_url),
                "danger" if counts["incoming"] else "secondary",
                _("notices from other bureaus this jurisdiction has not acknowledged by their due date"),
                rank=1,
            ),
            PanelItem(
                _("Overdue: sent, not acknowledged"),
                Figure(counts["outgoing"], outgoing_url),
                "warning" if counts["outgoing"] else "secondary",
                _("notices this jurisdiction sent that the other bureau has not acknowledged by their due date"),
                rank=2,
            ),
        ]
    return [Panel("overdue_notices", _("Inter-bureau notices"), 10, items)]


def escalation_queues(user: User) -> list[Queue]:
    """Bureau administrators: open strict-supervision proposals for enterprises of their jurisdiction;
    bureau staff: enterprises' consumer risk notices awaiting review."""
    if not user.is_bureau_staff:
        return []
    queues = []
    if user.role == Role.BUREAU_ADMIN:
        count = StrictSupervisionProposal.objects.visible_to(user).filter(status=ProposalStatus.PROPOSED).count()
        queues.append(
            Queue(
                _("Strict supervision proposals"),
                count,
                f"{reverse('traceability:escalation_list')}?status=proposed",
                "danger" if count else "secondary",
                _("enterprises with repeated confirmed quality problems, to confirm or dismiss"),
                rank=128,
            )
        )
    review = ConsumerNotice.objects.filter(bureau__in=user.jurisdiction()).awaiting_review().count()
    queues.append(
        Queue(
            _("Consumer risk notices to review"),
            review,
            f"{reverse('traceability:consumer_notice_list')}?status=submitted",
            "warning" if review else "secondary",
            _("notices enterprises submitted for publication"),
            rank=129,
        )
    )
    return queues


# --- measures --------------------------------------------------------------------------------------


def measure_home_queues(user: User) -> list[Queue]:
    """Bureau staff: measures completed awaiting their bureau's verification (rank 128)."""
    if not user.is_bureau_staff:
        return []
    jurisdiction = user.jurisdiction()
    count = (
        Measure.objects.filter(status=MeasureStatus.COMPLETED)
        .filter(
            Q(investigation__lead_bureau__in=jurisdiction)
            | Q(investigation__isnull=True, enterprise__bureau__in=jurisdiction)
        )
        .count()
    )
    return [
        Queue(
            _("Measures to verify"),
            count,
            f"{reverse('traceability:measure_list')}?status={MeasureStatus.COMPLETED}",
            "warning" if count else "secondary",
            _("measures the enterprises completed, awaiting your bureau's verification"),
            rank=128,
        )
    ]


def measure_enterprise_panels(user: User) -> list[Panel]:
    """An enterprise: the measures to act on (addressed to it, or a platform's delistings on its sellers'
    goods) that are not completed, among what needs its action."""
    if not user.is_enterprise_user or not user.enterprise_id:
        return []
    count = (
        Measure.objects.visible_to(user)
        .filter(status__in=(MeasureStatus.ISSUED, MeasureStatus.ACKNOWLEDGED, MeasureStatus.OVERDUE))
        .exclude(voluntary=True, review_status__in=(VoluntaryReview.PENDING, VoluntaryReview.RETURNED))
        .count()
    )
    item = PanelItem(
        _("Measures to act on"),
        Figure(count, reverse("traceability:measure_list")),
        "danger" if count else "secondary",
        _("measures ordered to your enterprise (or on your sellers' goods) not completed yet"),
        rank=50,
    )
    return [Panel("action", _("What needs your action"), 100, [item])]


def measure_attachments(measure: Measure) -> list[Attachment]:
    """The measure's proof files, in the order they came."""
    return list(Attachment.objects.for_object(measure).select_related("uploaded_by").order_by("uploaded_at", "pk"))


def recovery_chart(reports: list[RecallProgress]) -> dict[str, Any]:
    """A recall's recovery rate over time, for the chart (``json_script``): dates and percentages."""
    return {
        "labels": [report.reported_on.isoformat() for report in reports],
        "rates": [round(report.recovery_rate * 100, 1) for report in reports],
    }


def investigation_measures(investigation_id: int, user: User) -> list[Measure]:
    """The measures of an investigation the user may read, with each recall's progress reports (for the
    investigation's page: ``traceability/includes/investigation_measures.html``), in two queries."""
    return list(
        Measure.objects.visible_to(user)
        .filter(investigation_id=investigation_id)
        .select_related("enterprise", "platform")
        .prefetch_related("progress_reports")
        .order_by("deadline", "pk")
    )
