"""Product filings: create, edit, document, submit, review."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries
from stdnum import casrn, ean
from stdnum.exceptions import ValidationError as StdnumError

from catalogues.models import HSCode
from catalogues.services import certification_required, classify_filed_product
from cbec_supervision.attachments import attachment_create
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.models import Attachment
from cbec_supervision.text import nfkc, split_list
from cbec_supervision.workflow import check_transition
from filings.choices import (
    FILING_EDITABLE,
    FILING_TRANSITIONS,
    LABEL_KIND,
    SUBCATEGORY_CATEGORY,
    TEST_REPORT_KIND,
    TRANSITION_ACTIONS,
    FilingAction,
    FilingStatus,
    GoodsCategory,
    ProductSubcategory,
    SupervisionLevel,
    TestVerdict,
)
from filings.models import EnterpriseFiling, ProductFiling, ProductTestReport
from filings.services.decisions import filing_decide, filing_decide_status
from filings.services.prohibited import submission_refusal, suspicion_on_submission

Errors = dict[str, list[str]]

#: fields an enterprise fills in on a product filing
PRODUCT_FIELDS = (
    "name",
    "name_en",
    "listed_name",
    "brand",
    "model",
    "hs_code",
    "origin_country",
    "manufacturer",
    "manufacturer_address",
    "supplier",
    "category",
    "subcategory",
    "materials",
    "cas_numbers",
    "contains_hazardous_substances",
    "un_number",
    "gtin",
    "used",
    "ccc_certificate",
    "label_text",
)
_BOOL_FIELDS = {"contains_hazardous_substances", "used"}
#: a CCC certificate number: 16 digits, the first four the year of issue (the scheme began in 2002)
_CCC_RE = re.compile(r"^(?P<year>[0-9]{4})[0-9]{12}$")
CCC_FIRST_YEAR = 2002


def ccc_certificate_valid(number: str) -> bool:
    """Whether ``number`` reads as a CCC certificate number: 16 digits starting with a year of issue
    from 2002 to next year (certificates are dated ahead around the new year)."""
    match = _CCC_RE.match(number or "")
    return match is not None and CCC_FIRST_YEAR <= int(match["year"]) <= timezone.localdate().year + 1


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


#: identifiers typed with full-width characters (１２０３, ＤＥ) are read as their ASCII forms
_IDENTIFIER_FIELDS = {"hs_code", "un_number", "gtin", "ccc_certificate", "origin_country", "cas_numbers"}


def clean_product_fields(data: dict[str, Any], *, known_hs8: Collection[str] | None = None) -> tuple[dict, Errors]:
    """Normalise and check product fields; returns (cleaned values, errors per field).

    ``known_hs8`` lets bulk imports check HS codes against a set loaded once; otherwise the HS
    code table is queried.
    """
    errors: Errors = {}
    cleaned: dict[str, Any] = {}
    for key, value in data.items():
        if key not in PRODUCT_FIELDS:
            raise TypeError(f"unexpected product field {key!r}")
        if key in _BOOL_FIELDS:
            cleaned[key] = bool(value)
        elif key == "cas_numbers":
            cleaned[key] = [nfkc(v) for v in split_list(value)]
        else:
            text = "" if value is None else str(value).replace("\x00", "").strip()
            cleaned[key] = nfkc(text) if key in _IDENTIFIER_FIELDS else text

    if "name" in cleaned and not cleaned["name"]:
        _add(errors, "name", _("The product name is required."))
    if cleaned.get("hs_code"):
        code = re.sub(r"[\s.]", "", cleaned["hs_code"])
        if not re.fullmatch(r"[0-9]{10}", code):
            _add(errors, "hs_code", _("An HS code has 10 digits."))
        else:
            exists = code[:8] in known_hs8 if known_hs8 is not None else HSCode.objects.filter(code=code[:8]).exists()
            if not exists:
                _add(errors, "hs_code", _("%(code)s is not a China Customs commodity code.") % {"code": code[:8]})
        cleaned["hs_code"] = code
    if cleaned.get("origin_country"):
        country = cleaned["origin_country"].upper()
        if country not in dict(countries):
            _add(errors, "origin_country", _("Give the country of origin as an ISO 3166 two-letter code, e.g. DE."))
        cleaned["origin_country"] = country
    if cleaned.get("category") and cleaned["category"] not in GoodsCategory.values:
        _add(
            errors, "category", _("Choose a category from: %(choices)s.") % {"choices": ", ".join(GoodsCategory.values)}
        )
    if cleaned.get("subcategory"):
        sub = cleaned["subcategory"]
        if sub not in ProductSubcategory.values:
            _add(errors, "subcategory", _("Unknown sub-category %(value)s.") % {"value": sub})
        elif cleaned.get("category") and SUBCATEGORY_CATEGORY[sub] != cleaned["category"]:
            _add(errors, "subcategory", _("This sub-category does not belong to the category chosen."))
        elif not cleaned.get("category"):
            cleaned["category"] = SUBCATEGORY_CATEGORY[sub]
    if "cas_numbers" in cleaned:
        good = []
        for number in cleaned["cas_numbers"]:
            try:
                good.append(casrn.validate(number))
            except StdnumError:
                _add(errors, "cas_numbers", _("%(value)s is not a valid CAS number.") % {"value": number})
        cleaned["cas_numbers"] = list(dict.fromkeys(good))
    if cleaned.get("un_number"):
        un = re.sub(r"^UN\s*", "", cleaned["un_number"].upper())
        if not re.fullmatch(r"[0-9]{4}", un):
            _add(errors, "un_number", _("A UN number has four digits, e.g. 1203."))
        cleaned["un_number"] = un
    if cleaned.get("gtin"):
        try:
            gtin = ean.validate(cleaned["gtin"])
            if len(gtin) not in (8, 12, 13, 14):
                raise StdnumError()
            cleaned["gtin"] = gtin
        except StdnumError:
            _add(
                errors,
                "gtin",
                _("%(value)s is not a valid GTIN: check its length and check digit.") % {"value": cleaned["gtin"]},
            )
    if cleaned.get("ccc_certificate"):
        ccc = re.sub(r"\s", "", cleaned["ccc_certificate"]).upper()
        if not ccc_certificate_valid(ccc):
            _add(
                errors,
                "ccc_certificate",
                _(
                    "A CCC certificate number has 16 digits and starts with its year of issue "
                    "(%(first)d to %(last)d), e.g. 2021011606123456."
                )
                % {"first": CCC_FIRST_YEAR, "last": timezone.localdate().year + 1},
            )
        cleaned["ccc_certificate"] = ccc
    check_lengths(ProductFiling, {k: v for k, v in cleaned.items() if k not in errors}, errors)
    return cleaned, errors


def check_lengths(model: type[models.Model], values: dict[str, Any], errors: Errors) -> None:
    """A message per text field longer than its column, rather than a database error."""
    for key, value in values.items():
        max_length = getattr(model._meta.get_field(key), "max_length", None)
        if max_length and isinstance(value, str) and len(value) > max_length:
            _add(errors, key, _("At most %(max)d characters (this has %(n)d).") % {"max": max_length, "n": len(value)})


def _require_own(actor: Actor, enterprise: EnterpriseFiling) -> None:
    if isinstance(actor, str) or not actor.is_enterprise_user or actor.enterprise_id != enterprise.pk:
        raise PermissionDenied(_("Only the enterprise's own users may do this."))


@transaction.atomic
def product_create(*, actor: Actor, enterprise: EnterpriseFiling, **fields: Any) -> ProductFiling:
    """A draft product filing. Drafts may be kept at any time; submitting needs an approved enterprise."""
    _require_own(actor, enterprise)
    enterprise = EnterpriseFiling.objects.get(pk=enterprise.pk)  # the status now, not as the caller saw it
    if enterprise.status in (FilingStatus.REJECTED, FilingStatus.REVOKED):
        raise ValidationError(
            {
                "enterprise": [
                    _("The enterprise's filing is %(status)s: no products can be filed.")
                    % {"status": enterprise.get_status_display()}
                ]
            }
        )
    cleaned, errors = clean_product_fields({"name": "", **fields})
    if errors:
        raise ValidationError(errors)
    product = ProductFiling(enterprise=enterprise, created_by=None if isinstance(actor, str) else actor, **cleaned)
    product.save()
    audit_record(actor=actor, action="create", obj=product, after=snapshot(product), related=enterprise)
    return product


@transaction.atomic
def product_update(*, actor: Actor, product: ProductFiling, **fields: Any) -> ProductFiling:
    """Edit a draft or returned product filing; approved ones change through a change request."""
    product = ProductFiling.objects.select_for_update().select_related("enterprise").get(pk=product.pk)
    _require_own(actor, product.enterprise)
    if product.status not in FILING_EDITABLE:
        raise ValidationError(
            {
                "status": [
                    _("A filing that is %(status)s cannot be edited directly; submit a change request.")
                    % {"status": product.get_status_display()}
                ]
            }
        )
    cleaned, errors = clean_product_fields(fields)
    if errors:
        raise ValidationError(errors)
    before = snapshot(product)
    for key, value in cleaned.items():
        setattr(product, key, value)
    product.save()
    after = snapshot(product)
    if after != before:
        audit_record(actor=actor, action="update", obj=product, before=before, after=after, related=product.enterprise)
    return product


def product_has_label(product: ProductFiling, attachments: Iterable[Attachment] | None = None) -> bool:
    """Whether the label is given as text or as a file; ``attachments``: the product's, if already fetched."""
    if product.label_text.strip():
        return True
    if attachments is not None:
        return any(a.kind == LABEL_KIND for a in attachments)
    return Attachment.objects.for_object(product).filter(kind=LABEL_KIND).exists()


