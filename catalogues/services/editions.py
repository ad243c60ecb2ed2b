"""Catalogue editions: loading them, and the compiled indexes the classification engine runs on."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogues.choices import CATALOGUE_TIER, CatalogueKind
from catalogues.classification import OUT_OF_SCOPE, CatalogueData, CompiledIndex, EntryData, ScopeData
from catalogues.files import CatalogueFileError, parse_catalogue
from catalogues.models import CatalogueEdition, CatalogueEntry
from catalogues.scope import scope_table
from cbec_supervision import handovers
from cbec_supervision.audit import Actor, audit_record, snapshot

#: kinds whose names are searched for in descriptions; the others match on CAS, UN number or HS code only
NAME_MATCHED_KINDS = {
    CatalogueKind.HAZARDOUS_CHEMICALS,
    CatalogueKind.PRECURSOR_CHEMICALS,
    CatalogueKind.RESTRICTED_TOXIC,
    CatalogueKind.PROHIBITED_GOODS,
}

#: kinds whose remark column is the legal basis of the entry, carried in every reason it gives
BASIS_KINDS = {CatalogueKind.PROHIBITED_GOODS}

#: the catalogues the project ships, loaded by load_reference_data: (kind, edition, effective from, file)
SHIPPED_CATALOGUES = (
    (CatalogueKind.HAZARDOUS_CHEMICALS, "2015 (excerpt)", dt.date(2015, 5, 1), "hazardous_chemicals_2015_excerpt.csv"),
    (CatalogueKind.PRECURSOR_CHEMICALS, "2021", dt.date(2021, 1, 1), "precursor_chemicals.csv"),
    (CatalogueKind.DANGEROUS_GOODS, "UN/ADR", dt.date(2012, 12, 1), "dangerous_goods_un_adr.csv"),
    (CatalogueKind.COMPULSORY_CERTIFICATION, "starter", dt.date(2020, 1, 1), "compulsory_certification_starter.csv"),
    (CatalogueKind.PROHIBITED_GOODS, "starter", dt.date(2015, 7, 6), "prohibited_goods_starter.csv"),
)


def _actor_label(actor: Actor) -> str:
    return actor if isinstance(actor, str) else actor.get_username()


@transaction.atomic
def catalogue_import(
    *, actor: Actor, kind: str, edition: str, effective_from: dt.date, content: bytes, filename: str = ""
) -> CatalogueEdition:
    """Load one edition from the authority's file, all or nothing.

    A malformed row stops the import with its row number and nothing of the file is loaded.
    """
    if not isinstance(actor, str) and not actor.has_perm("catalogues.load_catalogueedition"):
        raise PermissionDenied(_("Only bureau administrators and headquarters load catalogue editions."))
    errors: dict[str, list[str]] = {}
    if kind not in CatalogueKind.values:
        errors["kind"] = [
            _("Unknown catalogue %(kind)s; use one of %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(CatalogueKind.values)}
        ]
    edition = (edition or "").strip()
    if not edition:
        errors["edition"] = [_("Name the edition, e.g. 2015.")]
    elif kind in CatalogueKind.values and CatalogueEdition.objects.filter(kind=kind, edition=edition).exists():
        errors["edition"] = [_("Edition %(edition)s of this catalogue is already loaded.") % {"edition": edition}]
    if not isinstance(effective_from, dt.date):
        errors["effective_from"] = [_("Give the date the edition takes effect, as YYYY-MM-DD.")]
    if errors:
        raise ValidationError(errors)
    try:
        parsed = parse_catalogue(kind, content, filename)
    except CatalogueFileError as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    record = CatalogueEdition.objects.create(
        kind=kind,
        edition=edition,
        effective_from=effective_from,
        source_name=Path(filename).name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        entry_count=len(parsed),
        loaded_by=_actor_label(actor),
    )
    CatalogueEntry.objects.bulk_create(
        [
            CatalogueEntry(
                edition=record,
                row=p.row,
                seq=p.seq[:20],
                name=p.name[:500],
                aliases=list(p.aliases),
                cas=p.cas,
                un_number=p.un_number,
                hs_prefix=p.hs_prefix,
                category=p.category[:100],
                remark=p.remark[:500],
                highly_toxic=p.highly_toxic,
            )
            for p in parsed
        ],
        batch_size=1000,
    )
    audit_record(actor=actor, action="create", obj=record, after=snapshot(record))
    transaction.on_commit(invalidate_indexes)
    if record.effective_from <= timezone.localdate():
        _announce_if_in_force(record, actor)
    return record


# --- editions coming into force -------------------------------------------------------------------


def _announce_if_in_force(edition: CatalogueEdition, actor: Actor) -> bool:
    """Announce ``edition``'s coming into force (``CATALOGUE_EDITION_IN_FORCE``) unless it was
    announced already or another edition of its kind is in force instead; records when."""
    if edition.announced_at is not None:
        return False
    if edition not in CatalogueEdition.objects.filter(kind=edition.kind).in_force():
        return False  # loaded with an earlier date than the edition in force: it never applies
    handovers.announce(
        handovers.CATALOGUE_EDITION_IN_FORCE,
        actor=actor,
        subject=edition,
        edition_id=edition.pk,
        kind=edition.kind,
        edition=edition.edition,
        effective_from=edition.effective_from.isoformat(),
    )
    edition.announced_at = timezone.now()
    edition.save(update_fields=["announced_at"])
    return True


@transaction.atomic
def editions_in_force_announce(*, actor: Actor) -> list[CatalogueEdition]:
    """Announce every edition in force today whose coming into force was not announced yet.

    The daily task's body (``catalogues.announce_editions_in_force``): it picks up the editions
    loaded ahead of their date. Each edition is announced once (rows locked, ``announced_at`` set in
    the same transaction), so overlapping runs announce nothing twice.
    """
    today = timezone.localdate()
    pending = CatalogueEdition.objects.select_for_update(skip_locked=True).filter(
        announced_at__isnull=True, effective_from__lte=today
    )
    return [edition for edition in pending.order_by("effective_from", "id") if _announce_if_in_force(edition, actor)]


def shipped_catalogues_load(*, directory: Path, actor: Actor) -> list[str]:
    """Load the shipped catalogue files that are not loaded yet (idempotent). Returns what was loaded."""
    loaded = []
    for kind, edition, effective_from, filename in SHIPPED_CATALOGUES:
        if CatalogueEdition.objects.filter(kind=kind, edition=edition).exists():
            continue
        path = directory / filename
        catalogue_import(
            actor=actor,
            kind=kind,
            edition=edition,
            effective_from=effective_from,
            content=path.read_bytes(),
            filename=filename,
        )
        loaded.append(f"{kind} {edition}")
    return loaded


# --- compiled indexes ---------------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[tuple, CompiledIndex] = {}
_CACHE_SIZE = 4


def invalidate_indexes() -> None:
    """Forget compiled indexes (a new edition was loaded). Keys are edition ids, so this only frees memory."""
    with _lock:
        _cache.clear()


def _compile(editions: Sequence[CatalogueEdition], scope: ScopeData | None) -> CompiledIndex:
    entries_by_edition: dict[int, list[EntryData]] = {e.pk: [] for e in editions}
    rows = CatalogueEntry.objects.filter(edition__in=[e.pk for e in editions]).values_list(
        "id", "edition_id", "seq", "name", "aliases", "cas", "un_number", "hs_prefix", "highly_toxic", "remark"
    )
    kinds = {e.pk: e.kind for e in editions}
    for entry_id, edition_id, seq, name, aliases, cas, un, hs, toxic, remark in rows.iterator(chunk_size=5000):
        entries_by_edition[edition_id].append(
            EntryData(
                entry_id,
                seq,
                name,
                tuple(aliases or ()),
                cas,
                un,
                hs,
                toxic,
                match_names=kinds[edition_id] in NAME_MATCHED_KINDS,
                basis=remark if kinds[edition_id] in BASIS_KINDS else "",
            )
        )
    return CompiledIndex(
        (CatalogueData(e.kind, e.edition, CATALOGUE_TIER[e.kind], entries_by_edition[e.pk]) for e in editions),
        scope,
    )


def compiled_index(at: dt.date | None = None) -> tuple[CompiledIndex, list[CatalogueEdition]]:
    """The index of the editions in force on ``at`` (today), compiled once per set of editions."""
    editions = CatalogueEdition.objects.in_force(at)
    # Ids alone could come back after a rolled-back load (SQLite reuses them): the load time and
    # the file's hash make the key unique to the edition's content.
    scope = scope_table()
    key = (*sorted((e.pk, e.sha256, e.loaded_at.isoformat()) for e in editions), scope.edition if scope else "")
    with _lock:
        index = _cache.get(key)
    if index is None:
        index = _compile(editions, scope)
        with _lock:
            if len(_cache) >= _CACHE_SIZE:
                _cache.clear()
            _cache[key] = index
    return index, editions


def editions_applied(editions: Sequence[CatalogueEdition]) -> dict[str, dict]:
    """What a decision records of the editions it was made under, and of the scope table."""
    applied: dict[str, dict] = {
        e.kind: {"id": e.pk, "edition": e.edition, "effective_from": e.effective_from.isoformat()} for e in editions
    }
    scope = scope_table()
    if scope is not None:
        applied[OUT_OF_SCOPE] = {"id": None, "edition": scope.edition, "effective_from": None}
    return applied
