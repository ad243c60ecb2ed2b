"""Parsing the overseas feeds: EU Safety Gate (CSV, JSON) and US CPSC recalls (both field casings).

The fixtures are hand-written in the published layouts (see fixtures/README.md).
"""

import ast
import datetime
import json
from pathlib import Path

import pytest

from risk_monitoring import feeds
from risk_monitoring.feeds import FeedFileError, country_code, hazard_of, parse, parse_cpsc, parse_safety_gate

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name):
    return (FIXTURES / name).read_bytes()


# -- Safety Gate --------------------------------------------------------------------------------------


def test_a_safety_gate_csv_with_a_byte_order_mark_is_read_record_by_record():
    result = parse_safety_gate(fixture("safety_gate_alerts.csv"))
    assert [r.reference for r in result.records] == ["A12/00101/24", "A12/00102/24", "SR/00104/24"]
    bear = result.records[0]
    assert bear.source == "safety_gate"
    assert bear.title == bear.product_name == "Plush bear"
    assert bear.description == "Brown plush bear with a ribbon, 30 cm"
    assert (bear.brand, bear.model, bear.category) == ("Happy Kids", "HK-2024_01", "Toys")
    assert bear.gtins == ["04006381333931", "00036000291452", "00000073513537"]
    assert bear.country_of_origin == "CN"
    assert bear.hazard == "choking"
    assert bear.date == datetime.date(2024, 3, 1)
    assert bear.measures == "Withdrawal of the product from the market"
    assert bear.counterfeit is False
    assert bear.raw["notifying_country"] == "Germany"  # unknown columns stay in raw only


def test_none_in_a_safety_gate_export_is_empty():
    adapter = parse_safety_gate(fixture("safety_gate_alerts.csv")).records[1]
    assert (adapter.brand, adapter.model, adapter.batch, adapter.gtins) == ("", "", "", [])
    assert adapter.measures == "Import rejected at border"  # voluntary_measures "None" left out
    assert adapter.counterfeit is False


def test_a_bad_safety_gate_record_is_reported_by_position_and_the_rest_read():
    result = parse_safety_gate(fixture("safety_gate_alerts.csv"))
    assert [(e.position, e.message) for e in result.errors] == [(3, "The record has no reference (alert_number).")]
    sleeping_bag = result.records[2]
    assert sleeping_bag.gtins == ["05901234123457"]  # 1234567890123 has a wrong check digit
    assert sleeping_bag.counterfeit is True
    assert sleeping_bag.country_of_origin == "VN"
    assert sleeping_bag.date == datetime.date(2024, 3, 1)  # 01/03/2024, day first
    assert sleeping_bag.measures == "Withdrawal of the product from the market"


def test_a_semicolon_separated_safety_gate_csv_with_spaced_headers_is_read():
    text = (
        "Alert number;Product name;Brand;Barcode;Risk type;Counterfeit\nA12/9/24;Kettle;None;4006381333931;Burns;yes\n"
    )
    (record,) = parse_safety_gate(text.encode()).records
    assert (record.reference, record.product_name, record.brand, record.gtins) == (
        "A12/9/24",
        "Kettle",
        "",
        ["04006381333931"],
    )
    assert (record.hazard, record.counterfeit) == ("fire", True)


def test_a_safety_gate_json_object_holding_the_list_is_read_and_bad_records_reported():
    result = parse_safety_gate(fixture("safety_gate_alerts.json"))
    (ink,) = result.records
    assert (ink.reference, ink.hazard, ink.country_of_origin, ink.model) == ("A12/00201/24", "chemical", "US", "")
    assert ink.gtins == ["09780471117094"]
    assert ink.date == datetime.date(2024, 4, 12)
    assert [(e.position, e.reference) for e in result.errors] == [(2, ""), (3, "A12/00203/24"), (4, "")]
    assert result.errors[0].message == "The record is not an object."
    assert result.errors[1].message == "Unreadable date: not a date"


def test_a_safety_gate_json_bare_list_is_read():
    data = json.dumps([{"alert_number": "A12/5/24", "product_name": "Hair dryer", "risk_type": "Electric shock"}])
    (record,) = parse_safety_gate(data).records
    assert (record.reference, record.hazard) == ("A12/5/24", "electric_shock")


def test_an_unreadable_csv_row_is_reported_and_the_next_one_read():
    huge = "x" * 200_000  # beyond the csv module's field limit
    text = f'alert_number,product_name\nA12/1/24,"{huge}"\nA12/2/24,Kettle\n'
    result = parse_safety_gate(text)
    assert [r.reference for r in result.records] == ["A12/2/24"]
    assert result.errors[0].position == 1
    assert result.errors[0].message.startswith("Unreadable row")


def test_blank_csv_lines_are_skipped_and_an_empty_file_has_no_records():
    assert [r.reference for r in parse_safety_gate(b"alert_number\n\nA12/1/24\n \n").records] == ["A12/1/24"]
    assert parse_safety_gate(b"").records == []


# -- CPSC ---------------------------------------------------------------------------------------------


