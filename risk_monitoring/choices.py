"""Values of risk monitoring: where a signal comes from, the hazard, its severity and its triage."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignalSource(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    COMPLAINT = "complaint", _("Complaint")
    ENTERPRISE_REPORT = "enterprise_report", _("Enterprise report")
    OVERSEAS_NOTIFICATION = "overseas_notification", _("Overseas notification")
    SAMPLING = "sampling", _("Sampling")


#: the sources bureau staff enter; an enterprise reports its own risks (``enterprise_report``) only
STAFF_SOURCES = tuple(source for source in SignalSource if source != SignalSource.ENTERPRISE_REPORT)


class Hazard(models.TextChoices):
    CHEMICAL = "chemical", _("Chemical")
    ELECTRIC_SHOCK = "electric_shock", _("Electric shock")
    FIRE = "fire", _("Fire or burns")
    CHOKING = "choking", _("Choking")
    STRANGULATION = "strangulation", _("Strangulation")
    INJURY = "injury", _("Injury")
    LABELLING = "labelling", _("Labelling")
    MICROBIOLOGICAL = "microbiological", _("Microbiological")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


SEVERITY_COLOURS = {Severity.HIGH: "danger", Severity.MEDIUM: "warning", Severity.LOW: "info"}


class SignalStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSESSED = "assessed", _("Assessed")
    HANDED_OVER = "handed_over", _("Handed over to an investigation")
    CLOSED = "closed", _("Closed")


#: status -> statuses it may move to: triage assesses a new signal, then hands it to an
#: investigation or closes it with no action; a new signal may be closed at once (a duplicate)
SIGNAL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    SignalStatus.NEW: (SignalStatus.ASSESSED, SignalStatus.CLOSED),
    SignalStatus.ASSESSED: (SignalStatus.HANDED_OVER, SignalStatus.CLOSED),
    SignalStatus.HANDED_OVER: (),
    SignalStatus.CLOSED: (),
}

#: the statuses of a signal still in a bureau's queue (and that a new refused line joins)
SIGNAL_OPEN = (SignalStatus.NEW, SignalStatus.ASSESSED)

SIGNAL_STATUS_COLOURS = {
    SignalStatus.NEW: "primary",
    SignalStatus.ASSESSED: "warning",
    SignalStatus.HANDED_OVER: "info",
    SignalStatus.CLOSED: "secondary",
}


# --- sampling --------------------------------------------------------------------------------------


class SamplingChannel(models.TextChoices):
    #: bought as a consumer on the platform (网购抽样)
    ONLINE = "online", _("Online (bought on the platform)")
    #: taken in a bonded warehouse or a port (仓储抽样)
    OFFLINE = "offline", _("Offline (warehouse)")


class SamplingPurpose(models.TextChoices):
    ROUTINE = "routine", _("Routine sampling")
    PLAN = "plan", _("Sampling plan")
    #: verification of a third-party report filed with the product (第三方检验结果验证)
    VERIFICATION = "verification", _("Verification of a third-party report")
    SIGNAL = "signal", _("Following up a risk signal")


class SamplingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    SAMPLED = "sampled", _("Sampled")
    AT_LAB = "at_lab", _("At the lab")
    RESULTS_ENTERED = "results_entered", _("Results entered")
    CLOSED = "closed", _("Closed")


#: status -> statuses it may move to. Results may be entered straight after sampling (the API takes a
#: sampling with its results in one step) and corrected while the sampling is not closed.
SAMPLING_TRANSITIONS: dict[str, tuple[str, ...]] = {
    SamplingStatus.PLANNED: (SamplingStatus.SAMPLED,),
    SamplingStatus.SAMPLED: (SamplingStatus.AT_LAB, SamplingStatus.RESULTS_ENTERED),
    SamplingStatus.AT_LAB: (SamplingStatus.RESULTS_ENTERED,),
    SamplingStatus.RESULTS_ENTERED: (SamplingStatus.RESULTS_ENTERED, SamplingStatus.CLOSED),
    SamplingStatus.CLOSED: (),
}

SAMPLING_STATUS_COLOURS = {
    SamplingStatus.PLANNED: "secondary",
    SamplingStatus.SAMPLED: "primary",
    SamplingStatus.AT_LAB: "info",
    SamplingStatus.RESULTS_ENTERED: "warning",
    SamplingStatus.CLOSED: "dark",
}


class SamplingVerdict(models.TextChoices):
    """A sampling's overall verdict, derived from its results: any failing item fails it."""

    PENDING = "pending", _("Pending")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


