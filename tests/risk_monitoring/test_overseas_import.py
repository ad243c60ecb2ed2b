"""Importing overseas notices (issue 10): ``import_overseas_notices`` and the upload page.

Both layouts (Safety Gate CSV and JSON with ``None`` as empty, CPSC Recalls API JSON), a bad record
reported by position, a re-import skipped, GTIN matches linked (a UPC-A and its EAN-13), brand-and-
model and name matches proposed, a bounded number of queries, and garbage files refused (400, no 500).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from filings.choices import FilingStatus
from risk_monitoring.models import OverseasImport, RiskSignal, SignalMatchProposal
from risk_monitoring.services.overseas import goods_category_of, overseas_import
from tests.factories import ProductFilingFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
UPLOAD = reverse("risk_monitoring:overseas_import")


def run(source: str, path: Path | str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_overseas_notices", "--source", source, str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def filed(world):
    """Approved goods the fixtures' notices concern: Bob Co's plush bear (GTIN 4006381333931, GD),
    a heater filed by Alice Co as an EAN-13 (0036000291452, ZJ), Alice Co's Dreamy DS-77 sleeping bag
    (brand and model only), and Bob Co's travel adapter (its name only)."""
    approved = {"status": FilingStatus.APPROVED}
    world.bear = ProductFilingFactory(enterprise=world.bob_co, gtin="4006381333931", name="毛绒熊", **approved)
    world.heater = ProductFilingFactory(
        enterprise=world.alice_co, gtin="0036000291452", name="暖风机", name_en="Heater", brand="Warmly", **approved
    )
    world.bag = ProductFilingFactory(
        enterprise=world.alice_co, name="婴儿睡袋", name_en="Sleeping bag", brand="DREAMY", model="DS-77", **approved
    )
    world.adapter = ProductFilingFactory(
        enterprise=world.bob_co, name="旅行转换插头", name_en="Universal Travel Adapter", brand="Go", **approved
    )
    return world


def test_a_safety_gate_csv_is_imported_with_its_bad_record_reported_and_the_summary_last(filed):
    out, err = run("safety_gate", FIXTURES / "safety_gate_alerts.csv")
    assert out.strip().splitlines()[-1] == "imported=3 skipped=1 matched=1"
    assert "record 3: The record has no reference (alert_number)." in err
    bear = RiskSignal.objects.get(overseas_reference="A12/00101/24")
    assert (bear.source, bear.overseas_feed, bear.status) == ("overseas_notification", "safety_gate", "new")
    assert (bear.title, bear.hazard, bear.brand, bear.model) == ("Plush bear", "choking", "Happy Kids", "HK-2024_01")
    assert (bear.category, bear.subcategory, bear.origin_country.code) == ("light_industry", "toys", "CN")
    assert bear.gtin == "04006381333931"
    assert "Brown plush bear" in bear.description and "Withdrawal of the product" in bear.description
    # matched by GTIN (its barcodes name the bear's EAN-13 and the heater's UPC-A): linked at once,
    # the first product's enterprise is the signal's, and each product's bureau has it in its queue
    assert bear.product_ids() == [filed.bear.pk, filed.heater.pk]
    assert (bear.product, bear.enterprise, bear.competent_bureau) == (filed.bear, filed.bob_co, filed.gd)
    assert bear in RiskSignal.objects.queue_of(filed.gd_inspector)
    assert bear in RiskSignal.objects.queue_of(filed.zj_inspector)
    # out of the regime's categories, imported all the same (cosmetics are not filed goods)
    adapter = RiskSignal.objects.get(overseas_reference="A12/00102/24")
    assert (adapter.brand, adapter.model, adapter.gtin) == ("", "", "")  # "None" is empty
    assert (adapter.category, adapter.subcategory, adapter.hazard) == ("electrical", "chargers", "electric_shock")
    run_row = OverseasImport.objects.get()
    assert (run_row.imported, run_row.skipped, run_row.matched, run_row.actor_label) == (
        3,
        1,
        1,
        "command:import_overseas_notices",
    )
    assert run_row.errors == [
        {"position": 3, "reference": "", "message": "The record has no reference (alert_number)."}
    ]
    assert len(run_row.sha256) == 64 and run_row.file


def test_brand_and_model_and_name_matches_are_proposed_not_linked(filed):
    run("safety_gate", FIXTURES / "safety_gate_alerts.csv")
    bag = RiskSignal.objects.get(overseas_reference="SR/00104/24")
    adapter = RiskSignal.objects.get(overseas_reference="A12/00102/24")
    assert bag.product_ids() == [] and adapter.product_ids() == []
    assert list(SignalMatchProposal.objects.filter(signal=bag).values_list("product", "how", "status")) == [
        (filed.bag.pk, "brand_model", "proposed")
    ]
    assert list(SignalMatchProposal.objects.filter(signal=adapter).values_list("product", "how")) == [
        (filed.adapter.pk, "name")
    ]


