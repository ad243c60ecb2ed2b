"""The risk dashboard (issue 10, UI): a bureau's jurisdiction or the national network; signals by
source and category per Asia/Shanghai month, open signals by severity, sampling failure rates by
sub-category, top-risk enterprises and products, headquarters' per-bureau table; every figure a link
to the list it counts; a fixed number of queries whatever the data."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from cbec_supervision import dashboard as project_dashboard
from cbec_supervision.dashboard import DASHBOARD_ZONE, Figure, Panel, PanelItem, today
from filings.choices import FilingStatus
from risk_monitoring.dashboard import risk_dashboard, scope_for
from risk_monitoring.figures import (
    Month,
    Rate,
    failure_percent,
    fill_months,
    last_months,
    month_series,
    sorted_rates,
)
from risk_monitoring.models import RiskScore, RiskSignal, Sampling
from tests.conftest import api_as
from tests.factories import BranchBureauFactory, EnterpriseFilingFactory, ProductFilingFactory

URL = reverse("risk_monitoring:dashboard")
LIST = reverse("risk_monitoring:signal_list")

_numbers = itertools.count(1)


# --- the pure helpers (no database) ---------------------------------------------------------------


def test_last_months_cross_the_year_oldest_first():
    months = last_months(dt.date(2026, 2, 17), 3)
    assert [m.first for m in months] == [dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    assert months[1].last == dt.date(2026, 1, 31) and months[2].last == dt.date(2026, 2, 28)
    assert [m.label for m in last_months(dt.date(2024, 2, 29), 1)] == ["2024-02"]
    assert len(last_months(dt.date(2026, 12, 31), 12)) == 12 and last_months(dt.date(2026, 12, 31), 12)[0].first == (
        dt.date(2026, 1, 1)
    )
    with pytest.raises(ValueError):
        last_months(dt.date(2026, 1, 1), 0)


def test_month_series_fill_the_gaps_and_keep_the_keys_order():
    months = [Month(dt.date(2026, m, 1)) for m in (9, 10, 11)]
    assert fill_months(months, {dt.date(2026, 10, 1): 4, dt.date(2025, 1, 1): 9}) == [0, 4, 0]
    rows = [
        (dt.date(2026, 11, 1), "complaint", 2),
        (dt.date(2026, 9, 1), "other", 1),
        (dt.date(2026, 11, 1), "complaint", 3),
    ]
    series = month_series(months, rows, ["inspection", "complaint"])
    assert list(series) == ["inspection", "complaint", "other"]
    assert series == {"inspection": [0, 0, 0], "complaint": [0, 0, 5], "other": [1, 0, 0]}


def test_failure_rates_round_half_up_and_have_none_without_a_verdict():
    assert failure_percent(1, 3) == Decimal("33.3")
    assert failure_percent(2, 3) == Decimal("66.7")
    assert failure_percent(1, 8) == Decimal("12.5")
    assert failure_percent(0, 5) == Decimal("0.0") and failure_percent(5, 5) == Decimal("100.0")
    assert failure_percent(0, 0) is None and Rate(0, 0).percent is None and Rate(0, 0).ratio == 0
    for bad in ((-1, 2), (3, 2), (0, -1)):
        with pytest.raises(ValueError):
            failure_percent(*bad)
    rates = {"a": Rate(1, 4), "b": Rate(2, 4), "c": Rate(0, 0), "d": Rate(1, 2), "e": Rate(1, 4)}
    assert [key for key, _ in sorted_rates(rates)] == ["b", "d", "a", "e", "c"]


# --- the page -------------------------------------------------------------------------------------


def at_local(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=DASHBOARD_ZONE)


def signal(bureau, *, source="complaint", category="", status="new", severity="", at=None, enterprise=None):
    return RiskSignal.objects.create(
        source=source,
        title="风险",
        category=category,
        status=status,
        severity=severity,
        competent_bureau=bureau,
        enterprise=enterprise,
        created_at=at or timezone.now(),
    )


def sampling(bureau, product, verdict, *, at=None):
    return Sampling.objects.create(
        sampling_no=f"DASH{next(_numbers):06d}",
        channel="online",
        bureau=bureau,
        product=product,
        enterprise=product.enterprise,
        verdict=verdict,
        status="results_entered" if verdict != "pending" else "at_lab",
        sampled_at=at or timezone.now(),
    )


def score(subject, value, level="high"):
    if hasattr(subject, "enterprise"):  # a product
        fields = {"subject_type": "product", "product": subject, "enterprise": subject.enterprise}
    else:
        fields = {"subject_type": "enterprise", "enterprise": subject}
    return RiskScore.objects.create(
        subject_id=str(subject.pk), score=Decimal(value), level=level, computed_at=timezone.now(), **fields
    )


@pytest.fixture
def data(world):
    """ZJ (with a branch) and GD: signals this month, last month (one at 00:30 Shanghai on the 1st,
    still the previous day in UTC) and 13 months ago; samplings of toys and kettles; scores."""
    world.bob_co.status = FilingStatus.APPROVED
    world.bob_co.save()
    this_month = today().replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    long_ago = (this_month - dt.timedelta(days=400)).replace(day=1)
    world.this_month, world.last_month = this_month, last_month
    world.zj_branch = BranchBureauFactory(parent=world.zj)
    world.branch_co = EnterpriseFilingFactory(name="Branch Co", region_code="330106", bureau=world.zj_branch)
    world.toy = ProductFilingFactory(enterprise=world.alice_co, subcategory="toys", name="积木")
    world.kettle = ProductFilingFactory(enterprise=world.bob_co, subcategory="small_appliances", name="水壶")
    world.branch_toy = ProductFilingFactory(enterprise=world.branch_co, subcategory="toys", name="拼图")
    # ZJ's jurisdiction: 4 signals in the period (one of them its branch's), 1 too old
    signal(world.zj, source="complaint", category="light_industry", severity="high", status="assessed")
    signal(world.zj, source="complaint", category="light_industry", at=at_local(this_month, 0, 30))
    signal(world.zj_branch, source="inspection", category="", status="closed", at=at_local(last_month, 9))
    signal(
        world.zj,
        source="sampling",
        category="light_industry",
        severity="low",
        status="assessed",
        at=at_local(last_month, 10),
    )
    signal(world.zj, source="complaint", category="light_industry", at=at_local(long_ago))
    # GD: 2 signals this month, one handed over
    signal(world.gd, source="overseas_notification", category="electrical", severity="medium", status="assessed")
    signal(world.gd, source="overseas_notification", category="electrical", status="handed_over", severity="high")
    # samplings: ZJ 2 toys (1 failed) + branch 1 toy failed + 1 pending; GD 2 kettles (0 failed); 1 too old
    sampling(world.zj, world.toy, "fail")
    sampling(world.zj, world.toy, "pass", at=at_local(last_month, 8))
    sampling(world.zj_branch, world.branch_toy, "fail")
    sampling(world.zj_branch, world.branch_toy, "pending")
    sampling(world.gd, world.kettle, "pass")
    sampling(world.gd, world.kettle, "pass")
    sampling(world.zj, world.toy, "fail", at=at_local(long_ago))
    score(world.alice_co, "40.00", "medium")
    score(world.bob_co, "75.50")
    score(world.branch_co, "20.00", "low")
    score(world.toy, "66.00")
    score(world.kettle, "90.00")
    return world


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def count_on_list(client, url: str) -> int:
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.count(b'data-testid="signal-row"')


pytestmark = pytest.mark.django_db


def test_a_bureau_view_counts_its_jurisdiction_only(data, client):
    scope, bureau = scope_for(data.zj_inspector)
    assert (scope.national, bureau, len(scope.months)) == (False, data.zj, 12)
    board = risk_dashboard(data.zj_inspector, scope, bureau)
    by_source = {row.key: row for row in board.by_source.rows}
    this, last = -1, -2
    assert [p.value for p in by_source["complaint"].points][-2:] == [0, 2]
    assert by_source["complaint"].total.value == 2  # the one of 13 months ago is outside the period
    assert by_source["inspection"].points[last].value == 1  # the branch bureau's, last month
    assert by_source["sampling"].points[last].value == 1
    assert by_source["overseas_notification"].total.value == 0  # GD's
    assert [f.value for f in board.by_source.totals][-2:] == [2, 2]
    by_category = {row.key: row for row in board.by_category.rows}
    assert by_category["light_industry"].points[this].value == 2 and by_category["none"].total.value == 1
    assert by_category["electrical"].total.value == 0
    severity = {bar.key: bar.figure.value for bar in board.open_by_severity}
    # open now, whenever raised: the old complaint is still new
    assert severity == {"high": 1, "medium": 0, "low": 1, "none": 2}
    rates = {rate.key: rate for rate in board.failure_rates}
    assert list(rates) == ["toys"]
    assert (rates["toys"].rate.failed, rates["toys"].rate.total, rates["toys"].rate.percent) == (2, 3, Decimal("66.7"))
    assert [row.name for row in board.top_enterprises] == ["Alice Co", "Branch Co"]
    assert [row.name for row in board.top_products] == ["积木"]
    assert board.bureaus is None  # the per-bureau table is headquarters'
    # the links open the lists that count the same
    client.force_login(data.zj_inspector)
    assert params(by_source["complaint"].points[this].url) == {
        "source": ["complaint"],
        "jurisdiction": ["ZJ"],
        "created_after": [data.this_month.isoformat()],
        "created_before": [board.by_source.months[this].last.isoformat()],
    }
    assert count_on_list(client, by_source["complaint"].points[this].url) == 2
    assert count_on_list(client, by_source["inspection"].points[last].url) == 1
    assert count_on_list(client, by_category["none"].total.url) == 1
    assert count_on_list(client, board.by_source.totals[last].url) == 2
    for bar in board.open_by_severity:
        assert count_on_list(client, bar.figure.url) == bar.figure.value, bar.key
    # the sampling figures open the sampling list, which counts the same
    for figure in (rates["toys"].failed, rates["toys"].total):
        assert figure.url, "a failure-rate figure links to the samplings behind it"
        page = client.get(figure.url, HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200
        assert page.content.count(b'data-testid="sampling-row"') == figure.value


def test_the_national_view_counts_every_bureau_and_headquarters_see_each(data, client):
    scope, bureau = scope_for(data.hq)
    assert scope.national and bureau is None
    board = risk_dashboard(data.hq, scope)
    by_source = {row.key: row for row in board.by_source.rows}
    assert by_source["overseas_notification"].total.value == 2 and by_source["complaint"].total.value == 2
    assert sum(row.total.value for row in board.by_source.rows) == 6
    assert {bar.key: bar.figure.value for bar in board.open_by_severity} == {
        "high": 1,
        "medium": 1,
        "low": 1,
        "none": 2,
    }
    rates = {rate.key: (rate.rate.failed, rate.rate.total) for rate in board.failure_rates}
    assert rates == {"toys": (2, 3), "small_appliances": (0, 2)}
    assert [rate.key for rate in board.failure_rates] == ["toys", "small_appliances"]  # worst first
    assert [row.name for row in board.top_products] == ["水壶", "积木"]
    assert [row.score.score for row in board.top_enterprises] == [Decimal("75.50"), Decimal("40.00"), Decimal("20.00")]
    bureaus = {row.label.code: row for row in board.bureaus or []}
    assert set(bureaus) == {"ZJ", "GD", data.zj_branch.code}
    assert (bureaus["ZJ"].signals_open.value, bureaus["ZJ"].samplings.value) == (4, 2)
    assert (bureaus["ZJ"].rate.failed, bureaus["ZJ"].rate.total) == (1, 2)
    assert (bureaus[data.zj_branch.code].samplings.value, bureaus[data.zj_branch.code].rate.percent) == (
        2,
        Decimal("100.0"),
    )
    assert (bureaus["GD"].signals_open.value, bureaus["GD"].rate.percent) == (1, Decimal("0.0"))
    client.force_login(data.hq)
    assert count_on_list(client, bureaus["ZJ"].signals_open.url) == 4
    assert count_on_list(client, bureaus["GD"].signals_open.url) == 1
    # headquarters pick a bureau: its jurisdiction, without the per-bureau table
    scope, bureau = scope_for(data.hq, bureau=data.zj, months=3)
    board = risk_dashboard(data.hq, scope, bureau)
    assert (scope.national, scope.bureau_code, len(scope.months), board.bureaus) == (False, "ZJ", 3, None)
    assert sum(row.total.value for row in board.by_source.rows) == 4


def test_every_bureau_reads_every_sampling_and_score(data):
    """``scope_shared_with_staff = Q()`` (the national network) is every row, not none of them."""
    assert Sampling.objects.visible_to(data.gd_inspector).filter(bureau=data.zj).count() == 3
    assert RiskScore.objects.visible_to(data.gd_inspector).filter(enterprise=data.alice_co).count() == 2
    assert Sampling.objects.visible_to(data.alice).count() == 3  # its own goods only (the toy)
    assert RiskScore.objects.visible_to(data.alice).count() == 2


def test_bureau_staff_may_switch_to_national_but_not_to_another_bureau(data, client):
    scope, bureau = scope_for(data.gd_inspector, national=True)
    assert scope.national and bureau is None
    scope, bureau = scope_for(data.gd_inspector, bureau=data.zj)
    assert (scope.bureau_code, bureau) == ("GD", data.gd)
    client.force_login(data.gd_inspector)
    page = client.get(f"{URL}?view=national&bureau=ZJ", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-scope="national"' in page and 'data-testid="risk-bureaus"' not in page
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-scope="GD"' in page


def test_the_period_filter_narrows_the_months(data, client):
    client.force_login(data.hq)
    response = client.get(f"{URL}?months=3&bureau=ZJ", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    board = response.context["board"]
    assert len(board.by_source.months) == 3 and board.scope.bureau_code == "ZJ"
    assert board.by_source.months[-1].first == data.this_month


def test_bad_filters_are_a_400_with_a_message_per_field(data, client):
    client.force_login(data.hq)
    response = client.get(f"{URL}?months=5&bureau=NOPE", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.content.count(b'data-testid="field-error"') == 2


def test_enterprises_are_denied(data, client):
    client.force_login(data.alice)
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302  # to the login page


@pytest.mark.parametrize("who", ["hq", "zj_inspector"])
def test_the_page_renders_in_both_languages_with_charts_and_tables(data, client, who):
    client.force_login(getattr(data, who))
    english = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Risk dashboard" in english and "Sampling failure rates by sub-category" in english
    assert "Top-risk enterprises" in english and "Toys" in english
    assert english.count('data-testid="chart"') == 4
    for data_id in ("by-source-data", "by-category-data", "severity-data", "failure-data"):
        assert f'id="{data_id}" type="application/json"' in english
    assert "chartjs/chart.umd.js" in english and "js/risk_dashboard.js" in english
    assert "<script>" not in english  # no inline script (CSP)
    assert 'data-testid="nav-risk-dashboard"' in english
    chinese = client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.status_code == 200
    page = chinese.content.decode()
    assert '<html lang="zh-hans">' in page and "首页" in page and "玩具" in page
    assert page.count('data-testid="chart"') == 4
    assert ('data-testid="risk-bureaus"' in english) == (who == "hq")


def test_staff_home_pages_lead_to_the_dashboard(data, client):
    for user in (data.hq, data.zj_inspector):
        client.force_login(user)
        assert f'href="{URL}"'.encode() in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content
    client.force_login(data.alice)
    assert f'href="{URL}"'.encode() not in client.get("/").content


def test_contributed_panels_are_shown_within_the_scope(data, client, monkeypatch):
    """The extension point of the overdue inter-bureau notices (registered by traceability)."""
    seen = []

    def overdue(user, scope):
        seen.append(scope.bureau_code)
        return [Panel("notices", "Overdue notices", 100, [PanelItem("Overdue", Figure(3, "/notices/?overdue=1"))])]

    monkeypatch.setattr(project_dashboard, "_risk_panels", [])
    project_dashboard.register_risk_panels(overdue)
    project_dashboard.register_risk_panels(overdue)
    client.force_login(data.zj_inspector)
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert seen == ["ZJ"] and 'data-panel="notices"' in page and "/notices/?overdue=1" in page


def _more(world, n: int) -> None:
    """``n`` more signals, samplings and scores of every kind, across bureaus and months."""
    bureaus = (world.zj, world.gd, world.zj_branch)
    sources = ("complaint", "inspection", "sampling", "overseas_notification", "enterprise_report")
    for i in range(n):
        bureau = bureaus[i % 3]
        day = world.this_month - dt.timedelta(days=35 * (i % 6))
        signal(
            bureau,
            source=sources[i % 5],
            category=("light_industry", "textile", "")[i % 3],
            at=at_local(day),
            severity=("high", "low", "")[i % 3],
            status=("new", "assessed", "closed")[i % 3],
        )
        product = ProductFilingFactory(enterprise=world.alice_co, subcategory=("toys", "clothing", "")[i % 3])
        sampling(bureau, product, ("fail", "pass", "pending")[i % 3], at=at_local(day))
        score(product, f"{i % 100}.00", "low")
        score(EnterpriseFilingFactory(bureau=bureau), f"{i % 100}.50", "medium")


@pytest.mark.parametrize("who", ["hq", "zj_inspector"])
def test_the_dashboard_costs_the_same_queries_for_few_or_many_rows(data, client, who, django_assert_max_num_queries):
    user = getattr(data, who)
    client.force_login(user)
    client.get(URL)
    # session, user, the navigation's unread count, the period's signals by month, source and category,
    # open signals by severity, failure rates, top enterprises, top products, the overdue notices panel;
    # headquarters add the bureau choices and the per-bureau table's two aggregates
    budget = {"hq": 14, "zj_inspector": 10}[who]
    with django_assert_max_num_queries(budget):
        assert client.get(URL).status_code == 200
    _more(data, 40)
    with django_assert_max_num_queries(budget):
        response = client.get(URL)
    assert response.status_code == 200
    assert len(response.context["board"].top_products) == 10


def test_the_signal_filters_behind_the_links_are_the_apis_too(data):
    """The filters the dashboard links with (shared by the list and the API); a bad value is a 400."""
    RiskSignal.objects.filter(competent_bureau=data.zj_branch).update(subcategory="toys")
    api = api_as(data.gd_inspector)
    url = "/api/v1/risk-signals/"

    def count(query: str) -> int:
        response = api.get(f"{url}?{query}")
        assert response.status_code == 200, response.content
        return response.json()["count"]

    assert count("jurisdiction=ZJ") == 5 and count(f"jurisdiction={data.zj_branch.code}") == 1
    assert count("competent_bureau=ZJ") == 4
    assert count("subcategory=toys") == 1 and count("subcategory=none") == 6
    assert count("severity=none&status=new&status=assessed") == 2
    assert count("category=none") == 1 and count("category=electrical") == 2
    assert count(f"created_after={data.this_month.isoformat()}") == 4
    assert count(f"created_before={(data.this_month - dt.timedelta(days=1)).isoformat()}") == 3
    assert api.get(f"{url}?created_after=yesterday&severity=grave").status_code == 400
