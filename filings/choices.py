"""Statuses, transitions and labels of filings: the one source of truth."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cbec_supervision.choices import AuditAction


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
#: statuses that end a filing: the enterprise may file again (``enterprise_refile``), once
FILING_ENDED = (FilingStatus.REJECTED, FilingStatus.REVOKED)
#: statuses in which every bureau's staff may read a filing ("file once, shared nationwide"): the
#: filing has a filing number; a suspension or revocation is quality information other bureaus need
FILING_SHARED = (FilingStatus.APPROVED, FilingStatus.SUSPENDED, FilingStatus.REVOKED)

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


class Suspicion(models.TextChoices):
    """A suspected (name-only) tier-1 match on a product filing, and the reviewer's decision on it (rule 1)."""

    NONE = "", _("None")
    PENDING = "pending", _("To be confirmed or dismissed")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


SUSPICION_COLOURS: dict[str, str] = {
    Suspicion.PENDING: "warning",
    Suspicion.CONFIRMED: "danger",
    Suspicion.DISMISSED: "secondary",
}


class SupervisionLevel(models.TextChoices):
    NORMAL = "normal", _("Normal")
    STRICT = "strict", _("Strict")


class GoodsCategory(models.TextChoices):
    LIGHT_INDUSTRY = "light_industry", _("Light industry")
    TEXTILE = "textile", _("Textile")
    ELECTRICAL = "electrical", _("Electrical and electronic")


class ProductSubcategory(models.TextChoices):
    """Sub-categories that sampling plans and hazards are organised by (DOMAIN.md section 4)."""

    TOYS = "toys", _("Toys")
    CHILDREN_PRODUCTS = "children_products", _("Children's products (other than toys)")
    FOOD_CONTACT = "food_contact", _("Kitchenware and food-contact articles")
    STATIONERY = "stationery", _("Stationery")
    FOOTWEAR = "footwear", _("Footwear")
    LUGGAGE = "luggage", _("Bags and luggage")
    FURNITURE = "furniture", _("Furniture")
    LIGHT_OTHER = "light_other", _("Other light-industry goods")
    CHILDRENS_CLOTHING = "childrens_clothing", _("Infant and children's clothing")
    CLOTHING = "clothing", _("Clothing")
    HOME_TEXTILES = "home_textiles", _("Home textiles")
    TEXTILE_OTHER = "textile_other", _("Other textiles")
    SMALL_APPLIANCES = "small_appliances", _("Small household appliances")
    POWER_BANKS = "power_banks", _("Power banks")
    CHARGERS = "chargers", _("Chargers and power adapters")
    LIGHTING = "lighting", _("Lamps and lighting")
    AUDIO_VIDEO = "audio_video", _("Audio and video equipment")
    IT_EQUIPMENT = "it_equipment", _("Information technology equipment")
    ELECTRICAL_OTHER = "electrical_other", _("Other electrical goods")


#: which category each sub-category belongs to
SUBCATEGORY_CATEGORY: dict[str, str] = {
    ProductSubcategory.TOYS: GoodsCategory.LIGHT_INDUSTRY,
    ProductSubcategory.CHILDREN_PRODUCTS: GoodsCategory.LIGHT_INDUSTRY,
    ProductSubcategory.FOOD_CONTACT: GoodsCategory.LIGHT_INDUSTRY,
    ProductSubcategory.STATIONERY: GoodsCategory.LIGHT_INDUSTRY,
    ProductSubcategory.FOOTWEAR: GoodsCategory.LIGHT_INDUSTRY,
    ProductSubcategory.LUGGAGE: GoodsCategory.LIGHT_INDUSTRY,
    ProductSubcategory.FURNITURE: GoodsCategory.LIGHT_INDUSTRY,
    ProductSubcategory.LIGHT_OTHER: GoodsCategory.LIGHT_INDUSTRY,
    ProductSubcategory.CHILDRENS_CLOTHING: GoodsCategory.TEXTILE,
    ProductSubcategory.CLOTHING: GoodsCategory.TEXTILE,
    ProductSubcategory.HOME_TEXTILES: GoodsCategory.TEXTILE,
    ProductSubcategory.TEXTILE_OTHER: GoodsCategory.TEXTILE,
    ProductSubcategory.SMALL_APPLIANCES: GoodsCategory.ELECTRICAL,
    ProductSubcategory.POWER_BANKS: GoodsCategory.ELECTRICAL,
    ProductSubcategory.CHARGERS: GoodsCategory.ELECTRICAL,
    ProductSubcategory.LIGHTING: GoodsCategory.ELECTRICAL,
    ProductSubcategory.AUDIO_VIDEO: GoodsCategory.ELECTRICAL,
    ProductSubcategory.IT_EQUIPMENT: GoodsCategory.ELECTRICAL,
    ProductSubcategory.ELECTRICAL_OTHER: GoodsCategory.ELECTRICAL,
}


class EnterpriseSystem(models.TextChoices):
    """The enterprise's own systems it declares on filing; the last two are for platforms."""

    QUALITY_MANAGEMENT = "quality_management", _("Quality management system")
    RISK_REPORTING_RECALL = "risk_reporting_recall", _("Proactive risk reporting and recall system")
    TRACEABILITY = "traceability", _("Traceability system")
    CONSUMER_PROTECTION = "consumer_protection", _("Consumer protection system")
    SELLER_ADMISSION_EXIT = "seller_admission_exit", _("Seller admission and exit rules")
    COMPLAINT_HANDLING = "complaint_handling", _("Complaint handling system")


