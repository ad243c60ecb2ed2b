"""The trace of a product read from the database: its content, a fixed number of queries whatever the
volume, what each reader sees, and the trace page (staff only) with its graph and table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from filings.models import ProductFiling
from imports.models import ExportDeclaration, ImportBatch, ImportItem, VerificationTask
from risk_monitoring.models import RiskSignal, Sampling
from tests import builders
from tests.accessibility import read
from tests.factories import EnterpriseFilingFactory, ProductFilingFactory, bureau
from traceability.trace import investigation_traces, product_trace

#: the queries a trace takes, whatever the volume
TRACE_QUERIES = 10
NOW = timezone.now()


def ago(days: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def make_batch(goods, number: int, *, port="ZJ", status="released", line_status="released", days=30, platform=True):
    batch = ImportBatch.objects.create(
        batch_no=f"TR-{number:05d}",
        enterprise=goods.product.enterprise,
        platform=goods.platform if platform else None,
        warehouse=goods.warehouse if platform else None,
        port_bureau=bureau(port),
        status=status,
        tier=3,
        item_count=2,
        total_value_cny=150,
    )
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=ago(days))
    ImportItem.objects.create(
        batch=batch, line_no=1, product=goods.product, quantity=2, unit="pcs", value_cny=100, tier=3, status=line_status
    )
    ImportItem.objects.create(batch=batch, line_no=2, description="其他货物", quantity=1, value_cny=50, tier=3)
    return batch


@pytest.fixture
def goods(world, approved_alice_co):
    """Alice Co's approved toy, sold on a Guangdong platform and stored with a Zhejiang warehouse, on
    three batches (two declared in Zhejiang, one in Guangdong), exported once, sampled twice (one
    failure) and named in two risk signals (one an enterprise report of Bob Co's)."""
    platform = EnterpriseFilingFactory(name="Tmall Global", is_platform=True, status="approved", bureau=world.gd)
    warehouse = EnterpriseFilingFactory(name="Cainiao Bonded", is_logistics=True, status="approved", bureau=world.zj)
    builders.confirm_partners(approved_alice_co, platform=platform, warehouse=warehouse)
    product = ProductFilingFactory(enterprise=approved_alice_co, name="积木", status="approved", filing_no="CP-1")
    ProductFiling.objects.filter(pk=product.pk).update(submitted_at=ago(100), decided_at=ago(90))
    g = world
    g.product, g.platform, g.warehouse = product, platform, warehouse
    g.b1 = make_batch(g, 1, days=30)
    g.b2 = make_batch(g, 2, status="refused", line_status="refused", days=20)
    VerificationTask.objects.create(batch=g.b2, bureau=world.zj, status="decided", decided_at=ago(19))
    g.b3 = make_batch(g, 3, port="GD", days=10, platform=False)
    g.export = ExportDeclaration.objects.create(
        enterprise=approved_alice_co,
        product=product,
        order_no="EX-1",
        destination_country="US",
        quantity=3,
        value_cny=300,
    )
    common = {"product": product, "enterprise": approved_alice_co, "bureau": world.zj, "channel": "online"}
    g.failed = Sampling.objects.create(
        sampling_no="S-1",
        platform=platform,
        verdict="fail",
        status="closed",
        sampled_at=ago(15),
        results_entered_at=ago(12),
        **common,
    )
    g.pending = Sampling.objects.create(sampling_no="S-2", sampled_at=ago(5), **common)
    g.signal = RiskSignal.objects.create(
        source="sampling", title="小零件脱落", enterprise=approved_alice_co, product=product, severity="high"
    )
    g.signal.products.add(product)
    g.bob_report = RiskSignal.objects.create(source="enterprise_report", title="Bob 的报告", enterprise=g.bob_co)
    g.bob_report.products.add(product)
    RiskSignal.objects.create(source="complaint", title="无关", enterprise=g.bob_co)  # not about the toy
    return g


def test_the_trace_holds_every_party_batch_line_export_sampling_and_signal(goods):
    trace = product_trace(goods.product, goods.zj_inspector)
    assert trace.product.name == "积木" and trace.product.filing_no == "CP-1" and trace.product.origin_code == "DK"
    assert trace.operator.id == goods.alice_co.pk and trace.operator.name == "Alice Co"
    t = trace.totals
    assert (t.batches, t.lines, t.quantity, t.value, t.refused_lines) == (3, 3, Decimal(6), Decimal(300), 1)
    assert (t.exports, t.export_quantity, t.samplings, t.failed_samplings, t.signals) == (1, Decimal(3), 2, 1, 2)
    assert [(u.party.name, u.batches) for u in trace.platforms] == [("Tmall Global", 2)]
    assert [(u.party.name, u.batches) for u in trace.warehouses] == [("Cainiao Bonded", 2)]
    assert [(u.party.name, u.batches) for u in trace.port_bureaus] == [
        (bureau("ZJ").name_en, 2),
        (bureau("GD").name_en, 1),
    ]
    assert trace.platforms[0].partnership.status == "confirmed"
    assert trace.warehouses[0].partnership.status == "confirmed"
    # the product's own lines, newest batch first; the other goods on its batches are not in it
    assert [(r.batch_no, r.line_no, r.status) for r in trace.lines] == [
        ("TR-00003", 1, "released"),
        ("TR-00002", 1, "refused"),
        ("TR-00001", 1, "released"),
    ]
    refused = trace.lines[1]
    assert refused.verified_at == ago(19) and refused.batch_url == reverse("imports:batch_detail", args=[goods.b2.pk])
    assert refused.platform_name == "Tmall Global" and refused.warehouse_name == "Cainiao Bonded"
    assert [(e.order_no, e.destination_code) for e in trace.exports] == [("EX-1", "US")]
    assert [(d.code, d.declarations, d.value) for d in trace.destinations] == [("US", 1, Decimal(300))]
    assert [s.sampling_no for s in trace.samplings] == ["S-2", "S-1"]
    assert {g.title for g in trace.signals} == {"小零件脱落", "Bob 的报告"}


def test_the_timeline_and_graph_of_a_real_trace(goods):
    trace = product_trace(goods.product, goods.zj_inspector)
    kinds = [e.kind for e in trace.timeline.events]
    for kind in ("filed", "approved", "partnership", "batch_declared", "batch_released", "batch_refused",
                 "export_declared", "sampled", "sampling_failed", "signal_raised"):  # fmt: skip
        assert kind in kinds
    edges = {(e.source, e.target, e.kind): e.count for e in trace.graph.edges}
    platform, warehouse = goods.platform.pk, goods.warehouse.pk
    assert edges[("operator", f"platform:{platform}", "sells_on")] == 2
    assert edges[("operator", f"warehouse:{warehouse}", "stores_with")] == 2
    assert edges[("product", f"port_bureau:{bureau('GD').pk}", "declared_at")] == 1
    assert edges[("product", "destination:US", "exported_to")] == 1


def test_rows_are_capped_and_totals_count_them_all(goods):
    for number in range(4, 9):
        make_batch(goods, number, days=number)
    trace = product_trace(goods.product, goods.zj_inspector, limit=4)
    assert len(trace.lines) == 4 and trace.totals.lines == 8 and trace.lines_truncated
    assert trace.lines[0].batch_no == "TR-00004"  # the newest


def _count_queries(product, user) -> int:
    with CaptureQueriesContext(connection) as queries:
        trace = product_trace(product, user)
        trace.timeline, trace.graph, trace.parties  # noqa: B018 - the pure part reads nothing
    return len(queries)


@pytest.mark.parametrize("user", ["zj_inspector", "gd_inspector", "hq", "alice"])
def test_a_fixed_number_of_queries_at_1_and_50_batches(world, goods, django_assert_max_num_queries, user):
    reader = getattr(goods, user)
    small = ProductFilingFactory(enterprise=goods.alice_co, status="approved")
    make_batch(SimpleGoods(small, goods), 100)
    with django_assert_max_num_queries(TRACE_QUERIES):
        one = _count_queries(small, reader)
    for number in range(101, 150):
        make_batch(SimpleGoods(small, goods), number, port="GD" if number % 2 else "ZJ")
    for i in range(5):
        Sampling.objects.create(
            sampling_no=f"SM-{i}", product=small, enterprise=goods.alice_co, bureau=world.zj, channel="offline"
        )
    with django_assert_max_num_queries(TRACE_QUERIES):
        fifty = _count_queries(small, reader)
    assert one == fifty
    assert product_trace(small, goods.hq).totals.batches == 50


class SimpleGoods:
    def __init__(self, product, goods):
        self.product, self.platform, self.warehouse = product, goods.platform, goods.warehouse


def test_investigation_traces_are_those_of_its_products_the_reader_may_see(goods):
    from traceability.models import Investigation

    draft = ProductFilingFactory(enterprise=goods.alice_co)  # Zhejiang's only
    investigation = Investigation.objects.create(
        case_no="TC-1", title="积木", lead_bureau=goods.zj, notifying_bureau=goods.gd
    )
    investigation.products.set([goods.product, draft])
    assert [t.product.id for t in investigation_traces(investigation, goods.zj_inspector)] == sorted(
        [goods.product.pk, draft.pk]
    )
    assert [t.product.id for t in investigation_traces(investigation, goods.gd_inspector)] == [goods.product.pk]


# --- scoping ---


def test_another_bureau_sees_the_batches_it_handled_and_the_national_samplings_and_signals(goods):
    trace = product_trace(goods.product, goods.gd_inspector)
    assert [r.batch_no for r in trace.lines] == ["TR-00003"]  # declared at its port
    assert trace.totals.batches == 1 and trace.platforms == [] and trace.exports == []
    assert trace.totals.exports == 0  # Alice Co's exports are Zhejiang's
    assert trace.totals.samplings == 2 and trace.totals.signals == 2  # read nationally


def test_headquarters_sees_everything(goods):
    trace = product_trace(goods.product, goods.hq)
    assert (trace.totals.batches, trace.totals.exports, trace.totals.samplings, trace.totals.signals) == (3, 1, 2, 2)


def test_the_operator_sees_its_goods_but_only_its_own_reports(goods):
    trace = product_trace(goods.product, goods.alice)
    assert trace.totals.batches == 3 and trace.totals.exports == 1 and trace.totals.samplings == 2
    assert [g.title for g in trace.signals] == []  # Alice Co reported none; Bob's report is Bob's


def test_an_unrelated_enterprise_sees_only_its_own_report(goods):
    trace = product_trace(goods.product, goods.bob)
    assert trace.totals.batches == 0 and trace.totals.exports == 0 and trace.totals.samplings == 0
    assert [g.title for g in trace.signals] == ["Bob 的报告"]
    assert trace.partnerships == []


# --- the page ---


def _page(client, user, product):
    client.force_login(user)
    return client.get(reverse("traceability:product_trace", args=[product.pk]), HTTP_ACCEPT_LANGUAGE="en")


def test_the_trace_page_draws_the_graph_and_lists_the_parties(client, goods):
    response = _page(client, goods.zj_inspector, goods.product)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trace of 积木" in html
    assert '<svg class="trace-graph d-block' in html and 'data-testid="trace-graph"' in html and "<title id=" in html
    assert 'data-testid="trace-parties"' in html and "Tmall Global" in html and "Cainiao Bonded" in html
    assert reverse("filings:enterprise_detail", args=[goods.platform.pk]) in html
    assert "Timeline" in html and "Batch refused entry" in html and "TR-00002" in html
    assert "EX-1" in html and "S-1" in html and "小零件脱落" in html
    assert "<script" not in html.split('data-testid="trace"')[1].split("</section>")[0]
    page = read(html)
    assert page.duplicate_ids() == [] and page.unlabelled() == []


def test_the_page_in_chinese_keeps_svg_coordinates_plain(client, goods):
    # Many batches make four-digit coordinates possible; numbers in the drawing are never localised.
    client.force_login(goods.zj_inspector)
    response = client.get(
        reverse("traceability:product_trace", args=[goods.product.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    svg = response.content.decode().split("<svg")[1].split("</svg>")[0]
    viewbox = svg.split('viewBox="')[1].split('"')[0]
    assert all(part.replace(".", "").isdigit() for part in viewbox.split())


def test_enterprises_have_no_trace_page(client, goods):
    assert _page(client, goods.alice, goods.product).status_code == 404


def test_a_product_outside_the_readers_scope_is_404(client, goods):
    draft = ProductFilingFactory(enterprise=goods.alice_co)  # a draft: Zhejiang's only
    assert _page(client, goods.gd_inspector, draft).status_code == 404
    assert _page(client, goods.zj_inspector, draft).status_code == 200


def test_the_product_and_signal_pages_link_the_trace_for_staff(client, goods):
    url = reverse("traceability:product_trace", args=[goods.product.pk])
    client.force_login(goods.zj_inspector)
    product_page = client.get(goods.product.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert url in product_page
    signal_page = client.get(goods.signal.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert url in signal_page
    client.force_login(goods.alice)
    assert url not in client.get(goods.product.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
