"""Rule 7: compulsory certification is checked (「国家实施质量安全许可管理」).

A product the compulsory certification (CCC) catalogue lists needs its CCC certificate number on the
filing: shown as missing while it is prepared, required before approval; the number's format is
checked (16 digits starting with the year of issue); the on-site verification page shows it.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from catalogues.services import editions
from filings import services
from filings.choices import FilingStatus
from filings.models import ProductFiling
from filings.services.bulk import product_template
from tests.builders import TOY
from tests.filings.product_api import api_as, url

pytestmark = pytest.mark.django_db

NO_CERTIFICATE = {key: value for key, value in TOY.items() if key != "ccc_certificate"}
#: a T-shirt: HS 6109, in no catalogue the tests ship
TEE = {
    **NO_CERTIFICATE,
    "name": "纯棉T恤",
    "hs_code": "6109100021",
    "category": "textile",
    "subcategory": "clothing",
    "gtin": "",
}


def test_rule_7_ccc_missing_at_submission(world, approved_alice_co):
    product = services.product_create(actor=world.alice, enterprise=approved_alice_co, **NO_CERTIFICATE)
    missing = services.product_missing(product)
    assert "CCC" in missing["ccc_certificate"][0]
    assert "ccc_certificate" in api_as(world.alice).get(url(product)).json()["missing"]
    with pytest.raises(ValidationError) as refused:
        services.product_submit(actor=world.alice, product=product)
    assert "ccc_certificate" in refused.value.message_dict
    assert ProductFiling.objects.get(pk=product.pk).status == FilingStatus.DRAFT
    services.product_update(actor=world.alice, product=product, ccc_certificate="2021011606123456")
    assert services.product_submit(actor=world.alice, product=product).status == FilingStatus.SUBMITTED


def test_rule_7_goods_outside_the_catalogue_need_no_certificate(world, approved_alice_co):
    product = services.product_create(actor=world.alice, enterprise=approved_alice_co, **TEE)
    assert "ccc_certificate" not in services.product_missing(product)
    product = services.product_submit(actor=world.alice, product=product)
    assert services.product_approve(actor=world.zj_inspector, product=product).status == FilingStatus.APPROVED


def test_rule_7_ccc_required_before_approval(world, approved_alice_co):
    """A submitted T-shirt that a new CCC edition lists (re-classified, rule 10) cannot be approved without one."""
    product = services.product_submit(
        actor=world.alice,
        product=services.product_create(actor=world.alice, enterprise=approved_alice_co, **TEE),
    )
    editions.catalogue_import(
        actor="test",
        kind="compulsory_certification",
        edition="2026 test",
        effective_from=timezone.localdate(),
        content="HS编码,名称,备注\n6109,针织T恤衫（测试）,CCC 测试\n".encode(),
        filename="ccc.csv",
    )
    services.products_reclassify(actor="test", product_ids=[product.pk])
    product.refresh_from_db()
    assert product.tier == 2
    with pytest.raises(ValidationError) as refused:
        services.product_approve(actor=world.zj_inspector, product=product)
    assert set(refused.value.message_dict) == {"ccc_certificate"}
    response = api_as(world.zj_inspector).post(url(product, "approve"))
    assert response.status_code == 400 and "ccc_certificate" in response.json()
    assert ProductFiling.objects.get(pk=product.pk).status == FilingStatus.SUBMITTED
    # With the certificate on file (set as a change would), it is approved.
    ProductFiling.objects.filter(pk=product.pk).update(ccc_certificate="2022011606123456")
    assert services.product_approve(actor=world.zj_inspector, product=product).status == FilingStatus.APPROVED


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("2021011606123456", True),
        ("2002011606123456", True),
        ("2021 0116 0612 3456", True),
        ("2001011606123456", False),  # before the scheme began
        ("209901160612345", False),  # 15 digits
        ("20210116061234567", False),  # 17 digits
        ("A021011606123456", False),
        ("CCC2021011606123", False),
    ],
)
def test_rule_7_ccc_certificate_format(world, number, valid):
    _cleaned, errors = services.clean_product_fields({"ccc_certificate": number})
    assert ("ccc_certificate" not in errors) is valid


def test_rule_7_ccc_certificate_year_up_to_next_year(world):
    year = timezone.localdate().year
    assert "ccc_certificate" not in services.clean_product_fields({"ccc_certificate": f"{year + 1}011606123456"})[1]
    _cleaned, errors = services.clean_product_fields({"ccc_certificate": f"{year + 2}011606123456"})
    assert "16 digits" in errors["ccc_certificate"][0]


def test_rule_7_the_bulk_template_explains_the_format(world):
    content, _type, _name = product_template("xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    text = " ".join(
        str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row if cell
    )
    assert "16 digits starting with the year of issue" in text and "10 to 30" not in text
    assert "When in the CCC catalogue" in text


def test_rule_7_the_verification_page_shows_the_certificate_on_file(world, approved_toy, client):
    from imports.services.declarations import import_batch_declare

    batch = import_batch_declare(
        actor=world.alice,
        port_bureau="ZJ",
        items=[{"product": approved_toy.pk, "quantity": 10, "unit": "盒", "value_cny": "990.00"}],
    )
    assert batch.items.get().tier == 2
    client.force_login(world.zj_inspector)
    page = client.get(batch.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="ccc-certificate"' in page
    assert "CCC certificate on file: 2021011606123456" in page
