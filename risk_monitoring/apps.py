from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskMonitoringConfig(AppConfig):
    """Risk signals from every source, triaged by the competent bureau (issue 10)."""

    name = "risk_monitoring"
    verbose_name = _("Risk monitoring")

    def ready(self) -> None:
        from cbec_supervision import handovers
        from cbec_supervision.dashboard import register_panels
        from cbec_supervision.home import register_queues
        from risk_monitoring.selectors import home_queues, score_panels
        from risk_monitoring.services.refusals import risk_signal_from_refusal
        from risk_monitoring.services.score_events import risk_scores_on_supervision_change

        register_queues(home_queues)
        register_panels(score_panels)
        # Refused goods raise a risk signal in the refusing transaction (see cbec_supervision.handovers).
        handovers.connect(handovers.ITEMS_REFUSED, risk_signal_from_refusal)
        # A change of supervision level moves the enterprise's risk scores (recomputed after the commit).
        handovers.connect(handovers.SUPERVISION_LEVEL_CHANGED, risk_scores_on_supervision_change)
