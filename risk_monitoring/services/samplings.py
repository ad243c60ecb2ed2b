"""Sampling: online (bought as a consumer on the platform) and offline (in a bonded warehouse), sent to
a lab, its results entered item by item, closed.

Bureau staff take samples of any approved product filing of any bureau (filings are shared nationally
once approved); the sampling is their bureau's, and only that bureau's staff (or its parent direct
bureau's) move it on. The overall verdict is derived from the results at once: any failing item fails
it, no result leaves it pending. Every results entry goes through ``sampling_enter_results``.

A failed sampling raises one ``sampling`` risk signal in the same transaction, on the product, its
enterprise and the platform, reported by the sampling bureau and queued at the enterprise's bureau.
Results entered again that fail again update that signal (its title names the failing items), never
raise a second. Results corrected to pass leave the signal as it is (it is triage's to close, with a
reason): the correction is recorded on the sampling's and the signal's history.

A verification sampling (``purpose=verification``) verifies a third-party report filed with the
product: once its results are in, the outcome (consistent or inconsistent) is recorded against the
report's lab (``risk_monitoring.services.labs``). Every write is audited, in its transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Bureau, User
from cbec_supervision.attachments import attachment_create, check_upload
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from cbec_supervision.models import Attachment
from cbec_supervision.workflow import check_transition, require_reviewer
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling, ProductFiling, ProductTestReport
from imports.models import ImportBatch
from risk_monitoring.choices import (
    SAMPLING_SCREENSHOT_KIND,
    SAMPLING_TRANSITIONS,
    SIGNAL_OPEN,
    ResultVerdict,
    SamplingChannel,
    SamplingPurpose,
    SamplingStatus,
    SamplingVerdict,
    SignalSource,
)
from risk_monitoring.models import Lab, RiskSignal, Sampling, SamplingPlanItem, SamplingResult, SamplingSequence
from risk_monitoring.services.plans import plan_item_link_sampling
from risk_monitoring.services.score_events import risk_scores_schedule
from risk_monitoring.services.signals import risk_signal_raise

#: the screenshot of an online purchase: an image or a PDF
SCREENSHOT_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf")
SCREENSHOT_MAX_BYTES = 10 * 1024 * 1024
#: at most this many test items on one sampling
MAX_RESULTS = 200

_RESULT_LIMITS = {"test_item": 200, "standard": 200, "value": 100, "limit": 100, "unit": 30}
_TEXT_LIMITS = {
    "order_no": 100,
    "location": 300,
    "quantity": 100,
    "lab_report_no": 100,
    "lab": 200,
    "url": 1000,
}


# --- helpers -----------------------------------------------------------------------------------


def derive_verdict(verdicts: Sequence[str]) -> str:
    """A sampling's verdict from its items' verdicts: any fail -> fail; none -> pending; else pass."""
    if not verdicts:
        return SamplingVerdict.PENDING
    if any(v == ResultVerdict.FAIL for v in verdicts):
        return SamplingVerdict.FAIL
    return SamplingVerdict.PASS


def _staff(actor: Actor) -> User:
    if isinstance(actor, str) or not actor.is_bureau_staff or actor.bureau is None:
        raise PermissionDenied(_("Only bureau staff take samples."))
    return actor


def sampling_number_issue(*, bureau: Bureau) -> str:
    """The next sampling number of ``bureau`` this year: ``<code><year>S<6 digits>``. Locks the row."""
    year = timezone.localdate().year
    SamplingSequence.objects.get_or_create(bureau=bureau, year=year)
    sequence = SamplingSequence.objects.select_for_update().get(bureau=bureau, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{bureau.code}{year}S{sequence.last:06d}"


def lab_for_name(name: str) -> Lab:
    """The lab of that name (case, width and spaces ignored), created when none matches."""
    name = " ".join((name or "").split())
    lab, _created = Lab.objects.get_or_create(name_key=Lab.key_of(name), defaults={"name": name})
    return lab


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def _missing(value: object) -> bool:
    """No value given: None, or an empty string from a form."""
    return value is None or value == ""


def _approved_enterprise(
    value: EnterpriseFiling | int | None, field: str, flag: str, message: str, errors: dict[str, list[str]]
) -> EnterpriseFiling | None:
    if _missing(value):
        return None
    filing = (
        EnterpriseFiling.objects.select_related("bureau")
        .filter(pk=_pk(value), status=FilingStatus.APPROVED, **{flag: True})
        .first()
    )
    if filing is None:
        errors[field] = [message]
    return filing


def _product(value: ProductFiling | int | None, errors: dict[str, list[str]]) -> ProductFiling | None:
    if _missing(value):
        errors["product"] = [_("Name the product sampled.")]
        return None
    product = (
        ProductFiling.objects.select_related("enterprise__bureau")
        .filter(pk=_pk(value), status=FilingStatus.APPROVED)
        .first()
    )
    if product is None:
        errors["product"] = [_("Name an approved product filing.")]
    return product


def _text(data: Mapping[str, Any], name: str, errors: dict[str, list[str]]) -> str:
    value = " ".join(str(data.get(name) or "").split()) if name != "note" else str(data.get(name) or "").strip()
    limit = _TEXT_LIMITS.get(name)
    if limit is not None and len(value) > limit:
        errors[name] = [_("At most %(limit)d characters.") % {"limit": limit}]
    return value


def _when(value: Any, field: str, errors: dict[str, list[str]], *, required: bool) -> dt.datetime | None:
    if value in (None, ""):
        if required:
            errors[field] = [_("Give the date it was sampled.")]
        return None
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, dt.date):
        when = dt.datetime.combine(value, dt.time(12))
    else:
        errors[field] = [_("Give a date and time.")]
        return None
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when > timezone.now() + dt.timedelta(minutes=5):
        errors[field] = [_("A sample cannot be taken in the future.")]
    return when


def _price(value: Any, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        price = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors["price_paid"] = [_("Give the price paid in CNY, e.g. 59.90.")]
        return None
    if not price.is_finite() or price < 0 or price >= Decimal("1e10") or price != price.quantize(Decimal("0.01")):
        errors["price_paid"] = [_("Give the price paid in CNY, e.g. 59.90.")]
        return None
    return price


def _batch(value: Any, product: ProductFiling | None, errors: dict[str, list[str]]) -> ImportBatch | None:
    if value in (None, ""):
        return None
    batch = ImportBatch.objects.filter(pk=_pk(value)).first()
    if batch is None or product is None or not batch.items.filter(product=product).exists():
        errors["batch"] = [_("Name an import batch of this product.")]
        return None
    return batch


def _check_screenshot(upload: UploadedFile, errors: dict[str, list[str]]) -> None:
    try:
        mime, _digest = check_upload(upload, max_bytes=SCREENSHOT_MAX_BYTES)
    except ValidationError as exc:
        errors["screenshot"] = exc.messages
        return
    if mime not in SCREENSHOT_TYPES:
        errors["screenshot"] = [_("A screenshot is an image (JPEG, PNG, WebP, GIF) or a PDF.")]


def clean_results(results: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The test items, checked; ValidationError ``{"results": [...]}`` naming the row of each problem."""
    problems: list[str] = []
    if len(results) > MAX_RESULTS:
        raise ValidationError({"results": [_("At most %(n)d test items.") % {"n": MAX_RESULTS}]})
    cleaned: list[dict[str, str]] = []
    for position, row in enumerate(results, start=1):
        if not isinstance(row, Mapping):
            problems.append(
                _("Result %(n)d: give test_item, standard, value, limit, unit and verdict.") % {"n": position}
            )
            continue
        item = {name: " ".join(str(row.get(name) or "").split()) for name in _RESULT_LIMITS}
        item["verdict"] = str(row.get("verdict") or "").strip()
        if not item["test_item"]:
            problems.append(_("Result %(n)d: give the test item.") % {"n": position})
        for name, limit in _RESULT_LIMITS.items():
            if len(item[name]) > limit:
                problems.append(
                    _("Result %(n)d: %(field)s is at most %(limit)d characters.")
                    % {"n": position, "field": name, "limit": limit}
                )
        if item["verdict"] not in ResultVerdict.values:
            problems.append(
                _("Result %(n)d: the verdict is one of %(values)s.")
                % {"n": position, "values": ", ".join(ResultVerdict.values)}
            )
        cleaned.append(item)
    if problems:
        raise ValidationError({"results": problems})
    return cleaned


