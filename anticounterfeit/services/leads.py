"""Counterfeit leads (issue 12): filing a lead, correcting it while it awaits triage, and triage:
dismissal with a reason, reopening, merging into a case (alone or with its duplicates).

- Bureau staff file a lead for their own bureau (or a bureau of their jurisdiction); headquarters files
  one for a bureau it names by code. Rights holders' and platforms' reports are entered by staff.
- Triage is the lead bureau's business: its staff (or its parent direct bureau's) correct, dismiss,
  reopen and merge a lead; headquarters reads, other bureaus do not see the lead at all.
- Leads about the same brand, enterprise and product share a ``group_key`` (``anticounterfeit.grouping``):
  they are shown together as duplicates and may be merged into one case at once.

Every write locks the lead, is audited in its transaction, and moves it along ``LEAD_TRANSITIONS``.
ValidationError per field; PermissionDenied for the wrong person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.choices import BureauLevel, Role
from accounts.models import Bureau, User
from anticounterfeit.choices import (
    CASE_COLLECTING,
    LEAD_TRANSITIONS,
    CaseDuty,
    DismissalReason,
    LeadChannel,
    LeadStatus,
)
from anticounterfeit.grouping import group_key, is_identifying
from anticounterfeit.models import CaseAssignment, CounterfeitCase, CounterfeitLead
from anticounterfeit.services.lead_merge import lead_merge
from anticounterfeit.services.rights_holders import rights_holder_resolve
from cbec_supervision.attachments import attachment_create
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from cbec_supervision.models import Attachment
from cbec_supervision.workflow import check_transition, require_reason
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling, ProductFiling
from risk_monitoring.models import RiskSignal, Sampling

TITLE_LIMIT = 300
URLS_MAX = 20
URL_LIMIT = 2000
_TEXT_LIMIT = 10000
#: field -> its length limit, for the plain text fields of a lead
_TEXT_FIELDS = {
    "description": _TEXT_LIMIT,
    "brand": 100,
    "seller_name": 200,
    "product_name": 200,
    "reporter_name": 100,
    "reporter_contact": 100,
    "source_reference": 100,
}
#: what a lead's form and ``lead_update`` may change
EDITABLE = (
    "channel",
    "title",
    "description",
    "brand",
    "rights_holder",
    "enterprise",
    "seller_name",
    "product",
    "product_name",
    "urls",
    "reporter_name",
    "reporter_contact",
    "source_reference",
    "signal",
    "sampling",
    "received_at",
)


# --- who may do what -------------------------------------------------------------------------------


def may_file(actor: Actor) -> bool:
    """Bureau staff (for their jurisdiction) and headquarters (for a bureau it names)."""
    if isinstance(actor, str):
        return True
    return actor.is_active and (actor.is_bureau_staff or actor.is_hq)


def may_triage(actor: Actor, lead: CounterfeitLead) -> bool:
    """Staff of the lead's bureau or of its parent direct bureau: not headquarters, not other bureaus."""
    if isinstance(actor, str):
        return False
    return actor.is_active and actor.has_jurisdiction_over(lead.bureau)


def may_edit(actor: Actor, lead: CounterfeitLead) -> bool:
    return lead.status == LeadStatus.NEW and may_triage(actor, lead)


def may_dismiss(actor: Actor, lead: CounterfeitLead) -> bool:
    return LeadStatus.DISMISSED in LEAD_TRANSITIONS.get(lead.status, ()) and may_triage(actor, lead)


def may_reopen(actor: Actor, lead: CounterfeitLead) -> bool:
    return LeadStatus.NEW in LEAD_TRANSITIONS.get(lead.status, ()) and may_triage(actor, lead)


def may_merge(actor: Actor, lead: CounterfeitLead) -> bool:
    return LeadStatus.MERGED in LEAD_TRANSITIONS.get(lead.status, ()) and may_triage(actor, lead)


# --- reads -----------------------------------------------------------------------------------------


