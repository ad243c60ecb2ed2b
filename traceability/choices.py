"""Values of traceability, with their labels and colours: the one source of truth."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NoticeDirection(models.TextChoices):
    """Which way a notice goes, seen from the reader's bureau."""

    INCOMING = "incoming", _("Incoming")
    OUTGOING = "outgoing", _("Outgoing")


class NoticeState(models.TextChoices):
    """A notice's state as the lists show it (derived from its dates, not stored)."""

    AWAITING = "awaiting", _("Awaiting acknowledgement")
    OVERDUE = "overdue", _("Overdue")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


NOTICE_STATE_COLOURS = {
    NoticeState.AWAITING: "warning",
    NoticeState.OVERDUE: "danger",
    NoticeState.ACKNOWLEDGED: "success",
}


# --- investigations --------------------------------------------------------------------------------


class InvestigationStatus(models.TextChoices):
    # A context: "Opened" alone is the "time opened" column of the lists (发起时间), not a case's state.
    OPENED = "opened", pgettext_lazy("investigation status", "Opened")
    INVESTIGATING = "investigating", _("Investigating")
    MEASURES_DECIDED = "measures_decided", _("Measures decided")
    UNDER_RECTIFICATION = "under_rectification", _("Under rectification")
    CLOSED = "closed", _("Closed")


#: status -> statuses it may move to; a case may be closed from any open status (with findings)
INVESTIGATION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    InvestigationStatus.OPENED: (InvestigationStatus.INVESTIGATING, InvestigationStatus.CLOSED),
    InvestigationStatus.INVESTIGATING: (InvestigationStatus.MEASURES_DECIDED, InvestigationStatus.CLOSED),
    InvestigationStatus.MEASURES_DECIDED: (InvestigationStatus.UNDER_RECTIFICATION, InvestigationStatus.CLOSED),
    InvestigationStatus.UNDER_RECTIFICATION: (InvestigationStatus.CLOSED,),
    InvestigationStatus.CLOSED: (),
}

INVESTIGATION_OPEN = (
    InvestigationStatus.OPENED,
    InvestigationStatus.INVESTIGATING,
    InvestigationStatus.MEASURES_DECIDED,
    InvestigationStatus.UNDER_RECTIFICATION,
)

INVESTIGATION_STATUS_COLOURS = {
    InvestigationStatus.OPENED: "primary",
    InvestigationStatus.INVESTIGATING: "info",
    InvestigationStatus.MEASURES_DECIDED: "warning",
    InvestigationStatus.UNDER_RECTIFICATION: "warning",
    InvestigationStatus.CLOSED: "secondary",
}


class ResponsibleParty(models.TextChoices):
    """Who the findings hold responsible (the enterprise's role in the chain)."""

    OPERATOR = "operator", _("Operator (seller)")
    PLATFORM = "platform", _("Platform")
    LOGISTICS = "logistics", _("Logistics or warehousing")
    MANUFACTURER = "manufacturer", _("Overseas manufacturer")
    OTHER = "other", _("Other")


class InvestigationEventKind(models.TextChoices):
    """What happened on a case: the lines of its timeline."""

    OPENED = "opened", pgettext_lazy("investigation event", "Opened")
    STATUS = "status", _("Status changed")
    REASSIGNED = "reassigned", _("Lead bureau reassigned")
    NOTICE = "notice", _("Notice sent")
    SIGNAL = "signal", _("Signal linked")
    MAJOR = "major", _("Reported as a major case")
    MEASURE = "measure", _("Measure")
    NOTE = "note", _("Note")
    CLOSED = "closed", _("Closed")


# --- measures --------------------------------------------------------------------------------------


class MeasureType(models.TextChoices):
    INTERVIEW = "interview", _("Responsibility interview")
    RECTIFICATION = "rectification", _("Rectification order")
    STRICT_INSPECTION = "strict_inspection", _("Strict inspection and supervision")
    RISK_WARNING = "risk_warning", _("Risk warning")
    DELISTING = "delisting", _("Delisting")
    RETURN = "return", _("Return shipment")
    DESTRUCTION = "destruction", _("Destruction")
    RECALL = "recall", _("Compulsory recall")
    LIABILITY = "liability", _("Liability")


class MeasureStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    COMPLETED = "completed", _("Completed")
    VERIFIED = "verified", _("Verified")
    OVERDUE = "overdue", _("Overdue")


#: status -> statuses it may move to. The enterprise acknowledges, then completes (submits proof); the
#: inspector verifies, or rejects it back to acknowledged with a reason. A measure past its deadline
#: is overdue (a periodic task) and may still be acknowledged or completed.
MEASURE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    MeasureStatus.ISSUED: (MeasureStatus.ACKNOWLEDGED, MeasureStatus.OVERDUE),
    MeasureStatus.ACKNOWLEDGED: (MeasureStatus.COMPLETED, MeasureStatus.OVERDUE),
    MeasureStatus.COMPLETED: (MeasureStatus.VERIFIED, MeasureStatus.ACKNOWLEDGED),
    MeasureStatus.OVERDUE: (MeasureStatus.ACKNOWLEDGED, MeasureStatus.COMPLETED),
    MeasureStatus.VERIFIED: (),
}

