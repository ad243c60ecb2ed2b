"""The filing lists in the one list pattern: sorting, export, bulk actions, pickers, scope and query budgets."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from cbec_supervision.choices import AuditAction
from cbec_supervision.models import AuditEvent
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling, ProductFiling
from tests.factories import EnterpriseFilingFactory, ProductFilingFactory

ENTERPRISES = reverse("filings:enterprise_list")
PRODUCTS = reverse("filings:product_list")


def browser_as(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))


def submitted_products(world, n: int) -> list[ProductFiling]:
    rows = []
    for _ in range(n):
        product = ProductFilingFactory(enterprise=world.alice_co)
        ProductFiling.objects.filter(pk=product.pk).update(status=FilingStatus.SUBMITTED, submitted_at=timezone.now())
        rows.append(product)
    return rows


# --- sorting ---------------------------------------------------------------------------------------


def test_a_column_sorts_both_ways_and_an_unknown_sort_is_ignored(world):
    client = browser_as(world.hq)
    EnterpriseFilingFactory(name="Zeta Co")
    names = lambda params: [row.name for row in client.get(ENTERPRISES, params).context["rows"]]  # noqa: E731
    ascending = names({"sort": "name"})
    assert ascending == sorted(ascending) and ascending[0] == "Alice Co"
    assert names({"sort": "-name"}) == list(reversed(ascending))
    for unknown in ("password", "types", "-bureau__users__password", "name;drop", "'"):
        response = client.get(ENTERPRISES, {"sort": unknown})
        assert response.status_code == 200
    page = client.get(ENTERPRISES, {"sort": "name"}).content.decode()
    assert 'aria-sort="ascending"' in page and 'data-testid="sort-name"' in page
    assert "Sort by Enterprise name, descending" in page


def test_sort_labels_and_headings_follow_the_language(world):
    page = browser_as(world.hq, "zh-CN").get(ENTERPRISES).content.decode()
    with translation.override("zh-hans"):
        heading = gettext("Enterprise name")
    assert heading != "Enterprise name" and heading in page


# --- export ----------------------------------------------------------------------------------------


def test_the_csv_export_holds_the_filtered_rows_with_english_headings(world, approved_alice_co):
    response = browser_as(world.hq).get(ENTERPRISES, {"export": "csv", "status": "approved"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="enterprise-filings-' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:2] == ["Enterprise name", "Unified social credit code"]
    assert [row[0] for row in rows[1:]] == ["Alice Co"]
    assert rows[1][4] == "Approved" and rows[1][5] == approved_alice_co.filing_no


def test_the_xlsx_export_has_chinese_headings_for_a_chinese_reader(world):
    response = browser_as(world.hq, "zh-CN").get(PRODUCTS, {"export": "xlsx"})
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    with translation.override("zh-hans"):
        expected = [gettext("Product name"), gettext("Brand")]
    assert [sheet["A1"].value, sheet["B1"].value] == expected
    assert expected[0] != "Product name"


def test_an_export_disarms_formulas_in_csv_and_xlsx(world):
    ProductFilingFactory(enterprise=world.alice_co, name='=HYPERLINK("http://evil","x")', brand="@SUM(1)")
    client = browser_as(world.alice)
    rows = csv_rows(client.get(PRODUCTS, {"export": "csv"}))
    assert rows[1][0] == '\'=HYPERLINK("http://evil","x")' and rows[1][1] == "'@SUM(1)"
    sheet = load_workbook(io.BytesIO(client.get(PRODUCTS, {"export": "xlsx"}).content)).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("=HYPERLINK")


def test_exports_stay_within_what_the_role_may_see(world):
    ProductFilingFactory(enterprise=world.alice_co, name="Alice toy")
    ProductFilingFactory(enterprise=world.bob_co, name="Bob toy")
    names = lambda user: {r[0] for r in csv_rows(browser_as(user).get(PRODUCTS, {"export": "csv"}))[1:]}  # noqa: E731
    assert names(world.alice) == {"Alice toy"}
    assert names(world.bob) == {"Bob toy"}
    assert names(world.zj_inspector) == {"Alice toy"}
    assert names(world.hq) == {"Alice toy", "Bob toy"}
    # The enterprise sees no "Enterprise" column; staff do.
    assert gettext("Enterprise") not in csv_rows(browser_as(world.alice).get(PRODUCTS, {"export": "csv"}))[0]
    assert "Enterprise" in csv_rows(browser_as(world.hq).get(PRODUCTS, {"export": "csv"}))[0]


def test_the_list_page_says_how_far_the_export_goes(world):
    page = browser_as(world.hq).get(PRODUCTS).content.decode()
    assert 'data-testid="export-xlsx"' in page and "at most 10000" in page


# --- bulk actions ----------------------------------------------------------------------------------


def test_an_inspector_approves_selected_products_and_one_failing_row_changes_nothing_else(world):
    good, other = submitted_products(world, 2)
    draft = ProductFilingFactory(enterprise=world.alice_co)  # not submitted: the service refuses it
    client = browser_as(world.zj_inspector)
    url = reverse("filings:product_bulk_decide", args=["approve"])
    selected = [good.pk, draft.pk, other.pk]
    confirm = client.post(url, {"select": selected, "comment": "looks fine"})
    assert confirm.status_code == 200 and 'data-testid="bulk-confirm"' in confirm.content.decode()
    assert ProductFiling.objects.filter(status=FilingStatus.APPROVED).count() == 0  # nothing until confirmed
    report = client.post(url, {"select": selected, "comment": "looks fine", "confirm": "on"})
    results = {r.record.pk: r for r in report.context["results"]}
    assert results[good.pk].done and results[other.pk].done
    assert not results[draft.pk].done and results[draft.pk].message
    assert report.context["done"] == 2 and report.context["refused"] == 1
    statuses = dict(ProductFiling.objects.filter(pk__in=selected).values_list("pk", "status"))
    assert statuses == {good.pk: "approved", other.pk: "approved", draft.pk: "draft"}
    # Each row went through the service, which audited it; the refused row left no trace.
    assert AuditEvent.objects.for_object(good).filter(action=AuditAction.APPROVE, actor=world.zj_inspector).exists()
    assert AuditEvent.objects.for_object(other).filter(action=AuditAction.APPROVE).exists()
    assert not AuditEvent.objects.for_object(draft).filter(action=AuditAction.APPROVE).exists()
    assert 'data-done="0"' in report.content.decode()


def test_returning_selected_filings_needs_the_shared_comment_and_uses_it_for_each(world):
    first, second = submitted_products(world, 2)
    client = browser_as(world.zj_inspector)
    url = reverse("filings:product_bulk_decide", args=["return"])
    refused = client.post(url, {"select": [first.pk, second.pk], "confirm": "on"})
    assert refused.context.get("results") is None and refused.context["form"].errors["comment"]
    assert not ProductFiling.objects.filter(status=FilingStatus.RETURNED).exists()
    client.post(url, {"select": [first.pk, second.pk], "confirm": "on", "comment": "label missing"})
    assert set(
        ProductFiling.objects.filter(status=FilingStatus.RETURNED).values_list("decision_reason", flat=True)
    ) == {"label missing"}


def test_bulk_decisions_act_only_on_rows_the_inspector_may_see(world):
    [mine] = submitted_products(world, 1)
    theirs = ProductFilingFactory(enterprise=world.bob_co)
    ProductFiling.objects.filter(pk=theirs.pk).update(status=FilingStatus.SUBMITTED, submitted_at=timezone.now())
    url = reverse("filings:product_bulk_decide", args=["approve"])
    report = browser_as(world.zj_inspector).post(url, {"select": [mine.pk, theirs.pk], "confirm": "on"})
    assert [r.record.pk for r in report.context["results"]] == [mine.pk]
    assert report.context["unavailable"] == 1
    assert ProductFiling.objects.get(pk=theirs.pk).status == FilingStatus.SUBMITTED


def test_bulk_actions_are_post_only_and_refused_to_the_wrong_role(world):
    url = reverse("filings:product_bulk_decide", args=["approve"])
    assert browser_as(world.zj_inspector).get(url).status_code == 405
    [product] = submitted_products(world, 1)
    assert browser_as(world.alice).post(url, {"select": [product.pk], "confirm": "on"}).status_code == 404
    assert (
        browser_as(world.zj_inspector).post(reverse("filings:product_bulk_submit"), {"select": [1]}).status_code == 404
    )
    assert (
        browser_as(world.zj_inspector).post(reverse("filings:product_bulk_decide", args=["revoke"])).status_code == 404
    )


def test_bulk_actions_need_the_csrf_token(world):
    [product] = submitted_products(world, 1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.zj_inspector)
    url = reverse("filings:product_bulk_decide", args=["approve"])
    assert client.post(url, {"select": [product.pk], "confirm": "on"}).status_code == 403


def test_an_enterprise_submits_selected_drafts_and_sees_which_were_refused(world, approved_alice_co):
    drafts = [ProductFilingFactory(enterprise=approved_alice_co) for _ in range(2)]
    incomplete = ProductFilingFactory(enterprise=approved_alice_co, hs_code="", name="No code")
    page = browser_as(world.alice).get(PRODUCTS).content.decode()
    assert 'data-testid="bulk-submit"' in page and 'data-testid="bulk-approve"' not in page
    selected = [p.pk for p in drafts] + [incomplete.pk]
    report = browser_as(world.alice).post(reverse("filings:product_bulk_submit"), {"select": selected, "confirm": "on"})
    done = {r.record.pk: r.done for r in report.context["results"]}
    assert done == {drafts[0].pk: True, drafts[1].pk: True, incomplete.pk: False}
    assert ProductFiling.objects.get(pk=incomplete.pk).status == FilingStatus.DRAFT
    assert ProductFiling.objects.filter(pk__in=[p.pk for p in drafts], status=FilingStatus.SUBMITTED).count() == 2


def test_inspectors_approve_selected_enterprise_filings_from_the_review_queue(world):
    filings = [EnterpriseFilingFactory(bureau=world.zj) for _ in range(2)]
    EnterpriseFiling.objects.filter(pk__in=[f.pk for f in filings]).update(
        status=FilingStatus.SUBMITTED, submitted_at=timezone.now()
    )
    client = browser_as(world.zj_inspector)
    queue = client.get(reverse("filings:review_queue")).content.decode()
    assert 'id="e-bulk-form"' in queue and 'form="e-bulk-form"' in queue
    url = reverse("filings:enterprise_bulk_decide", args=["approve"])
    report = client.post(url, {"select": [f.pk for f in filings], "confirm": "on", "next": "/filings/review/"})
    assert report.context["done"] == 2 and report.context["back_url"] == "/filings/review/"
    assert EnterpriseFiling.objects.filter(pk__in=[f.pk for f in filings], status=FilingStatus.APPROVED).count() == 2
    offsite = client.post(url, {"select": [filings[0].pk], "next": "https://evil.example/"})
    assert offsite.context["back_url"] == ENTERPRISES


def test_selecting_nothing_goes_back_with_a_message(world):
    response = browser_as(world.zj_inspector).post(
        reverse("filings:product_bulk_decide", args=["approve"]), {"next": PRODUCTS}
    )
    assert response.status_code == 302


# --- pickers ---------------------------------------------------------------------------------------


def picker(user, name: str, **params):
    return browser_as(user).get(reverse(name), {"format": "json", **params}).json()["results"]


def test_the_enterprise_picker_finds_by_name_prefix_or_credit_code_within_scope(world, approved_alice_co):
    assert [r["value"] for r in picker(world.zj_inspector, "filings:enterprise_picker", q="Ali")] == [world.alice_co.pk]
    assert picker(world.zj_inspector, "filings:enterprise_picker", q="Bob") == []  # Guangdong's
    assert [r["value"] for r in picker(world.hq, "filings:enterprise_picker", q="Bob")] == [world.bob_co.pk]
    assert [r["value"] for r in picker(world.hq, "filings:enterprise_picker", q=world.bob_co.uscc[:6].lower())] == [
        world.bob_co.pk
    ]
    assert picker(world.alice, "filings:enterprise_picker", q="Bob") == []
    assert picker(world.hq, "filings:enterprise_picker", q="") == []


def test_the_partner_picker_offers_approved_platforms_nationwide(world, approved_alice_co):
    EnterpriseFiling.objects.filter(pk=approved_alice_co.pk).update(is_platform=True)
    EnterpriseFiling.objects.filter(pk=world.bob_co.pk).update(is_platform=True)  # a draft: not offered
    found = picker(world.bob, "filings:enterprise_picker", q="A", type="platform")
    assert [r["value"] for r in found] == [approved_alice_co.pk]
    assert picker(world.bob, "filings:enterprise_picker", q="B", type="platform") == []
    assert picker(world.bob, "filings:enterprise_picker", q="A", type="logistics") == []


def test_the_picker_answers_at_most_twenty_rows_in_a_fixed_number_of_queries(world):
    EnterpriseFilingFactory.create_batch(30, bureau=world.zj, name="Acme Trading")
    client = browser_as(world.hq)
    url = reverse("filings:enterprise_picker")
    client.get(url, {"q": "Acme"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"q": "Acme"})
    assert response.content.decode().count('data-testid="picker-option"') == 20
    assert len(queries) <= 4  # session, user, the options (and a savepoint-free read)


def test_the_bureau_and_hs_code_pickers(world):
    codes = [r["value"] for r in picker(world.alice, "accounts:bureau_picker", q="ZJ")]
    assert codes and all(code.startswith("ZJ") for code in codes)
    found = picker(world.alice, "catalogues:hs_code_picker", q="9503.0089")
    assert [r["value"] for r in found] == ["95030089"]
    assert picker(world.alice, "catalogues:hs_code_picker", q="") == []
    assert len(picker(world.alice, "catalogues:hs_code_picker", q="9")) == 20
    assert Client().get(reverse("catalogues:hs_code_picker"), {"q": "95"}).status_code == 302


def test_the_filter_forms_and_the_product_form_use_pickers_not_selects_of_every_row(world, approved_alice_co):
    products = browser_as(world.hq).get(PRODUCTS, {"bureau": "ZJ", "enterprise": approved_alice_co.pk})
    page = products.content.decode()
    assert reverse("accounts:bureau_picker") in page and reverse("filings:enterprise_picker") in page
    assert f'value="{approved_alice_co.name} ({approved_alice_co.filing_no})"' in page
    assert [p.enterprise_id for p in products.context["rows"]] == []  # none filed yet
    form = browser_as(world.alice).get(reverse("filings:product_create")).content.decode()
    assert reverse("catalogues:hs_code_picker") in form and 'id="id_hs_code"' in form


# --- query budgets ---------------------------------------------------------------------------------


def count_queries(client, url, params=None) -> int:
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"sort": "-name"}, {"export": "csv"}, {"export": "xlsx"}])
def test_lists_and_exports_cost_the_same_for_more_rows(world, params):
    client = browser_as(world.hq)
    ProductFilingFactory(enterprise=world.alice_co)  # (an empty page skips its query)
    few = [count_queries(client, url, params) for url in (ENTERPRISES, PRODUCTS)]
    for _ in range(12):
        ProductFilingFactory(enterprise=EnterpriseFilingFactory(bureau=world.gd))
    assert [count_queries(client, url, params) for url in (ENTERPRISES, PRODUCTS)] == few
    assert max(few) <= 10


def test_the_review_queue_and_its_exports_cost_the_same_for_more_rows(world):
    client = browser_as(world.zj_inspector)
    queue = reverse("filings:review_queue")
    submitted_products(world, 1)  # (an empty page skips its query)
    few = [count_queries(client, queue, p) for p in ({}, {"export": "csv", "export_table": "p-"})]
    submitted_products(world, 8)
    assert [count_queries(client, queue, p) for p in ({}, {"export": "csv", "export_table": "p-"})] == few
    rows = csv_rows(client.get(queue, {"export": "csv", "export_table": "p-"}))
    assert rows[0][:2] == ["Submitted", "Waiting"] and len(rows) == 10


def test_the_product_picker_finds_approved_goods_nationwide_by_name_filing_number_gtin_or_model(world):
    kettle = ProductFilingFactory(
        enterprise=world.bob_co,
        name="电热水壶",
        name_en="Electric kettle",
        model="KT-17",
        gtin="6901234567892",
        status=FilingStatus.APPROVED,
        filing_no="GD2026P0000017",
    )
    ProductFilingFactory(enterprise=world.bob_co, name="电热水壶 草稿", status=FilingStatus.DRAFT)
    name = "filings:product_picker"
    for query in ("热水壶", "kettle", "GD2026P00000", "6901234567892", "kt-17"):
        assert [r["value"] for r in picker(world.zj_inspector, name, q=query, kind="approved")] == [kettle.pk], query
    # without ``kind=approved`` the picker offers what the reader may see; an enterprise sees its own only
    assert picker(world.alice, name, q="热水壶") == []
    assert [r["value"] for r in picker(world.bob, name, q="热水壶")] != []
    assert picker(world.alice, name, q="热水壶", kind="approved") == []  # staff only see every approved filing
    assert picker(world.hq, name, q="") == []
