"""The trace of a product, read from filings and declarations in a fixed number of queries.

``product_trace(product, user)`` answers a ``traceability.trace_graph.Trace``: the product and its
operator; the routes its import lines took (platform, warehouse and port bureau, with counts and
sums); the newest lines with their batches; its export declarations (the newest, and totals per
destination); samplings and risk signals about it; and the operator's partnerships with the
platforms and warehouses its batches name. Ten queries whatever the volume: every list is capped at
``limit`` rows (the newest), every total is an aggregate, and only the columns shown are read.

Built for one reader: each kind of row goes through its model's ``visible_to(user)`` (a batch another
bureau handled, an export declaration of an enterprise outside the jurisdiction, a signal an
enterprise may not read are left out, with their counts). The product itself is the caller's to
check (the page looks it up through ``ProductFiling.objects.visible_to``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import get_language
from django_countries import countries

from filings.choices import FilingStatus, SupervisionLevel
from filings.models import ProductFiling
from imports.choices import BatchStatus, ItemStatus
from imports.models import ExportDeclaration, ImportBatch, ImportItem
from partnerships.choices import PartnershipKind, PartnershipStatus
from partnerships.models import Partnership
from risk_monitoring.choices import (
    SamplingChannel,
    SamplingStatus,
    SamplingVerdict,
    Severity,
    SignalSource,
    SignalStatus,
)
from risk_monitoring.models import RiskSignal, Sampling
from traceability.trace_graph import (
    ROW_LIMIT,
    Destination,
    ExportRow,
    LineRow,
    OperatorInfo,
    PartnershipRow,
    PartyRef,
    ProductInfo,
    Route,
    SamplingRow,
    SignalRow,
    Totals,
    Trace,
)

if TYPE_CHECKING:
    from accounts.models import User
    from traceability.models import Investigation

ZERO = Decimal(0)


def _english() -> bool:
    return not (get_language() or "").lower().startswith("zh")


def _bureau_name(row: Mapping[str, Any], prefix: str, english: bool | None = None) -> str:
    """A bureau's name in the reader's language, from ``<prefix>name`` and ``<prefix>name_en``."""
    name = row.get(f"{prefix}name") or ""
    return (row.get(f"{prefix}name_en") or name) if (_english() if english is None else english) else name


def _label(choices: Any, value: Any) -> str:
    return str(dict(choices).get(value, value or ""))


def _labels(choices: Any) -> Callable[[Any], str]:
    """``_label`` for many rows: the choices translated once."""
    translated = {key: str(label) for key, label in choices}
    return lambda value: translated.get(value, value or "")


_PLACEHOLDER = 918273645


def _url_of(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for many rows: reversed once, the id put in by each call."""
    head, tail = reverse(name, args=[_PLACEHOLDER]).split(str(_PLACEHOLDER))
    return lambda pk: f"{head}{pk}{tail}"


def _enterprise_url(pk: int) -> str:
    return reverse("filings:enterprise_detail", args=[pk])


def _visible_batches(user: User) -> Q:
    """Lines on batches ``user`` may see (no condition for headquarters)."""
    if user.is_hq:
        return Q()
    return Q(batch__in=ImportBatch.objects.visible_to(user).values("pk"))


