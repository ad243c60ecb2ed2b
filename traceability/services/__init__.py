"""Every write of traceability (see the modules for the rules): inter-bureau notices (issue 10) and
investigations (issue 11)."""

from traceability.services.investigations import (
    investigation_add_signals,
    investigation_advance,
    investigation_close,
    investigation_flag_major,
    investigation_note,
    investigation_open,
    investigation_reassign,
    lead_bureau_for,
    may_flag_major,
    may_lead,
    may_open,
    may_reassign,
    may_take_part,
)
from traceability.services.notices import (
    default_due_at,
    due_working_days,
    may_acknowledge,
    may_send,
    notice_acknowledge,
    notice_send,
    notices_flag_overdue,
)

__all__ = [
    "default_due_at",
    "due_working_days",
    "investigation_add_signals",
    "investigation_advance",
    "investigation_close",
    "investigation_flag_major",
    "investigation_note",
    "investigation_open",
    "investigation_reassign",
    "lead_bureau_for",
    "may_acknowledge",
    "may_flag_major",
    "may_lead",
    "may_open",
    "may_reassign",
    "may_send",
    "may_take_part",
    "notice_acknowledge",
    "notice_send",
    "notices_flag_overdue",
]
