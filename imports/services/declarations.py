"""Import declarations: batches classified into the three tiers, on-site verification, export declarations."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections import Counter
from collections.abc import Collection, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_countries import countries
from stdnum import casrn

from accounts.models import Bureau, User
from catalogues.choices import FollowUp
from catalogues.classification import Decision, batch_tier
from catalogues.models import HSCode
from catalogues.services import classify_lines
from cbec_supervision import handovers
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.text import nfkc, split_list
from filings.choices import FilingStatus, GoodsCategory, SequenceKind, SupervisionLevel
from filings.models import EnterpriseFiling, ProductFiling
from filings.services.numbering import filing_number_issue
from imports.choices import (
    BatchMode,
    Confirmation,
    ItemStatus,
    batch_status_of,
)
from imports.models import ExportDeclaration, ImportBatch, ImportItem, VerificationTask
from partnerships.selectors import partner_confirmed

MAX_LINES = 20_000
_CAS_RE = re.compile(r"^[0-9]{2,7}-[0-9]{2}-[0-9]$")
_ID_RE = re.compile(r"[0-9]{1,19}")
#: what the columns hold: quantity 14 digits with 3 places, value 14 with 2, a batch's total 16 with 2
_AMOUNT_LIMITS = {"quantity": Decimal(10) ** 11, "value_cny": Decimal(10) ** 12}
_TOTAL_LIMIT = Decimal(10) ** 14


# --- checking declared lines --------------------------------------------------------------------


#: decimal places of each amount column
_PLACES = {"quantity": Decimal("0.001"), "value_cny": Decimal("0.01")}


class _Invalid(enum.Enum):
    """What ``_decimal`` returns for input that is not a number: one typed value, so ``is`` narrows it."""

    TOKEN = 0


_INVALID: Final = _Invalid.TOKEN


def _decimal(value: Any, places: Decimal) -> Decimal | _Invalid | None:
    """None when empty; the number rounded to the column's places; ``_INVALID`` for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return _INVALID
    try:
        number = Decimal(nfkc(str(value)).strip())
        if not number.is_finite() or not -30 < number.adjusted() < 30:
            return _INVALID
        return number.quantize(places)
    except (InvalidOperation, ValueError):
        return _INVALID


def clean_line(raw: Any, *, known_hs8: Collection[str], require_amounts: bool = True) -> tuple[dict, dict]:
    """(cleaned line, {field: [messages]}) for one declared line; used by the dry run too."""
    errors: dict[str, list[str]] = {}
    if not isinstance(raw, dict):
        return {}, {"non_field_errors": [_("Each line is an object with its fields.")]}
    line: dict[str, Any] = {}
    product = raw.get("product")
    if product not in (None, ""):
        if isinstance(product, bool) or not _ID_RE.fullmatch(str(product)) or int(product) > 2**63 - 1:
            errors["product"] = [_("Give the id of a product filing.")]
        else:
            line["product"] = int(product)
    line["description"] = str(raw.get("description") or "").replace("\x00", "").strip()[:500]
    hs = re.sub(r"[\s.]", "", nfkc(str(raw.get("hs_code") or "")))
    if hs:
        if not re.fullmatch(r"[0-9]{10}", hs):
            errors["hs_code"] = [_("An HS code has 10 digits.")]
        elif hs[:8] not in known_hs8:
            errors["hs_code"] = [_("%(code)s is not a China Customs commodity code.") % {"code": hs[:8]}]
    line["hs_code"] = hs
    cas_raw = raw.get("cas_numbers") or []
    if not isinstance(cas_raw, (list, tuple, str)):
        errors["cas_numbers"] = [_("Give CAS numbers as a list.")]
        cas_raw = []
    cas = [nfkc(c) for c in split_list(cas_raw)]
    bad = [c for c in cas if not _CAS_RE.match(c) or not casrn.is_valid(c)]
    if bad:
        errors["cas_numbers"] = [_("%(value)s is not a valid CAS number.") % {"value": v} for v in bad]
    line["cas_numbers"] = cas
    un = re.sub(r"^UN\s*", "", nfkc(str(raw.get("un_number") or "")).upper())
    if un and not re.fullmatch(r"[0-9]{4}", un):
        errors["un_number"] = [_("A UN number has four digits, e.g. 1203.")]
    line["un_number"] = un
    used = raw.get("used", False)
    if not isinstance(used, bool) and used not in (0, 1, "true", "false", "0", "1", ""):
        errors["used"] = [_("Used is true or false.")]
    line["used"] = used in (True, 1, "true", "1")
    for field in ("quantity", "value_cny"):
        number = _decimal(raw.get(field), _PLACES[field])
        if number is _INVALID:
            errors[field] = [_("Give a number, e.g. 12.5.")]
            number = None
        elif number is None:
            if require_amounts:
                errors[field] = [_("A number is required.")]
        elif number < 0 or (field == "quantity" and number == 0):
            errors[field] = [_("Must be more than zero.") if field == "quantity" else _("Cannot be negative.")]
        elif abs(number) >= _AMOUNT_LIMITS[field]:
            errors[field] = [_("This number is too large.")]
        line[field] = number
    line["unit"] = str(raw.get("unit") or "").replace("\x00", "").strip()[:20]
    origin = nfkc(str(raw.get("origin_country") or "")).strip().upper()
    if origin and origin not in countries:
        errors["origin_country"] = [_("Give the country of origin as an ISO 3166 two-letter code, e.g. DE.")]
    line["origin_country"] = origin
    if "product" not in line and "product" not in errors and not (line["description"] and line["hs_code"]):
        errors.setdefault("description", []).append(
            _("A line names a filed product, or describes the goods and gives their HS code.")
        )
    return line, errors


