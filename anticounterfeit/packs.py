"""Evidence packs: a ZIP that proves itself, built from a case's data and verified with no database.

A pack holds ``files/<number>-v<version>-<name>`` (every version of every file item), ``manifest.json``
(the case, every item with its SHA-256, the custody log with every hashed field and the head),
``summary.pdf`` (the same for people, with the manifest's SHA-256), ``README.txt`` and ``SHA256SUMS``
(``sha256sum -c`` format, every file of the pack but itself). ``verify_pack`` checks all of it from the
ZIP alone (the entries must be exactly those of a pack: no more, no fewer); the manifest's SHA-256 and
the whole ZIP's, recorded in the database when the pack was exported, anchor it against a pack whose
hashes were all recomputed after a change (``verify_evidence_pack`` without ``--offline``).

Files are streamed in chunks (the ZIP is written to a file, never held in memory), so a 100 MB case
costs a few megabytes of memory; they are stored uncompressed (photos and videos do not compress).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePath, PurePosixPath
from typing import IO, Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from anticounterfeit import custody
from anticounterfeit.choices import CaseStatus, CustodyAction, EvidenceKind

FORMAT = "cbec-evidence-pack/1"
#: reportlab's built-in CJK font (no font file needed)
FONT = "STSong-Light"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
SUMMARY = "summary.pdf"
README = "README.txt"
FILES_DIR = "files/"
_CHUNK = 1024 * 1024
#: the manifest and SHA256SUMS are text: a pack with larger ones is not ours
_MANIFEST_LIMIT = 64 * 1024 * 1024
_SUMS_LIMIT = 16 * 1024 * 1024
#: the summary prints at most this much of a field in a table cell (the manifest has all of it), so
#: that a row always fits on a page
CELL_CHARS = 300
CELL_LINES = 8
_SUM_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


class PackError(Exception):
    """The pack could not be built (a stored file no longer matches its recorded SHA-256, the summary
    could not be laid out)."""


@dataclass
class PackItem:
    """One version of an item for the manifest, and (for a file) how to read its stored content."""

    data: dict[str, Any]
    open: Callable[[], IO[bytes]] | None = None


def safe_name(name: str, limit: int = 80) -> str:
    """The original name, made safe as a path component: no directories, no control characters, no
    characters that shells or Windows mind; Chinese kept."""
    name = unicodedata.normalize("NFC", PurePosixPath(name.replace("\\", "/")).name)
    name = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]+', "_", name).strip(" .")
    name = name.replace(" ", "_")
    if len(name) > limit:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: limit - len(suffix) - 1] + "." + suffix) if dot and len(suffix) <= 10 else name[:limit]
    return name or "file"


def _canonical(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def _write_stream(archive: zipfile.ZipFile, name: str, source: IO[bytes]) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_STORED
    with archive.open(info, "w", force_zip64=True) as target:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    return size, digest.hexdigest()


def _write_bytes(archive: zipfile.ZipFile, name: str, content: bytes) -> str:
    archive.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return hashlib.sha256(content).hexdigest()


def build_pack(
    target: IO[bytes],
    *,
    case: dict[str, Any],
    items: Iterable[PackItem],
    events: list[dict[str, Any]],
    head: dict[str, Any],
    exported_at: str,
    exported_by: str,
    summary: Callable[[dict[str, Any], str], bytes],
) -> tuple[dict[str, Any], str]:
    """Write the pack to ``target`` (a binary file open for writing). Each file item's content is copied
    in chunks and hashed as it goes: a stored file unlike its recorded SHA-256 raises PackError. Returns
    the manifest and its SHA-256; ``summary(manifest, manifest_sha256)`` draws the PDF."""
    sums: list[tuple[str, str]] = []
    manifest_items: list[dict[str, Any]] = []
    used: set[str] = set()
    with zipfile.ZipFile(target, "w", allowZip64=True) as archive:
        for item in items:
            data = dict(item.data)
            if item.open is not None:
                base = f"{data['number']}-v{data['version']}-{safe_name(data.get('original_name') or 'file')}"
                path, n = FILES_DIR + base, 1
                while path in used:  # two versions cannot clash, but be sure
                    n += 1
                    path = f"{FILES_DIR}{n}-{base}"
                used.add(path)
                with item.open() as source:
                    size, sha256 = _write_stream(archive, path, source)
                if sha256 != data["sha256"] or size != data["size"]:
                    raise PackError(
                        _("Item #%(number)s v%(version)s: the stored file no longer matches its recorded SHA-256.")
                        % {"number": data["number"], "version": data["version"]}
                    )
                data["path"] = path
                sums.append((sha256, path))
            else:
                data["path"] = None
            manifest_items.append(data)
        manifest = {
            "format": FORMAT,
            "case": case,
            "exported_at": exported_at,
            "exported_by": exported_by,
            "items": manifest_items,
            "custody": events,
            "custody_head": head,
            "hashed_fields": list(custody.HASHED_FIELDS),
        }
        manifest_bytes = _canonical(manifest)
        manifest_sha256 = _write_bytes(archive, MANIFEST, manifest_bytes)
        sums.append((manifest_sha256, MANIFEST))
        sums.append((_write_bytes(archive, SUMMARY, summary(manifest, manifest_sha256)), SUMMARY))
        sums.append((_write_bytes(archive, README, readme(manifest, manifest_sha256).encode("utf-8")), README))
        archive.writestr(SUMS, "".join(f"{sha}  {path}\n" for sha, path in sums), compress_type=zipfile.ZIP_DEFLATED)
    return manifest, manifest_sha256


def _when(value: object) -> str:
    """An ISO 8601 instant of the manifest as people read it: Asia/Shanghai, to the minute."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        return value
    return moment.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")


