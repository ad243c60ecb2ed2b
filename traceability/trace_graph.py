"""A product's trace as plain data, and what the pages draw from it: a timeline and a graph of parties.

No database here: ``traceability.trace.product_trace`` reads the rows (a fixed number of queries) and
fills these dataclasses; this module turns them into a date-ordered list of events and into a graph
(nodes, edges and a computed layout, drawn as an inline SVG by ``templates/traceability/_trace.html``).

The graph is laid out in three columns: in the centre the chain operator → product → manufacturer
and origin; on the left the operator's partners (platforms, warehouses); on the right where the goods
went (port bureaus, export destinations). Each side shows at most ``MAX_NODES_PER_COLUMN`` parties of
a role (those with the most batches or declarations); the others are folded into one "N more" node.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

#: rows of each kind a trace shows (the newest); totals come from aggregates over every row
ROW_LIMIT = 200
#: events a timeline shows (the newest)
TIMELINE_LIMIT = 200
#: parties a column of the graph shows before the rest are folded into one node
MAX_NODES_PER_COLUMN = 8

# Layout of the graph, in SVG user units.
COLUMN_WIDTH = 240
ROW_HEIGHT = 72
MARGIN_Y = 28
NODE_RADIUS = 16
LABEL_CHARS = 20


# --- the trace --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyRef:
    """An enterprise or a bureau on the trace: what the pages name and link."""

    id: int
    name: str
    url: str = ""


@dataclass(frozen=True)
class ProductInfo:
    id: int
    name: str
    brand: str
    model: str
    status: str
    status_label: str
    filing_no: str
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    manufacturer: str
    origin_code: str
    origin_name: str
    url: str


@dataclass(frozen=True)
class OperatorInfo:
    id: int
    name: str
    uscc: str
    bureau_name: str
    supervision_level: str
    supervision_label: str
    url: str


@dataclass(frozen=True)
class Route:
    """The product's lines on batches that went one way: one platform, warehouse and port bureau."""

    platform: PartyRef | None
    warehouse: PartyRef | None
    port_bureau: PartyRef
    batches: int
    lines: int
    quantity: Decimal
    value: Decimal
    refused_lines: int
    first_at: dt.datetime
    last_at: dt.datetime


@dataclass(frozen=True)
class LineRow:
    """One declared line of the product, with its batch."""

    batch_id: int
    batch_no: str
    batch_url: str
    batch_status: str
    batch_status_label: str
    line_no: int
    status: str
    status_label: str
    tier: int | None
    quantity: Decimal
    unit: str
    value: Decimal
    declared_at: dt.datetime
    #: when the batch's on-site verification was decided (None: decided on submission, or pending)
    verified_at: dt.datetime | None
    platform_name: str
    warehouse_name: str
    port_bureau_name: str


@dataclass(frozen=True)
class ExportRow:
    id: int
    order_no: str
    destination_code: str
    destination_name: str
    quantity: Decimal
    value: Decimal
    declared_at: dt.datetime


@dataclass(frozen=True)
class Destination:
    """The product's export declarations to one country."""

    code: str
    name: str
    declarations: int
    quantity: Decimal
    value: Decimal
    first_at: dt.datetime
    last_at: dt.datetime


@dataclass(frozen=True)
class SamplingRow:
    id: int
    sampling_no: str
    url: str
    channel_label: str
    status_label: str
    verdict: str
    verdict_label: str
    bureau_name: str
    sampled_at: dt.datetime | None
    results_at: dt.datetime | None
    created_at: dt.datetime


@dataclass(frozen=True)
class SignalRow:
    id: int
    title: str
    url: str
    source_label: str
    severity: str
    severity_label: str
    status_label: str
    created_at: dt.datetime


@dataclass(frozen=True)
class PartnershipRow:
    """The operator's partnership with a platform or warehouse its batches name."""

    kind: str
    kind_label: str
    partner_id: int
    partner_name: str
    status: str
    status_label: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None