def _line_errors(errors_by_line: list[tuple[int, dict]]) -> ValidationError:
    messages = []
    for number, errors in errors_by_line[:200]:
        for field, field_messages in errors.items():
            for message in field_messages:
                messages.append(
                    _("Line %(line)d, %(field)s: %(message)s") % {"line": number, "field": field, "message": message}
                )
    if len(errors_by_line) > 200:
        messages.append(_("… and %(n)d more lines with errors.") % {"n": len(errors_by_line) - 200})
    return ValidationError({"items": messages})


#: why a bonded line without a product filing is refused (rule 3: 「对跨境电商进出口消费品实施备案管理」)
UNFILED_GOODS = _lazy(
    "Bonded goods must be filed: file this product, have its filing approved, then name the filing on this line."
)


def bonded_line_errors(line: dict, product: ProductFiling | None) -> dict[str, list[str]]:
    """What is wrong with a checked line of a bonded batch: it must name an approved product filing of
    the operator (``product``, None when it names none), and may only add quantity, value, unit and
    origin. The HS code, CAS numbers, UN number and used flag classified are the filing's: a line
    giving other values is refused, not silently overridden."""
    if product is None:
        return {"product": [str(UNFILED_GOODS)]}
    errors: dict[str, list[str]] = {}
    change = _("it comes from the product filing (%(value)s); to change it, file a change of the product.")
    if line.get("hs_code") and line["hs_code"] != product.hs_code:
        errors["hs_code"] = [change % {"value": product.hs_code or "—"}]
    extra_cas = [c for c in line.get("cas_numbers") or () if c not in product.cas_numbers]
    if extra_cas:
        errors["cas_numbers"] = [change % {"value": ", ".join(product.cas_numbers) or "—"}]
    if line.get("un_number") and line["un_number"] != product.un_number:
        errors["un_number"] = [change % {"value": product.un_number or "—"}]
    if line.get("used") and not product.used:
        errors["used"] = [_("The product is filed as new goods; used goods are filed as such.")]
    return errors


def _require_enterprise_user(actor: Actor) -> EnterpriseFiling:
    if isinstance(actor, str) or not actor.is_enterprise_user or not actor.enterprise_id:
        raise PermissionDenied(_("Only enterprise users declare goods."))
    return EnterpriseFiling.objects.get(pk=actor.enterprise_id)


def _partner(value: Any, field: str, flag: str, errors: dict, operator: EnterpriseFiling) -> EnterpriseFiling | None:
    """The approved platform or warehouse named in ``field``, if it confirmed ``operator`` (rule 8)."""
    if value in (None, ""):
        return None
    filing = None
    if isinstance(value, EnterpriseFiling):
        filing = value
    elif _ID_RE.fullmatch(str(value)) and int(value) <= 2**63 - 1:
        filing = EnterpriseFiling.objects.filter(pk=int(value)).first()
    if filing is None or not getattr(filing, flag) or filing.status != FilingStatus.APPROVED:
        label = _("platform") if field == "platform" else _("logistics and warehousing enterprise")
        errors[field] = [_("Give the filing id of an approved %(what)s.") % {"what": label}]
        return None
    if not partner_confirmed(operator=operator, partner=filing, kind=field):
        errors[field] = [
            _("The platform has not confirmed this operator: ask it to confirm the partnership first.")
            if field == "platform"
            else _("The warehouse has not confirmed this operator: ask it to confirm the partnership first.")
        ]
        return None
    return filing