PLATFORM_SYSTEMS = (EnterpriseSystem.SELLER_ADMISSION_EXIT, EnterpriseSystem.COMPLAINT_HANDLING)
#: attachment kind of the signed quality-integrity pledge
PLEDGE_KIND = "pledge"
#: attachment kinds of product documents
LABEL_KIND = "chinese_label"
TEST_REPORT_KIND = "test_report"


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", pgettext_lazy("change request", "Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


CHANGE_REQUEST_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ChangeRequestStatus.PENDING: (
        ChangeRequestStatus.APPROVED,
        ChangeRequestStatus.REJECTED,
        ChangeRequestStatus.WITHDRAWN,
    ),
    ChangeRequestStatus.APPROVED: (),
    ChangeRequestStatus.REJECTED: (),
    ChangeRequestStatus.WITHDRAWN: (),
}
CHANGE_REQUEST_COLOURS: dict[str, str] = {
    ChangeRequestStatus.PENDING: "primary",
    ChangeRequestStatus.APPROVED: "success",
    ChangeRequestStatus.REJECTED: "danger",
    ChangeRequestStatus.WITHDRAWN: "secondary",
}


class TestVerdict(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


TEST_VERDICT_COLOURS: dict[str, str] = {TestVerdict.PASS: "success", TestVerdict.FAIL: "danger"}


class SequenceKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise filing")
    PRODUCT = "product", _("Product filing")
    IMPORT_BATCH = "import_batch", _("Import batch")


class FilingAction(models.TextChoices):
    """The competent bureau's decisions on an enterprise or product filing."""

    APPROVE = "approve", _("Approve")
    RETURN = "return", _("Return for correction")
    REJECT = "reject", _("Reject")
    SUSPEND = "suspend", _("Suspend")
    REINSTATE = "reinstate", _("Reinstate")
    REVOKE = "revoke", _("Revoke")


@dataclass(frozen=True)
class FilingDecision:
    """What one decision does: from which statuses, to which, what it asks and what it leaves behind."""

    action: str
    sources: tuple[str, ...]
    target: str
    reason_required: bool
    #: the notification sent to the enterprise's users is ``"<enterprise|product>_<notice>"``
    notice: str
    audit_action: str
    #: the decision's button: Bootstrap colour and Bootstrap icon
    colour: str
    icon: str

    @property
    def label(self) -> str:
        return FilingAction(self.action).label

    def notification_kind(self, noun: str) -> str:
        """The notification kind for ``noun`` "enterprise" or "product", e.g. ``product_suspended``."""
        return f"{noun}_{self.notice}"


#: the one table of decisions on filings (the decision service, the API actions and the buttons read it)
FILING_DECISIONS: dict[str, FilingDecision] = {
    d.action: d
    for d in (
        FilingDecision(
            FilingAction.APPROVE,
            (FilingStatus.SUBMITTED,),
            FilingStatus.APPROVED,
            False,
            "approved",
            AuditAction.APPROVE,
            "success",
            "check-lg",
        ),
        FilingDecision(
            FilingAction.RETURN,
            (FilingStatus.SUBMITTED,),
            FilingStatus.RETURNED,
            True,
            "returned",
            AuditAction.RETURN,
            "warning",
            "arrow-return-left",
        ),
        FilingDecision(
            FilingAction.REJECT,
            (FilingStatus.SUBMITTED,),
            FilingStatus.REJECTED,
            True,
            "rejected",
            AuditAction.REJECT,
            "danger",
            "x-octagon",
        ),
        FilingDecision(
            FilingAction.SUSPEND,
            (FilingStatus.APPROVED,),
            FilingStatus.SUSPENDED,
            True,
            "suspended",
            AuditAction.SUSPEND,
            "warning",
            "pause-circle",
        ),
        FilingDecision(
            FilingAction.REINSTATE,
            (FilingStatus.SUSPENDED,),
            FilingStatus.APPROVED,
            False,
            "reinstated",
            AuditAction.REINSTATE,
            "success",
            "play-circle",
        ),
        FilingDecision(
            FilingAction.REVOKE,
            (FilingStatus.APPROVED, FilingStatus.SUSPENDED),
            FilingStatus.REVOKED,
            True,
            "revoked",
            AuditAction.REVOKE,
            "dark",
            "slash-circle",
        ),
    )
}

#: the action word audited for each move of a filing's status (submitting, then every decision)
TRANSITION_ACTIONS: dict[tuple[str, str], str] = {
    (FilingStatus.DRAFT, FilingStatus.SUBMITTED): AuditAction.SUBMIT,
    (FilingStatus.RETURNED, FilingStatus.SUBMITTED): AuditAction.SUBMIT,
    **{
        (source, decision.target): decision.audit_action
        for decision in FILING_DECISIONS.values()
        for source in decision.sources
    },
}
#: moves that need a written reason
REASON_REQUIRED = {d.target for d in FILING_DECISIONS.values() if d.reason_required}


def filing_decision_for(current: str, target: str) -> FilingDecision | None:
    """The decision that moves a filing from ``current`` to ``target`` (None when no decision does)."""
    return next(
        (d for d in FILING_DECISIONS.values() if d.target == target and current in d.sources),
        None,
    )
