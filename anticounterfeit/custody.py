"""The chain of custody's hash chain, pure (no database): the canonical content of an event, its hash,
and the walk that finds the first broken link.

Each case has its own chain (``seq`` from 1). An event's ``hash`` is SHA-256 over the canonical JSON
(sorted keys, no spaces, UTF-8) of the fields in ``HASHED_FIELDS``, which include the item's SHA-256 at
the time (binding the file's content into the chain) and ``prev_hash``, the hash of the case's event
before it (64 zeros for the first). The case keeps the head (its last ``seq`` and ``hash``), so the
newest events cut off show too. The same functions check the custody log of an exported evidence pack
(``anticounterfeit.packs``), from the manifest alone.

What breaks the chain: an edited event (its content no longer matches its hash), a removed event (a
gap in the positions and a broken link), an inserted event (a position or link out of order), the
newest events removed (the head is ahead), the item's hash changed (it no longer matches the event's).
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
    "recorded_by_id",
    "recorded_label",
    "recorded_at",
    "prev_hash",
)


def _instant(value: dt.datetime | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.astimezone(dt.UTC).isoformat()


def event_content(event: Any) -> dict[str, Any]:
    """The hashed fields of a ``CustodyEvent`` (read from its attributes, no query), as a JSON-ready dict:
    instants in UTC ISO 8601, people as their ids."""
    content = {name: getattr(event, name) for name in HASHED_FIELDS}
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
) -> CustodyReport:
    """Walk ``events`` (dicts with the hashed fields and ``hash``) in order of ``seq``; stop at the first
    that does not fit: a position out of sequence, a link to anything but the event before it, content
    not matching its hash, an item hash unlike the item's (``evidence_sha256``: item id -> its SHA-256;
    not checked when None). Then the head (``head_seq``, ``head_hash``: what the case records) must be
    the last event."""
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
        if compute_hash(event) != event.get("hash"):
            return CustodyReport(
                False, checked, seq, _("Event %(seq)s does not match its hash: it was edited.") % {"seq": seq}
            )
        if evidence_sha256 is not None:
            item = event.get("evidence_id")
            if item not in evidence_sha256:
                return CustodyReport(
                    False, checked, seq, _("Event %(seq)s names an item that is not in the case.") % {"seq": seq}
                )
            if (evidence_sha256[item] or "") != (event.get("evidence_sha256") or ""):
                return CustodyReport(
                    False,
                    checked,
                    seq,
                    _("The SHA-256 of the item of event %(seq)s is not the one the event recorded: it was changed.")
                    % {"seq": seq},
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
