"""Parsers of the overseas recall feeds. Pure: no database, no Django models.

Two layouts, as the authorities publish them:

- EU Safety Gate alerts as exported: CSV (UTF-8, with or without a byte-order mark, comma, semicolon
  or tab separated) or JSON (a list of objects, or an object holding that list) with the columns
  ``alert_number``, ``type_of_alert``, ``product_category``, ``product_name``,
  ``product_description``, ``brand``, ``model_type_number``, ``barcode``, ``batch_number``,
  ``country_of_origin``, ``risk_type``, ``compulsory_measures``, ``voluntary_measures``,
  ``counterfeit``… An empty value may be written ``None``; unknown columns are kept in ``raw`` only.
- US CPSC recalls in the Recalls API JSON shape, ``{"success": {"results": [...]}}`` or a bare list,
  with the API's own field names (``RecallNumber``, ``RecallDate``, ``Title``, ``Description``,
  ``Manufacturers``, ``Products``, ``Hazards``, ``ProductUPCs``, ``ManufacturerCountries``…) or their
  snake_case forms (``recall_number``, ``recall_date``, ``manufacturers``, ``product_types``,
  ``descriptions``, ``upcs``, ``hazards``, ``countries``).

Each parser answers with the records it could read and, for every record it could not, its position
(1-based, in file order) and why: one bad record never stops the rest. A file that cannot be read at
all (too large, not text, not JSON or CSV, nested too deeply) raises ``FeedFileError``.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils.translation import gettext as _

from cbec_supervision.text import nfkc
from risk_monitoring.gtin import gtins_in

SAFETY_GATE, CPSC = "safety_gate", "cpsc"
SOURCES = (SAFETY_GATE, CPSC)

#: the contract's hazard values (risk signals' ``hazard``)
HAZARDS = (
    "chemical",
    "electric_shock",
    "fire",
    "choking",
    "strangulation",
    "injury",
    "labelling",
    "microbiological",
    "other",
)

#: default largest file a caller reads (bytes)
MAX_BYTES = 20 * 1024 * 1024

#: values that mean "nothing here" in the exports (compared case-insensitively)
EMPTY_VALUES = frozenset({"none", "null", "n/a", "na", "-", "--", "unknown", "not known", "nan"})

TRUE_VALUES = frozenset({"yes", "true", "1", "y", "oui", "ja"})


class FeedFileError(ValueError):
    """The file as a whole cannot be read (its message says why, for the person who gave it)."""


@dataclass
class OverseasRecord:
    """One overseas notice, whatever its source, in the terms of a risk signal."""

    source: str
    reference: str
    date: datetime.date | None = None
    title: str = ""
    product_name: str = ""
    description: str = ""
    brand: str = ""
    model: str = ""
    batch: str = ""
    gtins: list[str] = field(default_factory=list)
    country_of_origin: str = ""
    hazard: str = "other"
    risk: str = ""
    category: str = ""
    measures: str = ""
    counterfeit: bool = False
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordError:
    """A record that was not read: its 1-based position in the file, its reference if known, why."""

    position: int
    message: str
    reference: str = ""


@dataclass
class FeedResult:
    records: list[OverseasRecord] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)


class _BadRecord(Exception):
    pass


# -- values -------------------------------------------------------------------------------------------


def clean(value: Any) -> str:
    """A text value with surrounding space trimmed; ``None`` (the value or the text) is empty."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(text for text in (clean(v) for v in value) if text)
    if isinstance(value, Mapping):
        return ""
    text = " ".join(str(value).split())
    return "" if text.casefold() in EMPTY_VALUES else text


