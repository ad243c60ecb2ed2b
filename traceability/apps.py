from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceabilityConfig(AppConfig):
    """Inter-bureau notices (issue 10); investigations, measures and recalls follow (issue 11)."""

    name = "traceability"
    verbose_name = _("Traceability")

    def ready(self) -> None:
        from cbec_supervision.dashboard import register_panels, register_risk_panels
        from cbec_supervision.home import register_queues
        from traceability import notice_objects
        from traceability.selectors import (
            escalation_queues,
            home_queues,
            measure_enterprise_panels,
            measure_home_queues,
            risk_dashboard_panels,
        )

        # A bureau sends a risk signal to another (usually the platform's bureau, issue 10).
        notice_objects.register(
            "risk_signal", "risk_monitoring.RiskSignal", _("Risk signal"), "risk_monitoring:signal_detail"
        )
        # The bureau opening an investigation notifies the lead bureau about it (issue 11).
        notice_objects.register(
            "investigation", "traceability.Investigation", _("Investigation"), "traceability:investigation_detail"
        )
        register_queues(home_queues)
        register_queues(escalation_queues)
        register_queues(measure_home_queues)
        register_panels(measure_enterprise_panels)
        register_risk_panels(risk_dashboard_panels)