def readme(manifest: dict[str, Any], manifest_sha256: str) -> str:
    """How to verify the pack (the README's text, in the language active at export)."""
    case = manifest["case"]
    return "\n".join(
        [
            _("Evidence pack of case %(case_no)s") % {"case_no": case.get("case_no", "")},
            "",
            _("Exported at %(when)s by %(who)s.")
            % {"when": _when(manifest["exported_at"]), "who": manifest["exported_by"]},
            _("SHA-256 of manifest.json: %(sha)s") % {"sha": manifest_sha256},
            "",
            _("How to verify it:"),
            _("1. Unzip the pack and run, in its folder:  sha256sum -c SHA256SUMS"),
            _("   Every line must end in OK; then compare the SHA-256 of manifest.json with the one above."),
            _("2. Or, on the system, run:  python manage.py verify_evidence_pack PACK.zip"),
            _(
                "   It also recomputes the chain of custody and checks the manifest against the packs "
                "recorded when they were exported (--offline: without the database)."
            ),
            "",
        ]
    )


# --- verification (no database) --------------------------------------------------------------------


@dataclass
class PackReport:
    """What ``verify_pack`` found: ``ok`` when there is no problem."""

    problems: list[str] = field(default_factory=list)
    files: int = 0
    custody: int = 0
    manifest_sha256: str = ""
    #: the SHA-256 of the whole ZIP file
    sha256: str = ""
    manifest: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _unsafe(name: str) -> bool:
    path = name.replace("\\", "/")
    return path.startswith("/") or bool(re.match(r"^[A-Za-z]:", path)) or ".." in path.split("/") or "\x00" in path


def _hash_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with archive.open(info) as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _whole_sha256(path: str | IO[bytes]) -> str:
    digest = hashlib.sha256()
    if isinstance(path, str):
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
        return digest.hexdigest()
    path.seek(0)
    while chunk := path.read(_CHUNK):
        digest.update(chunk)
    path.seek(0)
    return digest.hexdigest()