def product_missing(
    product: ProductFiling,
    *,
    attachments: Iterable[Attachment] | None = None,
    certified_codes: Collection[str] | None = None,
) -> Errors:
    """What must still be filled in before the product can be submitted.

    ``attachments``: the product's attachments when the caller has fetched them already (a list
    page), so no query is made per product; ``certified_codes``: likewise, those of the page's HS
    codes the compulsory certification catalogue lists (``certification_required``).
    """
    missing: Errors = {}
    required = {
        "name": _("The product name is required."),
        "brand": _("The brand is required."),
        "model": _("The specification or model is required."),
        "hs_code": _("The HS code is required."),
        "origin_country": _("The country of origin is required."),
        "manufacturer": _("The manufacturer is required."),
        "category": _("The category is required."),
        "subcategory": _("The sub-category is required."),
    }
    for field, message in required.items():
        if not getattr(product, field):
            _add(missing, field, message)
    if not product_has_label(product, attachments):
        _add(missing, "label_text", _("Give the Chinese label and warnings, as text or as a file."))
    if product.contains_hazardous_substances and not product.cas_numbers:
        _add(missing, "cas_numbers", _("Give the CAS numbers of the toxic or harmful substances it contains."))
    if product.hs_code and not product.ccc_certificate:
        listed = certified_codes if certified_codes is not None else certification_required([product.hs_code])
        if product.hs_code in listed:
            _add(
                missing,
                "ccc_certificate",
                _("The compulsory certification (CCC) catalogue lists this HS code: give the CCC certificate number."),
            )
    return missing


