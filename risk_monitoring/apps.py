from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskMonitoringConfig(AppConfig):
    """Risk signals from every source, triaged by the competent bureau (issue 10)."""

    name = "risk_monitoring"
    verbose_name = _("Risk monitoring")

    def ready(self) -> None:
        from cbec_supervision import handovers
        from cbec_supervision.home import register_queues
        from risk_monitoring.selectors import home_queues
        from risk_monitoring.services.refusals import risk_signal_from_refusal

        register_queues(home_queues)
        # Refused goods raise a risk signal in the refusing transaction (see cbec_supervision.handovers).
        handovers.connect(handovers.ITEMS_REFUSED, risk_signal_from_refusal)