def classify_dry_run(*, actor: User, items: Any) -> dict:
    """Classify lines as a declaration would, storing nothing.

    Enterprise users classify their own approved products and free descriptions, under their
    enterprise's supervision level; staff classify any product they may see.
    """
    if not isinstance(items, list) or not items:
        raise ValidationError({"items": [_("Give at least one line to classify.")]})
    if len(items) > MAX_LINES:
        raise ValidationError({"items": [_("At most %(n)d lines at a time.") % {"n": MAX_LINES}]})
    known_hs8 = set(HSCode.objects.values_list("code", flat=True))
    lines, bad = [], []
    for number, raw in enumerate(items, start=1):
        line, errors = clean_line(raw, known_hs8=known_hs8, require_amounts=False)
        if isinstance(raw, dict):
            category = str(raw.get("category") or "").strip()
            if category and category not in GoodsCategory.values:
                errors["category"] = [_("The category is one of %(values)s.") % {"values": ", ".join(GoodsCategory)}]
            line["category"] = category
            line["materials"] = str(raw.get("materials") or "")[:2000]
        lines.append(line)
        if errors:
            bad.append((number, errors))

    enterprise = None
    if actor.is_enterprise_user:
        enterprise = EnterpriseFiling.objects.filter(pk=actor.enterprise_id).first() if actor.enterprise_id else None
        products_qs: QuerySet[ProductFiling] = ProductFiling.objects.filter(
            enterprise=enterprise, status=FilingStatus.APPROVED
        )
        unknown = _("Only the enterprise's own approved products can be classified.")
    else:
        products_qs = ProductFiling.objects.visible_to(actor)
        unknown = _("No product filing with this id.")
    product_ids = {line["product"] for line in lines if "product" in line}
    products = {p.pk: p for p in products_qs.filter(pk__in=product_ids)} if product_ids else {}
    for number, line in enumerate(lines, start=1):
        if "product" in line and line["product"] not in products:
            bad.append((number, {"product": [unknown]}))
    if bad:
        raise _line_errors(sorted(bad, key=lambda row: row[0]))

    strict = enterprise is not None and enterprise.supervision_level == SupervisionLevel.STRICT
    decisions, editions = classify_lines(lines, products=products, strict=strict)
    return {
        "items": [{"line_no": number, **d.as_dict()} for number, d in enumerate(decisions, start=1)],
        "editions": editions,
    }


# --- declaring ----------------------------------------------------------------------------------


#: the reason recorded (on the batch's submission) when it is verified on site because its operator is
#: under strict supervision
STRICT_SUPERVISION_REASON = "strict supervision"


def _line_statuses(mode: str, decisions: Sequence[Decision], strict: bool = False) -> list[str]:
    """Where each line goes, by its own tier: a certain tier-1 line is refused; a tier-2 line, or one
    whose tier rests on a suspected match, awaits on-site verification, as does every line of an
    operator under strict supervision; the others are released. Direct mail goes to the postal regime."""
    if mode == BatchMode.DIRECT_MAIL:
        return [ItemStatus.POSTAL] * len(decisions)
    return [
        ItemStatus.REFUSED
        if d.tier == 1 and not d.needs_confirmation
        else ItemStatus.AWAITING_VERIFICATION
        if strict or d.tier <= 2
        else ItemStatus.RELEASED
        for d in decisions
    ]


