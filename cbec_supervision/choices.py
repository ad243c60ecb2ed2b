"""Audit actions: values and how the timeline words them.

``audit_record`` accepts these and nothing else, so every event reads as a sentence on the timeline.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    DELETE = "delete", _("deleted")
    ATTACH = "attach", _("attached a file to")
    SUBMIT = "submit", _("submitted")
    APPROVE = "approve", _("approved")
    RETURN = "return", _("returned for correction")
    REJECT = "reject", _("rejected")
    SUSPEND = "suspend", _("suspended")
    REINSTATE = "reinstate", _("reinstated")
    REVOKE = "revoke", _("revoked")
    WITHDRAW = "withdraw", _("withdrew")
    HEARTBEAT = "heartbeat", _("recorded a heartbeat of")
    HANDOVER = "handover", _("handed over")
    PLACE_UNDER_STRICT_SUPERVISION = "strict_supervision", _("imposed strict supervision on")
    LIFT_STRICT_SUPERVISION = "lift_strict_supervision", _("lifted strict supervision from")
    CONFIRM_SUSPICION = "confirm_suspicion", _("confirmed the suspected prohibited goods match of")
    DISMISS_SUSPICION = "dismiss_suspicion", _("dismissed the suspected prohibited goods match of")
    RECLASSIFY = "reclassify", _("re-classified under a new catalogue edition")
    FLAG_PROHIBITED = "flag_prohibited", _("flagged as prohibited by a new catalogue edition")
    ASSIGN = "assign", _("assigned")
    REASSIGN = "reassign", _("reassigned")
    UNASSIGN = "unassign", _("released the assignment of")
    ACKNOWLEDGE = "acknowledge", _("acknowledged")
    FLAG_OVERDUE = "flag_overdue", _("flagged as overdue")
    # anti-counterfeiting (issue 12)
    DISMISS = "dismiss", _("dismissed")
    REOPEN = "reopen", _("reopened")
    MERGE = "merge", _("merged")
    REVIEW = "review", _("reviewed")
    DECIDE = "decide", _("recorded the decision on")
    SERVE = "serve", _("recorded the service of")
    TRANSFER = "transfer", _("transferred to the judiciary")
    CLOSE = "close", _("closed")
    CORRECT = "correct", _("corrected")
    CUSTODY = "custody", _("recorded a custody event for")
    EXPORT = "export", _("exported an evidence pack of")
