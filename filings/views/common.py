"""Helpers the filing pages share: ownership checks, decisions, labels, attachments.

Every object is looked up through ``visible_to(request.user)`` (outside it: 404). Writes are POSTs
that call one service; a refusal (ValidationError, PermissionDenied) is shown on the form it came
from or as a message, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from catalogues.choices import Tier
from cbec_supervision.models import Attachment
from filings.choices import (
    FILING_DECISIONS,
    FILING_EDITABLE,
    LABEL_KIND,
    PLEDGE_KIND,
    TEST_REPORT_KIND,
    EnterpriseSystem,
    EnterpriseType,
    FilingStatus,
    GoodsCategory,
    ProductSubcategory,
)
from filings.models import ChangeRequest, EnterpriseFiling, ProductFiling

TIER_LABELS = dict(Tier.choices)
#: rows shown per section of the review queue; the lists hold the rest
REVIEW_QUEUE_LIMIT = 200


# --- helpers ------------------------------------------------------------------------------------


def _is_own(user, enterprise_id: int) -> bool:
    return user.is_enterprise_user and user.enterprise_id == enterprise_id


def _own_enterprise_or_404(request, pk: int) -> EnterpriseFiling:
    filing = get_object_or_404(EnterpriseFiling.objects.visible_to(request.user).select_related("bureau"), pk=pk)
    if not _is_own(request.user, filing.pk):
        raise Http404
    return filing


def _visible_product(request, pk: int) -> ProductFiling:
    queryset = ProductFiling.objects.visible_to(request.user).select_related(
        "enterprise__bureau", "decided_by", "suspicion_decided_by"
    )
    return get_object_or_404(queryset, pk=pk)


def _own_product_or_404(request, pk: int) -> ProductFiling:
    product = _visible_product(request, pk)
    if not _is_own(request.user, product.enterprise_id):
        raise Http404
    return product


@dataclass(frozen=True)
class Decision:
    action: str
    status: str
    label: str
    colour: str
    icon: str
    needs_reason: bool


_DECISION_DONE = {
    "approve": gettext_lazy("Approved. Filing number: %(filing_no)s."),
    "return": gettext_lazy("Returned for correction; the enterprise has been notified."),
    "reject": gettext_lazy("Rejected; the enterprise has been notified."),
    "suspend": gettext_lazy("Suspended; the enterprise has been notified."),
    "reinstate": gettext_lazy("Reinstated; the filing is in force again."),
    "revoke": gettext_lazy("Revoked; the enterprise has been notified."),
}


def _decision(rule) -> Decision:
    return Decision(rule.action, rule.target, rule.label, rule.colour, rule.icon, rule.reason_required)


def _decisions(obj) -> list[Decision]:
    """The decisions the review workflow allows from the object's current status."""
    return [_decision(rule) for rule in FILING_DECISIONS.values() if obj.status in rule.sources]


def _decision_or_404(action: str) -> Decision:
    """The decision named ``action`` (whatever the status: the service judges the transition)."""
    if action not in FILING_DECISIONS:
        raise Http404
    return _decision(FILING_DECISIONS[action])


def _display(field: str, value) -> str:
    """A stored filing value as people read it."""
    labels = {
        "types": EnterpriseType,
        "main_categories": GoodsCategory,
        "systems": EnterpriseSystem,
        "category": GoodsCategory,
        "subcategory": ProductSubcategory,
    }
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field in labels:
        choices = dict(labels[field].choices)
        items = value if isinstance(value, list) else [value]
        return "; ".join(str(choices.get(item, item)) for item in items)
    if field == "origin_country":
        return f"{countries.name(value) or value} ({value})"
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)


def _field_label(model, field: str) -> str:
    if field == "types":
        return _("Enterprise type")
    try:
        return capfirst(model._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field


_KIND_LABELS = {
    PLEDGE_KIND: gettext_lazy("Signed quality-integrity pledge"),
    LABEL_KIND: gettext_lazy("Chinese label"),
    TEST_REPORT_KIND: gettext_lazy("Test report"),
    **dict(EnterpriseSystem.choices),
}


def _attachments(obj) -> list[Attachment]:
    """The object's attachments in one query, each with a readable ``kind_label``."""
    rows = list(Attachment.objects.for_object(obj).select_related("uploaded_by"))
    for row in rows:
        row.kind_label = _KIND_LABELS.get(row.kind, row.kind)
    return rows


def _checks_missing(obj) -> bool:
    """The checklist matters while the enterprise completes the filing and while the bureau reviews it."""
    return obj.status in (*FILING_EDITABLE, FilingStatus.SUBMITTED)


def _days_waiting(since: dt.datetime | None) -> int | None:
    return None if since is None else (timezone.now() - since).days


def _change_requests(queryset, user):
    """A filing's change requests the user may see: they stay with the competent bureau and the
    enterprise, while an approved filing is read by every bureau."""
    queryset = queryset.filter(pk__in=ChangeRequest.objects.visible_to(user).values("pk"))
    return queryset.select_related("submitted_by", "decided_by", "product").order_by("-created_at", "-id")
