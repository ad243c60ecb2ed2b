"""Catalogue editions over the API: everyone reads them; bureau administrators and headquarters load new ones."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalogues.models import CatalogueEdition, CatalogueEntry
from catalogues.services.editions import catalogue_import, invalidate_indexes
from tests.conftest import api_as as _api_as

pytestmark = pytest.mark.django_db

URL = "/api/v1/catalogues/"
SHIPPED = {
    "hazardous_chemicals",
    "precursor_chemicals",
    "dangerous_goods",
    "compulsory_certification",
    "prohibited_goods",
}
CCC_2026 = "HS编码,名称,备注\n9503,玩具,CCC 儿童用品\n6111,婴儿服装,CCC 儿童用品\n".encode()


@pytest.fixture(autouse=True)
def fresh_catalogue_indexes():
    invalidate_indexes()
    yield
    invalidate_indexes()


def api_as(user):
    client = _api_as(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def shipped(kind: str) -> CatalogueEdition:
    return CatalogueEdition.objects.get(kind=kind)


def upload(user, *, content: bytes = CCC_2026, name: str = "ccc_2026.csv", **fields):
    body = {
        "kind": "compulsory_certification",
        "edition": "2026",
        "effective_from": timezone.localdate().isoformat(),
        "file": SimpleUploadedFile(name, content),
        **fields,
    }
    return api_as(user).post(URL, body, format="multipart")


# --- reading ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["alice", "bob", "zj_inspector", "zj_admin", "gd_inspector", "hq"])
def test_every_role_reads_the_catalogues(world, username):
    body = api_as(getattr(world, username)).get(URL).json()
    assert {row["kind"] for row in body["results"]} == SHIPPED
    assert all(row["in_force"] for row in body["results"])


def test_anonymous_users_read_nothing(world):
    assert _api_as(None).get(URL).status_code == 401


def test_the_list_links_each_editions_entries(world):
    row = next(r for r in api_as(world.alice).get(URL).json()["results"] if r["kind"] == "hazardous_chemicals")
    edition = shipped("hazardous_chemicals")
    assert {"id", "kind", "edition", "effective_from", "entry_count", "in_force", "loaded_at", "sha256"} <= set(row)
    assert row["edition"] == "2015 (excerpt)" and row["effective_from"] == "2015-05-01" and row["tier"] == 1
    assert row["entry_count"] == edition.entries.count() == 40
    assert row["source_name"] == "hazardous_chemicals_2015_excerpt.csv" and len(row["sha256"]) == 64
    assert row["entries"].endswith(f"/api/v1/catalogues/{edition.pk}/entries/")


def test_the_detail_lists_every_entry(world):
    edition = shipped("hazardous_chemicals")
    body = api_as(world.zj_inspector).get(f"{URL}{edition.pk}/").json()
    assert len(body["entries"]) == 40
    cyanide = next(e for e in body["entries"] if e["name"] == "氰化钠")
    assert cyanide == {
        "id": cyanide["id"],
        "row": 13,
        "seq": "12",
        "name": "氰化钠",
        "aliases": ["山奈"],
        "cas": "143-33-9",
        "un_number": "",
        "hs_prefix": "",
        "category": "",
        "remark": "剧毒",
        "highly_toxic": True,
    }


@pytest.mark.parametrize(
    ("kind", "q", "expected"),
    [
        ("hazardous_chemicals", "氰化钠", {"氰化钠"}),
        ("hazardous_chemicals", "山奈", {"氰化钠", "氰化钾"}),  # by alias
        ("hazardous_chemicals", "143-33-9", {"氰化钠"}),
        ("dangerous_goods", "UN1203", {"MOTOR SPIRIT or GASOLINE or PETROL"}),
        ("dangerous_goods", "1203", {"MOTOR SPIRIT or GASOLINE or PETROL"}),
        ("compulsory_certification", "9503008900", {"玩具"}),  # the entry the code falls under
        ("compulsory_certification", "95", {"玩具"}),  # the entries under a prefix
        ("compulsory_certification", "nothing like it", set()),
    ],
)
def test_entries_are_searched_by_name_alias_cas_un_number_and_hs_code(world, kind, q, expected):
    edition = shipped(kind)
    body = api_as(world.alice).get(f"{URL}{edition.pk}/entries/", {"q": q}).json()
    assert {row["name"] for row in body["results"]} == expected


def test_entries_are_paginated_in_file_order(world):
    edition = shipped("dangerous_goods")
    body = api_as(world.alice).get(f"{URL}{edition.pk}/entries/", {"page_size": 3}).json()
    assert body["count"] == edition.entry_count and body["next"]
    assert [row["row"] for row in body["results"]] == [2, 3, 4]


def test_the_entries_of_an_edition_cost_a_fixed_number_of_queries(world):
    client = api_as(world.alice)
    small, large = shipped("hazardous_chemicals"), shipped("dangerous_goods")
    client.get(f"{URL}{small.pk}/entries/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"{URL}{small.pk}/entries/", {"page_size": 500})
    with CaptureQueriesContext(connection) as many:
        client.get(f"{URL}{large.pk}/entries/", {"page_size": 500})
    assert len(many) == len(few)


def test_the_list_costs_a_fixed_number_of_queries(world):
    client = api_as(world.hq)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for year in range(2000, 2010):
        catalogue_import(
            actor="test",
            kind="compulsory_certification",
            edition=str(year),
            effective_from=dt.date(year, 1, 1),
            content=CCC_2026,
            filename="ccc.csv",
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).json()["count"] == 15
    assert len(many) == len(few) <= 3  # count, page, the editions in force


def test_catalogues_are_filtered_by_kind_and_whether_in_force(world):
    catalogue_import(
        actor="test",
        kind="compulsory_certification",
        edition="next year",
        effective_from=timezone.localdate() + dt.timedelta(days=365),
        content=CCC_2026,
        filename="ccc.csv",
    )
    client = api_as(world.alice)
    ccc = client.get(URL, {"kind": "compulsory_certification"}).json()["results"]
    assert {(row["edition"], row["in_force"]) for row in ccc} == {("starter", True), ("next year", False)}
    assert {row["edition"] for row in client.get(URL, {"in_force": "false"}).json()["results"]} == {"next year"}
    assert len(client.get(URL, {"in_force": "true"}).json()["results"]) == len(SHIPPED)
    assert client.get(URL, {"kind": "nonsense"}).status_code == 400


# --- loading ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["zj_admin", "hq"])
def test_bureau_administrators_and_headquarters_load_a_new_edition(world, username):
    response = upload(getattr(world, username))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["edition"], body["entry_count"], body["in_force"]) == (
        "compulsory_certification",
        "2026",
        2,
        True,
    )
    assert [entry["hs_prefix"] for entry in body["entries"]] == ["9503", "6111"]
    assert body["loaded_by"] == username and body["source_name"] == "ccc_2026.csv"
    # The new edition is in force; the starter list stays on record.
    rows = api_as(world.alice).get(URL, {"in_force": "true"}).json()["results"]
    in_force = {(row["kind"], row["edition"]) for row in rows}
    assert ("compulsory_certification", "2026") in in_force
    assert ("compulsory_certification", "starter") not in in_force
    history = api_as(world.hq).get(f"{URL}{body['id']}/history/").json()["results"]
    # In force from today: its coming into force is handed over to the apps that re-check (rule 10).
    assert [event["action"] for event in history] == ["create", "handover"]


@pytest.mark.parametrize("username", ["zj_inspector", "alice"])
def test_inspectors_and_enterprises_may_not_load_catalogues(world, username):
    assert upload(getattr(world, username)).status_code == 403
    assert not CatalogueEdition.objects.filter(edition="2026").exists()


def test_a_malformed_row_stops_the_file_and_nothing_is_loaded(world):
    entries = CatalogueEntry.objects.count()
    response = upload(world.zj_admin, content="HS编码,名称,备注\n9503,玩具,\n95X3,坏行,\n".encode())
    assert response.status_code == 400
    (message,) = response.json()["file"]
    assert message.startswith("row 3:")
    assert not CatalogueEdition.objects.filter(edition="2026").exists()
    assert CatalogueEntry.objects.count() == entries


def test_an_xlsx_file_is_loaded_too(world):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["UN号", "名称", "类别"])
    sheet.append(["1203", "汽油", "3"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(
        world.hq, content=buffer.getvalue(), name="un.xlsx", kind="dangerous_goods", edition="GB 12268-2025"
    )
    assert response.status_code == 201, response.content
    assert response.json()["entries"][0]["un_number"] == "1203"


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "nonsense"},
        {"edition": ""},
        {"edition": "starter"},  # already loaded
        {"edition": "x" * 51},
        {"effective_from": "2026-02-30"},
        {"effective_from": ""},
        {"file": ""},
    ],
)
def test_bad_uploads_are_a_400(world, fields):
    assert upload(world.zj_admin, **fields).status_code == 400
    assert not CatalogueEdition.objects.filter(edition="2026").exists()


def test_an_empty_or_binary_file_is_a_400(world):
    assert upload(world.zj_admin, content=b"").status_code == 400
    assert upload(world.zj_admin, content=b"\x00\xff\xfe\x00" * 100).status_code == 400


def test_a_json_body_without_a_file_is_a_400(world):
    response = api_as(world.hq).post(URL, {"kind": "dangerous_goods", "edition": "x"}, format="json")
    assert response.status_code == 400 and "file" in response.json()


def test_editions_are_never_changed_or_deleted(world):
    edition = shipped("hazardous_chemicals")
    client = api_as(world.hq)
    assert client.patch(f"{URL}{edition.pk}/", {"edition": "x"}, format="json").status_code == 405
    assert client.delete(f"{URL}{edition.pk}/").status_code == 405
    assert client.get(f"{URL}99999999999999999999/").status_code == 404
    assert client.get(f"{URL}99999999999999999999/entries/").status_code == 404
