"""Evidence of a case: added by its handlers while the case is collecting (a file, its SHA-256 taken on
upload and checked by content, or a physical item), corrected by a new version with a reason (the old
row and file kept), exported as an evidence pack (``anticounterfeit.packs``).

Every item and every correction writes a custody event (``collected``, ``corrected``) in the same
transaction, with the case's row locked (which also numbers the items). Nothing is half-saved: on any
error no row is written and no stored file is left behind.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from anticounterfeit import custody, packs
from anticounterfeit.choices import CASE_COLLECTING, CustodyAction, EvidenceKind
from anticounterfeit.duties import is_handler
from anticounterfeit.models import CounterfeitCase, CustodyEvent, Evidence, EvidencePack
from anticounterfeit.services.custody import append_event, party_limit
from cbec_supervision.attachments import check_upload
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction

#: the fields describing an item that a correction may change (the kind and number stay)
CORRECTABLE_FIELDS = (
    "collected_at",
    "place",
    "method",
    "description",
    "witnesses",
    "quantity",
    "unit",
    "storage_location",
    "seal_no",
)
_TEXT_FIELDS = ("place", "method", "description", "witnesses", "unit", "storage_location", "seal_no")
_TEXT_LIMIT = 10000

#: what evidence may be besides the attachments' types: interview recordings and phone videos (checked by
#: content like the others)
EVIDENCE_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".wav": "audio/x-wav",
    ".amr": "audio/amr",
    ".mov": "video/quicktime",
    ".3gp": "video/3gpp",
    ".avi": "video/x-msvideo",
    ".heic": "image/heic",
}


def _limit(name: str) -> int:
    return int(getattr(Evidence._meta.get_field(name), "max_length", None) or _TEXT_LIMIT)


def _may_collect(case: CounterfeitCase, actor: Actor) -> None:
    if not is_handler(case, actor):
        raise PermissionDenied(_("Only a handler of the case adds or corrects its evidence."))
    if case.status not in CASE_COLLECTING:
        raise ValidationError(
            _("Evidence is added or corrected only while the case is being investigated (now: %(status)s).")
            % {"status": case.get_status_display()}
        )


def _check_fields(values: dict[str, Any], kind: str, upload: UploadedFile | None, *, new_file: bool) -> dict:
    """The per-field errors of an item's description (and its file, when ``new_file``)."""
    errors: dict[str, list[str]] = {}
    for name in _TEXT_FIELDS:
        value = values.get(name) or ""
        if not isinstance(value, str):
            errors[name] = [_("Enter text.")]
        elif len(value) > _limit(name):
            errors[name] = [_("At most %(limit)s characters.") % {"limit": _limit(name)}]
    collected_at = values.get("collected_at")
    if problem := custody.instant_problem(collected_at):
        errors["collected_at"] = [problem]
    elif isinstance(collected_at, dt.datetime) and collected_at > timezone.now():
        errors["collected_at"] = [_("The time of collection may not be in the future.")]
    if kind == EvidenceKind.PHYSICAL:
        if upload is not None:
            errors["file"] = [_("A physical item has no file: describe it, or add the file as an item of its own.")]
        quantity = values.get("quantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            errors["quantity"] = [_("Give the quantity of the physical item (at least 1).")]
        if not (values.get("description") or "").strip():
            errors["description"] = [_("Describe the physical item.")]
    elif new_file and upload is None:
        errors["file"] = [_("Choose the file.")]
    elif values.get("quantity") is not None:
        errors["quantity"] = [_("Only a physical item has a quantity.")]
    return errors


def _store(evidence: Evidence, upload: UploadedFile, mime: str, sha256: str) -> None:
    evidence.original_name = PurePath(upload.name or "file").name[: _limit("original_name")]
    evidence.mime_type = mime
    evidence.size = upload.size
    evidence.sha256 = sha256
    evidence.file.save(evidence.original_name, upload, save=False)


def _save_all_or_nothing(evidence: Evidence, stored: bool, then: Any) -> Any:
    """Save the row and run ``then()``; on any error remove the file stored for it (the transaction
    takes the rows back)."""
    try:
        evidence.save()
        return then()
    except BaseException:
        if stored and evidence.file:
            evidence.file.delete(save=False)
        raise


@transaction.atomic
def evidence_add(
    *,
    actor: Actor,
    case: CounterfeitCase,
    upload: UploadedFile | None = None,
    kind: str = EvidenceKind.FILE,
    collected_at: dt.datetime | None = None,
    place: str = "",
    method: str = "",
    description: str = "",
    witnesses: str = "",
    quantity: int | None = None,
    unit: str = "",
    storage_location: str = "",
    seal_no: str = "",
) -> Evidence:
    """Add an item of evidence to a case: by an active handler while the case is collecting (proposed or
    under investigation). A file is checked by content and size (``EVIDENCE_MAX_BYTES``) and its SHA-256
    stored; a physical item needs a quantity and a description, and no file. ``collected_at`` defaults to
    now and may not be in the future nor before 2000. The item gets the next number in the case; a
    ``collected`` custody event is appended (from the place, to the collector: each cut to the event's
    field length, the item keeps the whole place); audited on the case."""
    case = CounterfeitCase.objects.select_for_update().get(pk=case.pk)
    _may_collect(case, actor)
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": [_("Choose a file or a physical item.")]})
    values: dict[str, Any] = {
        "collected_at": collected_at or timezone.now(),
        "place": place,
        "method": method,
        "description": description,
        "witnesses": witnesses,
        "quantity": quantity,
        "unit": unit,
        "storage_location": storage_location,
        "seal_no": seal_no,
    }
    errors = _check_fields(values, kind, upload, new_file=True)
    mime = sha256 = ""
    if kind == EvidenceKind.FILE and upload is not None and "file" not in errors:
        try:
            mime, sha256 = check_upload(upload, max_bytes=settings.EVIDENCE_MAX_BYTES, more_types=EVIDENCE_TYPES)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    person = None if isinstance(actor, str) else actor
    if person is None:
        raise PermissionDenied(_("Only a handler of the case adds or corrects its evidence."))
    number = (Evidence.objects.filter(case=case).aggregate(last=Max("number"))["last"] or 0) + 1
    evidence = Evidence(
        case=case,
        number=number,
        version=1,
        kind=kind,
        collected_by=person,
        created_by=person,
        **{name: values[name] or ("" if name != "quantity" else None) for name in CORRECTABLE_FIELDS},
    )
    evidence.collected_at = values["collected_at"]
    if kind == EvidenceKind.FILE and upload is not None:
        _store(evidence, upload, mime, sha256)

    def then() -> Evidence:
        append_event(
            actor=actor,
            case=case,
            evidence=evidence,
            action=CustodyAction.COLLECTED,
            at=evidence.collected_at,
            from_party=place[: party_limit("from_party")],
            to_party=(person.get_full_name() or person.get_username())[: party_limit("to_party")],
            to_user=person,
            place=place,
            note=method,
        )
        audit_record(actor=actor, action=AuditAction.CREATE, obj=evidence, after=snapshot(evidence), related=case)
        return evidence

    result: Evidence = _save_all_or_nothing(evidence, kind == EvidenceKind.FILE, then)
    return result


@transaction.atomic
def evidence_correct(
    *, actor: Actor, evidence: Evidence, reason: str, upload: UploadedFile | None = None, **fields: Any
) -> Evidence:
    """Correct an item by a new version: the same number, the next version, ``supersedes`` the current
    one, with the reason (required). Only the current version is corrected; the old row and its file are
    kept. ``fields`` change any of ``CORRECTABLE_FIELDS``; a new ``upload`` replaces a file item's content
    (checked and hashed like an upload), else the file stays the same. A ``corrected`` custody event is
    appended; audited on the case with the version before and after."""
    case = CounterfeitCase.objects.select_for_update().get(pk=evidence.case_id)
    _may_collect(case, actor)
    unknown = set(fields) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This cannot be corrected.")] for name in sorted(unknown)})
    old = Evidence.objects.get(pk=evidence.pk)
    errors: dict[str, list[str]] = {}
    if Evidence.objects.filter(supersedes=old).exists():
        raise ValidationError(_("Only the current version of an item may be corrected."))
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Give the reason for the correction.")]
    elif len(reason) > _TEXT_LIMIT:
        errors["reason"] = [_("At most %(limit)s characters.") % {"limit": _TEXT_LIMIT}]
    values = {name: getattr(old, name) for name in CORRECTABLE_FIELDS}
    values.update({name: value for name, value in fields.items() if value is not None or name == "quantity"})
    if "quantity" not in fields:
        values["quantity"] = old.quantity
    errors.update(_check_fields(values, old.kind, upload, new_file=False))
    mime = sha256 = ""
    if old.kind == EvidenceKind.FILE and upload is not None and "file" not in errors:
        try:
            mime, sha256 = check_upload(upload, max_bytes=settings.EVIDENCE_MAX_BYTES, more_types=EVIDENCE_TYPES)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    person = None if isinstance(actor, str) else actor
    if person is None:
        raise PermissionDenied(_("Only a handler of the case adds or corrects its evidence."))
    new = Evidence(
        case=case,
        number=old.number,
        version=old.version + 1,
        supersedes=old,
        correction_reason=reason,
        kind=old.kind,
        file=old.file.name if old.file else "",
        original_name=old.original_name,
        mime_type=old.mime_type,
        size=old.size,
        sha256=old.sha256,
        collected_by=old.collected_by,
        created_by=person,
        **{name: values[name] if values[name] is not None or name == "quantity" else "" for name in CORRECTABLE_FIELDS},
    )
    stored = False
    if old.kind == EvidenceKind.FILE and upload is not None:
        _store(new, upload, mime, sha256)
        stored = True

    def then() -> Evidence:
        append_event(
            actor=actor,
            case=case,
            evidence=new,
            action=CustodyAction.CORRECTED,
            at=timezone.now(),
            from_party=f"#{old.number} v{old.version}",
            to_party=f"#{new.number} v{new.version}",
            note=reason,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CORRECT,
            obj=new,
            before=snapshot(old),
            after=snapshot(new),
            reason=reason,
            related=case,
        )
        return new

    result: Evidence = _save_all_or_nothing(new, stored, then)
    return result


# --- evidence packs ----------------------------------------------------------------------------------


def may_export(case: CounterfeitCase, actor: Actor) -> bool:
    """Whoever may see the case exports its evidence (enterprises never)."""
    if isinstance(actor, str):
        return True
    if actor.is_enterprise_user:
        return False
    return CounterfeitCase.objects.visible_to(actor).filter(pk=case.pk).exists()


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _user_label(user: Any) -> str | None:
    if user is None:
        return None
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else user.get_username()


def _item_data(item: Evidence) -> dict[str, Any]:
    """An item in the manifest: its ``custody.RECORD_FIELDS`` (so a pack's verification recomputes the
    record's digest bound into the custody log) and the names of the people for readers."""
    return {
        "id": item.pk,
        "case_id": item.case_id,
        "collected_by_id": item.collected_by_id,
        "recorded_by_id": item.created_by_id,
        "number": item.number,
        "version": item.version,
        "kind": item.kind,
        "original_name": item.original_name,
        "size": item.size,
        "sha256": item.sha256,
        "mime": item.mime_type,
        "collected_at": _iso(item.collected_at),
        "collected_by": _user_label(item.collected_by),
        "place": item.place,
        "method": item.method,
        "description": item.description,
        "witnesses": item.witnesses,
        "supersedes": item.supersedes_id,
        "correction_reason": item.correction_reason,
        "quantity": item.quantity,
        "unit": item.unit,
        "storage_location": item.storage_location,
        "seal_no": item.seal_no,
        "recorded_by": _user_label(item.created_by),
        "recorded_at": _iso(item.created_at),
    }


def _case_data(case: CounterfeitCase) -> dict[str, Any]:
    party = case.enterprise.name if case.enterprise_id and case.enterprise else case.party_name
    return {
        "id": case.pk,
        "case_no": case.case_no,
        "title": case.title,
        "bureau": f"{case.bureau.code} {case.bureau.name}",
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "brand": case.brand,
        "party": party,
    }


def _opener(item: Evidence) -> Any:
    def open_file() -> Any:
        return item.file.open("rb")

    return open_file


@transaction.atomic
def evidence_pack_export(*, actor: Actor, case: CounterfeitCase) -> EvidencePack:
    """Export the case's evidence as a pack (``anticounterfeit.packs``): every version of every item, the
    custody log as it stands and a PDF summary, in a ZIP written to a temporary file in chunks and then
    stored. The case's row is locked while the pack is written, so the items and the log are those of
    one moment. A stored file that no longer matches its recorded SHA-256, or a summary that cannot be
    laid out, stops the export (ValidationError). Audited
    (``export``) with the manifest's SHA-256, which also anchors the pack in ``EvidencePack``."""
    if not may_export(case, actor):
        raise PermissionDenied(_("You may not export this case's evidence."))
    case = (
        CounterfeitCase.objects.select_for_update(of=("self",)).select_related("bureau", "enterprise").get(pk=case.pk)
    )
    items = list(
        Evidence.objects.filter(case=case).select_related("collected_by", "created_by").order_by("number", "version")
    )
    records = {item.pk: custody.evidence_record(custody.record_fields(item)) for item in items}
    events = [
        {**custody.event_content(event, evidence_record=records.get(event.evidence_id)), "hash": event.hash}
        for event in CustodyEvent.objects.filter(case=case).order_by("seq")
    ]
    exported_at = timezone.now()
    exported_by = actor if isinstance(actor, str) else (_user_label(actor) or "")
    pack_items = [
        packs.PackItem(_item_data(item), _opener(item) if item.kind == EvidenceKind.FILE and item.file else None)
        for item in items
    ]
    handle = tempfile.NamedTemporaryFile(prefix="evidence-pack-", suffix=".zip", delete=False)  # noqa: SIM115
    try:
        with handle:
            try:
                _manifest, manifest_sha256 = packs.build_pack(
                    handle,
                    case=_case_data(case),
                    items=pack_items,
                    events=events,
                    head={"seq": case.custody_seq, "hash": case.custody_head_hash or custody.GENESIS_HASH},
                    exported_at=_iso(exported_at) or "",
                    exported_by=exported_by,
                    summary=packs.summary_pdf,
                )
            except packs.PackError as exc:
                raise ValidationError(str(exc)) from exc
            except OSError as exc:
                raise ValidationError(
                    _("A stored file of the case could not be read: %(error)s") % {"error": exc}
                ) from exc
        pack = EvidencePack(
            case=case,
            size=os.path.getsize(handle.name),
            sha256=_file_sha256(handle.name),
            manifest_sha256=manifest_sha256,
            evidence_count=len(items),
            custody_seq=case.custody_seq,
            custody_head_hash=case.custody_head_hash,
            created_by=None if isinstance(actor, str) else actor,
            created_at=exported_at,
        )
        with open(handle.name, "rb") as stored:
            pack.file.save(f"{case.case_no}.zip", File(stored), save=False)
    finally:
        os.unlink(handle.name)
    try:
        pack.save()
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=pack,
            after={**snapshot(pack), "manifest_sha256": manifest_sha256},
            related=case,
        )
    except BaseException:
        pack.file.delete(save=False)
        raise
    return pack


def _file_sha256(path: str) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
