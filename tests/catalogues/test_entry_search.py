"""One catalogue-entry search: the same query finds the same entries on the page and over the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from catalogues.filtersets import CatalogueEntryFilterSet
from catalogues.models import CatalogueEdition
from catalogues.services.editions import catalogue_import, invalidate_indexes
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

TOXIC = (
    "序号,品名,别名,CAS号,备注\n"
    "1,氰化钠,山奈;Sodium cyanide,143-33-9,剧毒\n"
    "2,甲醛,福尔马林;Formalin,50-00-0,\n"
    "3,氰化钾,山奈钾;Potassium cyanide,151-50-8,剧毒\n"
    "4,乙醇,酒精;Ethanol,64-17-5,\n"
).encode()
INSPECTION = "HS编码,名称,备注\n9503,玩具,\n950300,玩具零件,\n6111,婴儿服装,\n8506.10,锂原电池,\n".encode()


@pytest.fixture(autouse=True)
def fresh_catalogue_indexes():
    invalidate_indexes()
    yield
    invalidate_indexes()


def _load(kind: str, content: bytes) -> CatalogueEdition:
    return catalogue_import(
        actor="test", kind=kind, edition="search", effective_from=dt.date(2020, 1, 1), content=content, filename="f.csv"
    )


@pytest.fixture
def editions(db):
    return {
        "chemical": _load("restricted_toxic", TOXIC),
        "hs": _load("legal_inspection", INSPECTION),
        "dangerous": CatalogueEdition.objects.get(kind="dangerous_goods"),
    }


def _on_the_api(user, edition, params: dict) -> set[str]:
    body = api_as(user).get(f"/api/v1/catalogues/{edition.pk}/entries/", {**params, "page_size": 500}).json()
    return {row["name"] for row in body["results"]}


def _rows_of(context) -> list:
    """The entries the page lists (a django-tables2 table or the plain page of rows)."""
    table = context.get("table")
    if table is not None:
        return [row.record for row in table.page.object_list] if getattr(table, "page", None) else list(table.data)
    return list(context["rows"])


def _on_the_page(user, edition, params: dict) -> set[str]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    response = client.get(edition.get_absolute_url(), params)
    assert response.status_code == 200
    return {entry.name for entry in _rows_of(response.context)}


CASES = [
    ("hs", {"q": "9503008900"}, {"玩具", "玩具零件"}),  # a full code finds the headings it falls under
    ("hs", {"q": "9503"}, {"玩具", "玩具零件"}),
    ("hs", {"q": "95"}, {"玩具", "玩具零件"}),  # a prefix finds the entries under it
    ("hs", {"q": "8506.10"}, {"锂原电池"}),
    ("hs", {"q": "婴儿"}, {"婴儿服装"}),
    ("chemical", {"q": "143-33-9"}, {"氰化钠"}),  # CAS
    ("chemical", {"q": "氰化"}, {"氰化钠", "氰化钾"}),  # name
    ("chemical", {"q": "山奈"}, {"氰化钠", "氰化钾"}),  # Chinese alias
    ("chemical", {"q": "formalin"}, {"甲醛"}),  # English alias, any case
    ("chemical", {"q": "CYANIDE"}, {"氰化钠", "氰化钾"}),
    ("chemical", {"q": "剧毒"}, {"氰化钠", "氰化钾"}),  # remark
    ("chemical", {"highly_toxic": "true"}, {"氰化钠", "氰化钾"}),
    ("chemical", {"highly_toxic": "false"}, {"甲醛", "乙醇"}),
    ("chemical", {"q": "山奈", "highly_toxic": "true"}, {"氰化钠", "氰化钾"}),
    ("chemical", {"q": "乙醇", "highly_toxic": "true"}, set()),
    ("chemical", {"q": '"'}, set()),  # a quote does not match the aliases' JSON syntax
    ("dangerous", {"q": "UN1203"}, {"MOTOR SPIRIT or GASOLINE or PETROL"}),
    ("dangerous", {"q": "un 1203"}, {"MOTOR SPIRIT or GASOLINE or PETROL"}),
    ("dangerous", {"q": "1203"}, {"MOTOR SPIRIT or GASOLINE or PETROL"}),
    ("chemical", {"q": "nothing like it"}, set()),
]


@pytest.mark.parametrize(("layout", "params", "expected"), CASES)
def test_the_page_and_the_api_find_the_same_entries(world, editions, layout, params, expected):
    edition = editions[layout]
    assert _on_the_api(world.alice, edition, params) == expected
    assert _on_the_page(world.alice, edition, params) == expected


def test_one_entry_is_found_by_its_id_on_both(world, editions):
    edition = editions["chemical"]
    entry = edition.entries.get(name="甲醛")
    assert _on_the_api(world.alice, edition, {"entry": entry.pk}) == {"甲醛"}
    assert _on_the_page(world.alice, edition, {"entry": entry.pk}) == {"甲醛"}


def test_a_malformed_filter_is_a_400_on_the_api(world, editions):
    edition = editions["chemical"]
    response = api_as(world.alice).get(f"/api/v1/catalogues/{edition.pk}/entries/", {"entry": "x"})
    assert response.status_code == 400 and "entry" in response.json()


def test_the_highly_toxic_filter_is_offered_only_for_chemical_lists():
    assert "highly_toxic" in CatalogueEntryFilterSet.for_layout("chemical")().form.fields
    for layout in ("hs", "dangerous"):
        assert "highly_toxic" not in CatalogueEntryFilterSet.for_layout(layout)().form.fields
    assert CatalogueEntryFilterSet.for_layout("chemical") is CatalogueEntryFilterSet


def test_the_page_of_an_hs_list_has_no_highly_toxic_choice(world, editions):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.alice)
    assert 'name="highly_toxic"' not in client.get(editions["hs"].get_absolute_url()).content.decode()
    assert 'name="highly_toxic"' in client.get(editions["chemical"].get_absolute_url()).content.decode()