def test_a_re_import_skips_every_record_and_changes_nothing(filed):
    run("safety_gate", FIXTURES / "safety_gate_alerts.csv")
    before = list(RiskSignal.objects.order_by("pk").values_list("pk", "overseas_reference"))
    out, _err = run("safety_gate", FIXTURES / "safety_gate_alerts.csv")
    assert out.strip().splitlines()[-1] == "imported=0 skipped=4 matched=0"
    assert list(RiskSignal.objects.order_by("pk").values_list("pk", "overseas_reference")) == before
    assert SignalMatchProposal.objects.count() == 2
    assert OverseasImport.objects.count() == 2


def test_a_safety_gate_json_with_none_values_and_bad_records(filed):
    out, err = run("safety_gate", FIXTURES / "safety_gate_alerts.json")
    assert out.strip() == "imported=1 skipped=3 matched=0"
    assert [line.split(":")[0] for line in err.strip().splitlines()] == [
        "record 2",
        "record 3 (A12/00203/24)",
        "record 4",
    ]
    ink = RiskSignal.objects.get()
    assert (ink.overseas_reference, ink.brand, ink.model, ink.hazard) == ("A12/00201/24", "InkCo", "", "chemical")
    assert (ink.category, ink.origin_country.code) == ("", "US")  # cosmetics: no category of filed goods


def test_cpsc_recalls_link_a_upc_a_to_its_ean13_and_to_the_upc_a_as_filed(filed):
    same_upc = ProductFilingFactory(enterprise=filed.bob_co, gtin="036000291452", status=FilingStatus.APPROVED)
    out, err = run("cpsc", FIXTURES / "cpsc_recalls.json")
    assert out.strip().splitlines()[-1] == "imported=2 skipped=1 matched=1"
    assert "record 2: The record has no reference (RecallNumber)." in err
    heater = RiskSignal.objects.get(overseas_reference="24-101")
    assert (heater.overseas_feed, heater.hazard, heater.gtin) == ("cpsc", "fire", "00036000291452")
    assert heater.product_ids() == [filed.heater.pk, same_upc.pk]
    assert (heater.product, heater.competent_bureau) == (filed.heater, filed.zj)
    # a signal about goods of two bureaus is in both queues
    assert heater in RiskSignal.objects.queue_of(filed.zj_inspector)
    assert heater in RiskSignal.objects.queue_of(filed.gd_inspector)


def test_cpsc_snake_case_layout(filed):
    out, _err = run("cpsc", FIXTURES / "cpsc_recalls_snake.json")
    assert out.strip() == "imported=1 skipped=0 matched=1"
    charger = RiskSignal.objects.get()
    assert (charger.hazard, charger.category, charger.subcategory) == ("electric_shock", "electrical", "chargers")
    assert charger.product_ids() == [filed.bear.pk]  # 4006381333931 is among its UPCs


def test_the_same_number_in_two_feeds_never_collides(filed, tmp_path):
    csv_file = tmp_path / "sg.csv"
    csv_file.write_text("alert_number,product_name,risk_type\n24-101,Heater,Fire\n", encoding="utf-8")
    run("cpsc", FIXTURES / "cpsc_recalls.json")
    out, _err = run("safety_gate", csv_file)
    assert out.strip() == "imported=1 skipped=0 matched=0"
    assert sorted(RiskSignal.objects.filter(overseas_reference="24-101").values_list("overseas_feed", flat=True)) == [
        "cpsc",
        "safety_gate",
    ]


def test_a_reference_repeated_in_one_file_is_imported_once(world, tmp_path):
    csv_file = tmp_path / "sg.csv"
    csv_file.write_bytes(
        "\ufeffalert_number;product_name;risk_type\nA1/1/24;Kettle;Burns\nA1/1/24;Kettle;Burns\n".encode()
    )
    out, _err = run("safety_gate", csv_file)
    assert out.strip() == "imported=1 skipped=1 matched=0"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("feed.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00binary", "The file is not UTF-8 text."),
        ("feed.json", json.dumps({"success": {"count": 3}}).encode(), "The JSON holds no list of records."),
        ("feed.json", b"", "The file is empty."),
        ("feed.json", b"{not json", "The file is not valid JSON"),
        ("feed.pdf", b"%PDF-1.4", "A US CPSC recalls file is one of .json, .txt."),
    ],
)
def test_garbage_files_are_refused_whole(world, name, content, message, tmp_path):
    with pytest.raises(ValidationError) as error:
        overseas_import(actor="test", feed="cpsc", content=content, filename=name)
    assert message in error.value.message_dict["file"][0]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError):
        run("cpsc", path)
    assert not RiskSignal.objects.exists() and not OverseasImport.objects.exists()


