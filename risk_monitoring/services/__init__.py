"""Every write of risk monitoring (see the modules for the rules)."""

from risk_monitoring.services.labs import (
    accept_refusal,
    lab_check_from_verification,
    lab_reports_accept,
    lab_trust_restore,
    lab_verification_order,
    may_restore,
)
from risk_monitoring.services.refusals import risk_signal_from_refusal
from risk_monitoring.services.samplings import (
    derive_verdict,
    lab_for_name,
    may_act,
    sampling_attach_screenshot,
    sampling_close,
    sampling_create,
    sampling_enter_results,
    sampling_send_to_lab,
    sampling_take,
)
from risk_monitoring.services.signals import (
    may_attach,
    may_triage,
    risk_signal_assess,
    risk_signal_attach,
    risk_signal_close,
    risk_signal_create,
    risk_signal_mark_duplicate,
    risk_signal_raise,
    risk_signal_report,
)

__all__ = [
    "accept_refusal",
    "derive_verdict",
    "lab_check_from_verification",
    "lab_for_name",
    "lab_reports_accept",
    "lab_trust_restore",
    "lab_verification_order",
    "may_act",
    "may_restore",
    "risk_signal_raise",
    "sampling_attach_screenshot",
    "sampling_close",
    "sampling_create",
    "sampling_enter_results",
    "sampling_send_to_lab",
    "sampling_take",
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