@dataclass(frozen=True)
class Totals:
    """Counts and sums over every row the reader may see (not only the rows shown)."""

    batches: int = 0
    lines: int = 0
    quantity: Decimal = Decimal(0)
    value: Decimal = Decimal(0)
    refused_lines: int = 0
    exports: int = 0
    export_quantity: Decimal = Decimal(0)
    export_value: Decimal = Decimal(0)
    samplings: int = 0
    failed_samplings: int = 0
    signals: int = 0


@dataclass(frozen=True)
class PartyUse:
    """A party of one role and how much of the product went through it."""

    party: PartyRef
    batches: int
    lines: int
    first_at: dt.datetime
    last_at: dt.datetime
    partnership: PartnershipRow | None = None


@dataclass
class Trace:
    """The chain from a product to its operator, the parties and batches that carried it, its exports,
    samplings and risk signals, as one reader may see them. Row lists hold the newest ``limit`` rows."""

    product: ProductInfo
    operator: OperatorInfo
    routes: list[Route] = field(default_factory=list)
    lines: list[LineRow] = field(default_factory=list)
    exports: list[ExportRow] = field(default_factory=list)
    destinations: list[Destination] = field(default_factory=list)
    samplings: list[SamplingRow] = field(default_factory=list)
    signals: list[SignalRow] = field(default_factory=list)
    partnerships: list[PartnershipRow] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)
    limit: int = ROW_LIMIT

    def _uses(self, role: str) -> list[PartyUse]:
        by_party: dict[int, list[Route]] = defaultdict(list)
        parties: dict[int, PartyRef] = {}
        for route in self.routes:
            party = getattr(route, role)
            if party is not None:
                by_party[party.id].append(route)
                parties[party.id] = party
        kind = {"platform": "platform", "warehouse": "warehouse"}.get(role)
        partnerships = {p.partner_id: p for p in self.partnerships if p.kind == kind}
        uses = [
            PartyUse(
                party=parties[pk],
                batches=sum(r.batches for r in routes),
                lines=sum(r.lines for r in routes),
                first_at=min(r.first_at for r in routes),
                last_at=max(r.last_at for r in routes),
                partnership=partnerships.get(pk),
            )
            for pk, routes in by_party.items()
        ]
        return sorted(uses, key=lambda u: (-u.batches, u.party.name, u.party.id))

    @property
    def platforms(self) -> list[PartyUse]:
        return self._uses("platform")

    @property
    def warehouses(self) -> list[PartyUse]:
        return self._uses("warehouse")

    @property
    def port_bureaus(self) -> list[PartyUse]:
        return self._uses("port_bureau")

    @property
    def batch_count_shown(self) -> int:
        return len({line.batch_id for line in self.lines})

    @property
    def lines_truncated(self) -> bool:
        return self.totals.lines > len(self.lines)

    @property
    def exports_truncated(self) -> bool:
        return self.totals.exports > len(self.exports)

    @property
    def samplings_truncated(self) -> bool:
        return self.totals.samplings > len(self.samplings)

    @property
    def signals_truncated(self) -> bool:
        return self.totals.signals > len(self.signals)

    # What the pages draw (``templates/traceability/_trace.html`` takes only the trace).

    @cached_property
    def timeline(self) -> Timeline:
        return build_timeline(self)

    @cached_property
    def graph(self) -> Graph:
        return build_graph(self)

    @cached_property
    def parties(self) -> list[tuple[str, list[Node]]]:
        return parties_table(self.graph)


# --- the timeline -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    at: dt.datetime
    kind: str
    label: str
    text: str
    colour: str
    url: str = ""


@dataclass(frozen=True)
class Timeline:
    """Events newest first; ``omitted`` older events were left out (beyond ``TIMELINE_LIMIT``)."""

    events: list[Event]
    omitted: int


#: batch statuses that close a batch, and the event each gives
_BATCH_OUTCOMES = {
    "released": ("batch_released", _("Batch released"), "success"),
    "refused": ("batch_refused", _("Batch refused entry"), "danger"),
    "partially_refused": ("batch_refused", _("Batch partially refused"), "danger"),
    "postal": ("batch_released", _("Batch routed to the postal regime"), "secondary"),
}
#: the order of events at the same instant: the earlier step of a chain first (newest first: reversed)
_KIND_ORDER = {
    "filed": 0,
    "approved": 1,
    "decided": 1,
    "partnership": 2,
    "batch_declared": 3,
    "batch_released": 4,
    "batch_refused": 4,
    "export_declared": 5,
    "sampled": 6,
    "sampling_passed": 7,
    "sampling_failed": 7,
    "signal_raised": 8,
}