def is_true(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return clean(value).casefold() in TRUE_VALUES


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%Y%m%d", "%m/%d/%Y")


def parse_date(value: Any) -> datetime.date | None:
    """A date written as ISO (with or without a time), day/month/year or yyyymmdd; empty is None.

    Raises ``_BadRecord`` for a value that is there but is no date.
    """
    text = clean(value)
    if not text:
        return None
    iso = re.match(r"(\d{4}-\d{2}-\d{2})(?:[T ].*)?$", text)
    candidates = [iso.group(1)] if iso else [text]
    for candidate in candidates:
        for pattern in _DATE_FORMATS:
            try:
                return datetime.datetime.strptime(candidate, pattern).date()
            except ValueError:
                continue
    raise _BadRecord(_("Unreadable date: %(value)s") % {"value": text[:40]})


# -- hazards ------------------------------------------------------------------------------------------

# English keywords of each hazard, as the feeds word them (Safety Gate's risk types: "Chemical",
# "Electric shock", "Burns", "Choking", "Suffocation", "Strangulation", "Injuries", "Cuts",
# "Microbiological"…; CPSC's hazard sentences: "posing a fire hazard", "levels of lead"…).
HAZARD_KEYWORDS: dict[str, tuple[str, ...]] = {
    "chemical": (
        r"chemical",
        r"phthalate",
        r"cadmium",
        r"nickel",
        r"chromium",
        r"formaldehyde",
        r"azo ?dyes?",
        r"boron",
        r"bisphenol",
        r"nitrosamine",
        r"heavy metals?",
        r"toxic",
        r"poison",
        r"lead (?:content|paint|level)",
        r"levels? of lead",
        r"carbon monoxide",
        r"asbestos",
        r"pahs?\b",
    ),
    "electric_shock": (r"electric(?:al)? shock", r"electrocut", r"shock hazard", r"shock"),
    "fire": (r"fire", r"burns?\b", r"burn hazard", r"flam", r"overheat", r"scald", r"ignit", r"thermal"),
    "choking": (r"chok", r"suffocat", r"small parts?", r"aspiration", r"asphyxia"),
    "strangulation": (r"strangulat", r"entangle"),
    "injury": (
        r"injur",
        r"cuts?\b",
        r"lacerat",
        r"entrapment",
        r"fall hazard",
        r"falls?\b",
        r"tip[- ]over",
        r"crush",
        r"drown",
        r"impact",
        r"pinch",
        r"damage to (?:sight|hearing)",
        r"hearing damage",
    ),
    "labelling": (r"label", r"marking", r"warnings? (?:missing|absent)", r"instructions"),
    "microbiological": (r"microbiolog", r"bacteri", r"microb", r"salmonella", r"listeria", r"e\.? ?coli", r"mou?ld"),
}

_HAZARD_PATTERNS = [
    (hazard, re.compile(r"\b(?:" + "|".join(words) + ")", re.IGNORECASE)) for hazard, words in HAZARD_KEYWORDS.items()
]


def hazard_of(*texts: str) -> str:
    """The contract's hazard value for a risk description: the hazard named first in the first text
    naming any; ``other`` when none is recognised."""
    for text in texts:
        best: tuple[int, int, str] | None = None
        for order, (hazard, pattern) in enumerate(_HAZARD_PATTERNS):
            found = pattern.search(text or "")
            if found and (best is None or (found.start(), order) < best[:2]):
                best = (found.start(), order, hazard)
        if best:
            return best[2]
    return "other"


# -- countries ----------------------------------------------------------------------------------------

COUNTRY_ALIASES = {
    "people's republic of china": "CN",
    "peoples republic of china": "CN",
    "p.r. china": "CN",
    "pr china": "CN",
    "prc": "CN",
    "mainland china": "CN",
    "hong kong": "HK",
    "hong kong sar": "HK",
    "macau": "MO",
    "macao": "MO",
    "taiwan": "TW",
    "usa": "US",
    "u.s.a.": "US",
    "u.s.": "US",
    "united states": "US",
    "united states of america": "US",
    "uk": "GB",
    "u.k.": "GB",
    "great britain": "GB",
    "united kingdom": "GB",
    "england": "GB",
    "south korea": "KR",
    "korea": "KR",
    "republic of korea": "KR",
    "korea, republic of": "KR",
    "north korea": "KP",
    "vietnam": "VN",
    "viet nam": "VN",
    "turkey": "TR",
    "türkiye": "TR",
    "czech republic": "CZ",
    "czechia": "CZ",
    "russia": "RU",
    "russian federation": "RU",
    "iran": "IR",
    "laos": "LA",
    "syria": "SY",
    "moldova": "MD",
    "tanzania": "TZ",
    "bolivia": "BO",
    "venezuela": "VE",
    "the netherlands": "NL",
    "holland": "NL",
}


@cache
def _country_names() -> dict[str, str]:
    """English country names (django-countries' list) to ISO alpha-2 codes, plus the aliases above."""
    from django.utils import translation
    from django_countries.data import COUNTRIES

    with translation.override("en"):
        names = {str(name).casefold(): code for code, name in COUNTRIES.items()}
    names.update({code.casefold(): code for code in COUNTRIES})
    names.update(COUNTRY_ALIASES)
    return names


def country_code(value: Any) -> str:
    """ISO 3166 alpha-2 code of a country given by English name or code; empty when unknown or absent.

    With several countries ("China, Viet Nam") the first known one is taken.
    """
    text = nfkc(clean(value))
    if not text:
        return ""
    names = _country_names()
    for candidate in [text, *re.split(r"\s*[;/,]\s*|\s+and\s+", text)]:
        key = candidate.strip().strip(".").casefold()
        key = re.sub(r"\s*\(.*\)$", "", key)
        if key in names:
            return names[key]
    return ""


# -- file reading -------------------------------------------------------------------------------------


def _decode(data: bytes | str, max_bytes: int) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > max_bytes:
        raise FeedFileError(_("The file is larger than %(limit)s bytes.") % {"limit": max_bytes})
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise FeedFileError(_("The file is not UTF-8 text.")) from error


def _load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError as error:
        raise FeedFileError(_("The JSON is nested too deeply.")) from error
    except ValueError as error:
        raise FeedFileError(_("The file is not valid JSON: %(error)s") % {"error": error}) from error


_LIST_KEYS = ("results", "alerts", "records", "items", "data", "notifications", "recalls", "success")


def _find_list(value: Any, depth: int = 0) -> list[Any]:
    """The list of records in a JSON document: the document itself, or the list it holds."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and depth < 3:
        for key in _LIST_KEYS:
            if key in value:
                found = _find_list(value[key], depth + 1)
                if found is not _NONE:
                    return found
        lists = [v for v in value.values() if isinstance(v, list)]
        if len(lists) == 1:
            return lists[0]
    return _NONE


_NONE: list[Any] = []


def _records_of_json(text: str) -> list[Any]:
    found = _find_list(_load_json(text))
    if found is _NONE:
        raise FeedFileError(_("The JSON holds no list of records."))
    return found


def _column(name: str) -> str:
    """A header as a key: "Alert number" and "alert_number" are the same column."""
    return re.sub(r"[\s\-]+", "_", name.strip().strip('"').casefold())


def _records_of_csv(text: str) -> Iterable[dict[str, Any] | Exception]:
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [_column(name) for name in next(reader)]
    except StopIteration:
        return
    except csv.Error as error:
        raise FeedFileError(_("The CSV header cannot be read: %(error)s") % {"error": error}) from error
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield error
            continue
        if not any(cell.strip() for cell in row):
            continue
        yield {name: cell for name, cell in zip(header, row, strict=False) if name}


def _parse(
    items: Iterable[Any],
    source: str,
    reference_keys: tuple[str, ...],
    build: Callable[[Mapping[str, Any]], OverseasRecord],
) -> FeedResult:
    result = FeedResult()
    for position, item in enumerate(items, start=1):
        if isinstance(item, Exception):
            result.errors.append(RecordError(position, _("Unreadable row: %(error)s") % {"error": item}))
            continue
        if not isinstance(item, Mapping):
            result.errors.append(RecordError(position, _("The record is not an object.")))
            continue
        reference = next((text for key in reference_keys if (text := clean(item.get(key)))), "")
        if not reference:
            result.errors.append(
                RecordError(position, _("The record has no reference (%(field)s).") % {"field": reference_keys[0]})
            )
            continue
        try:
            record = build(item)
        except _BadRecord as error:
            result.errors.append(RecordError(position, str(error), reference))
            continue
        record.source, record.reference, record.raw = source, reference, dict(item)
        result.records.append(record)
    return result


def _is_json(text: str) -> bool:
    return text.lstrip()[:1] in ("[", "{")


# -- Safety Gate --------------------------------------------------------------------------------------


def _safety_gate_record(row: Mapping[str, Any]) -> OverseasRecord:
    name = clean(row.get("product_name"))
    risk = clean(row.get("risk_type"))
    measures = [clean(row.get("compulsory_measures")), clean(row.get("voluntary_measures"))]
    return OverseasRecord(
        source=SAFETY_GATE,
        reference="",
        date=parse_date(row.get("publication_date") or row.get("date") or row.get("alert_date")),
        title=name or clean(row.get("product_category")),
        product_name=name,
        description=clean(row.get("product_description")),
        brand=clean(row.get("brand")),
        model=clean(row.get("model_type_number")),
        batch=clean(row.get("batch_number")),
        gtins=gtins_in(clean(row.get("barcode"))),
        country_of_origin=country_code(row.get("country_of_origin")),
        hazard=hazard_of(risk, clean(row.get("risk_description"))),
        risk=risk,
        category=clean(row.get("product_category")),
        measures="; ".join(text for text in measures if text),
        counterfeit=is_true(row.get("counterfeit")),
    )


def parse_safety_gate(data: bytes | str, *, max_bytes: int = MAX_BYTES) -> FeedResult:
    """EU Safety Gate alerts from a CSV or JSON export."""
    text = _decode(data, max_bytes)
    if _is_json(text):
        items: Iterable[Any] = [
            {_column(str(k)): v for k, v in item.items()} if isinstance(item, dict) else item
            for item in _records_of_json(text)
        ]
    else:
        items = _records_of_csv(text)
    return _parse(items, SAFETY_GATE, ("alert_number", "alert_no", "reference"), _safety_gate_record)


# -- CPSC ---------------------------------------------------------------------------------------------


def _get(record: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if record.get(key) not in (None, "", []):
            return record[key]
    return None


def _names(value: Any, *keys: str) -> list[str]:
    """The texts of a CPSC list: plain strings, or objects whose text is under one of ``keys``."""
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    names = []
    for item in value:
        text = clean(_get(item, *keys)) if isinstance(item, Mapping) else clean(item)
        if text and text not in names:
            names.append(text)
    return names


def _cpsc_record(recall: Mapping[str, Any]) -> OverseasRecord:
    products = _get(recall, "Products", "products")
    products = [p for p in products if isinstance(p, Mapping)] if isinstance(products, list) else []
    product_names = _names(products, "Name", "name")
    types = _names(products, "Type", "type") or _names(_get(recall, "product_types"), "Name", "name", "Type", "type")
    models = _names(products, "Model", "model")
    manufacturers = _names(_get(recall, "Manufacturers", "manufacturers"), "Name", "name")
    hazards = _names(_get(recall, "Hazards", "hazards"), "Name", "name")
    hazard_types = _names(_get(recall, "Hazards", "hazards"), "HazardType", "hazard_type")
    upcs = _names(_get(recall, "ProductUPCs", "upcs", "UPCs"), "UPC", "upc")
    countries = _names(
        _get(recall, "ManufacturerCountries", "countries", "manufacturer_countries"),
        "Country",
        "country",
        "Name",
        "name",
    )
    remedies = _names(_get(recall, "Remedies", "remedies"), "Name", "name")
    description = clean(_get(recall, "Description", "description", "descriptions"))
    title = clean(_get(recall, "Title", "title"))
    return OverseasRecord(
        source=CPSC,
        reference="",
        date=parse_date(_get(recall, "RecallDate", "recall_date")),
        title=title or (product_names[0] if product_names else ""),
        product_name=product_names[0] if product_names else "",
        description=description,
        brand=manufacturers[0] if manufacturers else "",
        model="; ".join(models),
        gtins=[gtin for upc in upcs for gtin in gtins_in(upc)],
        country_of_origin=next((code for code in map(country_code, countries) if code), ""),
        hazard=hazard_of(" ".join(hazard_types), " ".join(hazards), title),
        risk="; ".join(hazards),
        category="; ".join(types),
        measures="; ".join(remedies),
        counterfeit=False,
    )


def parse_cpsc(data: bytes | str, *, max_bytes: int = MAX_BYTES) -> FeedResult:
    """US CPSC recalls in the Recalls API JSON shape (or a bare list of recalls)."""
    text = _decode(data, max_bytes)
    if not _is_json(text):
        raise FeedFileError(_("The file is not valid JSON: %(error)s") % {"error": _("it does not start with [ or {")})
    return _parse(_records_of_json(text), CPSC, ("RecallNumber", "recall_number"), _cpsc_record)


def parse(source: str, data: bytes | str, *, max_bytes: int = MAX_BYTES) -> FeedResult:
    """The records of a file of the given source (``safety_gate`` or ``cpsc``)."""
    if source == SAFETY_GATE:
        return parse_safety_gate(data, max_bytes=max_bytes)
    if source == CPSC:
        return parse_cpsc(data, max_bytes=max_bytes)
    raise ValueError(f"unknown source {source!r}")
