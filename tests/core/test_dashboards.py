"""The home dashboards (issue 9 section 4): the figures each role acts on, scoped like every list,
each a link to the list it counts, at a fixed number of queries whatever the data."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import Bureau
from cbec_supervision import dashboard
from cbec_supervision.dashboard import (
    DASHBOARD_ZONE,
    Period,
    bureau_table,
    panels,
    this_month,
    trend_weeks,
    weekly_trend,
)
from filings.choices import ChangeRequestStatus, FilingStatus
from imports.choices import BatchStatus, ItemStatus, VerificationStatus
from imports.models import ImportBatch, ImportItem, VerificationTask
from tests.factories import BranchBureauFactory, ChangeRequestFactory, EnterpriseFilingFactory, ProductFilingFactory

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


#: the group of the lines-by-tier columns, whose links open the batches holding the lines
LINES_GROUP = gettext_lazy("Lines declared this month, by tier")


def make_batch(enterprise, port, status=BatchStatus.RELEASED, *, tiers=(3,), verification=None, at=None):
    """A batch as the declaration service leaves it (the figures count rows; how they were classified is
    tested with the service)."""
    batch = ImportBatch.objects.create(
        batch_no=f"DASH{next(_numbers):06d}",
        enterprise=enterprise,
        port_bureau=port,
        status=status,
        tier=min(tiers),
        item_count=len(tiers),
    )
    if at is not None:
        ImportBatch.objects.filter(pk=batch.pk).update(created_at=at)
    ImportItem.objects.bulk_create(
        ImportItem(
            batch=batch,
            line_no=n,
            description="goods",
            quantity=Decimal(1),
            value_cny=Decimal(10),
            tier=tier,
            status=ItemStatus.REFUSED if tier == 1 else ItemStatus.RELEASED,
        )
        for n, tier in enumerate(tiers, start=1)
    )
    if verification is not None:
        VerificationTask.objects.create(batch=batch, bureau=port, status=verification)
    return batch


def submitted(enterprise, *, days_ago=0):
    product = ProductFilingFactory(enterprise=enterprise, status=FilingStatus.SUBMITTED)
    product.submitted_at = timezone.now() - dt.timedelta(days=days_ago)
    product.save(update_fields=["submitted_at"])
    return product


@pytest.fixture
def picture(world):
    """Zhejiang: Alice Co's batches entering at ZJ (one refused, one partially refused, one verified
    on site), a product overdue and one in time; Guangdong: Bob Co's batch at GD and his filing
    awaiting review. A batch of last month at ZJ counts in the trend only."""
    world.alice_co.status = FilingStatus.APPROVED
    world.alice_co.save(update_fields=["status"])
    world.bob_co.status = FilingStatus.SUBMITTED
    world.bob_co.submitted_at = timezone.now()
    world.bob_co.save(update_fields=["status", "submitted_at"])
    zj, gd = world.zj, world.gd
    make_batch(world.alice_co, zj, BatchStatus.REFUSED, tiers=(1, 1))
    make_batch(world.alice_co, zj, BatchStatus.PARTIALLY_REFUSED, tiers=(1, 2, 3), verification=VerificationStatus.OPEN)
    make_batch(world.alice_co, zj, BatchStatus.RELEASED, tiers=(2,), verification=VerificationStatus.PASSED)
    make_batch(world.bob_co, gd, BatchStatus.RELEASED, tiers=(3, 3))
    month = this_month()
    make_batch(world.alice_co, zj, BatchStatus.REFUSED, tiers=(1,), at=month.start - dt.timedelta(days=3))
    submitted(world.alice_co, days_ago=settings.FILING_REVIEW_DAYS + 1)
    submitted(world.alice_co)
    return world


COLUMNS = [
    "enterprises",
    "enterprises overdue",
    "products",
    "products overdue",
    "declared",
    "refused",
    "verification",
    "tier 1 lines",
    "tier 2 lines",
    "tier 3 lines",
]


def figures(table, code: str | None = None) -> dict[str, int]:
    """The table's row of ``code`` (the total without), by the names of COLUMNS."""
    if code is None:
        cells = table.totals
    else:
        cells = next(row.cells for row in table.rows if row.label.code == code)
    return {name: (cell.figure.value if cell.figure else 0) for name, cell in zip(COLUMNS, cells, strict=True)}