def test_cpsc_recalls_in_the_api_shape_and_casing_are_read():
    result = parse_cpsc(fixture("cpsc_recalls.json"))
    heater, rattle = result.records
    assert heater.source == "cpsc"
    assert heater.reference == "24-101"
    assert heater.date == datetime.date(2024, 2, 15)
    assert heater.title == "Warmly Recalls Space Heaters Due to Fire Hazard"
    assert heater.product_name == "Warmly Space Heater"
    assert heater.description == "This recall involves portable space heaters sold online."
    assert (heater.brand, heater.model, heater.category) == ("Warmly", "WH-1500", "Heaters")
    assert heater.gtins == ["00036000291452"]
    assert heater.country_of_origin == "CN"
    assert heater.hazard == "fire"
    assert heater.measures == "Refund"
    assert heater.counterfeit is False
    assert heater.raw["RecallID"] == 9501
    assert (rattle.reference, rattle.hazard, rattle.country_of_origin) == ("24-103", "choking", "VN")
    assert [(e.position, e.message) for e in result.errors] == [(2, "The record has no reference (RecallNumber).")]


def test_cpsc_recalls_as_a_bare_list_with_snake_case_names_are_read():
    (charger,) = parse_cpsc(fixture("cpsc_recalls_snake.json")).records
    assert charger.reference == "24-201"
    assert charger.date == datetime.date(2024, 3, 7)
    assert charger.description == "This recall involves USB chargers."
    assert (charger.brand, charger.category) == ("Shockless", "Chargers")
    assert charger.gtins == ["04006381333931", "05901234123457"]
    assert (charger.hazard, charger.country_of_origin) == ("electric_shock", "HK")


def test_parse_dispatches_on_the_source():
    assert parse("cpsc", fixture("cpsc_recalls_snake.json")).records[0].source == "cpsc"
    assert parse("safety_gate", fixture("safety_gate_alerts.json")).records[0].source == "safety_gate"
    with pytest.raises(ValueError, match="unknown source"):
        parse("rapex", b"[]")


# -- whole files that cannot be read ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "data", "message"),
    [
        ("cpsc", b"RecallNumber\n24-1\n", "not valid JSON"),
        ("cpsc", b'{"success": ', "not valid JSON"),
        ("cpsc", b'{"success": {"total": 3}}', "no list of records"),
        ("safety_gate", b"\xff\xfe\x00\xd8", "not UTF-8"),
        ("safety_gate", b"alert_number\n\xe9t\xe9\n", "not UTF-8"),
        ("cpsc", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(source, data, message):
    with pytest.raises(FeedFileError, match=message):
        parse(source, data)


def test_a_file_over_the_callers_limit_is_refused_before_reading():
    with pytest.raises(FeedFileError, match="larger than 10 bytes"):
        parse_cpsc(b"[" + b" " * 20 + b"]", max_bytes=10)


def test_a_utf16_export_is_read():
    text = "alert_number\tproduct_name\nA12/3/24\tLamp\n"
    (record,) = parse_safety_gate(text.encode("utf-16")).records
    assert (record.reference, record.product_name) == ("A12/3/24", "Lamp")


# -- hazards and countries ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("Chemical", "chemical"),
        ("The paint contains levels of lead that exceed the federal lead paint ban", "chemical"),
        ("Electric shock", "electric_shock"),
        ("Burns", "fire"),
        ("The battery can overheat, posing a fire hazard.", "fire"),
        ("Choking", "choking"),
        ("Suffocation", "choking"),
        ("Strangulation", "strangulation"),
        ("Injuries", "injury"),
        ("Cuts", "injury"),
        ("The dresser can tip over, posing tip-over and entrapment hazards", "injury"),
        ("Incomplete labelling", "labelling"),
        ("Microbiological", "microbiological"),
        ("Energy consumption", "other"),
        ("", "other"),
    ],
)
def test_risk_texts_map_to_the_contracts_hazards(text, hazard):
    assert hazard_of(text) == hazard


def test_the_hazard_named_first_wins_and_a_later_text_is_only_a_fallback():
    assert hazard_of("Electric shock, Fire") == "electric_shock"
    assert hazard_of("Fire, Electric shock") == "fire"
    assert hazard_of("", "Risk of choking") == "choking"
    assert hazard_of("Chemical", "Risk of choking") == "chemical"
    assert set(feeds.HAZARD_KEYWORDS) | {"other"} == set(feeds.HAZARDS)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("China", "CN"),
        ("People's Republic of China", "CN"),
        ("Hong Kong", "HK"),
        ("Germany", "DE"),
        ("germany", "DE"),
        ("DE", "DE"),
        ("United States", "US"),
        ("Viet Nam", "VN"),
        ("Türkiye", "TR"),
        ("Unknown", ""),
        ("None", ""),
        ("Atlantis", ""),
        ("Atlantis, China", "CN"),
    ],
)
def test_a_country_of_origin_becomes_its_alpha2_code(text, code):
    assert country_code(text) == code


@pytest.mark.parametrize("module", ["gtin", "feeds", "matching"])
def test_the_feed_modules_import_no_database_and_no_models(module):
    tree = ast.parse((Path(feeds.__file__).parent / f"{module}.py").read_text())
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    ]
    assert imported
    assert not [name for name in imported if "django.db" in name or "models" in name.split(".")]


def test_a_json_object_with_one_list_under_another_name_is_read_and_json_booleans_count():
    data = json.dumps({"exported": "2024-05-01", "rows": [{"alert_number": "A12/7/24", "counterfeit": True}]})
    (record,) = parse_safety_gate(data).records
    assert (record.reference, record.counterfeit, record.hazard) == ("A12/7/24", True, "other")


def test_a_cpsc_hazard_type_comes_before_the_hazard_sentence():
    data = json.dumps([{"RecallNumber": "24-9", "Hazards": [{"Name": "Risk of injury", "HazardType": "Burn"}]}])
    (record,) = parse_cpsc(data).records
    assert record.hazard == "fire"