def timeline_events(trace: Trace) -> list[Event]:
    """Every event the trace's rows give, in no particular order."""
    events: list[Event] = []
    product = trace.product
    if product.submitted_at is not None:
        events.append(
            Event(product.submitted_at, "filed", str(_("Product filed")), product.name, "primary", product.url)
        )
    if product.decided_at is not None:
        if product.status == "approved":
            events.append(
                Event(
                    product.decided_at, "approved", str(_("Filing approved")), product.filing_no, "success", product.url
                )
            )
        else:
            events.append(
                Event(
                    product.decided_at,
                    "decided",
                    str(_("Filing decided")),
                    product.status_label,
                    "warning",
                    product.url,
                )
            )
    for p in trace.partnerships:
        events.append(
            Event(
                p.decided_at or p.requested_at,
                "partnership",
                str(_("Partnership: %(kind)s") % {"kind": p.kind_label}),
                f"{p.partner_name} · {p.status_label}",
                "success" if p.status == "confirmed" else "secondary",
            )
        )
    # labels translated once, not once per row: a trace holds hundreds of rows
    declared, line_state = str(_("Batch declared")), str(_("line %(no)s: %(status)s"))
    outcomes = {status: (kind, str(label), colour) for status, (kind, label, colour) in _BATCH_OUTCOMES.items()}
    exported, raised = str(_("Export declared")), str(_("Risk signal raised"))
    sampled, failed_label, passed_label = str(_("Sampled")), str(_("Sampling failed")), str(_("Sampling passed"))
    batches: dict[int, list[LineRow]] = defaultdict(list)
    for line in trace.lines:
        batches[line.batch_id].append(line)
    for lines in batches.values():
        first = lines[0]
        where = " · ".join(n for n in (first.port_bureau_name, first.warehouse_name, first.platform_name) if n)
        text = f"{first.batch_no} · {where}" if where else first.batch_no
        events.append(Event(first.declared_at, "batch_declared", declared, text, "primary", first.batch_url))
        outcome = outcomes.get(first.batch_status)
        if outcome is not None:
            kind, label, colour = outcome
            line_states = ", ".join(line_state % {"no": line.line_no, "status": line.status_label} for line in lines)
            events.append(
                Event(
                    first.verified_at or first.declared_at,
                    kind,
                    label,
                    f"{first.batch_no} · {line_states}",
                    colour,
                    first.batch_url,
                )
            )
    for e in trace.exports:
        events.append(
            Event(
                e.declared_at,
                "export_declared",
                exported,
                f"{e.order_no} → {e.destination_name or e.destination_code}",
                "info",
            )
        )
    for s in trace.samplings:
        events.append(
            Event(
                s.sampled_at or s.created_at,
                "sampled",
                sampled,
                f"{s.sampling_no} · {s.channel_label} · {s.bureau_name}",
                "primary",
                s.url,
            )
        )
        if s.verdict in ("pass", "fail"):
            failed = s.verdict == "fail"
            events.append(
                Event(
                    s.results_at or s.sampled_at or s.created_at,
                    "sampling_failed" if failed else "sampling_passed",
                    failed_label if failed else passed_label,
                    s.sampling_no,
                    "danger" if failed else "success",
                    s.url,
                )
            )
    for g in trace.signals:
        text = f"{g.title} · {g.source_label}" + (f" · {g.severity_label}" if g.severity_label else "")
        events.append(Event(g.created_at, "signal_raised", raised, text, "warning", g.url))
    return events


def build_timeline(trace: Trace, limit: int = TIMELINE_LIMIT) -> Timeline:
    """The trace's events, newest first (at one instant the later step of a chain first), at most ``limit``."""
    events = sorted(timeline_events(trace), key=lambda e: (e.at, _KIND_ORDER.get(e.kind, 99), e.text), reverse=True)
    return Timeline(events=events[:limit], omitted=max(0, len(events) - limit))