def may_act(actor: Actor, sampling: Sampling) -> bool:
    """Whether ``actor`` may move ``sampling`` on: staff of the sampling bureau (or its parent direct bureau)."""
    if isinstance(actor, str):
        return True
    return actor.has_jurisdiction_over(sampling.bureau)


def _locked(sampling: Sampling, actor: Actor) -> Sampling:
    sampling = (
        Sampling.objects.select_for_update(of=("self",))
        .select_related("bureau", "product", "enterprise__bureau", "platform", "lab", "report")
        .get(pk=sampling.pk)
    )
    require_reviewer(actor, sampling.bureau)
    return sampling


def _snapshot(sampling: Sampling) -> dict[str, Any]:
    results = [
        {name: getattr(r, name) for name in ("test_item", "standard", "value", "limit", "unit", "verdict")}
        for r in sampling.results.order_by("position", "id")
    ]
    return snapshot(sampling, extra={"test_results": results})


# --- create ------------------------------------------------------------------------------------


@transaction.atomic
def sampling_create(
    *,
    actor: Actor,
    channel: str,
    product: ProductFiling | int | None,
    sampled_at: dt.datetime | dt.date | None = None,
    lab: str = "",
    results: Sequence[Mapping[str, Any]] | None = None,
    purpose: str = SamplingPurpose.ROUTINE,
    platform: EnterpriseFiling | int | None = None,
    warehouse: EnterpriseFiling | int | None = None,
    batch: ImportBatch | int | None = None,
    report: ProductTestReport | int | None = None,
    screenshot: UploadedFile | None = None,
    planned: bool = False,
    plan_item: SamplingPlanItem | int | None = None,
    **fields: Any,
) -> Sampling:
    """Bureau staff record a sample taken (or, ``planned``, one to take: no date or lab needed yet).

    Online: ``order_no`` and ``url`` (the listing), optionally the ``platform`` (an approved platform
    enterprise), ``price_paid`` and a ``screenshot`` (image or PDF). Offline: the ``warehouse`` (an
    approved logistics/warehousing enterprise) and ``location``, optionally the import ``batch`` of
    that product. The enterprise is the product's. With ``results``, they are entered at once
    (``sampling_enter_results``). With ``plan_item`` (an item of a published sampling plan of the
    actor's bureau, for the same product), the sampling fulfils that item and its purpose is ``plan``.
    ValidationError per field; PermissionDenied for anyone but staff.
    """
    staff = _staff(actor)
    errors: dict[str, list[str]] = {}
    if channel not in SamplingChannel.values:
        errors["channel"] = [_("One of %(values)s.") % {"values": ", ".join(SamplingChannel.values)}]
    if purpose not in SamplingPurpose.values:
        errors["purpose"] = [_("One of %(values)s.") % {"values": ", ".join(SamplingPurpose.values)}]
    found = _product(product, errors)
    text = {name: _text(fields, name, errors) for name in ("order_no", "url", "location", "quantity", "note")}
    text["lab_report_no"] = _text(fields, "lab_report_no", errors)
    lab_name = _text({"lab": lab}, "lab", errors)
    when = _when(sampled_at, "sampled_at", errors, required=not planned)
    if not planned and not lab_name:
        errors["lab"] = [_("Name the lab that tests the sample.")]
    price = _price(fields.get("price_paid"), errors)
    found_platform = found_warehouse = None
    found_batch = None
    if channel == SamplingChannel.ONLINE:
        if not planned:
            if not text["order_no"]:
                errors["order_no"] = [_("Give the order number of the purchase.")]
            if not text["url"]:
                errors["url"] = [_("Give the listing's URL.")]
        if text["url"]:
            try:
                URLValidator(schemes=["http", "https"])(text["url"])
            except ValidationError:
                errors["url"] = [_("Give the listing's URL (http or https).")]
        found_platform = _approved_enterprise(
            platform, "platform", "is_platform", _("Name an approved platform enterprise."), errors
        )
        for name, given in (("warehouse", warehouse), ("location", text["location"]), ("batch", batch)):
            if given not in (None, ""):
                errors[name] = [_("An online sample is bought on a platform: no warehouse, location or batch.")]
    elif channel == SamplingChannel.OFFLINE:
        found_warehouse = _approved_enterprise(
            warehouse, "warehouse", "is_logistics", _("Name an approved warehousing enterprise."), errors
        )
        if not planned:
            if _missing(warehouse) and "warehouse" not in errors:
                errors["warehouse"] = [_("Name the warehouse the sample was taken in.")]
            if not text["location"]:
                errors["location"] = [_("Give the location in the warehouse.")]
        found_batch = _batch(batch, found, errors)
        for name, value in (("url", text["url"]), ("order_no", text["order_no"]), ("price_paid", price)):
            if value not in (None, ""):
                errors[name] = [_("An offline sample is taken in a warehouse: no listing, order or price.")]
        if screenshot is not None:
            errors["screenshot"] = [_("A screenshot goes with an online purchase.")]
        found_platform = _approved_enterprise(
            platform, "platform", "is_platform", _("Name an approved platform enterprise."), errors
        )
    if screenshot is not None and "screenshot" not in errors:
        _check_screenshot(screenshot, errors)
    found_report = None
    if purpose == SamplingPurpose.VERIFICATION:
        found_report = ProductTestReport.objects.filter(pk=_pk(report)).first() if report else None
        if found_report is None:
            errors["report"] = [_("Name the third-party report this sampling verifies.")]
        elif found is not None and found_report.product_id != found.pk:
            errors["report"] = [_("The report verified is one of the product sampled.")]
    elif not _missing(report):
        errors["report"] = [_("Only a verification sampling verifies a third-party report.")]
    found_item = None
    if not _missing(plan_item):
        found_item = SamplingPlanItem.objects.visible_to(staff).filter(pk=_pk(plan_item)).first()
        if found_item is None:
            errors["plan_item"] = [_("No such item of a sampling plan.")]
        else:
            purpose = SamplingPurpose.PLAN
    cleaned_results = None
    if results:
        try:
            cleaned_results = clean_results(results)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if planned:
            errors["results"] = [_("A planned sampling has no results yet.")]
    if errors:
        raise ValidationError(errors)
    assert found is not None and staff.bureau is not None
    sampling = Sampling.objects.create(
        sampling_no=sampling_number_issue(bureau=staff.bureau),
        channel=channel,
        purpose=purpose,
        status=SamplingStatus.PLANNED if planned else SamplingStatus.SAMPLED,
        bureau=staff.bureau,
        product=found,
        enterprise=found.enterprise,
        platform=found_platform,
        warehouse=found_warehouse,
        batch=found_batch,
        price_paid=price,
        sampled_at=when,
        lab=lab_for_name(lab_name) if lab_name else None,
        report=found_report,
        created_by=staff,
        **text,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=sampling, after=_snapshot(sampling))
    if screenshot is not None:
        attachment_create(owner=sampling, upload=screenshot, actor=actor, kind=SAMPLING_SCREENSHOT_KIND)
    if found_item is not None:
        # The plan's own checks (published, same product, not fulfilled yet) refuse the whole sampling.
        plan_item_link_sampling(actor=actor, item=found_item, sampling=sampling)
    if cleaned_results:
        sampling = sampling_enter_results(actor=actor, sampling=sampling, results=cleaned_results)
    return sampling