SAMPLING_VERDICT_COLOURS = {
    SamplingVerdict.PENDING: "secondary",
    SamplingVerdict.PASS: "success",
    SamplingVerdict.FAIL: "danger",
}


class ResultVerdict(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


#: the kind of a sampling's files: the screenshot of the listing and the order (online sampling)
SAMPLING_SCREENSHOT_KIND = "sampling_screenshot"


class LabCheckOutcome(models.TextChoices):
    """What an inspector made of a lab's third-party report: accepted as it is, or verified by a
    sampling of the same product whose verdict agreed (consistent) or not (inconsistent)."""

    ACCEPTED = "accepted", _("Accepted")
    CONSISTENT = "consistent", _("Verified: consistent")
    INCONSISTENT = "inconsistent", _("Verified: inconsistent")


LAB_CHECK_COLOURS = {
    LabCheckOutcome.ACCEPTED: "secondary",
    LabCheckOutcome.CONSISTENT: "success",
    LabCheckOutcome.INCONSISTENT: "danger",
}


class LabCheckContext(models.TextChoices):
    """Where the third-party report was weighed."""

    ONSITE_VERIFICATION = "onsite_verification", _("On-site verification")
    PRODUCT_REVIEW = "product_review", _("Product review")


#: a lab with an inconsistent verification within this many days has its reports verified, not
#: accepted (until a bureau administrator restores it)
LAB_VERIFY_ONLY_DAYS = 365


# --- risk scores -----------------------------------------------------------------------------------


class ScoreSubject(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    PRODUCT = "product", _("Product")
    SUBCATEGORY = "subcategory", _("Product sub-category")


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


RISK_LEVEL_COLOURS = {RiskLevel.HIGH: "danger", RiskLevel.MEDIUM: "warning", RiskLevel.LOW: "success"}


# --- overseas notices and matching to filed goods -------------------------------------------------


class OverseasFeed(models.TextChoices):
    """The published feed an overseas notification came from (its reference is unique within it)."""

    SAFETY_GATE = "safety_gate", _("EU Safety Gate")
    CPSC = "cpsc", _("US CPSC recalls")


class MatchHow(models.TextChoices):
    """How a signal was matched to a filed product (``risk_monitoring.matching``)."""

    GTIN = "gtin", _("GTIN")
    BRAND_MODEL = "brand_model", _("Brand and model")
    NAME = "name", _("Product name")


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


PROPOSAL_STATUS_COLOURS = {
    ProposalStatus.PROPOSED: "warning",
    ProposalStatus.CONFIRMED: "success",
    ProposalStatus.REJECTED: "secondary",
}


# --- sampling plans --------------------------------------------------------------------------------


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


#: status -> statuses it may move to: a draft is adjusted, then published (or dropped: closed);
#: a published plan is sampled, then closed
PLAN_TRANSITIONS: dict[str, tuple[str, ...]] = {
    PlanStatus.DRAFT: (PlanStatus.PUBLISHED, PlanStatus.CLOSED),
    PlanStatus.PUBLISHED: (PlanStatus.CLOSED,),
    PlanStatus.CLOSED: (),
}

PLAN_STATUS_COLOURS: dict[str, str] = {
    PlanStatus.DRAFT: "secondary",
    PlanStatus.PUBLISHED: "primary",
    PlanStatus.CLOSED: "dark",
}


class PlanItemReason(models.TextChoices):
    """Why a product is in a plan (the values ``risk`` and ``random`` are ``risk_monitoring.planning``'s)."""

    RISK = "risk", _("Risk")
    RANDOM = "random", _("Random")
    #: added by an inspector adjusting the draft, with a note
    ADDED = "added", _("Added by an inspector")


PLAN_ITEM_REASON_COLOURS: dict[str, str] = {
    PlanItemReason.RISK: "danger",
    PlanItemReason.RANDOM: "info",
    PlanItemReason.ADDED: "warning",
}