# --- the graph --------------------------------------------------------------------------------------

#: what a node of each role is called
ROLE_LABELS = {
    "origin": _("Manufacturer and origin"),
    "operator": _("Operator"),
    "product": _("Product"),
    "port_bureau": _("Port bureau"),
    "warehouse": _("Warehouse"),
    "platform": _("Platform"),
    "destination": _("Export destination"),
}


@dataclass
class Node:
    key: str
    role: str
    label: str
    detail: str = ""
    url: str = ""
    count: int = 0
    x: float = 0.0
    y: float = 0.0

    @property
    def short_label(self) -> str:
        return self.label if len(self.label) <= LABEL_CHARS else self.label[: LABEL_CHARS - 1] + "…"

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(self.role, self.role))

    @property
    def colour(self) -> str:
        return ROLE_COLOURS.get(self.role, "#6c757d")


@dataclass
class Edge:
    source: str
    target: str
    kind: str
    label: str
    count: int = 0
    path: str = ""
    label_x: float = 0.0
    label_y: float = 0.0
    #: ``text-anchor`` of the label: beside a vertical edge ("start"), on a curve ("middle")
    anchor: str = "middle"


@dataclass
class Graph:
    nodes: list[Node]
    edges: list[Edge]
    width: int
    height: int

    def node(self, key: str) -> Node:
        return next(n for n in self.nodes if n.key == key)


#: the fill of a node of each role (Bootstrap's palette)
ROLE_COLOURS = {
    "origin": "#6c757d",
    "operator": "#6f42c1",
    "product": "#0d6efd",
    "port_bureau": "#198754",
    "warehouse": "#fd7e14",
    "platform": "#0dcaf0",
    "destination": "#20c997",
}

EDGE_LABELS = {
    "made_by": _("made by"),
    "files": _("files and sells"),
    "declared_at": _("declared at"),
    "stores_with": _("stores with"),
    "sells_on": _("sells on"),
    "exported_to": _("exported to"),
}


def _batches(count: int) -> str:
    return ngettext("%(count)d batch", "%(count)d batches", count) % {"count": count}


def _fold(nodes: list[Node], role: str, limit: int) -> tuple[list[Node], dict[str, str]]:
    """The ``limit`` nodes with the highest counts, the rest folded into one; and where each key went."""
    ordered = sorted(nodes, key=lambda n: (-n.count, n.label, n.key))
    if len(ordered) <= limit:
        return ordered, {n.key: n.key for n in ordered}
    kept, rest = ordered[: limit - 1], ordered[limit - 1 :]
    more = Node(
        key=f"{role}:more",
        role=role,
        label=ngettext("%(count)d more", "%(count)d more", len(rest)) % {"count": len(rest)},
        detail=", ".join(n.label for n in rest),
        count=sum(n.count for n in rest),
    )
    moved = {n.key: n.key for n in kept} | {n.key: more.key for n in rest}
    return [*kept, more], moved