def product_classify(product: ProductFiling) -> tuple[int | None, dict | None]:
    """Tier and reasons of a product at submission, by the three-tier engine and the editions in force."""
    strict = product.enterprise.supervision_level == SupervisionLevel.STRICT
    decision, editions = classify_filed_product(product, strict=strict)
    return decision.tier, {**decision.as_dict(), "editions": editions}


@transaction.atomic
def product_submit(*, actor: Actor, product: ProductFiling) -> ProductFiling:
    """Send a product to the competent bureau; only enterprises whose own filing is approved may.

    Refused (nothing saved) when something is missing, or when the catalogues certainly put it in
    tier 1: prohibited goods are never filed for sale (rule 1). A suspected tier-1 match goes to the
    reviewer (``suspicion`` pending).
    """
    product = ProductFiling.objects.select_for_update().select_related("enterprise").get(pk=product.pk)
    _require_own(actor, product.enterprise)
    current = check_transition(product, FilingStatus.SUBMITTED, FILING_TRANSITIONS)
    if product.enterprise.status != FilingStatus.APPROVED:
        raise ValidationError(
            {
                "enterprise": [
                    _("Products can be submitted once the enterprise's own filing is approved; it is %(status)s.")
                    % {"status": product.enterprise.get_status_display()}
                ]
            }
        )
    missing = product_missing(product)
    if missing:
        raise ValidationError(missing)
    before = snapshot(product)
    product.tier, product.classification = product_classify(product)
    refusal = submission_refusal(product.classification)
    if refusal:
        raise ValidationError(refusal)  # rolls back: the product stays as it was, unclassified
    suspicion_on_submission(product)
    product.status = FilingStatus.SUBMITTED
    product.submitted_at = timezone.now()
    product.save()
    audit_record(
        actor=actor,
        action=TRANSITION_ACTIONS[(current, FilingStatus.SUBMITTED)],
        obj=product,
        before=before,
        after=snapshot(product),
        related=product.enterprise,
    )
    return product


