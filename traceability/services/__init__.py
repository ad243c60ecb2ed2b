"""Services of traceability: every write, in one transaction, audited inside it.

- ``notices``: inter-bureau notices (issue 10);
- ``measures``: measures on investigations, recall progress, delisting confirmations, voluntary recalls (issue 11).
"""

from traceability.services.measures import (
    may_act_as_enterprise,
    may_confirm_delisting,
    may_issue,
    may_review_voluntary,
    may_verify,
    measure_acknowledge,
    measure_attach,
    measure_confirm_delisting,
    measure_issue,
    measure_reject,
    measure_report_progress,
    measure_respond,
    measure_review,
    measure_verify,
    measure_voluntary_open,
    measures_flag_low_recovery,
    measures_flag_overdue,
    missing_proof,
    recall_min_rate,
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
    "may_acknowledge",
    "may_act_as_enterprise",
    "may_confirm_delisting",
    "may_issue",
    "may_review_voluntary",
    "may_send",
    "may_verify",
    "measure_acknowledge",
    "measure_attach",
    "measure_confirm_delisting",
    "measure_issue",
    "measure_reject",
    "measure_report_progress",
    "measure_respond",
    "measure_review",
    "measure_verify",
    "measure_voluntary_open",
    "measures_flag_low_recovery",
    "measures_flag_overdue",
    "missing_proof",
    "notice_acknowledge",
    "notice_send",
    "notices_flag_overdue",
    "recall_min_rate",
]
