"""Statuses, transitions and labels of filings: the one source of truth."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseType(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    PLATFORM = "platform", _("Platform")
    LOGISTICS = "logistics", _("Logistics and warehousing enterprise")


class FilingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for correction")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


#: status -> statuses it may move to (the review workflow of DOMAIN.md section 1)
FILING_TRANSITIONS: dict[str, tuple[str, ...]] = {
    FilingStatus.DRAFT: (FilingStatus.SUBMITTED,),
    FilingStatus.SUBMITTED: (FilingStatus.APPROVED, FilingStatus.RETURNED, FilingStatus.REJECTED),
    FilingStatus.RETURNED: (FilingStatus.SUBMITTED,),
    FilingStatus.APPROVED: (FilingStatus.SUSPENDED, FilingStatus.REVOKED),
    FilingStatus.SUSPENDED: (FilingStatus.APPROVED, FilingStatus.REVOKED),
    FilingStatus.REJECTED: (),
    FilingStatus.REVOKED: (),
}
#: statuses in which the enterprise may still edit its filing directly
FILING_EDITABLE = (FilingStatus.DRAFT, FilingStatus.RETURNED)

#: Bootstrap colour of each status badge
FILING_STATUS_COLOURS: dict[str, str] = {
    FilingStatus.DRAFT: "secondary",
    FilingStatus.SUBMITTED: "primary",
    FilingStatus.APPROVED: "success",
    FilingStatus.RETURNED: "warning",
    FilingStatus.REJECTED: "danger",
    FilingStatus.SUSPENDED: "warning",
    FilingStatus.REVOKED: "dark",
}


class SupervisionLevel(models.TextChoices):
    NORMAL = "normal", _("Normal")
    STRICT = "strict", _("Strict")
