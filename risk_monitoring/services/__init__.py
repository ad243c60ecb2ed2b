"""Every write of risk monitoring (see the modules for the rules)."""

from risk_monitoring.services.complaints import complaint_submit
from risk_monitoring.services.plans import (
    may_plan,
    plan_close,
    plan_draw_matches,
    plan_generate,
    plan_item_add,
    plan_item_change_lab,
    plan_item_link_sampling,
    plan_item_remove,
    plan_publish,
    plan_reproduce,
)
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
    "may_plan",
    "may_triage",
    "plan_close",
    "plan_draw_matches",
    "plan_generate",
    "plan_item_add",
    "plan_item_change_lab",
    "plan_item_link_sampling",
    "plan_item_remove",
    "plan_publish",
    "plan_reproduce",
    "risk_signal_assess",
    "risk_signal_attach",
    "risk_signal_close",
    "risk_signal_create",
    "risk_signal_from_refusal",
    "risk_signal_mark_duplicate",
    "risk_signal_report",
]