def verify_pack(path: str | IO[bytes]) -> PackReport:
    """Check a pack from its ZIP alone: its entries are exactly ``manifest.json``, ``SHA256SUMS``,
    ``summary.pdf``, ``README.txt`` and the files the manifest lists, each of those with its size and
    SHA-256, ``SHA256SUMS`` agrees with every entry, the custody log recomputes and links to its head,
    and each custody event's item hash and item record are the manifest's. Also takes the whole ZIP's
    SHA-256 (``sha256``, for the comparison with the packs recorded at export). Never raises for a bad
    file: every problem is a line of the report."""
    report = PackReport()
    try:
        report.sha256 = _whole_sha256(str(path) if isinstance(path, PurePath) else path)
        with zipfile.ZipFile(path) as archive:
            _verify_archive(archive, report)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        report.problems.append(_("The pack is not a readable ZIP file (%(error)s).") % {"error": exc})
    except RuntimeError as exc:  # an encrypted entry (RecursionError too: a manifest nested too deep)
        report.problems.append(_("The pack could not be read (%(error)s).") % {"error": exc})
    except (TypeError, KeyError, AttributeError, OverflowError) as exc:  # a forged manifest not foreseen
        report.problems.append(_("manifest.json could not be checked (%(error)s).") % {"error": exc})
    return report


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, report: PackReport) -> tuple[int, str] | None:
    try:
        return _hash_entry(archive, info)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        report.problems.append(_("%(path)s: could not be read (%(error)s).") % {"path": info.filename, "error": exc})
        return None


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _verify_archive(archive: zipfile.ZipFile, report: PackReport) -> None:
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        if _unsafe(info.filename):
            report.problems.append(_("%(path)s: an unsafe path in the pack.") % {"path": info.filename})
            continue
        if info.filename in entries:
            report.problems.append(_("%(path)s: appears twice in the pack.") % {"path": info.filename})
        if info.is_dir():
            report.problems.append(_("%(path)s: not part of an evidence pack.") % {"path": info.filename})
        else:
            entries[info.filename] = info
    if MANIFEST not in entries:
        report.problems.append(_("The pack has no manifest.json."))
        return
    manifest_info = entries[MANIFEST]
    if manifest_info.file_size > _MANIFEST_LIMIT:
        report.problems.append(_("manifest.json is too large to be a manifest."))
        return
    try:
        manifest_bytes = archive.read(manifest_info)
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except (zipfile.BadZipFile, OSError, EOFError, UnicodeDecodeError, ValueError, RuntimeError) as exc:
        # (RecursionError is a RuntimeError: a manifest nested too deep)
        report.problems.append(_("manifest.json could not be read (%(error)s).") % {"error": exc})
        return
    report.manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        report.problems.append(_("manifest.json is not the manifest of an evidence pack."))
        return
    report.manifest = manifest
    hashes: dict[str, str] = {MANIFEST: report.manifest_sha256}
    items = manifest.get("items")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        report.problems.append(_("manifest.json lists no items."))
        items = []
    listed: set[str] = set()
    for item in items:
        path = item.get("path")
        if path is None:
            continue
        label = f"#{item.get('number')} v{item.get('version')}"
        if not isinstance(path, str) or not path.startswith(FILES_DIR) or _unsafe(path):
            report.problems.append(_("%(item)s: the manifest names an unsafe path.") % {"item": label})
            continue
        listed.add(path)
        entry = entries.get(path)
        if entry is None:
            report.problems.append(_("%(path)s: listed in the manifest but missing from the pack.") % {"path": path})
            continue
        read = _read_entry(archive, entry, report)
        if read is None:
            continue
        size, sha256 = read
        hashes[path] = sha256
        report.files += 1
        if size != item.get("size"):
            report.problems.append(
                _("%(path)s: %(size)s bytes, the manifest says %(expected)s.")
                % {"path": path, "size": size, "expected": item.get("size")}
            )
        if sha256 != item.get("sha256"):
            report.problems.append(_("%(path)s: its SHA-256 is not the manifest's: it was changed.") % {"path": path})
    for name in sorted(entries):
        if name.startswith(FILES_DIR) and name not in listed:
            report.problems.append(_("%(path)s: in the pack but not in the manifest.") % {"path": name})
        elif not name.startswith(FILES_DIR) and name not in (MANIFEST, SUMS, SUMMARY, README):
            report.problems.append(_("%(path)s: not part of an evidence pack.") % {"path": name})
    for name in (SUMMARY, README):
        if name not in entries:
            report.problems.append(_("The pack has no %(name)s.") % {"name": name})
    _verify_sums(archive, entries, hashes, report)
    _verify_custody(manifest, items, report)


