"""The chain of custody of a case's evidence: recording who handed what to whom (hash-chained per case,
``anticounterfeit.custody``), and checking the log and the stored files against what was recorded.

An event is appended with the case's row locked: its position is the case's ``custody_seq`` + 1, it
links to the case's ``custody_head_hash``, and the case's head moves on in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from anticounterfeit import custody
from anticounterfeit.choices import CaseStatus, CustodyAction, EvidenceKind
from anticounterfeit.duties import is_handler, may_manage
from anticounterfeit.models import CounterfeitCase, CustodyEvent, Evidence
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction

#: actions written by the evidence services themselves, never recorded by hand
AUTOMATIC_ACTIONS = (CustodyAction.COLLECTED, CustodyAction.CORRECTED)
_CHUNK = 1024 * 1024


def _field_limit(name: str) -> int:
    return int(getattr(CustodyEvent._meta.get_field(name), "max_length", None) or 10000)


def party_limit(name: str) -> int:
    """The length of a custody event's text field (``from_party``, ``to_party``, ``place``, ``note``)."""
    return _field_limit(name)


def custody_officers(case: CounterfeitCase) -> QuerySet[User]:
    """The accounts an item may be handed from or to: active officers who may be assigned to the case,
    staff of its bureau or of its parent bureau (the rule of ``forms.cases.officers_of``)."""
    bureaus = [b for b in (case.bureau_id, case.bureau.parent_id) if b]
    officers: QuerySet[User] = User.objects.filter(
        is_active=True, role__in=(Role.INSPECTOR, Role.BUREAU_ADMIN), bureau_id__in=bureaus
    ).order_by("username")
    return officers


def append_event(
    *,
    actor: Actor,
    case: CounterfeitCase,
    evidence: Evidence,
    action: str,
    at: dt.datetime,
    from_party: str = "",
    to_party: str = "",
    from_user: User | None = None,
    to_user: User | None = None,
    place: str = "",
    note: str = "",
) -> CustodyEvent:
    """Append one event to the case's chain. The caller holds the case's row locked (``case`` is that
    locked row) in its transaction; the case's head moves on here."""
    person = None if isinstance(actor, str) else actor
    event = CustodyEvent(
        case=case,
        evidence=evidence,
        seq=case.custody_seq + 1,
        action=action,
        from_party=from_party,
        from_user=from_user,
        to_party=to_party,
        to_user=to_user,
        at=at,
        place=place,
        note=note,
        evidence_sha256=evidence.sha256 or "",
        recorded_by=person,
        recorded_label=(actor if isinstance(actor, str) else actor.get_username())[:200],
        recorded_at=timezone.now(),
        prev_hash=case.custody_head_hash or custody.GENESIS_HASH,
    )
    record = custody.evidence_record(custody.record_fields(evidence))
    event.hash = custody.compute_hash(custody.event_content(event, evidence_record=record))
    event.save()
    # The head moves with a queryset update: the case's own save() would rewrite every field.
    CounterfeitCase.objects.filter(pk=case.pk).update(custody_seq=event.seq, custody_head_hash=event.hash)
    case.custody_seq, case.custody_head_hash = event.seq, event.hash
    return event