@transaction.atomic
def sampling_attach_screenshot(*, actor: Actor, sampling: Sampling, upload: UploadedFile) -> Attachment:
    """Add the screenshot of an online purchase (image or PDF, 10 MB at most). Audited on the sampling."""
    sampling = _locked(sampling, actor)
    errors: dict[str, list[str]] = {}
    if sampling.channel != SamplingChannel.ONLINE:
        errors["screenshot"] = [_("A screenshot goes with an online purchase.")]
    else:
        _check_screenshot(upload, errors)
    if errors:
        raise ValidationError(errors)
    return attachment_create(owner=sampling, upload=upload, actor=actor, kind=SAMPLING_SCREENSHOT_KIND)


# --- lifecycle ---------------------------------------------------------------------------------


def _move(actor: Actor, sampling: Sampling, target: str, reason: str = "", **changes: Any) -> Sampling:
    check_transition(sampling, target, SAMPLING_TRANSITIONS)
    before = snapshot(sampling)
    sampling.status = target
    for name, value in changes.items():
        setattr(sampling, name, value)
    sampling.save()
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=sampling, before=before, after=snapshot(sampling), reason=reason
    )
    return sampling


@transaction.atomic
def sampling_take(
    *, actor: Actor, sampling: Sampling, sampled_at: dt.datetime | dt.date | None, lab: str = ""
) -> Sampling:
    """A planned sample is taken: when (and, if not named yet, by which lab it is tested). Audited."""
    sampling = _locked(sampling, actor)
    errors: dict[str, list[str]] = {}
    when = _when(sampled_at, "sampled_at", errors, required=True)
    lab_name = _text({"lab": lab}, "lab", errors)
    if not lab_name and sampling.lab is None:
        errors["lab"] = [_("Name the lab that tests the sample.")]
    if errors:
        raise ValidationError(errors)
    return _move(
        actor,
        sampling,
        SamplingStatus.SAMPLED,
        sampled_at=when,
        lab=lab_for_name(lab_name) if lab_name else sampling.lab,
    )