@transaction.atomic
def import_batch_declare(
    *,
    actor: Actor,
    items: Any,
    port_bureau: str | Bureau | None,
    mode: str = BatchMode.BONDED,
    platform: Any = None,
    warehouse: Any = None,
    arrival_date: dt.date | None = None,
) -> ImportBatch:
    """Declare and submit a batch in one step: every line classified and routed by its own tier.

    Bonded batches: each line names an approved product filing of the operator, whose HS code, CAS
    numbers, UN number and used flag are classified. The goods are barred, not the batch: certain
    tier-1 lines are refused; key-supervision lines, or lines whose tier rests on a suspected match,
    await on-site verification; the others are released. The batch's status sums its lines up
    (``refused`` when every line is, ``partially_refused`` when some are), its tier is its most
    severe line's. Every line of an operator under strict supervision that is not refused awaits
    verification (the lines keep the tiers their catalogues give), with "strict supervision" recorded.
    Direct-mail batches may describe unfiled goods; they are recorded and routed to the express and
    postal regime, without tiers.
    """
    enterprise = _require_enterprise_user(actor)
    errors: dict[str, list[str]] = {}
    if enterprise.status != FilingStatus.APPROVED:
        errors["enterprise"] = [_("Goods can be declared once the enterprise's filing is approved.")]
    if mode not in BatchMode.values:
        errors["mode"] = [_("The mode is bonded or direct_mail.")]
    bureau = (
        port_bureau
        if isinstance(port_bureau, Bureau)
        else (Bureau.objects.filter(code=str(port_bureau or "").strip().upper()).exclude(level="hq").first())
    )
    if bureau is None:
        errors["port_bureau"] = [_("Give the code of the port bureau, e.g. ZJ.")]
    platform_filing = _partner(platform, "platform", "is_platform", errors, enterprise)
    warehouse_filing = _partner(warehouse, "warehouse", "is_logistics", errors, enterprise)
    if not isinstance(items, list) or not items:
        errors["items"] = [_("Declare at least one line.")]
    elif len(items) > MAX_LINES:
        errors["items"] = [_("At most %(n)d lines in one batch.") % {"n": MAX_LINES}]
    if errors:
        raise ValidationError(errors)
    assert bureau is not None  # refused above, with the other errors

    known_hs8 = set(HSCode.objects.values_list("code", flat=True))
    lines, bad = [], []
    for number, raw in enumerate(items, start=1):
        line, line_errors = clean_line(raw, known_hs8=known_hs8)
        lines.append(line)
        if line_errors:
            bad.append((number, line_errors))
    product_ids = {line["product"] for line in lines if "product" in line}
    products = {
        p.pk: p
        for p in ProductFiling.objects.filter(pk__in=product_ids, enterprise=enterprise, status=FilingStatus.APPROVED)
    }
    bonded = mode == BatchMode.BONDED
    failed = {number for number, _errors in bad}
    for number, line in enumerate(lines, start=1):
        if "product" in line and line["product"] not in products:
            bad.append((number, {"product": [_("Only the enterprise's own approved products can be declared.")]}))
        elif bonded and number not in failed:
            line_errors = bonded_line_errors(line, products.get(line["product"]) if "product" in line else None)
            if line_errors:
                bad.append((number, line_errors))
    if bad:
        raise _line_errors(sorted(bad, key=lambda row: row[0]))
    total_value = sum((line["value_cny"] for line in lines), Decimal(0))
    if total_value >= _TOTAL_LIMIT:
        raise ValidationError({"items": [_("The batch's total value is too large; declare it in several batches.")]})

    strict = enterprise.supervision_level == SupervisionLevel.STRICT
    decisions, editions = classify_lines(lines, products=products, strict=strict)
    statuses = _line_statuses(mode, decisions, strict)
    counts = Counter(statuses)
    status = batch_status_of(counts)
    direct = mode == BatchMode.DIRECT_MAIL
    batch = ImportBatch.objects.create(
        batch_no=filing_number_issue(bureau=bureau, kind=SequenceKind.IMPORT_BATCH),
        enterprise=enterprise,
        platform=platform_filing,
        warehouse=warehouse_filing,
        mode=mode,
        port_bureau=bureau,
        arrival_date=arrival_date,
        status=status,
        tier=None if direct else batch_tier(d.tier for d in decisions),
        editions=editions,
        strict_supervision=strict,
        item_count=len(lines),
        total_value_cny=total_value,
        declared_by=None if isinstance(actor, str) else actor,
    )
    rows = []
    for number, (line, decision, line_status) in enumerate(zip(lines, decisions, statuses, strict=True), start=1):
        product = products.get(line["product"]) if "product" in line else None
        rows.append(
            ImportItem(
                batch=batch,
                line_no=number,
                product=product,
                description=line["description"] or (product.name if product else ""),
                # what was classified: the line's values, completed from its filed product
                hs_code=line["hs_code"] or (product.hs_code if product else ""),
                cas_numbers=line["cas_numbers"] or (list(product.cas_numbers) if product else []),
                un_number=line["un_number"] or (product.un_number if product else ""),
                used=line["used"] or (product.used if product else False),
                quantity=line["quantity"],
                unit=line["unit"],
                value_cny=line["value_cny"],
                origin_country=line["origin_country"]
                # django-countries has no stubs: the field reads as a Country, not a str.
                or (product.origin_country.code if product else ""),  # type: ignore[attr-defined]
                tier=None if direct else decision.tier,
                reasons=[r.as_dict() for r in decision.reasons],
                follow_up=FollowUp.POSTAL_REGIME if direct else decision.follow_up,
                confirmation=Confirmation.PENDING if decision.needs_confirmation and not direct else "",
                status=line_status,
            )
        )
    ImportItem.objects.bulk_create(rows, batch_size=2000)
    awaiting = counts.get(ItemStatus.AWAITING_VERIFICATION, 0)
    if awaiting:
        VerificationTask.objects.create(batch=batch, bureau=bureau)
    tiers = Counter(str(d.tier) for d in decisions) if not direct else {}
    # Under strict supervision the batch is verified on site because of its operator, not its goods.
    audit_record(
        actor=actor,
        action="submit",
        obj=batch,
        after={**snapshot(batch), "tiers": dict(tiers), "lines": dict(counts)},
        reason=STRICT_SUPERVISION_REASON if strict and awaiting else "",
    )
    if counts.get(ItemStatus.REFUSED):
        # Refused goods raise a risk signal: risk monitoring receives this (see cbec_supervision.handovers).
        handovers.announce(
            handovers.ITEMS_REFUSED,
            actor=actor,
            subject=batch,
            batch_no=batch.batch_no,
            enterprise=enterprise.pk,
            port_bureau=bureau.code,
            stage=handovers.STAGE_DECLARATION,
            items=[
                {"id": row.pk, "line_no": row.line_no, "hs_code": row.hs_code}
                for row in rows
                if row.status == ItemStatus.REFUSED
            ],
        )
    return batch