def product_trace(product: ProductFiling | int, user: User, *, limit: int = ROW_LIMIT) -> Trace:
    """The trace of ``product`` as ``user`` may read it (see the module's docstring)."""
    pk = product if isinstance(product, int) else product.pk
    # 1. the product and its operator
    row = (
        ProductFiling.objects.filter(pk=pk)
        .values(
            "pk",
            "name",
            "brand",
            "model",
            "status",
            "filing_no",
            "submitted_at",
            "decided_at",
            "manufacturer",
            "origin_country",
            "enterprise_id",
            "enterprise__name",
            "enterprise__uscc",
            "enterprise__supervision_level",
            "enterprise__bureau__name",
            "enterprise__bureau__name_en",
        )
        .get()
    )
    origin = str(row["origin_country"] or "")
    info = ProductInfo(
        id=pk,
        name=row["name"],
        brand=row["brand"],
        model=row["model"],
        status=row["status"],
        status_label=_label(FilingStatus.choices, row["status"]),
        filing_no=row["filing_no"] or "",
        submitted_at=row["submitted_at"],
        decided_at=row["decided_at"],
        manufacturer=row["manufacturer"],
        origin_code=origin,
        origin_name=str(countries.name(origin)) if origin else "",
        url=reverse("filings:product_detail", args=[pk]),
    )
    operator_id = row["enterprise_id"]
    operator = OperatorInfo(
        id=operator_id,
        name=row["enterprise__name"],
        uscc=row["enterprise__uscc"],
        bureau_name=_bureau_name(row, "enterprise__bureau__"),
        supervision_level=row["enterprise__supervision_level"],
        supervision_label=_label(SupervisionLevel.choices, row["enterprise__supervision_level"]),
        url=_enterprise_url(operator_id),
    )
    items = ImportItem.objects.filter(_visible_batches(user), product_id=pk)
    routes = _routes(items)
    lines = _lines(items, limit)
    exports_qs = ExportDeclaration.objects.visible_to(user).filter(product_id=pk)
    exports, destinations = _exports(exports_qs, limit)
    samplings_qs = Sampling.objects.visible_to(user).filter(product_id=pk)
    samplings, sampling_totals = _samplings(samplings_qs, limit)
    linked = RiskSignal.products.through.objects.filter(productfiling_id=pk).values("risksignal_id")
    signals_qs = RiskSignal.objects.visible_to(user).filter(pk__in=linked)
    signals, signal_count = _signals(signals_qs, limit)
    partner_ids = {r.platform.id for r in routes if r.platform} | {r.warehouse.id for r in routes if r.warehouse}
    partnerships = _partnerships(user, operator_id, partner_ids)
    totals = Totals(
        batches=sum(r.batches for r in routes),
        lines=sum(r.lines for r in routes),
        quantity=sum((r.quantity for r in routes), ZERO),
        value=sum((r.value for r in routes), ZERO),
        refused_lines=sum(r.refused_lines for r in routes),
        exports=sum(d.declarations for d in destinations),
        export_quantity=sum((d.quantity for d in destinations), ZERO),
        export_value=sum((d.value for d in destinations), ZERO),
        samplings=sampling_totals["total"],
        failed_samplings=sampling_totals["failed"],
        signals=signal_count,
    )
    return Trace(
        product=info,
        operator=operator,
        routes=routes,
        lines=lines,
        exports=exports,
        destinations=destinations,
        samplings=samplings,
        signals=signals,
        partnerships=partnerships,
        totals=totals,
        limit=limit,
    )


#: the products of a case whose traces its page draws (the others open from their own trace page)
CASE_TRACES = 3


def investigation_traces(
    investigation: Investigation, user: User, *, limit: int = ROW_LIMIT, products: int = CASE_TRACES
) -> list[Trace]:
    """The traces of the first ``products`` of an investigation's products the reader may see (one query
    for the products, then ten per product: a bounded number whatever the case holds)."""
    visible = ProductFiling.objects.visible_to(user).values("pk")
    pks = list(investigation.products.filter(pk__in=visible).order_by("pk").values_list("pk", flat=True)[:products])
    return [product_trace(pk, user, limit=limit) for pk in pks]