@transaction.atomic
def sampling_send_to_lab(*, actor: Actor, sampling: Sampling, lab: str = "", lab_report_no: str = "") -> Sampling:
    """The sample goes to its lab (named now if it changes). Audited."""
    sampling = _locked(sampling, actor)
    errors: dict[str, list[str]] = {}
    lab_name = _text({"lab": lab}, "lab", errors)
    number = _text({"lab_report_no": lab_report_no}, "lab_report_no", errors)
    if not lab_name and sampling.lab is None:
        errors["lab"] = [_("Name the lab that tests the sample.")]
    if errors:
        raise ValidationError(errors)
    return _move(
        actor,
        sampling,
        SamplingStatus.AT_LAB,
        sent_to_lab_at=timezone.now(),
        lab=lab_for_name(lab_name) if lab_name else sampling.lab,
        lab_report_no=number or sampling.lab_report_no,
    )


@transaction.atomic
def sampling_close(*, actor: Actor, sampling: Sampling, note: str = "") -> Sampling:
    """Close a sampling whose results are in. Audited (``note`` as the reason)."""
    sampling = _locked(sampling, actor)
    note = (note or "").strip()
    return _move(actor, sampling, SamplingStatus.CLOSED, reason=note)


# --- results -----------------------------------------------------------------------------------


