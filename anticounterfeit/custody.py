"""The chain of custody's hash chain, pure (no database): the canonical content of an event, its hash,
and the walk that finds the first broken link.

Each case has its own chain (``seq`` from 1). An event's ``hash`` is SHA-256 over the canonical JSON
(sorted keys, no spaces, UTF-8) of the fields in ``HASHED_FIELDS``, which include the item's SHA-256 at
the time (binding the file's content into the chain), ``evidence_record`` (the digest of the item's
record: who collected it, when, where, how, what it is; computed from the row by ``evidence_record``,
never stored) and ``prev_hash``, the hash of the case's event before it (64 zeros for the first). The
case keeps the head (its last ``seq`` and ``hash``), so the newest events cut off show too. The same
functions check the custody log of an exported evidence pack (``anticounterfeit.packs``), from the
manifest alone.

What breaks the chain: an edited event (its content no longer matches its hash), a removed event (a
gap in the positions and a broken link), an inserted event (a position or link out of order), the
newest events removed (the head is ahead), the item's hash changed (it no longer matches the event's),
the item's record changed (its digest no longer matches the one hashed into the events).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

GENESIS_HASH = "0" * 64

#: what goes into an event's hash (``prev_hash`` included), in the manifest of a pack too
HASHED_FIELDS = (
    "case_id",
    "seq",
    "evidence_id",
    "action",
    "from_party",
    "from_user_id",
    "to_party",
    "to_user_id",
    "at",
    "place",
    "note",
    "evidence_sha256",
    "evidence_record",
    "recorded_by_id",
    "recorded_label",
    "recorded_at",
    "prev_hash",
)


#: an item's fields bound into the chain (``evidence_record``), named as in a pack's manifest
RECORD_FIELDS = (
    "id",
    "case_id",
    "number",
    "version",
    "kind",
    "supersedes",
    "correction_reason",
    "original_name",
    "mime",
    "size",
    "sha256",
    "collected_at",
    "collected_by_id",
    "place",
    "method",
    "description",
    "witnesses",
    "quantity",
    "unit",
    "storage_location",
    "seal_no",
    "recorded_by_id",
    "recorded_at",
)
_RECORD_INSTANTS = ("collected_at", "recorded_at")
#: no date of evidence or custody is earlier (nor later than now)
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _instant(value: dt.datetime | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.astimezone(dt.UTC).isoformat()


def _utc_text(value: object) -> object:
    """An instant (a datetime, or an ISO 8601 text with its offset) as UTC ISO 8601; anything else as is."""
    try:
        if isinstance(value, str):
            moment = dt.datetime.fromisoformat(value)
            return moment.astimezone(dt.UTC).isoformat() if moment.tzinfo else value
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC).isoformat()
    except (ValueError, OverflowError):
        return value
    return value


def record_fields(evidence: Any) -> dict[str, Any]:
    """The ``RECORD_FIELDS`` of an ``Evidence`` row (read from its attributes, no query)."""
    return {
        "id": evidence.pk,
        "case_id": evidence.case_id,
        "number": evidence.number,
        "version": evidence.version,
        "kind": evidence.kind,
        "supersedes": evidence.supersedes_id,
        "correction_reason": evidence.correction_reason,
        "original_name": evidence.original_name,
        "mime": evidence.mime_type,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "collected_at": evidence.collected_at,
        "collected_by_id": evidence.collected_by_id,
        "place": evidence.place,
        "method": evidence.method,
        "description": evidence.description,
        "witnesses": evidence.witnesses,
        "quantity": evidence.quantity,
        "unit": evidence.unit,
        "storage_location": evidence.storage_location,
        "seal_no": evidence.seal_no,
        "recorded_by_id": evidence.created_by_id,
        "recorded_at": evidence.created_at,
    }


def evidence_record(fields: Mapping[str, Any]) -> str:
    """The digest of an item's record: SHA-256 of the canonical JSON of its ``RECORD_FIELDS`` (instants in
    UTC ISO 8601). The same from the database's row (``record_fields``) and from a pack's manifest item."""
    record = {name: fields.get(name) for name in RECORD_FIELDS}
    for name in _RECORD_INSTANTS:
        record[name] = _utc_text(record[name])
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def instant_problem(value: object) -> str | None:
    """Why ``value`` is not a time of evidence or custody (not a datetime with its zone, before
    ``EARLIEST``, or out of range), or None. The caller checks "not in the future" itself."""
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        return _("Enter a date and time.")
    try:
        early = value < EARLIEST
    except OverflowError:
        early = True
    return out_of_range() if early else None


def out_of_range() -> str:
    """The message for a date of evidence or custody out of range."""
    return _("Enter a date and time between 1 January 2000 and now.")


def event_content(event: Any, *, evidence_record: str | None) -> dict[str, Any]:
    """The hashed fields of a ``CustodyEvent`` (read from its attributes, no query), as a JSON-ready dict:
    instants in UTC ISO 8601, people as their ids; ``evidence_record`` is the digest of its item's
    record (``evidence_record(record_fields(item))``), which the event does not store."""
    content = {name: getattr(event, name) for name in HASHED_FIELDS if name != "evidence_record"}
    content["evidence_record"] = evidence_record
    content["at"] = _instant(content["at"])
    content["recorded_at"] = _instant(content["recorded_at"])
    return content


def compute_hash(content: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the event's hashed fields (``prev_hash`` among them)."""
    canonical = json.dumps(
        {name: content.get(name) for name in HASHED_FIELDS}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CustodyReport:
    """The result of walking a custody log: ``ok``, how many events fit, and the first that does not."""

    ok: bool
    checked: int
    broken_seq: int | None = None
    problem: str = ""


def verify_events(
    events: Iterable[Mapping[str, Any]],
    *,
    head_seq: int,
    head_hash: str,
    evidence_sha256: Mapping[Any, str] | None = None,
    evidence_records: Mapping[Any, str] | None = None,
) -> CustodyReport:
    """Walk ``events`` (dicts with the hashed fields and ``hash``) in order of ``seq``; stop at the first
    that does not fit: a position out of sequence, a link to anything but the event before it, an item
    hash unlike the item's (``evidence_sha256``: item id -> its SHA-256; not checked when None), an item
    record unlike the one the event carries (``evidence_records``: item id -> ``evidence_record``; the
    digest is hashed as the mapping says, so a changed item record breaks the hash; not checked when
    None), content not matching its hash. Then the head (``head_seq``, ``head_hash``: what the case
    records) must be the last event. Never raises for odd values (a forged manifest's)."""
    expected_seq, expected_prev, checked = 1, GENESIS_HASH, 0
    for event in events:
        seq = event.get("seq")
        if seq != expected_seq:
            return CustodyReport(
                False,
                checked,
                seq if isinstance(seq, int) else None,
                _("Event %(seq)s is out of sequence (expected %(expected)s): an event was removed or inserted.")
                % {"seq": seq, "expected": expected_seq},
            )
        if event.get("prev_hash") != expected_prev:
            return CustodyReport(
                False,
                checked,
                seq,
                _("Event %(seq)s does not link to the event before it: an event was removed or inserted.")
                % {"seq": seq},
            )
        item = event.get("evidence_id")
        known = isinstance(item, int) and not isinstance(item, bool)
        content: Mapping[str, Any] = event
        for mapping in (evidence_sha256, evidence_records):
            if mapping is not None and (not known or item not in mapping):
                return CustodyReport(
                    False, checked, seq, _("Event %(seq)s names an item that is not in the case.") % {"seq": seq}
                )
        if evidence_sha256 is not None and (evidence_sha256[item] or "") != (event.get("evidence_sha256") or ""):
            return CustodyReport(
                False,
                checked,
                seq,
                _("The SHA-256 of the item of event %(seq)s is not the one the event recorded: it was changed.")
                % {"seq": seq},
            )
        if evidence_records is not None:
            record = evidence_records[item]
            if "evidence_record" in event and event.get("evidence_record") != record:
                return CustodyReport(
                    False,
                    checked,
                    seq,
                    _("The record of the item of event %(seq)s is not the one the event recorded: it was changed.")
                    % {"seq": seq},
                )
            content = {**event, "evidence_record": record}
        if compute_hash(content) != event.get("hash"):
            return CustodyReport(
                False,
                checked,
                seq,
                _("Event %(seq)s does not match its hash: it, or the record of its item, was edited.") % {"seq": seq},
            )
        expected_seq, expected_prev = expected_seq + 1, str(event.get("hash"))
        checked += 1
    last = expected_seq - 1
    if head_seq != last or (head_hash or GENESIS_HASH) != expected_prev:
        return CustodyReport(
            False,
            checked,
            last or None,
            _(
                "The case records %(head)s custody events but %(last)s follow each other: "
                "the newest events were removed, or the head was changed."
            )
            % {"head": head_seq, "last": last},
        )
    return CustodyReport(True, checked)
