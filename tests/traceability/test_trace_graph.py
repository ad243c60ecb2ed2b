"""The pure part of the trace: the timeline and the graph of parties, from hand-made trace data (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from traceability.trace_graph import (
    COLUMN_WIDTH,
    LABEL_CHARS,
    Destination,
    ExportRow,
    LineRow,
    Node,
    OperatorInfo,
    PartnershipRow,
    PartyRef,
    ProductInfo,
    Route,
    SamplingRow,
    SignalRow,
    Totals,
    Trace,
    build_graph,
    build_timeline,
    edges_into,
    parties_table,
    timeline_events,
)

T0 = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)


def at(days: int, hours: int = 0) -> dt.datetime:
    return T0 + dt.timedelta(days=days, hours=hours)


def product(**kw) -> ProductInfo:
    base = {
        "id": 1,
        "name": "积木",
        "brand": "LEGO",
        "model": "10698",
        "status": "approved",
        "status_label": "Approved",
        "filing_no": "P-1",
        "submitted_at": at(0),
        "decided_at": at(1),
        "manufacturer": "LEGO System A/S",
        "origin_code": "DK",
        "origin_name": "Denmark",
        "url": "/p/1/",
    }
    return ProductInfo(**(base | kw))


OPERATOR = OperatorInfo(1, "Alice Co", "91330106X", "Zhejiang", "normal", "Normal", "/e/1/")
PLATFORM = PartyRef(10, "Tmall", "/e/10/")
PLATFORM2 = PartyRef(11, "JD", "/e/11/")
WAREHOUSE = PartyRef(20, "Cainiao", "/e/20/")
ZJ = PartyRef(100, "Zhejiang bureau")
NB = PartyRef(101, "Ningbo bureau")


def route(platform, warehouse, bureau, batches, first, last, lines=None, refused=0) -> Route:
    return Route(
        platform,
        warehouse,
        bureau,
        batches,
        lines or batches,
        Decimal(batches),
        Decimal(10 * batches),
        refused,
        at(first),
        at(last),
    )


def line(batch_id, status="released", batch_status="released", day=3, verified=None, line_no=1) -> LineRow:
    return LineRow(
        batch_id=batch_id,
        batch_no=f"B{batch_id}",
        batch_url=f"/b/{batch_id}/",
        batch_status=batch_status,
        batch_status_label=batch_status,
        line_no=line_no,
        status=status,
        status_label=status,
        tier=3,
        quantity=Decimal(1),
        unit="pcs",
        value=Decimal(10),
        declared_at=at(day),
        verified_at=verified,
        platform_name="Tmall",
        warehouse_name="Cainiao",
        port_bureau_name="Zhejiang bureau",
    )


def full_trace() -> Trace:
    return Trace(
        product=product(),
        operator=OPERATOR,
        routes=[route(PLATFORM, WAREHOUSE, ZJ, 3, 3, 5, refused=1), route(PLATFORM2, None, NB, 1, 4, 4)],
        lines=[
            line(1, day=3),
            line(2, status="refused", batch_status="refused", day=4, verified=at(6)),
            line(3, status="verification_required", batch_status="verification_required", day=5),
        ],
        exports=[ExportRow(1, "EX-1", "US", "United States", Decimal(2), Decimal(20), at(7))],
        destinations=[Destination("US", "United States", 1, Decimal(2), Decimal(20), at(7), at(7))],
        samplings=[
            SamplingRow(1, "S-1", "/s/1/", "Online", "Closed", "fail", "Fail", "ZJ", at(8), at(9), at(8)),
            SamplingRow(2, "S-2", "/s/2/", "Offline", "Sampled", "pending", "Pending", "ZJ", None, None, at(10)),
        ],
        signals=[SignalRow(1, "Small parts", "/g/1/", "Sampling", "high", "High", "New", at(9, 1))],
        partnerships=[
            PartnershipRow("platform", "Platform", 10, "Tmall", "confirmed", "Confirmed", at(0), at(2)),
            PartnershipRow("warehouse", "Warehouse", 20, "Cainiao", "requested", "Requested", at(2), None),
        ],
        totals=Totals(batches=4, lines=4, exports=1, samplings=2, failed_samplings=1, signals=1),
    )


# --- the trace's derived views ---


def test_parties_by_role_are_summed_over_routes_with_their_partnership():
    trace = full_trace()
    platforms = trace.platforms
    assert [u.party.name for u in platforms] == ["Tmall", "JD"]  # most batches first
    assert platforms[0].batches == 3 and platforms[0].partnership.status == "confirmed"
    assert platforms[1].partnership is None
    assert [(u.party.name, u.batches) for u in trace.warehouses] == [("Cainiao", 3)]
    assert trace.warehouses[0].partnership.kind == "warehouse"
    bureaus = trace.port_bureaus
    assert [(u.party.name, u.batches, u.first_at, u.last_at) for u in bureaus] == [
        ("Zhejiang bureau", 3, at(3), at(5)),
        ("Ningbo bureau", 1, at(4), at(4)),
    ]


def test_one_party_on_several_routes_adds_up_and_spans_their_dates():
    trace = Trace(
        product=product(),
        operator=OPERATOR,
        routes=[route(PLATFORM, WAREHOUSE, ZJ, 2, 1, 2), route(PLATFORM, None, NB, 5, 0, 9, lines=7)],
    )
    (use,) = trace.platforms
    assert (use.batches, use.lines, use.first_at, use.last_at) == (7, 9, at(0), at(9))
    assert len(trace.port_bureaus) == 2


def test_truncation_flags_compare_rows_shown_with_totals():
    trace = full_trace()
    assert trace.lines_truncated  # 3 lines shown of 4
    assert not trace.exports_truncated and not trace.samplings_truncated and not trace.signals_truncated
    trace = Trace(product=product(), operator=OPERATOR, lines=[line(1)], totals=Totals(lines=5, exports=0))
    assert trace.lines_truncated and not trace.exports_truncated
    assert trace.batch_count_shown == 1


# --- the timeline ---


def kinds(events):
    return [e.kind for e in events]


def test_timeline_has_every_step_newest_first():
    timeline = build_timeline(full_trace())
    assert timeline.omitted == 0
    assert [e.at for e in timeline.events] == sorted((e.at for e in timeline.events), reverse=True)
    assert kinds(timeline.events) == [
        "sampled",  # S-2, day 10
        "signal_raised",  # day 9 + 1h
        "sampling_failed",  # day 9
        "sampled",  # S-1 day 8
        "export_declared",  # day 7
        "batch_refused",  # verified day 6
        "batch_declared",  # B3 day 5 (awaiting verification: no outcome yet)
        "batch_declared",  # B2 day 4
        "batch_released",  # B1 released on submission, day 3: after its declaration
        "batch_declared",
        "partnership",  # requested day 2 (warehouse, undecided)
        "partnership",  # confirmed day 2
        "approved",
        "filed",
    ]


def test_timeline_texts_and_links():
    events = {(e.kind, e.text): e for e in timeline_events(full_trace())}
    refused = events[("batch_refused", "B2 · line 1: refused")]
    assert refused.url == "/b/2/" and refused.colour == "danger" and refused.at == at(6)
    assert ("batch_declared", "B1 · Zhejiang bureau · Cainiao · Tmall") in events
    assert ("export_declared", "EX-1 → United States") in events
    assert events[("signal_raised", "Small parts · Sampling · High")].url == "/g/1/"
    assert events[("sampling_failed", "S-1")].colour == "danger"
    assert events[("partnership", "Tmall · Confirmed")].at == at(2)
    assert events[("partnership", "Cainiao · Requested")].at == at(2)  # undecided: when requested
    assert events[("approved", "P-1")].label == "Filing approved"


def test_a_pending_sampling_has_only_its_sampling_event_dated_when_created():
    events = [e for e in timeline_events(full_trace()) if e.text.startswith("S-2")]
    assert kinds(events) == ["sampled"] and events[0].at == at(10)


def test_passed_sampling_and_postal_batch():
    trace = Trace(
        product=product(),
        operator=OPERATOR,
        lines=[line(7, status="postal", batch_status="postal")],
        samplings=[SamplingRow(1, "S-9", "", "Online", "Closed", "pass", "Pass", "ZJ", at(2), None, at(1))],
    )
    by_kind = {e.kind: e for e in timeline_events(trace)}
    assert by_kind["sampling_passed"].at == at(2)  # no results date: when sampled
    assert by_kind["batch_released"].colour == "secondary"


def test_undecided_or_refused_filing():
    trace = Trace(product=product(submitted_at=None, decided_at=None), operator=OPERATOR)
    assert timeline_events(trace) == []
    trace = Trace(product=product(status="returned", status_label="Returned", decided_at=at(3)), operator=OPERATOR)
    (filed, decided) = sorted(timeline_events(trace), key=lambda e: e.at)
    assert decided.kind == "decided" and decided.text == "Returned"


def test_several_lines_of_one_batch_make_one_declaration_and_one_outcome():
    trace = Trace(
        product=product(),
        operator=OPERATOR,
        lines=[line(1, line_no=1), line(1, line_no=2, status="refused", batch_status="partially_refused")],
    )
    events = [e for e in timeline_events(trace) if e.kind.startswith("batch")]
    assert kinds(events) == ["batch_declared", "batch_released"]  # the batch status of its first line


def test_timeline_is_capped_with_the_count_left_out():
    trace = Trace(product=product(), operator=OPERATOR, lines=[line(i, day=i) for i in range(1, 11)])
    timeline = build_timeline(trace, limit=5)
    assert len(timeline.events) == 5 and timeline.omitted == 17  # 20 batch events + filed + approved - 5
    assert timeline.events[0].at == at(10)
    assert trace.timeline.omitted == 0  # the default cap


# --- the graph ---


def test_graph_nodes_and_edges_with_counts():
    graph = build_graph(full_trace())
    keys = [n.key for n in graph.nodes]
    assert keys == [
        # left: the operator's partners
        "platform:10",
        "platform:11",
        "warehouse:20",
        # centre: the chain
        "operator",
        "product",
        "origin",
        # right: where the goods went
        "port_bureau:100",
        "port_bureau:101",
        "destination:US",
    ]
    edges = {(e.source, e.target, e.kind): e.count for e in graph.edges}
    assert edges == {
        ("origin", "product", "made_by"): 1,
        ("operator", "product", "files"): 4,
        ("product", "port_bureau:100", "declared_at"): 3,
        ("product", "port_bureau:101", "declared_at"): 1,
        ("operator", "warehouse:20", "stores_with"): 3,
        ("operator", "platform:10", "sells_on"): 3,
        ("operator", "platform:11", "sells_on"): 1,
        ("product", "destination:US", "exported_to"): 1,
    }
    labels = {e.kind: e.label for e in graph.edges}
    assert labels["sells_on"] == "sells on" and labels["exported_to"] == "exported to"
    assert graph.node("platform:10").detail == "3 batches" and graph.node("platform:11").detail == "1 batch"
    assert graph.node("destination:US").detail == "1 declaration"
    assert graph.node("operator").url == "/e/1/" and graph.node("platform:10").url == "/e/10/"


def test_graph_layout_three_columns_centred_vertically():
    graph = build_graph(full_trace())
    columns = {}
    for node in graph.nodes:
        columns.setdefault(node.x, []).append(node.key)
    assert sorted(columns) == [COLUMN_WIDTH / 2, COLUMN_WIDTH * 1.5, COLUMN_WIDTH * 2.5]
    assert graph.width == 3 * COLUMN_WIDTH
    left, centre, right = (columns[x] for x in sorted(columns))
    assert centre == ["operator", "product", "origin"]
    assert set(left) == {"platform:10", "platform:11", "warehouse:20"}
    # the chain runs downwards: operator, product, manufacturer
    assert graph.node("operator").y < graph.node("product").y < graph.node("origin").y
    # every node inside the drawing, the tallest columns filling it
    assert all(0 < n.x < graph.width and 0 < n.y < graph.height for n in graph.nodes)
    assert graph.height == 2 * 28 + 3 * 72
    # equally tall columns are level; nodes of one column evenly spaced
    assert graph.node("platform:10").y == graph.node("operator").y == graph.node("port_bureau:100").y
    assert graph.node("warehouse:20").y - graph.node("platform:11").y == 72


def test_a_shorter_column_is_centred_on_the_tallest():
    trace = full_trace()
    trace.routes = trace.routes[:1]  # one platform, one warehouse, one port bureau
    graph = build_graph(trace)
    # two nodes on the left (platform, warehouse) beside three in the centre: half a row lower
    assert graph.node("platform:10").y == graph.node("operator").y + 36
    assert graph.node("warehouse:20").y == graph.node("product").y + 36


def test_every_edge_joins_the_centre_to_a_neighbour_or_runs_within_it():
    graph = build_graph(full_trace())
    centre_x = graph.node("product").x
    for edge in graph.edges:
        a, b = graph.node(edge.source), graph.node(edge.target)
        assert centre_x in (a.x, b.x)
        assert abs(a.x - b.x) in (0, COLUMN_WIDTH)


def test_edge_paths_run_between_nodes():
    graph = build_graph(full_trace())
    vertical = next(e for e in graph.edges if e.kind == "files")
    assert vertical.path.startswith("M ") and " L " in vertical.path and vertical.anchor == "start"
    curve = next(e for e in graph.edges if e.kind == "sells_on" and e.target == "platform:11")
    assert " C " in curve.path and curve.anchor == "middle"
    operator, platform = graph.node("operator"), graph.node("platform:11")
    assert curve.path.startswith(f"M {platform.x + 16:.1f} {platform.y:.1f}")  # from the left node's right side
    assert curve.label_x == pytest.approx((operator.x - 16 + platform.x + 16) / 2)
    assert curve.label_y == pytest.approx((operator.y + platform.y) / 2)


def test_a_bare_product_has_only_its_operator():
    trace = Trace(product=product(manufacturer="", origin_code="", origin_name=""), operator=OPERATOR)
    graph = build_graph(trace)
    assert [n.key for n in graph.nodes] == ["operator", "product"]
    assert [(e.kind, e.count) for e in graph.edges] == [("files", 0)]
    assert graph.width == 3 * COLUMN_WIDTH  # the product stays in the middle
    assert graph.node("product").x == graph.width / 2
    assert parties_table(graph) == [("Product", [graph.node("product")]), ("Operator", [graph.node("operator")])]


def test_origin_without_manufacturer_is_named_by_its_country():
    graph = build_graph(Trace(product=product(manufacturer=""), operator=OPERATOR))
    assert graph.node("origin").label == "Denmark"


def test_many_parties_fold_into_one_node_with_the_edges_merged():
    routes = [route(PartyRef(i, f"P{i:02d}"), None, ZJ, i, 0, 1) for i in range(1, 13)]
    trace = Trace(product=product(), operator=OPERATOR, routes=routes, totals=Totals(batches=78))
    graph = build_graph(trace, max_nodes=4)
    platforms = [n for n in graph.nodes if n.role == "platform"]
    assert [n.label for n in platforms] == ["P12", "P11", "P10", "9 more"]
    more = platforms[-1]
    assert more.key == "platform:more" and more.count == sum(range(1, 10)) and more.url == ""
    assert "P01" in more.detail
    sells = {e.target: e.count for e in graph.edges if e.kind == "sells_on"}
    assert sells == {"platform:12": 12, "platform:11": 11, "platform:10": 10, "platform:more": 45}
    assert graph.height >= 4 * 72


def test_labels_are_shortened_for_the_drawing_only():
    node = Node("x", "platform", "一" * 40)
    assert len(node.short_label) == LABEL_CHARS and node.short_label.endswith("…")
    assert Node("x", "platform", "short").short_label == "short"
    assert node.role_label == "Platform" and node.colour.startswith("#")


def test_parties_table_groups_in_reading_order_and_edges_into():
    trace = full_trace()
    roles = [role for role, _nodes in trace.parties]
    assert roles == [
        "Product",
        "Operator",
        "Manufacturer and origin",
        "Port bureau",
        "Warehouse",
        "Platform",
        "Export destination",
    ]
    assert {e.kind for e in edges_into(trace.graph, ["platform:10"])} == {"sells_on"}
    assert trace.graph is trace.graph  # computed once