# --- export declarations (全申报) ---------------------------------------------------------------


@transaction.atomic
def export_declare(*, actor: Actor, declarations: Any) -> list[ExportDeclaration]:
    """Record export orders under full declaration, all or none. Each: order_no, destination_country,
    value_cny, and a filed product or a description (quantity, hs_code optional)."""
    enterprise = _require_enterprise_user(actor)
    if enterprise.status != FilingStatus.APPROVED:
        raise ValidationError({"enterprise": [_("Exports can be declared once the enterprise's filing is approved.")]})
    if not isinstance(declarations, list) or not declarations:
        raise ValidationError({"declarations": [_("Declare at least one export order.")]})
    known_hs8 = set(HSCode.objects.values_list("code", flat=True))
    existing = set(ExportDeclaration.objects.filter(enterprise=enterprise).values_list("order_no", flat=True))
    products = {p.pk: p for p in ProductFiling.objects.filter(enterprise=enterprise, status=FilingStatus.APPROVED)}
    rows, bad, seen = [], [], set()
    for number, raw in enumerate(declarations, start=1):
        line, errors = clean_line(
            {**raw, "quantity": raw.get("quantity", 1)} if isinstance(raw, dict) else raw,
            known_hs8=known_hs8,
        )
        if not isinstance(raw, dict):
            bad.append((number, errors))
            continue
        order_no = str(raw.get("order_no") or "").replace("\x00", "").strip()[:60]
        if not order_no:
            errors["order_no"] = [_("The order number is required.")]
        elif order_no in existing or order_no in seen:
            errors["order_no"] = [_("Order %(no)s is already declared.") % {"no": order_no}]
        seen.add(order_no)
        destination = nfkc(str(raw.get("destination_country") or "")).strip().upper()
        if destination not in countries:
            errors["destination_country"] = [_("Give the destination as an ISO 3166 two-letter code, e.g. US.")]
        if "product" in line and line["product"] not in products:
            errors["product"] = [_("Only the enterprise's own approved products can be declared.")]
        if errors:
            bad.append((number, errors))
            continue
        product = products.get(line["product"]) if "product" in line else None
        rows.append(
            ExportDeclaration(
                enterprise=enterprise,
                product=product,
                order_no=order_no,
                description=line["description"] or (product.name if product else ""),
                hs_code=line["hs_code"] or (product.hs_code if product else ""),
                destination_country=destination,
                quantity=line["quantity"],
                value_cny=line["value_cny"],
                declared_by=None if isinstance(actor, str) else actor,
            )
        )
    if bad:
        raise _line_errors(bad)
    created = ExportDeclaration.objects.bulk_create(rows, batch_size=2000)
    audit_record(
        actor=actor,
        action="create",
        obj=enterprise,
        after={"export_declarations": len(created), "orders": [r.order_no for r in created[:50]]},
    )
    return created
