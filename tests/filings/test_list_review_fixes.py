"""Regressions found in review of the list pattern, the pickers and the bulk actions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cbec_supervision.choices import AuditAction
from cbec_supervision.models import AuditEvent
from filings import services
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling, ProductFiling
from tests.factories import EnterpriseFilingFactory, ProductFilingFactory

PRODUCTS = reverse("filings:product_list")


def browser_as(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def submitted(product: ProductFiling) -> ProductFiling:
    ProductFiling.objects.filter(pk=product.pk).update(status=FilingStatus.SUBMITTED, submitted_at=timezone.now())
    product.refresh_from_db()
    return product


# --- bulk decisions take the decision asked for, never another one leading to the same status --------


def test_bulk_approve_refuses_a_suspended_product_and_approves_a_submitted_one(world, approved_toy):
    suspended = services.product_suspend(actor=world.zj_inspector, product=approved_toy, reason="recall")
    fresh = submitted(ProductFilingFactory(enterprise=approved_toy.enterprise))
    url = reverse("filings:product_bulk_decide", args=["approve"])
    report = browser_as(world.zj_inspector).post(url, {"select": [suspended.pk, fresh.pk], "confirm": "on"})
    results = {r.record.pk: r for r in report.context["results"]}
    assert results[fresh.pk].done
    assert not results[suspended.pk].done and results[suspended.pk].message
    assert ProductFiling.objects.get(pk=suspended.pk).status == FilingStatus.SUSPENDED
    assert ProductFiling.objects.get(pk=fresh.pk).status == FilingStatus.APPROVED
    assert not AuditEvent.objects.for_object(suspended).filter(action=AuditAction.REINSTATE).exists()


def test_bulk_approve_refuses_a_suspended_enterprise_and_approves_a_submitted_one(world, approved_alice_co):
    suspended = services.enterprise_suspend(actor=world.zj_inspector, filing=approved_alice_co, reason="recall")
    fresh = EnterpriseFilingFactory(bureau=world.zj)
    EnterpriseFiling.objects.filter(pk=fresh.pk).update(status=FilingStatus.SUBMITTED, submitted_at=timezone.now())
    url = reverse("filings:enterprise_bulk_decide", args=["approve"])
    report = browser_as(world.zj_inspector).post(url, {"select": [suspended.pk, fresh.pk], "confirm": "on"})
    done = {r.record.pk: r.done for r in report.context["results"]}
    assert done == {suspended.pk: False, fresh.pk: True}
    assert EnterpriseFiling.objects.get(pk=suspended.pk).status == FilingStatus.SUSPENDED
    assert EnterpriseFiling.objects.get(pk=fresh.pk).status == FilingStatus.APPROVED
    assert not AuditEvent.objects.for_object(suspended).filter(action=AuditAction.REINSTATE).exists()


def test_the_bulk_buttons_read_the_decision_table(world):
    from filings.choices import FILING_DECISIONS
    from filings.views.enterprises import decision_bulk_actions

    actions = {a.name: a for a in decision_bulk_actions("product")}
    assert set(actions) == {"approve", "return"}
    for name, action in actions.items():
        assert (action.colour, action.icon) == (FILING_DECISIONS[name].colour, FILING_DECISIONS[name].icon)
        assert action.comment_required == FILING_DECISIONS[name].reason_required


# --- a picker's label never names a filing the reader may not see -------------------------------------


def test_the_enterprise_filter_label_does_not_name_a_draft_of_another_bureau(world, approved_alice_co):
    # Bob Co is a Guangdong draft: a Zhejiang inspector may not see it, not even its name in a label.
    page = browser_as(world.zj_inspector).get(PRODUCTS, {"enterprise": world.bob_co.pk}).content.decode()
    assert "Bob Co" not in page
    # What the inspector may see is named, as before.
    page = browser_as(world.gd_inspector).get(PRODUCTS, {"enterprise": approved_alice_co.pk}).content.decode()
    assert f'value="{approved_alice_co.name} ({approved_alice_co.filing_no})"' in page
    page = browser_as(world.gd_inspector).get(PRODUCTS, {"enterprise": world.bob_co.pk}).content.decode()
    assert 'value="Bob Co"' in page


def test_the_batch_form_does_not_name_an_enterprise_that_is_not_an_approved_partner(world, approved_alice_co):
    EnterpriseFiling.objects.filter(pk=world.bob_co.pk).update(is_platform=True)  # a Guangdong draft
    data = {
        "mode": "bonded",
        "port_bureau": str(world.zj.pk),
        "platform": str(world.bob_co.pk),
        "warehouse": "",
        "arrival_date": "",
        "line-TOTAL_FORMS": "1",
        "line-INITIAL_FORMS": "0",
        "line-MIN_NUM_FORMS": "0",
        "line-MAX_NUM_FORMS": "200",
        "line-0-description": "毛巾",
        "line-0-hs_code": "6302910000",
    }
    response = browser_as(world.alice).post(reverse("imports:batch_create"), data)
    assert response.status_code == 200 and response.context["header"].errors["platform"]
    assert "Bob Co" not in response.content.decode()


def test_a_unicode_digit_in_the_enterprise_filter_is_no_server_error(world, approved_alice_co):
    client = browser_as(world.hq)
    for value in ("²", "٣", "9" * 19, "99999999999999999999", "0", "-1"):
        assert client.get(PRODUCTS, {"enterprise": value}).status_code in (200, 400), value


def test_row_id_takes_ascii_digits_within_the_database_range():
    from cbec_supervision.widgets import row_id

    assert row_id("12") == 12 and row_id(2**63 - 1) == 2**63 - 1
    for value in ("²", "١٢", "", "0", "-3", "1.5", str(2**63), "9" * 40, " 12"):
        assert row_id(value) is None, value


# --- NUL bytes and overlong input are never a server error -----------------------------------------------


def test_picker_query_drops_control_characters_and_is_bounded():
    from django.test import RequestFactory

    from cbec_supervision.widgets import PICKER_QUERY_LENGTH, picker_query

    factory = RequestFactory()
    assert picker_query(factory.get("/", {"q": " a\x00b\tc\x1f "})) == "a b c"
    assert picker_query(factory.get("/", {"q": "x" * 10_000})) == "x" * PICKER_QUERY_LENGTH
    assert picker_query(factory.get("/", {"q": "浙江\u200d"})) == "浙江\u200d"


@pytest.mark.parametrize("name", ["accounts:bureau_picker", "filings:enterprise_picker", "catalogues:hs_code_picker"])
def test_a_nul_byte_in_a_picker_query_is_no_server_error(world, approved_alice_co, name):
    client = browser_as(world.hq)
    for q in ("a\x00b", "\x00", "9503\x00", "Ali\x00ce", "x" * 5000):
        for params in ({"q": q}, {"q": q, "format": "json"}, {"q": q, "type": "platform"}):
            assert client.get(reverse(name), params).status_code == 200, (q, params)


LISTS = ["filings:enterprise_list", "filings:product_list", "imports:batch_list", "imports:export_list", "entries"]


def list_url(name: str) -> str:
    if name == "entries":
        from catalogues.models import CatalogueEdition

        return reverse("catalogues:catalogue_detail", args=[CatalogueEdition.objects.get(kind="dangerous_goods").pk])
    return reverse(name)


@pytest.mark.parametrize("name", LISTS)
def test_a_nul_byte_or_overlong_text_in_a_list_filter_or_sort_is_no_server_error(world, approved_alice_co, name):
    client = browser_as(world.hq)
    url = list_url(name)
    for params in (
        {"q": "a\x00b"},
        {"q": "x" * 5000},
        {"sort": "name\x00"},
        {"sort": "-" + "x" * 5000},
        {"page": "1\x00"},
        {"status": "approved\x00"},
    ):
        assert client.get(url, params).status_code in (200, 400), (name, params)
    # An export filtered by an invalid text is refused (back to the page), never a server error.
    assert client.get(url, {"q": "a\x00b", "export": "csv"}).status_code == 302


# --- an export follows the filters shown, or refuses --------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_with_an_invalid_filter_exports_nothing_and_shows_the_errors(world, approved_alice_co, fmt):
    client = browser_as(world.hq)
    ProductFilingFactory(enterprise=approved_alice_co)
    response = client.get(PRODUCTS, {"status": "nonsense", "export": fmt})
    assert response.status_code == 302 and "Content-Disposition" not in response
    assert response["Location"] == f"{PRODUCTS}?status=nonsense"
    page = client.get(response["Location"])
    assert page.context["filter"].form.errors["status"]
    assert "nothing was exported" in page.content.decode()
    valid = client.get(PRODUCTS, {"status": "draft", "export": fmt})
    assert valid.status_code == 200 and "attachment" in valid["Content-Disposition"]


# --- counts on a page count only rows the reader may see ------------------------------------------------


def test_another_bureau_reading_an_approved_enterprise_does_not_count_its_drafts(world, approved_toy):
    enterprise = approved_toy.enterprise
    ProductFilingFactory.create_batch(2, enterprise=enterprise)  # drafts: Zhejiang's and Alice Co's only
    submitted(ProductFilingFactory(enterprise=enterprise))
    gd = browser_as(world.gd_inspector).get(reverse("filings:enterprise_detail", args=[enterprise.pk]))
    assert gd.status_code == 200
    assert gd.context["products"] == {"total": 1, "approved": 1, "submitted": 0}
    zj = browser_as(world.zj_inspector).get(reverse("filings:enterprise_detail", args=[enterprise.pk]))
    assert zj.context["products"] == {"total": 4, "approved": 1, "submitted": 1}


def test_another_bureau_reading_an_approved_product_does_not_count_the_enterprises_drafts(world, approved_toy):
    ProductFilingFactory.create_batch(2, enterprise=approved_toy.enterprise)
    url = reverse("filings:product_detail", args=[approved_toy.pk])
    assert browser_as(world.gd_inspector).get(url).context["others"] == 0
    assert browser_as(world.zj_inspector).get(url).context["others"] == 2
    assert browser_as(world.alice).get(url).context["others"] == 2