MEASURE_OPEN = (MeasureStatus.ISSUED, MeasureStatus.ACKNOWLEDGED, MeasureStatus.COMPLETED, MeasureStatus.OVERDUE)

MEASURE_STATUS_COLOURS = {
    MeasureStatus.ISSUED: "primary",
    MeasureStatus.ACKNOWLEDGED: "info",
    MeasureStatus.COMPLETED: "warning",
    MeasureStatus.VERIFIED: "success",
    MeasureStatus.OVERDUE: "danger",
}


# --- escalation to strict supervision --------------------------------------------------------------


class ProposalStatus(models.TextChoices):
    """A proposal to place an enterprise under strict supervision: open until the bureau admin decides."""

    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


PROPOSAL_STATUS_COLOURS = {
    ProposalStatus.PROPOSED: "warning",
    ProposalStatus.CONFIRMED: "danger",
    ProposalStatus.DISMISSED: "secondary",
}


# --- consumer risk notices -------------------------------------------------------------------------


class ConsumerNoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: status -> statuses it may move to. Bureau staff publish a draft at once; an enterprise submits it
#: and its competent bureau publishes it or returns it to draft with a reason; a published notice
#: may be withdrawn with a reason.
CONSUMER_NOTICE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ConsumerNoticeStatus.DRAFT: (ConsumerNoticeStatus.SUBMITTED, ConsumerNoticeStatus.PUBLISHED),
    ConsumerNoticeStatus.SUBMITTED: (ConsumerNoticeStatus.PUBLISHED, ConsumerNoticeStatus.DRAFT),
    ConsumerNoticeStatus.PUBLISHED: (ConsumerNoticeStatus.WITHDRAWN,),
    ConsumerNoticeStatus.WITHDRAWN: (),
}

CONSUMER_NOTICE_STATUS_COLOURS = {
    ConsumerNoticeStatus.DRAFT: "secondary",
    ConsumerNoticeStatus.SUBMITTED: "warning",
    ConsumerNoticeStatus.PUBLISHED: "success",
    ConsumerNoticeStatus.WITHDRAWN: "dark",
}


class ProofKind(models.TextChoices):
    """The files an enterprise submits as proof of a measure (the attachment's ``kind`` is
    ``measure_<value>``)."""

    INTERVIEW_RECORD = "interview_record", _("Signed interview record")
    RECTIFICATION_REPORT = "rectification_report", _("Rectification report")
    PHOTO = "photo", _("Photos")
    WAREHOUSE_CONFIRMATION = "warehouse_confirmation", _("Warehouse confirmation")
    RETURN_DOCUMENT = "return_document", _("Return shipment documents")
    RECALL_PLAN = "recall_plan", _("Recall plan")
    OTHER = "other", _("Other document")


class ProofRequirement(models.TextChoices):
    """What else than files a measure needs before it may be completed."""

    LISTINGS_CONFIRMED = "listings_confirmed", _("Every listing confirmed taken down by the platform")
    PROGRESS_REPORT = "progress_report", _("A recall progress report (units recovered / units sold)")


#: measure type -> the files (ProofKind) and the other proof (ProofRequirement) it needs to be completed
MEASURE_REQUIRED_PROOF: dict[str, tuple[str, ...]] = {
    MeasureType.INTERVIEW: (ProofKind.INTERVIEW_RECORD,),
    MeasureType.RECTIFICATION: (ProofKind.RECTIFICATION_REPORT,),
    MeasureType.STRICT_INSPECTION: (),
    MeasureType.RISK_WARNING: (),
    MeasureType.DELISTING: (ProofRequirement.LISTINGS_CONFIRMED,),
    MeasureType.RETURN: (ProofKind.RETURN_DOCUMENT,),
    MeasureType.DESTRUCTION: (ProofKind.PHOTO, ProofKind.WAREHOUSE_CONFIRMATION),
    MeasureType.RECALL: (ProofKind.RECALL_PLAN, ProofRequirement.PROGRESS_REPORT),
    MeasureType.LIABILITY: (),
}

#: the measures that may name the platform concerned (it sees them and, for a delisting, confirms)
PLATFORM_MEASURE_TYPES = (MeasureType.DELISTING, MeasureType.RECALL)


class RecallChannel(models.TextChoices):
    """How the buyers of recalled goods were reached."""

    PLATFORM_ORDERS = "platform_orders", _("Platform order records")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    APP_NOTICE = "app_notice", _("App notice")
    PUBLIC_NOTICE = "public_notice", _("Public notice")
    OTHER = "other", _("Other")


class VoluntaryReview(models.TextChoices):
    """The bureau's review of a voluntary recall an enterprise opened itself."""

    PENDING = "pending", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


VOLUNTARY_REVIEW_COLOURS = {
    VoluntaryReview.PENDING: "warning",
    VoluntaryReview.ACCEPTED: "success",
    VoluntaryReview.RETURNED: "danger",
}