def test_an_unknown_source_is_refused(world):
    with pytest.raises(ValidationError) as error:
        overseas_import(actor="test", feed="rapex", content=b"[]", filename="a.json")
    assert "source" in error.value.message_dict


def _feed(n: int, offset: int = 0) -> bytes:
    rows = ["alert_number,product_name,brand,model_type_number,barcode,risk_type"]
    for i in range(offset, offset + n):
        rows.append(f"A9/{i}/24,Plush toy {i},Brand{i},M-{i},4006381333931,Choking")
    return ("\n".join(rows) + "\n").encode()


def test_the_import_loads_candidates_in_bulk_and_costs_a_fixed_number_of_queries_per_record(filed):
    def queries(n: int, offset: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            imported = overseas_import(actor="test", feed="safety_gate", content=_feed(n, offset), filename="f.csv")
        assert (imported.imported, imported.matched) == (n, n)
        product_reads = sum(
            1 for q in captured.captured_queries if 'FROM "filings_productfiling"' in q["sql"] and "SELECT" in q["sql"]
        )
        return len(captured.captured_queries), product_reads

    small, small_reads = queries(5, 0)
    large, large_reads = queries(45, 100)
    # GTINs, brands, names: once per file (names: once per NAME_CHUNK records), not per record
    assert small_reads == large_reads == 3
    assert (large - small) / 40 <= 10  # per record: a savepoint, the insert, its link, the audit
    assert RiskSignal.objects.filter(products=filed.bear).count() == 50


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("Toys", "Plush bear"), ("light_industry", "toys")),
        (("Childcare articles and children's equipment", "Baby sleeping bag"), ("light_industry", "children_products")),
        (("Clothing, textiles and fashion items", "Hoodie"), ("textile", "clothing")),
        (("Electrical appliances and equipment", "Travel adapter"), ("electrical", "chargers")),
        (("Electrical appliances and equipment", "Fan heater"), ("electrical", "small_appliances")),
        (("Toys", "Toy kettle"), ("light_industry", "toys")),
        (("Heaters", ""), ("electrical", "small_appliances")),
        (("Cosmetics", "Tattoo ink"), ("", "")),
        (("", "Power bank 10000 mAh"), ("electrical", "power_banks")),
    ],
)
def test_published_categories_map_to_the_categories_of_filed_goods(texts, expected):
    assert goods_category_of(*texts) == expected


# -- the upload page ----------------------------------------------------------------------------------


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(("who", "code"), [("zj_admin", 200), ("hq", 200), ("zj_inspector", 403), ("alice", 403)])
def test_only_bureau_admins_and_headquarters_open_the_upload_page(world, client, who, code):
    client.force_login(getattr(world, who))
    assert client.get(UPLOAD).status_code == code
    response = client.post(UPLOAD, {"source": "cpsc", "file": _upload("f.json", b"[]")})
    assert response.status_code == (302 if code == 200 else code)


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_upload_shows_the_summary_and_the_refused_records(filed, client):
    client.force_login(filed.zj_admin)
    content = (FIXTURES / "safety_gate_alerts.json").read_bytes()
    response = client.post(
        UPLOAD, {"source": "safety_gate", "file": _upload("alerts.json", content)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    run_row = OverseasImport.objects.get()
    assert response.status_code == 302 and response["Location"] == run_row.get_absolute_url()
    assert run_row.created_by == filed.zj_admin and run_row.original_name == "alerts.json"
    import hashlib

    assert run_row.sha256 == hashlib.sha256(content).hexdigest()
    page = client.get(run_row.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "imported=1 skipped=3 matched=0" in text
    assert text.count('data-testid="overseas-import-error"') == 3 and "A12/00203/24" in text
    listing = client.get(UPLOAD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert listing.count('data-testid="overseas-import-run"') == 1
    download = client.get(reverse("risk_monitoring:overseas_import_file", args=[run_row.pk]))
    assert b"".join(download.streaming_content) == content
    client.force_login(filed.zj_inspector)
    assert client.get(run_row.get_absolute_url()).status_code == 403


@pytest.mark.parametrize(
    ("name", "content"),
    [("x.json", b"\x00\x01\x02binary"), ("x.json", b'{"a": 1}'), ("x.json", b""), ("x.exe", b"MZ\x90\x00")],
)
def test_a_garbage_upload_answers_400_with_a_message(world, client, name, content):
    client.force_login(world.hq)
    response = client.post(UPLOAD, {"source": "cpsc", "file": _upload(name, content)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert b"invalid-feedback" in response.content or b"alert-danger" in response.content
    assert not OverseasImport.objects.exists()
