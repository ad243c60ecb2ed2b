"""One search box finds any object the user may see by its identifiers, grouped by kind, scoped like
every list, at a fixed cost per kind, and on PostgreSQL through indexes rather than a scan."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cbec_supervision.search import SearchQuery, search, searchers
from filings.models import ProductFiling
from imports.models import ImportBatch, ImportItem
from tests.factories import ProductFilingFactory

pytestmark = pytest.mark.django_db


def found(user, text: str) -> dict[str, set]:
    """The objects found, by kind."""
    return {group.searcher.key: set(group.rows) for group in search(user, SearchQuery.parse(text))}


def batch_of(enterprise, batch_no: str, *, hs_code: str = "9503008900", cas_numbers=()):
    from tests.factories import bureau

    batch = ImportBatch.objects.create(
        batch_no=batch_no, enterprise=enterprise, port_bureau=bureau("ZJ"), status="released", tier=3
    )
    ImportItem.objects.create(
        batch=batch,
        line_no=1,
        description="清洁剂",
        hs_code=hs_code,
        cas_numbers=list(cas_numbers),
        quantity=1,
        value_cny=10,
        tier=3,
    )
    return batch


@pytest.fixture
def goods(world):
    """Alice Co's submitted cleaner (with a CAS number) and approved kettle; Bob Co's approved kettle."""
    alice_cleaner = ProductFilingFactory(
        enterprise=world.alice_co,
        name="柠檬清洁剂",
        name_en="Lemon cleaner",
        hs_code="3402900000",
        cas_numbers=["68439-46-3"],
        gtin="6901234567892",
        status="submitted",
    )
    alice_kettle = ProductFilingFactory(
        enterprise=world.alice_co,
        name="电热水壶",
        name_en="Electric kettle",
        hs_code="8516109000",
        status="approved",
        filing_no="ZJP2026000001",
    )
    bob_kettle = ProductFilingFactory(
        enterprise=world.bob_co,
        name="电热水壶 Pro",
        name_en="Electric kettle Pro",
        hs_code="8516109000",
        gtin="6909876543210",
        status="submitted",
    )
    alice_batch = batch_of(world.alice_co, "ZJI2026000001", hs_code="3402900000", cas_numbers=["68439-46-3"])
    bob_batch = batch_of(world.bob_co, "GDI2026000001", hs_code="8516109000")
    return {
        "alice_cleaner": alice_cleaner,
        "alice_kettle": alice_kettle,
        "bob_kettle": bob_kettle,
        "alice_batch": alice_batch,
        "bob_batch": bob_batch,
    }


# --- what the query is read as -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("91330106MA2B3C4D5X", {"uscc", "identifier"}),
        ("68439-46-3", {"cas"}),
        ("6901234567892", {"gtin", "digits"}),
        ("8516", {"hs_prefix", "digits"}),
        ("ZJ2026000001", {"identifier", "words"}),
        ("清洁剂", {"words"}),
    ],
)
def test_a_query_is_read_as_the_identifiers_it_may_be(text, kinds):
    query = SearchQuery.parse(text)
    flags = {
        "uscc": query.is_uscc,
        "cas": query.is_cas,
        "gtin": query.is_gtin,
        "hs_prefix": query.is_hs_prefix,
        "digits": query.is_digits,
        "identifier": query.is_identifier,
        "words": query.is_words,
    }
    assert {name for name, on in flags.items() if on} - {"words", "identifier"} == kinds - {"words", "identifier"}
    for name in kinds:
        assert flags[name], name


def test_a_query_of_one_character_searches_nothing(world):
    assert search(world.zj_admin, SearchQuery.parse(" a ")) == []


# --- per identifier kind -----------------------------------------------------------------------


def test_an_enterprise_is_found_by_credit_code_its_start_filing_number_or_name(world):
    world.alice_co.filing_no = "ZJ2026000042"
    world.alice_co.save()
    for text in (world.alice_co.uscc, world.alice_co.uscc[:10].lower(), "zj2026000042", "alice"):
        assert found(world.zj_inspector, text).get("filings.enterprise") == {world.alice_co}, text


def test_a_product_is_found_by_name_english_name_gtin_hs_code_cas_number_and_filing_number(world, goods):
    cleaner, kettle = goods["alice_cleaner"], goods["alice_kettle"]
    for text, expected in [
        ("清洁", {cleaner}),
        ("lemon CLEANER", {cleaner}),
        ("6901234567892", {cleaner}),
        ("3402", {cleaner}),
        ("68439-46-3", {cleaner}),
        ("zjp2026000001", {kettle}),
    ]:
        assert found(world.alice, text).get("filings.product") == expected, text


def test_a_batch_is_found_by_number_its_start_and_the_hs_code_or_cas_number_of_a_line(world, goods):
    for text in ("ZJI2026000001", "zji2026", "3402", "68439-46-3"):
        assert found(world.alice, text).get("imports.batch") == {goods["alice_batch"]}, text


def test_like_wildcards_in_the_query_match_only_themselves(world, goods):
    assert found(world.zj_admin, "清%剂") == {}
    assert found(world.zj_admin, "__") == {}


# --- scoping per role --------------------------------------------------------------------------


def test_an_enterprise_never_finds_another_enterprises_objects(world, goods):
    assert "filings.enterprise" not in found(world.alice, "Bob Co")
    assert found(world.alice, "kettle").get("filings.product") == {goods["alice_kettle"]}
    assert found(world.alice, "6909876543210") == {}
    assert found(world.alice, "GDI2026000001") == {}
    assert found(world.alice, "8516").get("imports.batch") is None
    assert found(world.bob, "68439-46-3") == {}


def test_a_bureau_finds_what_it_may_see_and_approved_filings_of_other_bureaus(world, goods):
    # Zhejiang: its own submitted and approved products, Guangdong's submitted one not at all
    assert found(world.zj_inspector, "kettle").get("filings.product") == {goods["alice_kettle"]}
    assert found(world.zj_inspector, "清洁").get("filings.product") == {goods["alice_cleaner"]}
    # Guangdong: Alice Co's approved kettle is shared nationally, her submitted cleaner is not
    assert found(world.gd_inspector, "kettle").get("filings.product") == {goods["alice_kettle"], goods["bob_kettle"]}
    assert "filings.product" not in found(world.gd_inspector, "清洁")
    assert found(world.gd_inspector, "ZJI2026000001") == {}


def test_headquarters_finds_everything(world, goods):
    assert found(world.hq, "kettle").get("filings.product") == {goods["alice_kettle"], goods["bob_kettle"]}
    assert found(world.hq, "ZJI2026").get("imports.batch") == {goods["alice_batch"]}
    assert found(world.hq, "GDI2026").get("imports.batch") == {goods["bob_batch"]}


# --- cost --------------------------------------------------------------------------------------


def queries_for(user, text: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        groups = search(user, SearchQuery.parse(text))
        for group in groups:
            group.results()
    return len(queries.captured_queries)


def test_each_kind_costs_one_query_however_many_match(world, goods):
    few = queries_for(world.zj_admin, "水壶")
    ProductFilingFactory.create_batch(15, enterprise=world.alice_co, name="水壶", status="submitted")
    assert queries_for(world.zj_admin, "水壶") == few
    # a name is searched in every kind that has one: enterprises, products, counterfeit cases and leads
    # (batches have none)
    assert few == 4


def test_each_group_is_capped(world):
    ProductFilingFactory.create_batch(12, enterprise=world.alice_co, name="水壶", status="submitted")
    (group,) = search(world.zj_admin, SearchQuery.parse("水壶"))
    assert len(group.rows) == 10 and group.more


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index exists on PostgreSQL only")
def test_the_product_name_search_uses_the_trigram_index_not_a_scan(world, goods):
    # A table of some size, with its statistics, so that the plan is the one real data gets (on a
    # nearly empty table any plan is as cheap as another); no sequential scan, so a plan without the
    # index would have to read a whole other index instead, which the assertion would catch.
    ProductFiling.objects.bulk_create(
        ProductFilingFactory.build(enterprise=world.alice_co, name=f"儿童积木玩具 {n}", name_en=f"Blocks {n}")
        for n in range(3000)
    )
    product_search = next(s for s in searchers() if s.key == "filings.product")
    queryset = product_search.search(world.hq, SearchQuery.parse("清洁剂"))
    with connection.cursor() as cursor:
        # what autovacuum does in the background: the rows just inserted wait in the GIN indexes'
        # pending lists, which the planner rightly costs as a scan
        for index in ("product_name_trgm_idx", "product_name_en_trgm_idx"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE filings_productfiling")
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()

    assert "product_name_trgm_idx" in plan, plan
    assert "Seq Scan on filings_productfiling" not in plan
    assert ProductFiling.objects.filter(pk__in=[p.pk for p in queryset]).count() == 1


# --- the page ----------------------------------------------------------------------------------


def test_the_results_page_groups_results_by_kind_with_links(world, goods):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.alice)
    page = client.get(reverse("search"), {"q": "68439-46-3"}).content.decode()
    assert 'data-kind="filings.product"' in page and 'data-kind="imports.batch"' in page
    assert goods["alice_cleaner"].get_absolute_url() in page
    assert goods["alice_batch"].get_absolute_url() in page
    assert "Nothing found" in client.get(reverse("search"), {"q": "zzzz"}).content.decode()


def test_every_page_has_the_search_box(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.bob)
    assert 'data-testid="nav-search"' in client.get(reverse("home")).content.decode()


def test_the_search_page_needs_a_login():
    assert Client().get(reverse("search"), {"q": "kettle"}).status_code == 302