@transaction.atomic
def custody_record(
    *,
    actor: Actor,
    evidence: Evidence,
    action: str,
    at: dt.datetime,
    from_party: str,
    to_party: str,
    from_user: User | None = None,
    to_user: User | None = None,
    place: str = "",
    note: str = "",
) -> CustodyEvent:
    """Record a hand-over (or storage, sealing, testing, release, destruction) of an item: by a handler of
    the case or an administrator of its bureau, at a time not in the future, not before 2000 and not
    before the item was collected, on the item's current version. ``from_user``/``to_user`` are officers
    who may be assigned to the case (``custody_officers``). Audited on the case."""
    case = CounterfeitCase.objects.select_for_update().select_related("bureau").get(pk=evidence.case_id)
    if not (is_handler(case, actor) or may_manage(case, actor)):
        raise PermissionDenied(_("Only a handler of the case or its bureau's administrator records custody."))
    if case.status == CaseStatus.NOT_OPENED:
        raise ValidationError(_("The case was not opened: it has no chain of custody to add to."))
    errors: dict[str, list[str]] = {}
    if action not in CustodyAction.values or action in AUTOMATIC_ACTIONS:
        errors["action"] = [_("Choose a hand-over, storage, sealing, testing, release or destruction.")]
    if at is None:
        errors["at"] = [_("Say when it happened.")]
    elif problem := custody.instant_problem(at):
        errors["at"] = [problem]
    elif at > timezone.now():
        errors["at"] = [_("The time may not be in the future.")]
    elif at < evidence.collected_at:
        errors["at"] = [_("The time may not be before the item was collected.")]
    if not (from_party or from_user):
        errors["from_party"] = [_("Say who handed the item over.")]
    if not (to_party or to_user):
        errors["to_party"] = [_("Say who received the item.")]
    people = [user.pk for user in (from_user, to_user) if user is not None]
    officers = set(custody_officers(case).filter(pk__in=people).values_list("pk", flat=True)) if people else set()
    for name, user in (("from_user", from_user), ("to_user", to_user)):
        if user is not None and user.pk not in officers:
            errors[name] = [_("Name an active officer of the case's bureau.")]
    for name, value in (("from_party", from_party), ("to_party", to_party), ("place", place), ("note", note)):
        if len(value or "") > _field_limit(name):
            errors.setdefault(name, []).append(_("At most %(limit)s characters.") % {"limit": _field_limit(name)})
    if Evidence.objects.filter(supersedes=evidence).exists():
        errors["evidence"] = [_("This version was corrected: record custody on the current version.")]
    if errors:
        raise ValidationError(errors)
    event = append_event(
        actor=actor,
        case=case,
        evidence=evidence,
        action=action,
        at=at,
        from_party=from_party or "",
        to_party=to_party or "",
        from_user=from_user,
        to_user=to_user,
        place=place or "",
        note=note or "",
    )
    audit_record(actor=actor, action=AuditAction.CUSTODY, obj=event, after=snapshot(event), related=case)
    return event


def _snapshot_or_share(case: CounterfeitCase) -> None:
    """See the case's head and its events as of one moment: a REPEATABLE READ transaction of our own,
    else the case's row locked (writers of its chain wait)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1 and connection.commit_on_exit:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return
    CounterfeitCase.objects.select_for_update().filter(pk=case.pk).values_list("pk").first()


def custody_verify(case: CounterfeitCase) -> custody.CustodyReport:
    """Recompute the case's custody log from the database: positions in sequence, each event linked to the
    one before, its content matching its hash, its item hash matching the item's recorded SHA-256, and
    the case's head at the last event; each item's record (``custody.evidence_record``) bound into its
    events' hashes, so an item edited in the database breaks the chain. Three queries."""
    with transaction.atomic():
        _snapshot_or_share(case)
        head_seq, head_hash = (
            CounterfeitCase.objects.filter(pk=case.pk).values_list("custody_seq", "custody_head_hash").get()
        )
        items = list(Evidence.objects.filter(case_id=case.pk).order_by())
        hashes = {item.pk: item.sha256 for item in items}
        records = {item.pk: custody.evidence_record(custody.record_fields(item)) for item in items}
        events = CustodyEvent.objects.filter(case_id=case.pk).order_by("seq")
        contents = (
            {**custody.event_content(event, evidence_record=records.get(event.evidence_id)), "hash": event.hash}
            for event in events.iterator(chunk_size=2000)
        )
        return custody.verify_events(
            contents, head_seq=head_seq, head_hash=head_hash, evidence_sha256=hashes, evidence_records=records
        )


@dataclass
class FilesReport:
    """The stored files re-hashed: ``ok`` when every one is there with the SHA-256 recorded on upload."""

    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def file_sha256(evidence: Evidence) -> str:
    """SHA-256 of the stored file, read in chunks."""
    digest = hashlib.sha256()
    with evidence.file.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def evidence_files_verify(case: CounterfeitCase) -> FilesReport:
    """Re-hash every stored file of the case's items (every version): a file missing or changed on disk
    is reported."""
    report = FilesReport()
    items = Evidence.objects.filter(case_id=case.pk, kind=EvidenceKind.FILE).order_by("number", "version")
    for item in items:
        label = f"#{item.number} v{item.version}"
        try:
            actual = file_sha256(item)
        except OSError:
            report.problems.append(_("%(item)s: the stored file is missing.") % {"item": label})
            continue
        report.checked += 1
        if actual != item.sha256:
            report.problems.append(
                _("%(item)s: the stored file does not match the SHA-256 recorded on upload: it was changed.")
                % {"item": label}
            )
    return report