def _failing_title(sampling: Sampling, failing: Sequence[Mapping[str, str]]) -> str:
    items = ", ".join(row["test_item"] for row in failing)
    return _("Sampling %(no)s failed: %(items)s") % {"no": sampling.sampling_no, "items": items}


def _failing_description(sampling: Sampling, failing: Sequence[Mapping[str, str]]) -> str:
    lines = [
        _("%(product)s sampled %(channel)s by %(bureau)s, tested by %(lab)s:")
        % {
            "product": sampling.product.name,
            "channel": sampling.get_channel_display(),
            "bureau": sampling.bureau.name,
            "lab": sampling.lab.name if sampling.lab else "-",
        }
    ]
    for row in failing:
        lines.append(
            _("- %(item)s: %(value)s %(unit)s (limit %(limit)s; %(standard)s)")
            % {
                "item": row["test_item"],
                "value": row["value"] or "-",
                "unit": row["unit"],
                "limit": row["limit"] or "-",
                "standard": row["standard"] or "-",
            }
        )
    return "\n".join(lines)


def _signal_on_failure(actor: Actor, sampling: Sampling, failing: Sequence[Mapping[str, str]]) -> RiskSignal:
    """Raise the sampling's signal, or bring the one it raised up to date (never a second one)."""
    title = _failing_title(sampling, failing)[:300]
    description = _failing_description(sampling, failing)
    if sampling.signal_id is not None:
        signal = RiskSignal.objects.select_for_update(of=("self",)).get(pk=sampling.signal_id)
        if signal.status in SIGNAL_OPEN:
            before = snapshot(signal)
            signal.title, signal.description = title, description
            signal.save(update_fields=["title", "description", "updated_at"])
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=signal,
                before=before,
                after=snapshot(signal),
                reason=_("The results of sampling %(no)s were entered again: it fails again.")
                % {"no": sampling.sampling_no},
            )
        return signal
    return risk_signal_raise(
        actor=actor,
        source=SignalSource.SAMPLING,
        title=title,
        description=description,
        product=sampling.product,
        enterprise=sampling.enterprise,
        platform=sampling.platform,
        reported_by=sampling.bureau,
        gtin=sampling.product.gtin if sampling.product.gtin.isdigit() else "",
        brand=sampling.product.brand,
        model=sampling.product.model,
    )


