"""Values of anti-counterfeiting, with their labels, colours and allowed transitions: the one source
of truth (DOMAIN.md section 6).

The procedure: lead (线索) → case opened (立案, approved) → investigation and evidence (调查取证) →
review (审理) → notice / hearing (告知/听证) → penalty decision (处罚决定) → service (送达) →
enforcement (执行) → closed (结案), with transfer (移送) to the judiciary as a side branch.
Investigation, review and decision are done by different people: the duties of ``CaseDuty``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# --- leads -----------------------------------------------------------------------------------------


class LeadChannel(models.TextChoices):
    """Where a lead came from. Rights holders' and platforms' reports are entered by staff."""

    COMPLAINT = "complaint", _("Complaint")
    RIGHTS_HOLDER = "rights_holder", _("Rights holder")
    PLATFORM = "platform", pgettext_lazy("lead channel", "Platform")
    SAMPLING = "sampling", _("Sampling")
    PORT = "port", _("Customs or port")
    INFORMANT = "informant", _("Informant")
    ONLINE_MONITORING = "online_monitoring", _("Online monitoring")
    OTHER_BUREAU = "other_bureau", _("Another bureau")


class LeadStatus(models.TextChoices):
    NEW = "new", _("Awaiting triage")
    DISMISSED = "dismissed", _("Dismissed")
    MERGED = "merged", _("Merged into a case")


#: status -> statuses it may move to. Triage dismisses a lead (with a reason) or merges it into a case;
#: a dismissed lead may be reopened (with a reason) when new facts come in; a merged lead stays merged.
LEAD_TRANSITIONS: dict[str, tuple[str, ...]] = {
    LeadStatus.NEW: (LeadStatus.DISMISSED, LeadStatus.MERGED),
    LeadStatus.DISMISSED: (LeadStatus.NEW,),
    LeadStatus.MERGED: (),
}

LEAD_STATUS_COLOURS: dict[str, str] = {
    LeadStatus.NEW: "primary",
    LeadStatus.DISMISSED: "secondary",
    LeadStatus.MERGED: "success",
}


class DismissalReason(models.TextChoices):
    """Why a lead was dismissed (the free-text reason says more)."""

    NOT_COUNTERFEIT = "not_counterfeit", _("Goods found genuine")
    INSUFFICIENT = "insufficient", _("Not enough information to act on")
    OUT_OF_JURISDICTION = "out_of_jurisdiction", _("Outside our jurisdiction")
    DUPLICATE = "duplicate", _("Duplicate of another lead")
    OTHER = "other", _("Other")


# --- cases -----------------------------------------------------------------------------------------


class CaseStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval to open")
    NOT_OPENED = "not_opened", _("Not opened")
    INVESTIGATING = "investigating", _("Investigation and evidence")
    REVIEW = "review", pgettext_lazy("case status", "Review")
    NOTICE = "notice", _("Notice and hearing")
    DECIDED = "decided", _("Penalty decided")
    SERVED = "served", _("Decision served")
    ENFORCEMENT = "enforcement", _("Enforcement")
    TRANSFERRED = "transferred", _("Transferred to the judiciary")
    CLOSED = "closed", pgettext_lazy("case status", "Closed")


#: status -> statuses it may move to. Review may send a case back for more investigation; a case may
#: be transferred to the judiciary (移送) from investigation up to the decision; a decision of no
#: penalty has nothing to enforce, so a served case may be closed at once.
CASE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseStatus.PROPOSED: (CaseStatus.INVESTIGATING, CaseStatus.NOT_OPENED),
    CaseStatus.NOT_OPENED: (),
    CaseStatus.INVESTIGATING: (CaseStatus.REVIEW, CaseStatus.TRANSFERRED),
    CaseStatus.REVIEW: (CaseStatus.INVESTIGATING, CaseStatus.NOTICE, CaseStatus.TRANSFERRED),
    CaseStatus.NOTICE: (CaseStatus.DECIDED, CaseStatus.TRANSFERRED),
    CaseStatus.DECIDED: (CaseStatus.SERVED, CaseStatus.TRANSFERRED),
    CaseStatus.SERVED: (CaseStatus.ENFORCEMENT, CaseStatus.CLOSED),
    CaseStatus.ENFORCEMENT: (CaseStatus.CLOSED,),
    CaseStatus.TRANSFERRED: (CaseStatus.CLOSED,),
    CaseStatus.CLOSED: (),
}

#: the statuses in which a case is still being worked on
CASE_OPEN = (
    CaseStatus.PROPOSED,
    CaseStatus.INVESTIGATING,
    CaseStatus.REVIEW,
    CaseStatus.NOTICE,
    CaseStatus.DECIDED,
    CaseStatus.SERVED,
    CaseStatus.ENFORCEMENT,
    CaseStatus.TRANSFERRED,
)

#: the statuses in which evidence may be added or corrected (before the file goes to review)
CASE_COLLECTING = (CaseStatus.PROPOSED, CaseStatus.INVESTIGATING)

#: the procedure in order, for the progress bar of a case page (the side branch and refusals apart)
CASE_PROCEDURE = (
    CaseStatus.PROPOSED,
    CaseStatus.INVESTIGATING,
    CaseStatus.REVIEW,
    CaseStatus.NOTICE,
    CaseStatus.DECIDED,
    CaseStatus.SERVED,
    CaseStatus.ENFORCEMENT,
    CaseStatus.CLOSED,
)

CASE_STATUS_COLOURS: dict[str, str] = {
    CaseStatus.PROPOSED: "primary",
    CaseStatus.NOT_OPENED: "secondary",
    CaseStatus.INVESTIGATING: "info",
    CaseStatus.REVIEW: "warning",
    CaseStatus.NOTICE: "warning",
    CaseStatus.DECIDED: "danger",
    CaseStatus.SERVED: "danger",
    CaseStatus.ENFORCEMENT: "danger",
    CaseStatus.TRANSFERRED: "dark",
    CaseStatus.CLOSED: "secondary",
}


class CaseDuty(models.TextChoices):
    """What a person assigned to a case does. The same person never holds two of them on one case, and
    who has ever handled a case neither reviews nor decides it."""

    HANDLER = "handler", _("Case handler")
    REVIEWER = "reviewer", _("Reviewer")
    DECIDER = "decider", _("Deciding officer")


#: duties one person may not combine on one case (now or ever): every pair of different duties
SEPARATED_DUTIES = frozenset(CaseDuty.values)

#: the Administrative Penalty Law (art. 42): at least two enforcement officers investigate a case
MIN_HANDLERS = 2


class DecisionKind(models.TextChoices):
    PENALTY = "penalty", _("Administrative penalty")
    NO_PENALTY = "no_penalty", _("No penalty")


class ServiceMethod(models.TextChoices):
    """How a decision was served on the party (送达方式)."""

    DIRECT = "direct", _("In person")
    POSTAL = "postal", _("By post")
    ELECTRONIC = "electronic", _("Electronically (with the party's consent)")
    LEFT = "left", _("Left at the address")
    ANNOUNCEMENT = "announcement", _("By public announcement")


class CaseDocumentKind(models.TextChoices):
    """The documents of the procedure (执法文书). Each step writes the one it needs."""

    OPENING_REQUEST = "opening_request", _("Case opening request")
    OPENING_APPROVAL = "opening_approval", _("Case opening approval")
    OPENING_REFUSAL = "opening_refusal", _("Decision not to open a case")
    INVESTIGATION_REPORT = "investigation_report", _("Investigation report")
    REVIEW_OPINION = "review_opinion", _("Review opinion")
    REVIEW_RETURN = "review_return", _("Return for further investigation")
    PENALTY_NOTICE = "penalty_notice", _("Notice of proposed penalty")
    HEARING_RECORD = "hearing_record", _("Hearing record")
    DECISION = "decision", _("Penalty decision")
    SERVICE_RECEIPT = "service_receipt", _("Proof of service")
    ENFORCEMENT_RECORD = "enforcement_record", _("Enforcement record")
    TRANSFER_LETTER = "transfer_letter", _("Transfer to the judiciary")
    CLOSING_REPORT = "closing_report", _("Closing report")


#: the documents a case must hold before it may enter a status (checked by the services; the step's
#: own document is written in the same transaction, before the check)
REQUIRED_DOCUMENTS: dict[str, tuple[str, ...]] = {
    CaseStatus.INVESTIGATING: (CaseDocumentKind.OPENING_REQUEST, CaseDocumentKind.OPENING_APPROVAL),
    CaseStatus.NOT_OPENED: (CaseDocumentKind.OPENING_REFUSAL,),
    CaseStatus.REVIEW: (CaseDocumentKind.INVESTIGATION_REPORT,),
    CaseStatus.NOTICE: (CaseDocumentKind.INVESTIGATION_REPORT, CaseDocumentKind.REVIEW_OPINION),
    CaseStatus.DECIDED: (
        CaseDocumentKind.INVESTIGATION_REPORT,
        CaseDocumentKind.REVIEW_OPINION,
        CaseDocumentKind.PENALTY_NOTICE,
        CaseDocumentKind.DECISION,
    ),
    CaseStatus.SERVED: (CaseDocumentKind.DECISION, CaseDocumentKind.SERVICE_RECEIPT),
    CaseStatus.ENFORCEMENT: (CaseDocumentKind.ENFORCEMENT_RECORD,),
    CaseStatus.TRANSFERRED: (CaseDocumentKind.TRANSFER_LETTER,),
    CaseStatus.CLOSED: (CaseDocumentKind.CLOSING_REPORT,),
}

#: days the party has, once told of the proposed penalty, to ask for a hearing (Administrative Penalty
#: Law art. 64): the decision waits for them unless the party waived the hearing
HEARING_REQUEST_DAYS = 5


# --- evidence --------------------------------------------------------------------------------------


class EvidenceKind(models.TextChoices):
    FILE = "file", _("File")
    PHYSICAL = "physical", _("Physical item")


#: how evidence is commonly collected (offered in the forms; the field takes any text)
EVIDENCE_METHODS = (
    _("On-site inspection"),
    _("Test purchase"),
    _("Notarised purchase"),
    _("Screenshot of the listing"),
    _("Web page preservation"),
    _("Sampling"),
    _("Registration and preservation"),
    _("Seizure"),
    _("Interview record"),
    _("Documents provided by the party"),
    _("Rights holder's identification report"),
)


class CustodyAction(models.TextChoices):
    """One link of the chain of custody: who handed what to whom, when."""

    COLLECTED = "collected", _("Collected")
    HANDED_OVER = "handed_over", _("Handed over")
    STORED = "stored", _("Put in storage")
    SENT_TO_LAB = "sent_to_lab", _("Sent for identification or testing")
    RETURNED = "returned", _("Returned to the case file")
    SEALED = "sealed", _("Sealed")
    UNSEALED = "unsealed", _("Unsealed")
    CORRECTED = "corrected", _("Corrected by a new version")
    RELEASED = "released", _("Released to the party")
    DESTROYED = "destroyed", _("Destroyed under the decision")
