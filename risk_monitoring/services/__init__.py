"""Every write of risk monitoring (see the modules for the rules)."""

from risk_monitoring.services.complaints import complaint_submit
from risk_monitoring.services.refusals import risk_signal_from_refusal
from risk_monitoring.services.signals import (
    may_attach,
    may_triage,
    risk_signal_assess,
    risk_signal_attach,
    risk_signal_close,
    risk_signal_create,
    risk_signal_mark_duplicate,
    risk_signal_report,
)

__all__ = [
    "complaint_submit",
    "may_attach",
    "may_triage",
    "risk_signal_assess",
    "risk_signal_attach",
    "risk_signal_close",
    "risk_signal_create",
    "risk_signal_from_refusal",
    "risk_signal_mark_duplicate",
    "risk_signal_report",
]