def _verify_sums(
    archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], hashes: dict[str, str], report: PackReport
) -> None:
    if SUMS not in entries:
        report.problems.append(_("The pack has no SHA256SUMS."))
        return
    if entries[SUMS].file_size > _SUMS_LIMIT:
        report.problems.append(_("SHA256SUMS is too large to be a list of checksums."))
        return
    try:
        text = archive.read(entries[SUMS]).decode("utf-8")
    except (zipfile.BadZipFile, OSError, EOFError, UnicodeDecodeError, ValueError, RuntimeError) as exc:
        report.problems.append(_("SHA256SUMS could not be read (%(error)s).") % {"error": exc})
        return
    summed: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        match = _SUM_LINE.match(line)
        if match is None:
            report.problems.append(_("SHA256SUMS line %(n)s is not a checksum line.") % {"n": number})
            continue
        expected, name = match.groups()
        summed.add(name)
        if name not in entries:
            report.problems.append(_("%(path)s: in SHA256SUMS but missing from the pack.") % {"path": name})
            continue
        if name not in hashes:
            read = _read_entry(archive, entries[name], report)
            if read is None:
                continue
            hashes[name] = read[1]
        if hashes[name] != expected:
            report.problems.append(_("%(path)s: its SHA-256 is not the one in SHA256SUMS.") % {"path": name})
    for name in sorted(set(entries) - summed - {SUMS}):
        report.problems.append(_("%(path)s: in the pack but not in SHA256SUMS.") % {"path": name})


def _verify_custody(manifest: dict[str, Any], items: list[dict[str, Any]], report: PackReport) -> None:
    events = manifest.get("custody")
    head = manifest.get("custody_head")
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events) or not isinstance(head, dict):
        report.problems.append(_("manifest.json has no custody log."))
        return
    item_hashes: dict[int, str] = {}
    item_records: dict[int, str] = {}
    for item in items:
        if not _is_id(item.get("id")):
            report.problems.append(_("manifest.json names an item without a valid id."))
            continue
        sha256 = item.get("sha256")
        item_hashes[item["id"]] = sha256 if isinstance(sha256, str) else ""
        item_records[item["id"]] = custody.evidence_record(item)
    head_seq, head_hash = head.get("seq"), head.get("hash")
    result = custody.verify_events(
        events,
        head_seq=head_seq if isinstance(head_seq, int) and not isinstance(head_seq, bool) else -1,
        head_hash=head_hash if isinstance(head_hash, str) else "",
        evidence_sha256=item_hashes,
        evidence_records=item_records,
    )
    report.custody = result.checked
    if not result.ok:
        report.problems.append(_("Chain of custody: %(problem)s") % {"problem": result.problem})


# --- the PDF summary -------------------------------------------------------------------------------


_BODY_CHARS = 2000
_NAME_CHARS = 120


def clip(text: object, chars: int | None = None, lines: int | None = None) -> str:
    """A field as the summary prints it: "-" when empty, at most ``chars`` characters and ``lines`` lines
    (``CELL_CHARS``, ``CELL_LINES``), "…" where it was cut (the manifest has the whole text)."""
    chars = CELL_CHARS if chars is None else chars
    lines = CELL_LINES if lines is None else lines
    value = str(text if text not in (None, "") else "-")
    kept = value[:chars]
    parts = kept.split("\n")
    if len(parts) > lines:
        kept = "\n".join(parts[:lines])
    return kept + "…" if len(kept) < len(value) else kept


def _part(value: object) -> str:
    """One field of a table cell that shows several: cut like a cell, empty when empty."""
    return clip(value) if value not in (None, "") else ""