def product_decide(*, actor: Actor, product: ProductFiling, status: str, reason: str = "") -> ProductFiling:
    """A decision of the enterprise's competent bureau moving the product to ``status`` (see ``filing_decide``)."""
    return filing_decide_status(actor=actor, filing=product, status=status, reason=reason)


def product_approve(*, actor: Actor, product: ProductFiling) -> ProductFiling:
    return filing_decide(actor=actor, filing=product, action=FilingAction.APPROVE)


def product_return(*, actor: Actor, product: ProductFiling, reason: str) -> ProductFiling:
    return filing_decide(actor=actor, filing=product, action=FilingAction.RETURN, reason=reason)


def product_reject(*, actor: Actor, product: ProductFiling, reason: str) -> ProductFiling:
    return filing_decide(actor=actor, filing=product, action=FilingAction.REJECT, reason=reason)


def product_suspend(*, actor: Actor, product: ProductFiling, reason: str) -> ProductFiling:
    return filing_decide(actor=actor, filing=product, action=FilingAction.SUSPEND, reason=reason)


def product_reinstate(*, actor: Actor, product: ProductFiling, reason: str = "") -> ProductFiling:
    return filing_decide(actor=actor, filing=product, action=FilingAction.REINSTATE, reason=reason)


def product_revoke(*, actor: Actor, product: ProductFiling, reason: str) -> ProductFiling:
    return filing_decide(actor=actor, filing=product, action=FilingAction.REVOKE, reason=reason)


@transaction.atomic
def product_label_attach(*, actor: Actor, product: ProductFiling, upload: UploadedFile) -> Attachment:
    """Attach a photo or scan of the Chinese label and warnings, while the filing can still be edited."""
    _require_own(actor, product.enterprise)
    product = ProductFiling.objects.get(pk=product.pk)
    if product.status not in FILING_EDITABLE:
        raise ValidationError(
            {
                "file": [
                    _("The label of a filing that is %(status)s changes through a change request.")
                    % {"status": product.get_status_display()}
                ]
            }
        )
    return attachment_create(owner=product, upload=upload, actor=actor, kind=LABEL_KIND)


@transaction.atomic
def product_test_report_add(
    *,
    actor: Actor,
    product: ProductFiling,
    lab: str,
    report_no: str,
    issued_on: dt.date | str,
    verdict: str,
    standard: str = "",
    upload: UploadedFile | None = None,
) -> ProductTestReport:
    """Record a third-party test report (lab, number, date, standard, verdict) with its file."""
    _require_own(actor, product.enterprise)
    product = ProductFiling.objects.get(pk=product.pk)
    if product.status in (FilingStatus.REJECTED, FilingStatus.REVOKED):
        raise ValidationError(
            {
                "status": [
                    _("No reports can be added to a filing that is %(status)s.")
                    % {"status": product.get_status_display()}
                ]
            }
        )
    errors: Errors = {}
    lab, report_no, standard = (lab or "").strip(), (report_no or "").strip(), (standard or "").strip()
    if not lab:
        _add(errors, "lab", _("The laboratory is required."))
    if not report_no:
        _add(errors, "report_no", _("The report number is required."))
    if isinstance(issued_on, str):
        try:
            issued_on = dt.date.fromisoformat(issued_on.strip())
        except ValueError:
            _add(errors, "issued_on", _("Give the date of issue as YYYY-MM-DD."))
    if isinstance(issued_on, dt.date) and issued_on > timezone.localdate():
        _add(errors, "issued_on", _("The date of issue cannot be in the future."))
    if verdict not in TestVerdict.values:
        _add(errors, "verdict", _("The verdict is pass or fail."))
    if lab and report_no and ProductTestReport.objects.filter(product=product, lab=lab, report_no=report_no).exists():
        _add(errors, "report_no", _("This report is already recorded."))
    if errors:
        raise ValidationError(errors)
    attachment = attachment_create(owner=product, upload=upload, actor=actor, kind=TEST_REPORT_KIND) if upload else None
    report = ProductTestReport.objects.create(
        product=product,
        lab=lab,
        report_no=report_no,
        issued_on=issued_on,
        standard=standard,
        verdict=verdict,
        attachment=attachment,
    )
    audit_record(actor=actor, action="create", obj=report, after=snapshot(report), related=product)
    return report
