"""Reads of risk monitoring that other parts of the project show: the bureau's signal queue and the
enterprise's own risk score on its home page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cbec_supervision.dashboard import Figure, Panel, PanelItem
from cbec_supervision.home import Queue
from risk_monitoring.choices import ScoreSubject
from risk_monitoring.models import RiskScore, RiskSignal

if TYPE_CHECKING:
    from accounts.models import User


def home_queues(user: User) -> list[Queue]:
    """Open risk signals about enterprises of the bureau's jurisdiction (bureau staff, rank 125), and
    the way to the risk dashboard (bureau staff and headquarters, rank 126: no query)."""
    if not (user.is_bureau_staff or user.is_hq):
        return []
    dashboard = Queue(
        _("Risk dashboard"),
        0,
        reverse("risk_monitoring:dashboard"),
        "info",
        _("signals by source and category, sampling failure rates, top risks"),
        display=pgettext_lazy("risk dashboard card", "Charts"),
        rank=126,
    )
    if not user.is_bureau_staff:
        return [dashboard]
    count = RiskSignal.objects.queue_of(user).count()
    return [
        Queue(
            _("Risk signals to triage"),
            count,
            f"{reverse('risk_monitoring:signal_list')}?mine=true",
            "danger" if count else "secondary",
            _("new and assessed signals about enterprises of your jurisdiction"),
            rank=125,
        ),
        dashboard,
    ]


def score_panels(user: User) -> list[Panel]:
    """An enterprise user reaches its own risk score from its home page: its score and level, a link
    to how it is made up (nothing until its first score is computed)."""
    if not (user.is_enterprise_user and user.enterprise_id):
        return []
    score = (
        RiskScore.objects.visible_to(user)
        .filter(is_current=True, subject_type=ScoreSubject.ENTERPRISE, subject_id=str(user.enterprise_id))
        .first()
    )
    if score is None:
        return []
    item = PanelItem(
        _("My risk score"),
        Figure(int(score.score), reverse("risk_monitoring:score_detail", args=[score.subject_type, score.subject_id])),
        score.level_colour,
        _("how the bureaus' risk score of your enterprise is made up"),
        display=f"{int(score.score)} · {score.get_level_display()}",
        rank=10,
    )
    return [Panel("risk", _("Risk"), 400, [item])]
