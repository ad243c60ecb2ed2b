"""Regressions found in review: input that looked fine but slipped past checks or crashed."""

from __future__ import annotations

import pytest
from django.test import override_settings

from filings import services
from filings.models import ProductFiling
from imports.services.declarations import clean_line
from tests.builders import TOY
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

KNOWN = {"28371110", "95030089", "61091000"}


def test_full_width_identifiers_are_read_as_ascii(world):
    product = services.product_create(
        actor=world.alice,
        enterprise=world.alice_co,
        **{**TOY, "un_number": "UN１２０３", "hs_code": "９５０３００８９００", "origin_country": "ｄｋ"},
    )
    assert (product.un_number, product.hs_code, product.origin_country.code) == ("1203", "9503008900", "DK")


def test_full_width_digits_in_a_declared_line_are_classified_like_ascii_ones():
    line, errors = clean_line(
        {"description": "汽油", "un_number": "１２０３", "hs_code": "6109100021", "quantity": "１", "value_cny": "5"},
        known_hs8=KNOWN,
    )
    assert not errors and line["un_number"] == "1203"


@pytest.mark.parametrize("digits", ["²", "١٢٠٣"])
def test_other_unicode_digits_are_not_numbers(digits):
    _line, errors = clean_line(
        {"description": "x", "hs_code": "6109100021", "un_number": digits, "quantity": 1, "value_cny": 1},
        known_hs8=KNOWN,
    )
    assert "un_number" in errors


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("quantity", "99999999999.9999"),
        ("value_cny", "999999999999.999"),
        ("quantity", "1e-9999999999"),
        ("quantity", "1e99999"),
        ("value_cny", True),
    ],
)
def test_amounts_are_rounded_to_their_column_before_the_limits_are_checked(field, value):
    raw = {"description": "T恤", "hs_code": "6109100021", "quantity": 1, "value_cny": 1, field: value}
    _line, errors = clean_line(raw, known_hs8=KNOWN)
    assert field in errors


def test_a_quantity_that_rounds_to_zero_is_refused():
    _line, errors = clean_line(
        {"description": "T恤", "hs_code": "6109100021", "quantity": "0.0001", "value_cny": 1}, known_hs8=KNOWN
    )
    assert "quantity" in errors


def test_nul_characters_are_dropped_from_declared_text(world, approved_alice_co):
    response = api_as(world.alice).post(
        "/api/v1/import-batches/",
        {
            "port_bureau": "ZJ",
            "mode": "direct_mail",
            "items": [
                {"description": "T\u0000恤", "hs_code": "6109100021", "quantity": 1, "value_cny": 1, "unit": "件\u0000"}
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["items"][0]["description"] == "T恤"


def test_bureau_administrators_do_not_get_the_unscoped_admin(world):
    from django.core.management import call_command

    call_command(
        "create_account", "--username", "nb_admin", "--password", "pw-12345", "--role", "bureau_admin", "--bureau", "NB"
    )
    call_command("create_account", "--username", "boss", "--password", "pw-12345", "--role", "hq")
    users = world.alice.__class__.objects
    assert not users.get(username="nb_admin").is_staff and users.get(username="boss").is_staff


def test_an_approved_product_change_reclassifies_the_product(world, toy):
    services.product_submit(actor=world.alice, product=toy)
    toy = services.product_approve(actor=world.zj_inspector, product=toy)
    assert toy.tier == 2
    # A changed HS code takes the toy out of the CCC catalogue: the tier follows. (A change that would
    # make it prohibited is refused: see tests/filings/test_rule_1_prohibited_goods.py.)
    request = services.change_request_submit(
        actor=world.alice, enterprise=world.alice_co, product=toy, changes={"hs_code": "6111200000"}
    )
    services.change_request_decide(actor=world.zj_inspector, request=request, status="approved")
    toy = ProductFiling.objects.get(pk=toy.pk)
    assert toy.tier == 3 and toy.classification["reasons"] == []


def test_a_change_to_a_filing_revoked_meanwhile_no_longer_applies(world, approved_alice_co):
    from django.core.exceptions import ValidationError

    request = services.change_request_submit(
        actor=world.alice, enterprise=approved_alice_co, changes={"contact_name": "王五"}
    )
    services.enterprise_revoke(actor=world.zj_inspector, filing=approved_alice_co, reason="虚假备案")
    with pytest.raises(ValidationError, match="no longer apply"):
        services.change_request_decide(actor=world.zj_inspector, request=request, status="approved")


@pytest.mark.parametrize(("proxies", "expected"), [(0, "10.0.0.9"), (1, "203.0.113.7")])
def test_the_lockout_reads_forwarded_addresses_only_behind_known_proxies(rf, proxies, expected):
    from cbec_supervision.security import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7", REMOTE_ADDR="10.0.0.9")
    with override_settings(NUM_PROXIES=proxies):
        assert client_ip(request) == expected


def test_a_batch_of_an_enterprise_under_strict_supervision_says_why_it_is_verified_on_site(
    world, approved_alice_co, client
):
    from filings.models import EnterpriseFiling
    from tests.imports.filed import declare_filed

    EnterpriseFiling.objects.filter(pk=approved_alice_co.pk).update(supervision_level="strict")
    batch = declare_filed(
        actor=world.alice,
        port_bureau="ZJ",
        items=[{"description": "纯棉T恤", "hs_code": "6109100021", "quantity": 1, "value_cny": 10}],
    )
    # The goods keep their catalogue tier; the batch is verified on site because of its operator.
    assert (batch.tier, batch.strict_supervision, batch.status) == (3, True, "verification_required")
    assert api_as(world.alice).get(f"/api/v1/import-batches/{batch.pk}/").json()["strict_supervision"] is True
    client.force_login(world.zj_inspector)
    page = client.get(batch.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="strict-supervision"' in page and "operator is under strict supervision" in page