def _routes(items: QuerySet[ImportItem]) -> list[Route]:
    # 2. per (platform, warehouse, port bureau): the batches and lines, sums and first and last dates
    rows = (
        items.order_by()
        .values(
            "batch__platform_id",
            "batch__platform__name",
            "batch__warehouse_id",
            "batch__warehouse__name",
            "batch__port_bureau_id",
            "batch__port_bureau__name",
            "batch__port_bureau__name_en",
        )
        .annotate(
            n_batches=Count("batch_id", distinct=True),
            n_lines=Count("pk"),
            total_quantity=Sum("quantity"),
            total_value=Sum("value_cny"),
            refused=Count("pk", filter=Q(status=ItemStatus.REFUSED)),
            first=Min("batch__created_at"),
            last=Max("batch__created_at"),
        )
    )
    routes = []
    enterprise_url, english = _url_of("filings:enterprise_detail"), _english()
    for r in rows:
        platform_id, warehouse_id = r["batch__platform_id"], r["batch__warehouse_id"]
        routes.append(
            Route(
                platform=PartyRef(platform_id, r["batch__platform__name"], enterprise_url(platform_id))
                if platform_id
                else None,
                warehouse=PartyRef(warehouse_id, r["batch__warehouse__name"], enterprise_url(warehouse_id))
                if warehouse_id
                else None,
                port_bureau=PartyRef(r["batch__port_bureau_id"], _bureau_name(r, "batch__port_bureau__", english)),
                batches=r["n_batches"],
                lines=r["n_lines"],
                quantity=r["total_quantity"] or ZERO,
                value=r["total_value"] or ZERO,
                refused_lines=r["refused"],
                first_at=r["first"],
                last_at=r["last"],
            )
        )
    return sorted(routes, key=lambda r: (-r.batches, r.port_bureau.id, r.platform.id if r.platform else 0))


def _lines(items: QuerySet[ImportItem], limit: int) -> list[LineRow]:
    # 3. the newest lines, with their batches
    rows = items.order_by("-batch__created_at", "-batch_id", "line_no").values(
        "batch_id",
        "batch__batch_no",
        "batch__status",
        "batch__created_at",
        "batch__verification__decided_at",
        "batch__platform__name",
        "batch__warehouse__name",
        "batch__port_bureau__name",
        "batch__port_bureau__name_en",
        "line_no",
        "status",
        "tier",
        "quantity",
        "unit",
        "value_cny",
    )[:limit]
    batch_labels = {k: str(v) for k, v in BatchStatus.choices}
    item_labels = {k: str(v) for k, v in ItemStatus.choices}
    batch_url, english = _url_of("imports:batch_detail"), _english()
    return [
        LineRow(
            batch_id=r["batch_id"],
            batch_no=r["batch__batch_no"],
            batch_url=batch_url(r["batch_id"]),
            batch_status=r["batch__status"],
            batch_status_label=batch_labels.get(r["batch__status"], r["batch__status"]),
            line_no=r["line_no"],
            status=r["status"],
            status_label=item_labels.get(r["status"], r["status"]),
            tier=r["tier"],
            quantity=r["quantity"],
            unit=r["unit"],
            value=r["value_cny"],
            declared_at=r["batch__created_at"],
            verified_at=r["batch__verification__decided_at"],
            platform_name=r["batch__platform__name"] or "",
            warehouse_name=r["batch__warehouse__name"] or "",
            port_bureau_name=_bureau_name(r, "batch__port_bureau__", english),
        )
        for r in rows
    ]


def _exports(exports: QuerySet[ExportDeclaration], limit: int) -> tuple[list[ExportRow], list[Destination]]:
    # 4. the newest export declarations; 5. per destination
    rows = exports.order_by("-created_at", "-id").values(
        "pk", "order_no", "destination_country", "quantity", "value_cny", "created_at"
    )[:limit]
    shown = [
        ExportRow(
            id=r["pk"],
            order_no=r["order_no"],
            destination_code=str(r["destination_country"]),
            destination_name=str(countries.name(r["destination_country"])),
            quantity=r["quantity"],
            value=r["value_cny"],
            declared_at=r["created_at"],
        )
        for r in rows
    ]
    per_country = (
        exports.order_by()
        .values("destination_country")
        .annotate(n=Count("pk"), q=Sum("quantity"), v=Sum("value_cny"), first=Min("created_at"), last=Max("created_at"))
    )
    destinations = [
        Destination(
            code=str(r["destination_country"]),
            name=str(countries.name(r["destination_country"])),
            declarations=r["n"],
            quantity=r["q"] or ZERO,
            value=r["v"] or ZERO,
            first_at=r["first"],
            last_at=r["last"],
        )
        for r in per_country
    ]
    return shown, sorted(destinations, key=lambda d: (-d.declarations, d.code))


