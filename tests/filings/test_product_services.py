"""Product filing services: validation of every identifier, the workflow, documents and audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cbec_supervision.models import AuditEvent, Notification
from filings import services
from filings.choices import FilingStatus
from tests.builders import TOY

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def test_drafts_can_be_kept_before_the_enterprise_is_approved(world):
    product = services.product_create(actor=world.alice, enterprise=world.alice_co, **TOY)
    assert product.status == FilingStatus.DRAFT and product.enterprise == world.alice_co
    assert AuditEvent.objects.for_object(product).get().action == "create"


def test_submitting_waits_for_the_enterprise_filing_to_be_approved(world):
    product = services.product_create(actor=world.alice, enterprise=world.alice_co, **TOY)
    with pytest.raises(ValidationError) as info:
        services.product_submit(actor=world.alice, product=product)
    assert "enterprise" in info.value.message_dict
    product.refresh_from_db()
    assert product.status == FilingStatus.DRAFT


def test_a_complete_product_is_submitted_approved_and_numbered(world, toy):
    product = services.product_submit(actor=world.alice, product=toy)
    assert product.status == FilingStatus.SUBMITTED and product.submitted_at
    # Toys (HS 9503) are in the compulsory certification catalogue: key supervision.
    assert product.tier == 2
    reason = product.classification["reasons"][0]
    assert (reason["catalogue"], reason["matched_on"], reason["entry"]) == (
        "compulsory_certification",
        "hs_code",
        "9503 玩具",
    )
    assert product.classification["editions"]["compulsory_certification"]["edition"] == "starter"
    product = services.product_approve(actor=world.zj_inspector, product=product)
    assert product.filing_no.startswith("ZJ") and "P" in product.filing_no
    assert [n.kind for n in Notification.objects.filter(recipient=world.alice)][0] == "product_approved"


def test_submit_lists_what_is_missing(world, approved_alice_co):
    product = services.product_create(actor=world.alice, enterprise=approved_alice_co, name="无名商品")
    with pytest.raises(ValidationError) as info:
        services.product_submit(actor=world.alice, product=product)
    assert {"brand", "model", "hs_code", "origin_country", "manufacturer", "category", "label_text"} <= set(
        info.value.message_dict
    )


def test_a_label_file_stands_in_for_label_text(world, approved_alice_co):
    fields = {**TOY, "label_text": ""}
    product = services.product_create(actor=world.alice, enterprise=approved_alice_co, **fields)
    assert "label_text" in services.product_missing(product)
    services.product_label_attach(actor=world.alice, product=product, upload=SimpleUploadedFile("label.pdf", PDF))
    assert "label_text" not in services.product_missing(product)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hs_code", "9999999999", "not a China Customs commodity code"),
        ("hs_code", "95030089", "10 digits"),
        ("origin_country", "XX", "ISO 3166"),
        ("cas_numbers", "50-00-1", "not a valid CAS number"),
        ("gtin", "5702016616317", "not a valid GTIN"),
        ("un_number", "UN12", "four digits"),
        ("subcategory", "power_banks", "does not belong"),
        ("category", "food", "Choose a category"),
        ("ccc_certificate", "短号", "CCC certificate"),
    ],
)
def test_each_identifier_is_checked(world, field, value, message):
    with pytest.raises(ValidationError) as info:
        services.product_create(actor=world.alice, enterprise=world.alice_co, **{**TOY, field: value})
    assert message in " ".join(info.value.message_dict[field])


def test_identifiers_are_normalised(world):
    product = services.product_create(
        actor=world.alice,
        enterprise=world.alice_co,
        **{
            **TOY,
            "hs_code": "9503.0089.00",
            "origin_country": "dk",
            "cas_numbers": "50-00-0；7732-18-5 50-00-0",
            "un_number": "UN 3480",
            "ccc_certificate": "2021 0109 0123 4567",
            "subcategory": "toys",
            "category": "",
        },
    )
    assert product.hs_code == "9503008900" and product.origin_country.code == "DK"
    assert product.cas_numbers == ["50-00-0", "7732-18-5"]
    assert product.un_number == "3480" and product.ccc_certificate == "2021010901234567"
    assert product.category == "light_industry"


def test_product_workflow_refuses_moves_the_table_does_not_allow(world, toy):
    with pytest.raises(ValidationError):
        services.product_approve(actor=world.zj_inspector, product=toy)  # still a draft
    services.product_submit(actor=world.alice, product=toy)
    with pytest.raises(ValidationError):
        services.product_submit(actor=world.alice, product=toy)
    with pytest.raises(ValidationError, match="reason"):
        services.product_reject(actor=world.zj_inspector, product=toy, reason="")
    services.product_return(actor=world.zj_inspector, product=toy, reason="缺少中文标签照片")
    toy.refresh_from_db()
    assert toy.status == FilingStatus.RETURNED and toy.decision_reason == "缺少中文标签照片"


def test_only_the_competent_bureau_decides_on_products(world, toy):
    services.product_submit(actor=world.alice, product=toy)
    for outsider in (world.gd_inspector, world.hq, world.alice):
        with pytest.raises(PermissionDenied):
            services.product_approve(actor=outsider, product=toy)


def test_only_the_owner_creates_and_edits_products(world, toy):
    with pytest.raises(PermissionDenied):
        services.product_create(actor=world.bob, enterprise=world.alice_co, **TOY)
    with pytest.raises(PermissionDenied):
        services.product_update(actor=world.zj_inspector, product=toy, brand="x")


def test_approved_products_change_only_by_change_request(world, toy):
    services.product_submit(actor=world.alice, product=toy)
    services.product_approve(actor=world.zj_inspector, product=toy)
    with pytest.raises(ValidationError, match="change request"):
        services.product_update(actor=world.alice, product=toy, brand="Other")


def test_a_third_party_test_report_is_recorded_with_its_file(world, toy):
    report = services.product_test_report_add(
        actor=world.alice,
        product=toy,
        lab="SGS-CSTC Standards Technical Services",
        report_no="SHHG2026001234",
        issued_on="2026-03-01",
        standard="GB 6675.2-2014",
        verdict="pass",
        upload=SimpleUploadedFile("report.pdf", PDF),
    )
    assert report.attachment.sha256 and report.issued_on == dt.date(2026, 3, 1)
    assert AuditEvent.objects.for_object(report).get().after["report_no"] == "SHHG2026001234"


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"lab": "", "report_no": "1", "issued_on": "2026-01-01", "verdict": "pass"}, "lab"),
        ({"lab": "SGS", "report_no": "1", "issued_on": "2026-13-45", "verdict": "pass"}, "issued_on"),
        ({"lab": "SGS", "report_no": "1", "issued_on": "2999-01-01", "verdict": "pass"}, "issued_on"),
        ({"lab": "SGS", "report_no": "1", "issued_on": "2026-01-01", "verdict": "maybe"}, "verdict"),
    ],
)
def test_test_reports_are_validated(world, toy, fields, bad):
    with pytest.raises(ValidationError) as info:
        services.product_test_report_add(actor=world.alice, product=toy, **fields)
    assert bad in info.value.message_dict


def test_the_same_report_is_not_recorded_twice(world, toy):
    fields = {"lab": "SGS", "report_no": "R1", "issued_on": "2026-01-01", "verdict": "pass"}
    services.product_test_report_add(actor=world.alice, product=toy, **fields)
    with pytest.raises(ValidationError):
        services.product_test_report_add(actor=world.alice, product=toy, **fields)


def test_no_products_for_a_revoked_enterprise(world, approved_alice_co):
    services.enterprise_revoke(actor=world.zj_inspector, filing=approved_alice_co, reason="虚假备案")
    with pytest.raises(ValidationError):
        services.product_create(actor=world.alice, enterprise=approved_alice_co, **TOY)