def summary_pdf(manifest: dict[str, Any], manifest_sha256: str) -> bytes:
    """The pack's summary for people: the case, the items with their hashes, the custody log and the
    manifest's SHA-256; reportlab's built-in CJK font, so Chinese prints as it is."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus.doctemplate import LayoutError

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    font = FONT
    actions, kinds = dict(CustodyAction.choices), dict(EvidenceKind.choices)
    statuses = dict(CaseStatus.choices)
    title_style = ParagraphStyle("title", fontName=font, fontSize=15, leading=19, spaceAfter=4)
    heading_style = ParagraphStyle("heading", fontName=font, fontSize=11.5, leading=15, spaceBefore=6, spaceAfter=3)
    body_style = ParagraphStyle("body", fontName=font, fontSize=9, leading=12)
    cell_style = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5)
    hash_style = ParagraphStyle("hash", fontName="Courier", fontSize=6.5, leading=8.5)

    def para(
        text: object, style: ParagraphStyle = cell_style, *, chars: int | None = None, lines: int | None = None
    ) -> Paragraph:
        return Paragraph(escape(clip(text, chars, lines)).replace("\n", "<br/>"), style)

    def hashed(value: object) -> Paragraph:
        text = str(value or "-")
        return Paragraph(escape(text[:32] + " " + text[32:] if len(text) == 64 else text), hash_style)

    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    case = manifest["case"]
    head = manifest["custody_head"]
    story: list[Any] = [
        Paragraph(escape(_("Evidence pack of case %(case_no)s") % {"case_no": case.get("case_no", "")}), title_style),
        para(
            " | ".join(
                str(x)
                for x in (
                    case.get("title"),
                    case.get("bureau"),
                    statuses.get(case.get("status"), case.get("status")),
                    case.get("brand"),
                    case.get("party"),
                )
                if x
            ),
            body_style,
            chars=_BODY_CHARS,
        ),
        para(
            _("Exported at %(when)s by %(who)s.")
            % {"when": _when(manifest["exported_at"]), "who": manifest["exported_by"]},
            body_style,
            chars=_BODY_CHARS,
        ),
        para(_("SHA-256 of manifest.json: %(sha)s") % {"sha": manifest_sha256}, body_style, chars=_BODY_CHARS),
        Spacer(1, 3 * mm),
        Paragraph(escape(_("Items of evidence")), heading_style),
    ]
    rows: list[list[Any]] = [
        [
            para(h)
            for h in (
                _("No."),
                _("Kind"),
                _("File or description"),
                _("Collected"),
                _("Place and method"),
                _("Size"),
                _("SHA-256"),
            )
        ]
    ]
    for item in manifest["items"]:
        # each part of the label cut on its own, so the correction's reason shows after a long description
        label = clip(item.get("original_name"), _NAME_CHARS) if item.get("original_name") else ""
        if item.get("description"):
            label = f"{label}\n{clip(item['description'])}" if label else clip(item["description"])
        if item.get("kind") == "physical":
            label = f"{label}\n{item.get('quantity') or ''} {item.get('unit') or ''} {item.get('seal_no') or ''}"
        if item.get("supersedes"):
            label = f"{label}\n{_('Correction')}: {clip(item.get('correction_reason') or '')}"
        rows.append(
            [
                para(f"{item['number']} v{item['version']}"),
                para(kinds.get(item.get("kind"), item.get("kind"))),
                para(label, chars=len(label), lines=3 * CELL_LINES + 2),
                para(f"{_when(item.get('collected_at'))}\n{item.get('collected_by') or ''}"),
                para(
                    f"{_part(item.get('place'))}\n{_part(item.get('method'))}",
                    chars=2 * CELL_CHARS + 2,
                    lines=2 * CELL_LINES + 1,
                ),
                para(item.get("size")),
                hashed(item.get("sha256")),
            ]
        )
    story.append(
        LongTable(
            rows, colWidths=[14 * mm, 16 * mm, 62 * mm, 38 * mm, 50 * mm, 20 * mm, 60 * mm], style=grid, repeatRows=1
        )
    )
    story += [Spacer(1, 3 * mm), Paragraph(escape(_("Chain of custody")), heading_style)]
    item_labels = {item.get("id"): f"{item['number']} v{item['version']}" for item in manifest["items"]}
    log: list[list[Any]] = [
        [para(h) for h in (_("No."), _("Item"), _("Action"), _("At"), _("From → to"), _("Place"), _("Hash"))]
    ]
    for event in manifest["custody"]:
        log.append(
            [
                para(event.get("seq")),
                para(item_labels.get(event.get("evidence_id"), event.get("evidence_id"))),
                para(actions.get(event.get("action"), event.get("action"))),
                para(_when(event.get("at"))),
                para(
                    f"{_part(event.get('from_party'))} → {_part(event.get('to_party'))}",
                    chars=2 * CELL_CHARS + 4,
                    lines=2 * CELL_LINES + 1,
                ),
                para(event.get("place")),
                hashed(event.get("hash")),
            ]
        )
    story.append(
        LongTable(
            log, colWidths=[12 * mm, 16 * mm, 24 * mm, 40 * mm, 70 * mm, 38 * mm, 60 * mm], style=grid, repeatRows=1
        )
    )
    story.append(Spacer(1, 2 * mm))
    story.append(
        para(
            _("The log's head: %(seq)s events, last hash %(hash)s")
            % {"seq": head.get("seq"), "hash": head.get("hash") or "-"},
            body_style,
        )
    )
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=str(case.get("case_no", "")),
    )
    try:
        document.build(story)
    except (LayoutError, ValueError) as exc:
        raise PackError(_("The summary of the pack could not be laid out (%(error)s).") % {"error": exc}) from exc
    return buffer.getvalue()