def _samplings(samplings: QuerySet[Sampling], limit: int) -> tuple[list[SamplingRow], dict[str, int]]:
    # 6. the newest samplings; 7. how many, how many failed
    rows = samplings.order_by("-created_at", "-id").values(
        "pk",
        "sampling_no",
        "channel",
        "status",
        "verdict",
        "bureau__name",
        "bureau__name_en",
        "sampled_at",
        "results_entered_at",
        "created_at",
    )[:limit]
    url, english = _url_of("risk_monitoring:sampling_detail"), _english()
    channel, status, verdict = (
        _labels(SamplingChannel.choices),
        _labels(SamplingStatus.choices),
        _labels(SamplingVerdict.choices),
    )
    shown = [
        SamplingRow(
            id=r["pk"],
            sampling_no=r["sampling_no"],
            url=url(r["pk"]),
            channel_label=channel(r["channel"]),
            status_label=status(r["status"]),
            verdict=r["verdict"],
            verdict_label=verdict(r["verdict"]),
            bureau_name=_bureau_name(r, "bureau__", english),
            sampled_at=r["sampled_at"],
            results_at=r["results_entered_at"],
            created_at=r["created_at"],
        )
        for r in rows
    ]
    totals = samplings.order_by().aggregate(
        total=Count("pk"), failed=Count("pk", filter=Q(verdict=SamplingVerdict.FAIL))
    )
    return shown, {"total": totals["total"] or 0, "failed": totals["failed"] or 0}


def _signals(signals: QuerySet[RiskSignal], limit: int) -> tuple[list[SignalRow], int]:
    # 8. the newest signals; 9. how many
    rows = signals.order_by("-created_at", "-id").values("pk", "title", "source", "severity", "status", "created_at")[
        :limit
    ]
    url = _url_of("risk_monitoring:signal_detail")
    source, severity, status = _labels(SignalSource.choices), _labels(Severity.choices), _labels(SignalStatus.choices)
    shown = [
        SignalRow(
            id=r["pk"],
            title=r["title"],
            url=url(r["pk"]),
            source_label=source(r["source"]),
            severity=r["severity"],
            severity_label=severity(r["severity"]),
            status_label=status(r["status"]),
            created_at=r["created_at"],
        )
        for r in rows
    ]
    return shown, signals.order_by().count()


def _partnerships(user: User, operator_id: int, partner_ids: set[int]) -> list[PartnershipRow]:
    # 10. the operator's partnerships with the platforms and warehouses its batches name (an operator
    # has a few: all of them are read, so the query is made even when no batch names a partner)
    rows = (
        Partnership.objects.visible_to(user)
        .filter(operator_id=operator_id)
        .order_by("-requested_at", "-id")
        .values("kind", "partner_id", "partner__name", "status", "requested_at", "decided_at")
    )
    latest: dict[tuple[str, int], PartnershipRow] = {}
    for r in rows:
        key = (r["kind"], r["partner_id"])
        if key in latest or r["partner_id"] not in partner_ids:
            continue  # an older, ended partnership with the same partner
        latest[key] = PartnershipRow(
            kind=r["kind"],
            kind_label=_label(PartnershipKind.choices, r["kind"]),
            partner_id=r["partner_id"],
            partner_name=r["partner__name"],
            status=r["status"],
            status_label=_label(PartnershipStatus.choices, r["status"]),
            requested_at=r["requested_at"],
            decided_at=r["decided_at"],
        )
    return list(latest.values())