def test_the_columns_are_the_filings_waiting_then_this_months_batches_and_lines(picture):
    table = bureau_table(picture.hq)
    assert [(str(c.group), str(c.title)) for c in table.columns] == [
        ("Filings awaiting review", "Enterprises"),
        ("Filings awaiting review", "of which overdue"),
        ("Filings awaiting review", "Products"),
        ("Filings awaiting review", "of which overdue"),
        ("Import batches this month", "Declared"),
        ("Import batches this month", "Refused"),
        ("Import batches this month", "Sent to on-site verification"),
        ("Lines declared this month, by tier", "Prohibited"),
        ("Lines declared this month, by tier", "Key supervision"),
        ("Lines declared this month, by tier", "General supervision"),
    ]
    assert [(str(group), span) for group, span in table.groups] == [
        ("Filings awaiting review", 4),
        ("Import batches this month", 3),
        ("Lines declared this month, by tier", 3),
    ]


def test_headquarters_see_each_bureaus_filings_and_this_months_batches_and_lines(picture):
    table = bureau_table(picture.hq)
    assert [row.label.code for row in table.rows] == ["GD", "ZJ"]
    assert figures(table, "ZJ") == {
        "enterprises": 0,
        "enterprises overdue": 0,
        "products": 2,
        "products overdue": 1,
        "declared": 3,
        "refused": 2,
        "verification": 2,
        "tier 1 lines": 3,
        "tier 2 lines": 2,
        "tier 3 lines": 1,
    }
    gd = figures(table, "GD")
    assert (gd["enterprises"], gd["declared"], gd["tier 3 lines"], gd["refused"]) == (1, 1, 2, 0)
    total = figures(table)
    assert (total["declared"], total["tier 3 lines"], total["products overdue"]) == (4, 3, 1)


def test_a_bureau_never_sees_another_bureaus_numbers(picture):
    table = bureau_table(picture.gd_inspector)
    assert [row.label.code for row in table.rows] == ["GD"]
    total = figures(table)
    assert total["declared"] == 1
    assert total["refused"] == 0
    assert total["products"] == 0
    trend = weekly_trend(picture.gd_inspector)
    assert sum(point.value for point in trend.series[0].points) == 1
    assert sum(point.value for point in trend.series[1].points) == 0
    zj = figures(bureau_table(picture.zj_inspector))
    assert zj["declared"] == 3
    assert zj["enterprises"] == 0


def test_a_branch_bureau_is_a_row_of_its_parents_table(picture):
    branch = BranchBureauFactory(parent=picture.zj)
    make_batch(picture.alice_co, branch, BatchStatus.RELEASED)
    table = bureau_table(picture.zj_inspector)
    assert [row.label.code for row in table.rows] == sorted(["ZJ", branch.code])
    assert figures(table)["declared"] == 4
    assert branch.code not in [row.label.code for row in bureau_table(picture.gd_inspector).rows]


def test_enterprise_users_have_panels_and_no_bureau_table(picture):
    assert bureau_table(picture.alice) is None and weekly_trend(picture.alice) is None
    assert panels(picture.hq) == []


def test_an_enterprise_sees_its_own_filings_batches_and_what_needs_its_action(picture):
    ProductFilingFactory(enterprise=picture.alice_co, status=FilingStatus.RETURNED)
    ProductFilingFactory(enterprise=picture.alice_co)  # a draft
    approved = ProductFilingFactory(enterprise=picture.alice_co, status=FilingStatus.APPROVED)
    ChangeRequestFactory(enterprise=picture.alice_co, product=approved, status=ChangeRequestStatus.PENDING)
    ProductFilingFactory(enterprise=picture.bob_co, status=FilingStatus.RETURNED)
    by_key = {
        panel.key: {str(item.label): item.figure.value for item in panel.items} for panel in panels(picture.alice)
    }
    assert by_key["action"] == {
        "Products returned for correction": 1,
        "Product drafts": 1,
        "Products with a change request pending": 1,
        "Batches awaiting on-site verification": 1,
        "Measures to act on": 0,
        "Unread notifications": 0,
    }
    assert by_key["filings"]["Products: Submitted"] == 2
    assert by_key["filings"]["Products: Approved"] == 1
    assert by_key["batches"] == {
        "Submitted": 0,
        "Refused entry": 2,
        "Partially refused": 1,
        "On-site verification required": 0,
        "Released": 1,
        "Routed to the express and postal regime": 0,
    }
    bob = {panel.key: {str(item.label): item.figure.value for item in panel.items} for panel in panels(picture.bob)}
    assert bob["batches"]["Released"] == 1 and bob["batches"]["Refused entry"] == 0
    assert bob["action"]["Products returned for correction"] == 1


