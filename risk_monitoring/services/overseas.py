"""Overseas notifications imported from the published feeds (issue 10): EU Safety Gate and US CPSC.

``overseas_import`` reads a file (``risk_monitoring.feeds``), imports every valid record whatever
its category as an ``overseas_notification`` signal, and matches it to filed goods (GTIN matches
linked, brand-and-model and name matches proposed: ``risk_monitoring.services.matching``). It is
idempotent by feed and reference: a record whose reference the feed already brought (or that came
earlier in the same file) is skipped. A record that cannot be read is reported by its position and
the others are imported. Each import leaves an ``OverseasImport`` run: who ran it, the file (kept,
with its SHA-256), the counts and the refused records.

Transactions: one per record (plus one for the run), not one for the whole file. A bad record then
never undoes the others, a long import holds no lock (nor an audit chain) for its whole length, and a
run cut short is finished by running it again: the records already imported are skipped. The work
that does not depend on the record is done once, before the records: the references already known
(one query per 1,000 records) and the candidates of every record's GTINs, brands and names
(``CandidatePool``: a few set-based queries for the whole file), so a record costs a fixed handful
of statements (insert, links, proposals, audit) whatever the number of products filed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from filings.choices import SUBCATEGORY_CATEGORY, ProductSubcategory
from risk_monitoring import feeds
from risk_monitoring.choices import OverseasFeed, SignalSource
from risk_monitoring.feeds import OverseasRecord, RecordError
from risk_monitoring.models import OverseasImport, RiskSignal
from risk_monitoring.services.matching import CandidatePool, Probe, signal_apply_matches

#: the actor of an import run by the command
COMMAND_ACTOR = "command:import_overseas_notices"
#: the file suffixes accepted per feed
SUFFIXES = {OverseasFeed.SAFETY_GATE: (".csv", ".json", ".txt"), OverseasFeed.CPSC: (".json", ".txt")}
_REFERENCE_CHUNK = 1000
_LIMITS = {"title": 300, "brand": 200, "model": 200}


def max_bytes() -> int:
    return int(getattr(settings, "OVERSEAS_IMPORT_MAX_BYTES", feeds.MAX_BYTES))


# -- categories ---------------------------------------------------------------------------------------

# Published category and product words -> the sub-category of filed goods (and so its category).
# Tried in order: the specific ones first (a power bank before a charger before electrical goods).
_SUBCATEGORY_WORDS: tuple[tuple[str, str], ...] = (
    (ProductSubcategory.POWER_BANKS, r"power ?banks?|portable batter"),
    (ProductSubcategory.CHARGERS, r"chargers?|charging|adapters?|adaptors?|power suppl"),
    (ProductSubcategory.LIGHTING, r"lamps?|light(?:s|ing)\b|led\b|luminaire|torch|flashlight|light chain"),
    (ProductSubcategory.AUDIO_VIDEO, r"audio|video|speakers?|headphones?|earphones?|earbuds?|television|tv\b"),
    (ProductSubcategory.IT_EQUIPMENT, r"computers?|laptops?|tablets?|phones?|keyboards?|information technology"),
    (
        ProductSubcategory.CHILDRENS_CLOTHING,
        r"(?:child|children|kids?|baby|babies|infant)(?:'s)? "
        r"(?:clothing|wear|garments?|jackets?|hoodies?|sweaters?|dress)",
    ),
    (ProductSubcategory.TOYS, r"toys?|rattles?|dolls?|plush|teddy|puzzles?|slime|games?\b"),
    (
        ProductSubcategory.CHILDREN_PRODUCTS,
        r"childcare|child care|children's equipment|baby|babies|infant|nursery|strollers?|prams?|cots?\b"
        r"|high ?chairs?|pacifiers?|soothers?",
    ),
    (
        ProductSubcategory.HOME_TEXTILES,
        r"bedding|blankets?|curtains?|towels?|sleeping bags?|duvets?|pillows?|cushions?",
    ),
    (
        ProductSubcategory.CLOTHING,
        r"clothing|textiles?|garments?|apparel|jackets?|hoodies?|sweat ?shirts?|trousers|dress(?:es)?\b|fashion",
    ),
    (ProductSubcategory.FOOTWEAR, r"footwear|shoes?|sandals?|boots?|slippers?|sneakers?"),
    (ProductSubcategory.LUGGAGE, r"bags?\b|luggage|suitcases?|backpacks?|handbags?"),
    (
        ProductSubcategory.FOOD_CONTACT,
        r"food[- ]contact|kitchen|cookware|tableware|utensils?|cups?\b|mugs?\b|bottles?|lunch ?box|cutlery|plates?\b",
    ),
    (ProductSubcategory.STATIONERY, r"stationery|pens?\b|pencils?|erasers?|crayons?|school"),
    (ProductSubcategory.FURNITURE, r"furniture|chairs?|tables?\b|beds?\b|cabinets?|drawers?|shel(?:f|ves)|sofas?"),
    (
        ProductSubcategory.SMALL_APPLIANCES,
        r"appliances?|heaters?|kettles?|hair ?dryers?|irons?\b|fans?\b|toasters?|blenders?|cookers?|vacuum",
    ),
    (ProductSubcategory.ELECTRICAL_OTHER, r"electric|electronic|cables?|extension leads?|sockets?|plugs?\b"),
)
_SUBCATEGORY_PATTERNS = [
    (code, re.compile(r"\b(?:" + words + ")", re.IGNORECASE)) for code, words in _SUBCATEGORY_WORDS
]


def _subcategory_in(text: str) -> str:
    for code, pattern in _SUBCATEGORY_PATTERNS:
        if text and pattern.search(text):
            return str(code)
    return ""


def goods_category_of(category: str, product_name: str = "") -> tuple[str, str]:
    """(category, sub-category) of filed goods for a published category and product name; ("", "")
    for goods outside the regime (cosmetics, vehicles, food…). The published category decides the
    category; the product name refines the sub-category within it ("Electrical appliances" and
    "Travel adapter": chargers), or decides alone when the published category says nothing."""
    by_category, by_name = _subcategory_in(category), _subcategory_in(product_name)
    chosen = by_category or by_name
    if by_category and by_name and SUBCATEGORY_CATEGORY[by_name] == SUBCATEGORY_CATEGORY[by_category]:
        chosen = by_name
    if not chosen:
        return "", ""
    return str(SUBCATEGORY_CATEGORY[chosen]), chosen


# -- the records --------------------------------------------------------------------------------------


def _description(record: OverseasRecord) -> str:
    lines = [record.description] if record.description else []
    details = [
        (_("Risk"), record.risk),
        (_("Measures"), record.measures),
        (_("Category as published"), record.category),
        (_("Product"), record.product_name if record.product_name != record.title else ""),
        (_("Barcodes (GTIN-14)"), ", ".join(record.gtins)),
        (_("Batch"), record.batch),
        (_("Published on"), record.date.isoformat() if record.date else ""),
        (_("Counterfeit"), _("yes") if record.counterfeit else ""),
    ]
    details_text = "\n".join(f"{label}: {value}" for label, value in details if value)
    if details_text:
        lines.append(details_text)
    return "\n\n".join(lines)


def _signal_of(record: OverseasRecord, feed: str) -> RiskSignal:
    category, subcategory = goods_category_of(record.category, record.product_name)
    title = record.title or record.product_name or record.category or record.reference
    return RiskSignal(
        source=SignalSource.OVERSEAS_NOTIFICATION,
        overseas_feed=feed,
        overseas_reference=record.reference,
        title=title[: _LIMITS["title"]],
        description=_description(record),
        hazard=record.hazard,
        category=category,
        subcategory=subcategory,
        gtin=record.gtins[0] if record.gtins else "",
        brand=record.brand[: _LIMITS["brand"]],
        model=record.model[: _LIMITS["model"]],
        origin_country=record.country_of_origin,
    )


def _probe(record: OverseasRecord) -> Probe:
    names = [name for name in (record.product_name, record.title) if name]
    return Probe(gtins=tuple(record.gtins), brand=record.brand, model=record.model, names=tuple(dict.fromkeys(names)))


def _known_references(feed: str, references: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(references), _REFERENCE_CHUNK):
        chunk = references[start : start + _REFERENCE_CHUNK]
        known.update(
            RiskSignal.objects.filter(
                source=SignalSource.OVERSEAS_NOTIFICATION, overseas_feed=feed, overseas_reference__in=chunk
            ).values_list("overseas_reference", flat=True)
        )
    return known


# -- the import ---------------------------------------------------------------------------------------


@dataclass
class _Counts:
    imported: int = 0
    skipped: int = 0
    matched: int = 0


def _check_file(feed: str, content: bytes, filename: str) -> None:
    errors: dict[str, list[str]] = {}
    if feed not in OverseasFeed.values:
        errors["source"] = [_("One of %(values)s.") % {"values": ", ".join(OverseasFeed.values)}]
    elif filename and PurePath(filename).suffix.lower() not in SUFFIXES[OverseasFeed(feed)]:
        errors["file"] = [
            _("A %(feed)s file is one of %(types)s.")
            % {"feed": OverseasFeed(feed).label, "types": ", ".join(SUFFIXES[OverseasFeed(feed)])}
        ]
    if not content:
        errors["file"] = [_("The file is empty.")]
    if errors:
        raise ValidationError(errors)
    check_size(len(content))


def check_size(size: int) -> None:
    """ValidationError ({"file"}) for a file over the limit (``OVERSEAS_IMPORT_MAX_BYTES``, default 20 MB)."""
    if size > max_bytes():
        raise ValidationError(
            {
                "file": [
                    _("The file is %(size)s; the limit is %(limit)s.")
                    % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())}
                ]
            }
        )


def _import_record(
    *, actor: Actor, run: OverseasImport, record: OverseasRecord, index: int, pool: CandidatePool, counts: _Counts
) -> None:
    signal = _signal_of(record, run.feed)
    with transaction.atomic():
        signal.save()
        outcome = signal_apply_matches(signal, pool.matches(index), pool)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=signal,
            after=snapshot(
                signal,
                extra={"products": outcome.linked, "matching": outcome.as_dict(), "overseas_import": run.pk},
            ),
        )
    counts.imported += 1
    counts.matched += bool(outcome.linked)


def overseas_import(*, actor: Actor, feed: str, content: bytes, filename: str = "") -> OverseasImport:
    """Import a Safety Gate (CSV or JSON) or CPSC (Recalls API JSON) file; answer the run, whose
    ``errors`` list the records refused by position (see the module). ValidationError ({"source"}
    or {"file"}: 400) when the file as a whole cannot be read; nothing is imported then.
    """
    _check_file(feed, content, filename)
    try:
        parsed = feeds.parse(feed, content, max_bytes=max_bytes())
    except feeds.FeedFileError as error:
        raise ValidationError({"file": [str(error)]}) from error
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        run = OverseasImport(
            feed=feed,
            original_name=PurePath(filename or "upload").name[:255],
            size=len(content),
            sha256=digest,
            created_by=None if isinstance(actor, str) else actor,
            actor_label=actor if isinstance(actor, str) else "",
        )
        run.file.save(run.original_name, ContentFile(content), save=False)
        try:
            run.save()
            audit_record(actor=actor, action=AuditAction.CREATE, obj=run, after=snapshot(run, exclude=("errors",)))
        except Exception:
            run.file.delete(save=False)
            raise

    counts = _Counts(skipped=len(parsed.errors))
    errors: list[RecordError] = list(parsed.errors)
    known = _known_references(feed, [record.reference for record in parsed.records])
    fresh: list[OverseasRecord] = []
    for record in parsed.records:
        if record.reference in known:
            counts.skipped += 1  # a re-import (or the same reference earlier in the file)
            continue
        known.add(record.reference)
        fresh.append(record)
    pool = CandidatePool([_probe(record) for record in fresh])
    positions = {id(record): position for position, record in _positions(parsed)}
    for index, record in enumerate(fresh):
        if len(record.reference) > 100:
            counts.skipped += 1
            errors.append(
                RecordError(
                    positions[id(record)], _("The reference is longer than 100 characters."), record.reference[:100]
                )
            )
            continue
        try:
            _import_record(actor=actor, run=run, record=record, index=index, pool=pool, counts=counts)
        except IntegrityError:
            counts.skipped += 1  # imported meanwhile by another run: a re-import
        except (DatabaseError, ValidationError, ValueError) as error:
            counts.skipped += 1
            errors.append(RecordError(positions[id(record)], str(error)[:300], record.reference))

    with transaction.atomic():
        before = snapshot(run, exclude=("errors",))
        run.imported, run.skipped, run.matched = counts.imported, counts.skipped, counts.matched
        run.errors = [
            {"position": e.position, "reference": e.reference, "message": e.message}
            for e in sorted(errors, key=lambda e: e.position)
        ]
        run.finished_at = timezone.now()
        run.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=run,
            before=before,
            after=snapshot(run),
            reason=run.summary,
        )
    return run


def _positions(parsed: feeds.FeedResult) -> list[tuple[int, OverseasRecord]]:
    """The 1-based position in the file of each record read: the positions the errors do not take."""
    taken = {error.position for error in parsed.errors}
    found: list[tuple[int, OverseasRecord]] = []
    position = 0
    for record in parsed.records:
        position += 1
        while position in taken:
            position += 1
        found.append((position, record))
    return found