@transaction.atomic
def sampling_enter_results(
    *, actor: Actor, sampling: Sampling, results: Sequence[Mapping[str, Any]], lab_report_no: str = ""
) -> Sampling:
    """Enter (or correct) the sampling's results: they replace the ones before; the verdict follows.

    The one way results are entered (the risk scores hook here). A failure raises or updates the
    sampling's risk signal; a verification sampling records its outcome against the report's lab.
    """
    sampling = _locked(sampling, actor)
    errors: dict[str, list[str]] = {}
    number = _text({"lab_report_no": lab_report_no}, "lab_report_no", errors)
    try:
        rows = clean_results(results)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        rows = []
    if not rows and "results" not in errors:
        errors["results"] = [_("Enter at least one test result.")]
    if sampling.lab is None:
        errors["lab"] = [_("Name the lab that tests the sample.")]
    if errors:
        raise ValidationError(errors)
    check_transition(sampling, SamplingStatus.RESULTS_ENTERED, SAMPLING_TRANSITIONS)
    before = _snapshot(sampling)
    was_failing = sampling.verdict == SamplingVerdict.FAIL
    sampling.results.all().delete()
    SamplingResult.objects.bulk_create(
        SamplingResult(sampling=sampling, position=position, **row) for position, row in enumerate(rows, start=1)
    )
    sampling.status = SamplingStatus.RESULTS_ENTERED
    sampling.verdict = derive_verdict([row["verdict"] for row in rows])
    sampling.results_entered_at = timezone.now()
    if number:
        sampling.lab_report_no = number
    reason = ""
    failing = [row for row in rows if row["verdict"] == ResultVerdict.FAIL]
    if failing:
        signal = _signal_on_failure(actor, sampling, failing)
        sampling.signal = signal
    elif was_failing and sampling.signal_id is not None:
        reason = _(
            "Results corrected to pass: risk signal #%(id)s raised by the earlier results is left for triage."
        ) % {"id": sampling.signal_id}
        signal = RiskSignal.objects.get(pk=sampling.signal_id)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=signal,
            before=snapshot(signal),
            after=snapshot(signal),
            reason=_("The results of sampling %(no)s were corrected: it passes now.") % {"no": sampling.sampling_no},
        )
    sampling.save()
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=sampling, before=before, after=_snapshot(sampling), reason=reason
    )
    if sampling.purpose == SamplingPurpose.VERIFICATION and sampling.report_id is not None:
        from risk_monitoring.services.labs import lab_check_from_verification

        lab_check_from_verification(actor=actor, sampling=sampling)
    # new results change the sampling failure rate of the product and its enterprise
    risk_scores_schedule(enterprise_ids=[sampling.enterprise_id], product_ids=[sampling.product_id])
    return sampling