def test_a_month_and_its_weeks_are_counted_in_asia_shanghai(world):
    # 2026-11-01 00:30 in Shanghai is still 31 October in UTC: it belongs to November.
    early = dt.datetime(2026, 11, 1, 0, 30, tzinfo=DASHBOARD_ZONE)
    late = dt.datetime(2026, 10, 31, 23, 30, tzinfo=DASHBOARD_ZONE)
    make_batch(world.alice_co, world.zj, at=early)
    make_batch(world.alice_co, world.zj, at=late)
    november = this_month(dt.date(2026, 11, 15))
    assert (november.first, november.last) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert figures(bureau_table(world.hq, november))["declared"] == 1
    weeks = trend_weeks(dt.date(2026, 11, 4))
    assert len(weeks) == 12 and weeks[-1].first == dt.date(2026, 11, 2) and weeks[0].first.weekday() == 0
    # Monday 26 October - Sunday 1 November holds both, in the week TruncWeek gives in Shanghai.
    trend = weekly_trend(world.hq, weeks)
    assert [p.value for p in trend.series[0].points][-2:] == [2, 0]


def count_on_page(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page_obj"].paginator.count


def test_figures_link_to_lists_that_count_the_same(client, picture):
    """Follow the links: the list behind each figure shows as many rows as the figure says."""
    client.force_login(picture.hq)
    table = bureau_table(picture.hq)
    followed = 0
    for row in [*table.rows, None]:
        cells = row.cells if row else table.totals
        for column, cell in zip(table.columns, cells, strict=True):
            if cell.figure is None or str(column.group) == str(LINES_GROUP):
                continue  # the lines by tier link to the batches holding them
            assert count_on_page(client, cell.figure.url) == cell.figure.value, (column.title, cell.figure.url)
            followed += 1
    assert followed >= 10
    for series in weekly_trend(picture.hq).series:
        for point in series.points[-2:]:
            assert count_on_page(client, point.url) == point.value, point.url


def test_a_bureaus_totals_link_to_its_jurisdictions_lists(client, picture):
    client.force_login(picture.zj_inspector)
    table = bureau_table(picture.zj_inspector)
    for column, cell in zip(table.columns, table.totals, strict=True):
        if str(column.group) != str(LINES_GROUP):
            assert count_on_page(client, cell.figure.url) == cell.figure.value, cell.figure.url


def test_an_enterprises_figures_link_to_its_lists(client, picture):
    client.force_login(picture.alice)
    for panel in panels(picture.alice):
        for item in panel.items:
            if "?" in item.figure.url:
                assert count_on_page(client, item.figure.url) == item.figure.value, item.figure.url


def test_the_lines_by_tier_link_to_the_batches_holding_them(client, picture):
    client.force_login(picture.hq)
    table = bureau_table(picture.hq)
    titles = [str(column.title) for column in table.columns]
    zj = next(row for row in table.rows if row.label.code == "ZJ")
    # three prohibited lines, in two batches
    prohibited = zj.cells[titles.index("Prohibited")].figure
    assert prohibited.value == 3 and count_on_page(client, prohibited.url) == 2


def test_a_link_to_a_list_filters_by_a_filter_the_page_does_not_show(client, picture):
    client.force_login(picture.alice)
    assert count_on_page(client, "/imports/") == 4
    assert count_on_page(client, f"/imports/?verification={VerificationStatus.OPEN}") == 1
    page = client.get(f"/imports/?verification={VerificationStatus.OPEN}").content.decode()
    assert 'type="hidden" name="verification" value="open"' in page


def home_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("who", ["hq", "zj_inspector", "alice"])
def test_each_dashboard_costs_the_same_queries_for_1_or_30_batches(client, world, who, django_assert_max_num_queries):
    user = getattr(world, who)
    make_batch(world.alice_co, world.zj, BatchStatus.REFUSED, tiers=(1,), verification=VerificationStatus.OPEN)
    submitted(world.alice_co)
    few = home_queries(client, user)
    gd_branch = BranchBureauFactory(parent=world.gd)
    for n in range(29):
        port = (world.zj, world.gd, gd_branch)[n % 3]
        enterprise = (world.alice_co, world.bob_co)[n % 2]
        make_batch(
            enterprise, port, BatchStatus.PARTIALLY_REFUSED, tiers=(1, 2, 3), verification=VerificationStatus.OPEN
        )
        submitted(enterprise, days_ago=n)
    with django_assert_max_num_queries(few):
        client.get("/")
    # and the budget itself: session, user, the queues (staff: the risk-signal queue, the investigations
    # they lead, the notices to acknowledge, the consumer notices to review and the measures to verify
    # too; the counterfeit leads to triage and cases waiting for them), the aggregates (an enterprise: its own
    # risk score and its measures to act on too)
    assert few <= {"hq": 13, "zj_inspector": 20, "alice": 10}[who]


def test_the_trend_is_a_chart_with_a_label_and_a_table_drawn_from_the_vendored_library(client, picture):
    client.force_login(picture.hq)
    page = client.get("/").content.decode()
    assert 'id="trend-chart" role="img"' in page and "aria-label=" in page
    assert 'data-testid="trend-table"' in page and 'id="trend-data"' in page
    assert "vendor/chartjs/chart.umd.js" in page and "cdn" not in page.lower()
    vendored = Path(settings.BASE_DIR) / "static" / "vendor" / "chartjs"
    assert (vendored / "chart.umd.js").read_text()[:200].count("Chart.js v4.4.7") == 1
    assert (vendored / "LICENSE").exists()


def test_the_dashboards_numbers_are_in_dark_shades(client, picture):
    """Contrast of at least 4.5:1: the light shades (warning 1.6:1, info 2.0:1) never colour a number."""
    for user in (picture.hq, picture.zj_inspector, picture.alice):
        client.force_login(user)
        page = client.get("/").content.decode()
        for light in ("text-warning ", "text-info ", 'text-warning"', 'text-info"', "text-muted"):
            assert light not in page, (user, light)
        assert "-emphasis" in page


def test_an_app_registers_its_columns_once_and_they_take_their_rank(world, monkeypatch):
    monkeypatch.setattr(dashboard, "_bureau_columns", list(dashboard._bureau_columns))
    zj = Bureau.objects.get(code="ZJ")

    def signals(user, period: Period):
        label = dashboard.BureauLabel(zj.code, zj.name, zj.name_en)
        figure = dashboard.Figure(2, "/risk/?bureau=ZJ")
        return [dashboard.BureauColumn("Risk signals", "Risk", 250, {"ZJ": figure}, figure, {"ZJ": label})]

    dashboard.register_bureau_columns(signals)
    dashboard.register_bureau_columns(signals)
    table = bureau_table(world.hq)
    titles = [str(column.title) for column in table.columns]
    assert titles.count("Risk signals") == 1
    assert titles.index("Risk signals") == 4  # after the four filing columns, before the batches
    assert [row.label.code for row in table.rows] == ["ZJ"]


def test_bureau_names_follow_the_language():
    from django.utils import translation

    label = dashboard.BureauLabel("ZJ", "浙江出入境检验检疫局", "Zhejiang Entry-Exit Inspection and Quarantine Bureau")
    with translation.override("zh-hans"):
        assert str(label) == "浙江出入境检验检疫局"
    assert str(label).startswith("Zhejiang")


def test_an_enterprise_in_another_bureau_is_not_in_the_table_of_this_one(world):
    other = EnterpriseFilingFactory(name="Carol Co", region_code="440104", bureau=world.gd)
    make_batch(other, world.gd)
    assert bureau_table(world.zj_inspector).rows == []