def build_graph(trace: Trace, max_nodes: int = MAX_NODES_PER_COLUMN) -> Graph:
    """The parties of the trace as nodes in three columns, and how they are linked, laid out.

    The centre column is the chain operator → product → manufacturer and origin; on the left, the
    operator's partners (the platforms it sells on, the warehouses it stores with); on the right, where
    the product went (the port bureaus its batches were declared at, the countries it was exported to).
    Every edge joins the centre to a neighbouring column (or two nodes of the centre), so none crosses
    a node.
    """
    product, operator = trace.product, trace.operator
    groups: dict[str, list[Node]] = {role: [] for role in ("platform", "warehouse", "port_bureau", "destination")}
    edges: dict[tuple[str, str, str], int] = defaultdict(int)
    centre = [
        Node("operator", "operator", operator.name, operator.uscc, operator.url, count=trace.totals.batches),
        Node(
            "product",
            "product",
            product.name,
            " ".join(p for p in (product.brand, product.model) if p),
            product.url,
            count=trace.totals.lines,
        ),
    ]
    edges[("operator", "product", "files")] += trace.totals.batches
    if product.manufacturer or product.origin_code:
        centre.append(
            Node("origin", "origin", product.manufacturer or product.origin_name, product.origin_name, count=1)
        )
        edges[("origin", "product", "made_by")] += 1
    for role, uses, source, kind in (
        ("platform", trace.platforms, "operator", "sells_on"),
        ("warehouse", trace.warehouses, "operator", "stores_with"),
        ("port_bureau", trace.port_bureaus, "product", "declared_at"),
    ):
        for use in uses:
            key = f"{role}:{use.party.id}"
            groups[role].append(Node(key, role, use.party.name, _batches(use.batches), use.party.url, use.batches))
            edges[(source, key, kind)] += use.batches
    for d in trace.destinations:
        key = f"destination:{d.code}"
        detail = ngettext("%(count)d declaration", "%(count)d declarations", d.declarations) % {"count": d.declarations}
        groups["destination"].append(Node(key, "destination", d.name or d.code, detail, count=d.declarations))
        edges[("product", key, "exported_to")] += d.declarations

    moved: dict[str, str] = {"origin": "origin", "operator": "operator", "product": "product"}
    for role in groups:
        groups[role], where = _fold(groups[role], role, max_nodes)
        moved |= where
    merged: dict[tuple[str, str, str], int] = defaultdict(int)
    for (source, target, kind), count in edges.items():
        merged[(moved[source], moved[target], kind)] += count

    columns = [groups["platform"] + groups["warehouse"], centre, groups["port_bureau"] + groups["destination"]]
    rows = max(len(column) for column in columns)
    height = 2 * MARGIN_Y + rows * ROW_HEIGHT
    nodes: list[Node] = []
    for index, column in enumerate(columns):
        x = COLUMN_WIDTH * index + COLUMN_WIDTH / 2
        top = MARGIN_Y + (rows - len(column)) * ROW_HEIGHT / 2
        for row, node in enumerate(column):
            node.x, node.y = x, top + row * ROW_HEIGHT + ROW_HEIGHT / 2 - 8
            nodes.append(node)
    positions = {n.key: n for n in nodes}
    graph_edges = [
        _edge(positions[source], positions[target], kind, count) for (source, target, kind), count in merged.items()
    ]
    return Graph(nodes=nodes, edges=graph_edges, width=COLUMN_WIDTH * len(columns), height=int(height))


def _edge(a: Node, b: Node, kind: str, count: int) -> Edge:
    """A curve from ``a`` to ``b`` (a straight line within one column), with its label at the middle."""
    r = NODE_RADIUS
    if a.x == b.x:
        top, bottom = (a, b) if a.y < b.y else (b, a)
        path = f"M {top.x:.1f} {top.y + r:.1f} L {bottom.x:.1f} {bottom.y - r:.1f}"
        mx, my, anchor = a.x + 6, (a.y + b.y) / 2 + 4, "start"
    else:
        left, right = (a, b) if a.x < b.x else (b, a)
        x1, x2 = left.x + r, right.x - r
        mid = (x1 + x2) / 2
        path = f"M {x1:.1f} {left.y:.1f} C {mid:.1f} {left.y:.1f}, {mid:.1f} {right.y:.1f}, {x2:.1f} {right.y:.1f}"
        mx, my, anchor = mid, (left.y + right.y) / 2, "middle"
    label = str(EDGE_LABELS.get(kind, kind))
    return Edge(a.key, b.key, kind, label, count, path, round(mx, 1), round(my, 1), anchor)


def parties_table(graph: Graph) -> list[tuple[str, list[Node]]]:
    """The graph's nodes grouped by role, in column order: the text alternative to the drawing."""
    grouped: dict[str, list[Node]] = defaultdict(list)
    for node in graph.nodes:
        grouped[node.role].append(node)
    order = ("product", "operator", "origin", "port_bureau", "warehouse", "platform", "destination")
    return [(str(ROLE_LABELS[role]), grouped[role]) for role in order if grouped.get(role)]


def edges_into(graph: Graph, keys: Iterable[str]) -> list[Edge]:
    """The edges touching any of ``keys``."""
    wanted = set(keys)
    return [e for e in graph.edges if e.source in wanted or e.target in wanted]