def leads_visible_to(user: User) -> QuerySet[CounterfeitLead]:
    """The leads ``user`` may read, each with ``duplicate_count``: the other leads of its group the user
    may read (one subquery, so a list costs the same whatever its length)."""
    visible = CounterfeitLead.objects.visible_to(user)
    others = (
        CounterfeitLead.objects.visible_to(user)
        .filter(group_key=OuterRef("group_key"))
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .values("group_key")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return visible.annotate(  # type: ignore[return-value]  # visible_to keeps the model
        duplicate_count=Coalesce(Subquery(others, output_field=IntegerField()), Value(0), output_field=IntegerField())
    )


def lead_duplicates(user: User, lead: CounterfeitLead) -> QuerySet[CounterfeitLead]:
    """The other leads of ``lead``'s duplicate group that ``user`` may read, newest first."""
    return (
        CounterfeitLead.objects.visible_to(user)
        .filter(group_key=lead.group_key)
        .exclude(pk=lead.pk)
        .select_related("bureau", "enterprise", "product", "case")
        .order_by("-received_at", "-id")
    )


def merge_candidates(user: User) -> QuerySet[CounterfeitCase]:
    """The cases a lead may be merged into by ``user``: still collecting evidence (proposed or
    investigating), visible to the user, and on which the user may work (``duties.may_work``: an active
    handler, or an administrator of the case's bureau). One query."""
    if isinstance(user, str) or not user.is_authenticated:
        return CounterfeitCase.objects.none()
    handler = Exists(
        CaseAssignment.objects.filter(
            case=OuterRef("pk"), user_id=user.pk, duty=CaseDuty.HANDLER, ended_at__isnull=True
        )
    )
    works = Q(handler)
    if user.is_active and user.role == Role.BUREAU_ADMIN:
        works |= Q(bureau__in=user.jurisdiction())
    return (
        CounterfeitCase.objects.visible_to(user)
        .filter(status__in=CASE_COLLECTING)
        .filter(works)
        .select_related("bureau")
        .order_by("-created_at", "-id")
    )


# --- validation ------------------------------------------------------------------------------------


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def _id(value: Any, field: str, errors: dict[str, list[str]]) -> int | None:
    """An id (an int, or digits); None when empty; an error otherwise."""
    value = _pk(value)
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        errors[field] = [_("Give an id.")]
        return None
    return value


def _urls(value: Any, errors: dict[str, list[str]]) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors["urls"] = [_("Give the listing URLs as a list.")]
        return []
    urls: list[str] = []
    for raw in value:
        url = raw.strip()
        if url and url not in urls:
            urls.append(url)
    if len(urls) > URLS_MAX:
        errors["urls"] = [_("At most %(limit)d URLs.") % {"limit": URLS_MAX}]
        return urls
    bad = []
    for url in urls:
        try:
            parts = urlsplit(url)
            ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and len(url) <= URL_LIMIT
            ok = ok and not any(ch.isspace() for ch in url)
        except ValueError:
            ok = False
        if not ok:
            bad.append(url[:80])
    if bad:
        errors["urls"] = [
            _("Give web addresses starting with http:// or https:// (at most %(limit)d characters): %(urls)s")
            % {"limit": URL_LIMIT, "urls": ", ".join(bad)}
        ]
    return urls


def _received_at(value: Any, errors: dict[str, list[str]]) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        parsed = parse_datetime(value.strip()) if value.strip() else None
        if parsed is None:
            errors["received_at"] = [_("Give a date and time.")]
            return None
        value = parsed
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if not isinstance(value, dt.datetime):
        errors["received_at"] = [_("Give a date and time.")]
        return None
    when: dt.datetime = timezone.make_aware(value) if timezone.is_naive(value) else value
    if when > timezone.now() + dt.timedelta(minutes=5):
        errors["received_at"] = [_("The lead cannot be received in the future.")]
    return when


def _clean(actor: Actor, data: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    """The valid values of the fields given in ``data``, the errors per field. The rights holder is
    returned as given (resolved once the rest is valid: resolving a new name records it)."""
    clean: dict[str, Any] = {}
    unknown = sorted(set(data) - set(EDITABLE))
    if unknown:
        errors["non_field_errors"] = [_("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)}]
    if "channel" in data:
        if data["channel"] not in LeadChannel.values:
            errors["channel"] = [_("One of %(values)s.") % {"values": ", ".join(LeadChannel.values)}]
        clean["channel"] = data["channel"]
    if "title" in data:
        title = " ".join(str(data["title"] or "").split())
        if not title:
            errors["title"] = [_("Give a title.")]
        elif len(title) > TITLE_LIMIT:
            errors["title"] = [_("At most %(limit)d characters.") % {"limit": TITLE_LIMIT}]
        clean["title"] = title
    for field, limit in _TEXT_FIELDS.items():
        if field in data:
            text = str(data[field] or "").strip()
            if len(text) > limit:
                errors[field] = [_("At most %(limit)d characters.") % {"limit": limit}]
            clean[field] = text
    if "urls" in data:
        clean["urls"] = _urls(data["urls"], errors)
    if "received_at" in data:
        received = _received_at(data["received_at"], errors)
        if received is not None:
            clean["received_at"] = received
    if "enterprise" in data:
        pk = _id(data["enterprise"], "enterprise", errors)
        enterprise = None
        if pk is not None:
            enterprise = EnterpriseFiling.objects.filter(pk=pk, status=FilingStatus.APPROVED).first()
            if enterprise is None:
                errors["enterprise"] = [_("Name an approved enterprise filing.")]
        clean["enterprise"] = enterprise
    if "product" in data:
        pk = _id(data["product"], "product", errors)
        product = None
        if pk is not None:
            product = (
                ProductFiling.objects.select_related("enterprise").filter(pk=pk, status=FilingStatus.APPROVED).first()
            )
            if product is None:
                errors["product"] = [_("Name an approved product filing.")]
        clean["product"] = product
    if "signal" in data:
        pk = _id(data["signal"], "signal", errors)
        signal = None
        if pk is not None:
            signal = RiskSignal.objects.visible_to(actor).filter(pk=pk).first() if not isinstance(actor, str) else None
            if signal is None:
                errors["signal"] = [_("No such risk signal.")]
        clean["signal"] = signal
    if "sampling" in data:
        pk = _id(data["sampling"], "sampling", errors)
        sampling = None
        if pk is not None:
            sampling = Sampling.objects.visible_to(actor).filter(pk=pk).first() if not isinstance(actor, str) else None
            if sampling is None:
                errors["sampling"] = [_("No such sampling.")]
        clean["sampling"] = sampling
    if "rights_holder" in data:
        value = data["rights_holder"]
        if isinstance(value, str) and len(value.strip()) > 200:
            errors["rights_holder"] = [_("At most %(limit)d characters.") % {"limit": 200}]
        if isinstance(value, bool) or not (value is None or isinstance(value, int | str) or hasattr(value, "pk")):
            errors["rights_holder"] = [_("Give the rights holder's name or id.")]
        clean["rights_holder"] = value
    return clean


def _lead_group_key(lead: CounterfeitLead) -> str:
    """The lead's duplicate group; a lead naming no brand, enterprise nor product is a group of its own."""
    enterprise_ref: int | str | None = lead.enterprise_id or lead.seller_name
    product_ref: int | str | None = lead.product_id or lead.product_name
    if not is_identifying(lead.brand, enterprise_ref, product_ref):
        return hashlib.sha256(f"lead:{lead.pk}".encode()).hexdigest()
    return group_key(lead.brand, enterprise_ref, product_ref)


def _apply(actor: Actor, lead: CounterfeitLead, clean: dict[str, Any]) -> None:
    """Set the cleaned values on ``lead``: the rights holder resolved (recorded when new), the enterprise
    defaulting to the product's."""
    if "rights_holder" in clean:
        lead.rights_holder = rights_holder_resolve(actor=actor, value=clean.pop("rights_holder"))
    for field, value in clean.items():
        setattr(lead, field, value)
    if lead.product is not None and lead.enterprise_id is None:
        lead.enterprise = lead.product.enterprise
    if lead.brand:
        lead.brand = lead.brand.strip()
    elif lead.product is not None and lead.product.brand:
        lead.brand = lead.product.brand[:100]


def _bureau_for(actor: Actor, code: Any, errors: dict[str, list[str]]) -> Bureau | None:
    """The bureau the lead is filed for: the actor's own (or one of its jurisdiction, named by code);
    headquarters names one."""
    code = str(code or "").strip().upper()
    if isinstance(actor, str):
        bureau = Bureau.objects.filter(code=code, is_active=True).first() if code else None
        if bureau is None:
            errors["bureau"] = [_("Name the bureau by its code.")]
        return bureau
    if actor.is_bureau_staff:
        if not code:
            return Bureau.objects.filter(pk=actor.bureau_id or 0).first()
        bureau = actor.jurisdiction().filter(code=code, is_active=True).first()
        if bureau is None:
            errors["bureau"] = [_("Name your bureau or one of its branch bureaus.")]
        return bureau
    if not code:
        errors["bureau"] = [_("Name the bureau the lead is for, by its code.")]
        return None
    bureau = Bureau.objects.filter(code=code, is_active=True).exclude(level=BureauLevel.HQ).first()
    if bureau is None:
        errors["bureau"] = [_("No such bureau.")]
    return bureau


def _locked(lead: CounterfeitLead) -> CounterfeitLead:
    return CounterfeitLead.objects.select_for_update(of=("self",)).select_related("bureau").get(pk=lead.pk)


# --- writes ----------------------------------------------------------------------------------------


@transaction.atomic
def lead_create(
    *,
    actor: Actor,
    channel: str,
    title: str,
    bureau: Bureau | str | None = None,
    **fields: Any,
) -> CounterfeitLead:
    """File a lead: bureau staff for their bureau (or one of its branch bureaus, by code), headquarters
    for the bureau it names by code. ``channel`` a ``LeadChannel``; ``title`` required; ``urls`` a list
    of http(s) addresses; ``enterprise`` and ``product`` approved filings by id (the product's enterprise
    by default); ``rights_holder`` an id or a name (recorded when new); ``signal`` and ``sampling`` ones
    the actor may see. Its duplicate group is computed. Audited."""
    if not may_file(actor):
        raise PermissionDenied(_("Only bureau staff and headquarters file counterfeit leads."))
    errors: dict[str, list[str]] = {}
    bureau_row = bureau if isinstance(bureau, Bureau) else _bureau_for(actor, bureau, errors)
    clean = _clean(actor, {"channel": channel, "title": title, **fields}, errors)
    if errors:
        raise ValidationError(errors)
    lead = CounterfeitLead(bureau=bureau_row, created_by=None if isinstance(actor, str) else actor)
    _apply(actor, lead, clean)
    lead.group_key = "0" * 64
    lead.save()
    lead.group_key = _lead_group_key(lead)
    lead.save(update_fields=["group_key"])
    audit_record(actor=actor, action=AuditAction.CREATE, obj=lead, after=snapshot(lead))
    return lead


@transaction.atomic
def lead_update(*, actor: Actor, lead: CounterfeitLead, **fields: Any) -> CounterfeitLead:
    """Correct a lead awaiting triage (the fields given only), by the staff of its bureau's
    jurisdiction; its duplicate group is computed again. Audited with before and after."""
    lead = _locked(lead)
    if not may_triage(actor, lead):
        raise PermissionDenied(_("Only the staff of the lead's bureau may correct it."))
    if lead.status != LeadStatus.NEW:
        raise ValidationError({"status": [_("Only a lead awaiting triage may be corrected.")]})
    errors: dict[str, list[str]] = {}
    clean = _clean(actor, fields, errors)
    for field in ("channel", "title"):
        if field in fields and field not in errors and not clean.get(field):
            errors[field] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    before = snapshot(lead)
    if "product" in clean and clean["product"] is not None and "enterprise" not in clean:
        # a new product names its own enterprise, unless the enterprise is given too
        clean["enterprise"] = clean["product"].enterprise
    _apply(actor, lead, clean)
    lead.group_key = _lead_group_key(lead)
    lead.save()
    after = snapshot(lead)
    if after != before:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=lead, before=before, after=after)
    return lead


@transaction.atomic
def lead_dismiss(*, actor: Actor, lead: CounterfeitLead, reason: str, note: str = "") -> CounterfeitLead:
    """Dismiss a lead awaiting triage with a reason (a ``DismissalReason``; ``other`` needs a note), by
    the staff of its bureau's jurisdiction. Audited."""
    lead = _locked(lead)
    if not may_triage(actor, lead):
        raise PermissionDenied(_("Only the staff of the lead's bureau may triage it."))
    assert not isinstance(actor, str)
    errors: dict[str, list[str]] = {}
    note = (note or "").strip()
    if not reason:
        errors["reason"] = [_("Give the reason for dismissal.")]
    elif reason not in DismissalReason.values:
        errors["reason"] = [_("One of %(values)s.") % {"values": ", ".join(DismissalReason.values)}]
    elif reason == DismissalReason.OTHER and not note:
        errors["note"] = [_("Say why the lead is dismissed.")]
    if len(note) > _TEXT_LIMIT:
        errors["note"] = [_("At most %(limit)d characters.") % {"limit": _TEXT_LIMIT}]
    if errors:
        raise ValidationError(errors)
    check_transition(lead, LeadStatus.DISMISSED, LEAD_TRANSITIONS)
    before = snapshot(lead)
    lead.status = LeadStatus.DISMISSED
    lead.dismissal_reason = reason
    lead.triage_note = note
    lead.triaged_by = actor
    lead.triaged_at = timezone.now()
    lead.save(update_fields=["status", "dismissal_reason", "triage_note", "triaged_by", "triaged_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.DISMISS,
        obj=lead,
        before=before,
        after=snapshot(lead),
        reason=note or str(DismissalReason(reason).label),
    )
    return lead


@transaction.atomic
def lead_reopen(*, actor: Actor, lead: CounterfeitLead, reason: str) -> CounterfeitLead:
    """Reopen a dismissed lead (new facts came in), with a reason, by the staff of its bureau's
    jurisdiction: it awaits triage again. Audited."""
    lead = _locked(lead)
    if not may_triage(actor, lead):
        raise PermissionDenied(_("Only the staff of the lead's bureau may triage it."))
    reason = require_reason(reason)
    if len(reason) > _TEXT_LIMIT:
        raise ValidationError({"reason": [_("At most %(limit)d characters.") % {"limit": _TEXT_LIMIT}]})
    check_transition(lead, LeadStatus.NEW, LEAD_TRANSITIONS)
    before = snapshot(lead)
    lead.status = LeadStatus.NEW
    lead.dismissal_reason = ""
    lead.triaged_by = None
    lead.triaged_at = None
    lead.save(update_fields=["status", "dismissal_reason", "triaged_by", "triaged_at", "updated_at"])
    audit_record(actor=actor, action=AuditAction.REOPEN, obj=lead, before=before, after=snapshot(lead), reason=reason)
    return lead


@transaction.atomic
def lead_merge_group(
    *, actor: Actor, lead: CounterfeitLead, case: CounterfeitCase, note: str = ""
) -> list[CounterfeitLead]:
    """Merge ``lead`` and every other lead of its duplicate group awaiting triage that the actor may see
    into ``case``, in one transaction (all or none), by the staff of the lead's bureau's jurisdiction who
    may work on the case. Each merge is audited (``lead_merge``). Returns the merged leads, ``lead``
    first."""
    lead = _locked(lead)
    if not may_triage(actor, lead):
        raise PermissionDenied(_("Only the staff of the lead's bureau may triage it."))
    assert not isinstance(actor, str)  # may_triage: a person
    others = list(
        lead_duplicates(actor, lead).filter(status=LeadStatus.NEW).select_for_update(of=("self",)).order_by("pk")
    )
    merged = [lead_merge(actor=actor, lead=lead, case=case, note=note)]
    for other in others:
        merged.append(lead_merge(actor=actor, lead=other, case=case, note=note))
    return merged


def lead_triage_merge(
    *, actor: Actor, lead: CounterfeitLead, case: CounterfeitCase, note: str = "", with_duplicates: bool = False
) -> list[CounterfeitLead]:
    """Triage's merge: the lead alone (``lead_merge``) or with its duplicates (``lead_merge_group``), by
    the staff of the lead's bureau's jurisdiction. Returns the merged leads, ``lead`` first."""
    if with_duplicates:
        return lead_merge_group(actor=actor, lead=lead, case=case, note=note)
    if not may_triage(actor, lead):
        raise PermissionDenied(_("Only the staff of the lead's bureau may triage it."))
    return [lead_merge(actor=actor, lead=lead, case=case, note=note)]


__all__ = [
    "EDITABLE",
    "lead_create",
    "lead_dismiss",
    "lead_duplicates",
    "lead_merge_group",
    "lead_reopen",
    "lead_triage_merge",
    "lead_update",
    "leads_visible_to",
    "may_dismiss",
    "may_edit",
    "may_file",
    "may_merge",
    "may_reopen",
    "may_triage",
    "merge_candidates",
]


#: the kind of the attachments of a lead (screenshots, the rights holder's letter, the complaint)
LEAD_ATTACHMENT_KIND = "lead"


def lead_attachments(lead: CounterfeitLead) -> QuerySet[Attachment]:
    """The lead's attachments, oldest first."""
    return (
        Attachment.objects.for_object(lead)
        .filter(kind=LEAD_ATTACHMENT_KIND)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )


@transaction.atomic
def lead_attach(
    *, actor: Actor, lead: CounterfeitLead, upload: UploadedFile | None, description: str = ""
) -> Attachment:
    """Attach a file to the lead (a screenshot, the rights holder's letter): staff who may triage it, in any
    status (material may come after triage). Type and size checked by content, SHA-256 kept; audited on
    the lead's history."""
    if not may_triage(actor, lead):
        raise PermissionDenied(_("You may not add files to this lead."))
    if upload is None:
        raise ValidationError({"file": [_("Choose a file.")]})
    description = (description or "").strip()
    if len(description) > 255:
        raise ValidationError({"description": [_("At most %(limit)d characters.") % {"limit": 255}]})
    lead = _locked(lead)
    return attachment_create(owner=lead, upload=upload, actor=actor, kind=LEAD_ATTACHMENT_KIND, description=description)
