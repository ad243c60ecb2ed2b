"""The sections of the half-yearly figures (``reports.figures.compute`` assembles them).

Every function runs a fixed, small number of set-based queries (COUNT / SUM with ``filter=``, GROUP BY
through ``values().annotate()``) whatever the number of rows; Python only reshapes the few grouped rows.

A record counts for the bureau responsible for it (its scope path below) and for the moment of its event
inside the window ``[lo, hi)``: ``hi`` is the end of the period, or the moment of computing when earlier.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Avg,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce

from accounts.models import Bureau
from anticounterfeit.models import CounterfeitCase, CounterfeitLead
from cbec_supervision.models import AuditEvent
from filings.choices import EnterpriseType, FilingStatus
from filings.models import EnterpriseFiling, ProductFiling
from imports.models import ExportDeclaration, ImportBatch, ImportItem
from reports.periods import SHANGHAI
from risk_monitoring.choices import SamplingVerdict
from risk_monitoring.models import RiskSignal, Sampling, SamplingResult
from traceability.choices import InvestigationEventKind
from traceability.models import Investigation, InvestigationEvent, Measure

Window = tuple[dt.datetime, dt.datetime]
TIERS = ("1", "2", "3")
CENT = Decimal("0.01")


# --- helpers ---------------------------------------------------------------------------------------


def scope(path: str, bureau: Bureau | None) -> Q:
    """The records whose responsible bureau (at ``path``) is in ``bureau``'s jurisdiction; all if None."""
    if bureau is None:
        return Q()
    return Q(**{f"{path}__in": Bureau.objects.jurisdiction_of(bureau)})


def within(path: str, window: Window) -> Q:
    lo, hi = window
    return Q(**{f"{path}__gte": lo, f"{path}__lt": hi})


def money(value: Decimal | None) -> str:
    return str((value or Decimal(0)).quantize(CENT))


def grouped(rows: Any) -> list[dict[str, Any]]:
    """The rows of a GROUP BY query (a handful: one per group), as plain dicts."""
    return list(rows)


def iso(moment: dt.datetime | None) -> str | None:
    """An ISO datetime in Asia/Shanghai (the time the bureaus read)."""
    return moment.astimezone(SHANGHAI).isoformat() if moment is not None else None


def ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


class Median(Func):
    """PostgreSQL's median of a numeric expression (an ordered-set aggregate)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    contains_aggregate = True
    output_field = FloatField()


def _seconds(start: str, end: str) -> Func:
    if connection.vendor == "sqlite":  # make run without PostgreSQL: julian days, in seconds
        return Func(
            F(end),
            F(start),
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            output_field=FloatField(),
        )
    return Func(F(end) - F(start), template="EXTRACT(EPOCH FROM (%(expressions)s))", output_field=FloatField())


# --- filings ---------------------------------------------------------------------------------------


def _audited(model: type[Model], action: str, lo: dt.datetime | None, hi: dt.datetime | None) -> Exists:
    """The filing has an audit event ``action`` in [lo, hi) (either bound may be open)."""
    events = AuditEvent.objects.filter(
        content_type__app_label=model._meta.app_label,
        content_type__model=model._meta.model_name,
        object_id=Cast(OuterRef("pk"), CharField()),
        action=action,
    )
    if lo is not None:
        events = events.filter(created_at__gte=lo)
    if hi is not None:
        events = events.filter(created_at__lt=hi)
    return Exists(events)


def _decision(model: type[Model], action: str, statuses: tuple[str, ...], lo: dt.datetime | None, hi: dt.datetime) -> Q:
    """Decided ``action`` in [lo, hi): by its audit event (``decided_at`` is overwritten by later
    decisions); a filing with no such event at all (data loaded without the services) falls back to its
    status and ``decided_at``."""
    timed = Q(decided_at__lt=hi) & (Q(decided_at__gte=lo) if lo is not None else Q())
    return Q(_audited(model, action, lo, hi)) | (
        ~Q(_audited(model, action, None, None)) & Q(status__in=statuses) & timed
    )


def _filing_conditions(model: type[Model], window: Window) -> dict[str, Q]:
    lo, hi = window
    approve = (FilingStatus.APPROVED,)
    on_record = (FilingStatus.APPROVED, FilingStatus.SUSPENDED, FilingStatus.REVOKED)
    revoked = (FilingStatus.REVOKED,)
    return {
        "new": _decision(model, "approve", approve, lo, hi),
        "cumulative": _decision(model, "approve", on_record, None, hi) & ~_decision(model, "revoke", revoked, None, hi),
        "revoked": _decision(model, "revoke", revoked, lo, hi),
    }


def enterprise_filings(window: Window, bureau: Bureau | None) -> dict[str, Any]:
    """New (approved in the window), cumulative (on record at its end), revoked; new by type. One query."""
    cond = _filing_conditions(EnterpriseFiling, window)
    flags = {
        EnterpriseType.OPERATOR: "is_operator",
        EnterpriseType.PLATFORM: "is_platform",
        EnterpriseType.LOGISTICS: "is_logistics",
    }
    row = EnterpriseFiling.objects.filter(scope("bureau", bureau)).aggregate(
        **{key: Count("pk", filter=q) for key, q in cond.items()},
        **{f"type_{kind}": Count("pk", filter=cond["new"] & Q(**{flag: True})) for kind, flag in flags.items()},
    )
    return {
        "new": row["new"],
        "cumulative": row["cumulative"],
        "revoked": row["revoked"],
        "by_type": {str(kind): row[f"type_{kind}"] for kind in flags},
    }


def product_filings(window: Window, bureau: Bureau | None) -> dict[str, Any]:
    """The same for products, by goods category (``""`` when none is given). One query."""
    cond = _filing_conditions(ProductFiling, window)
    rows = grouped(
        ProductFiling.objects.filter(scope("enterprise__bureau", bureau))
        .values("category")
        .annotate(**{key: Count("pk", filter=q) for key, q in cond.items()})
        .order_by("category")
    )
    out: dict[str, Any] = {"new": 0, "cumulative": 0, "revoked": 0, "by_category": {}}
    for row in rows:
        for key in cond:
            out[key] += row[key]
        if any(row[key] for key in cond):
            out["by_category"][row["category"]] = {key: row[key] for key in cond}
    return out


# --- imports ---------------------------------------------------------------------------------------


def imports(window: Window, bureau: Bureau | None) -> dict[str, Any]:
    """Batches declared in the window (by the declaring operator's competent bureau) by mode and status;
    their lines by tier with their value; export declarations. Three queries."""
    batches = grouped(
        ImportBatch.objects.filter(scope("enterprise__bureau", bureau), within("created_at", window))
        .values("mode", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_mode: dict[str, int] = {}
    by_status: dict[str, int] = {}
    for row in batches:
        by_mode[row["mode"]] = by_mode.get(row["mode"], 0) + row["n"]
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
    items = grouped(
        ImportItem.objects.filter(scope("batch__enterprise__bureau", bureau), within("batch__created_at", window))
        .values("tier")
        .annotate(n=Count("pk"), value=Sum("value_cny"))
        .order_by()
    )
    by_tier = dict.fromkeys(TIERS, 0)
    unclassified = 0
    value = Decimal(0)
    for row in items:
        value += row["value"] or 0
        if row["tier"] is None:
            unclassified += row["n"]
        else:
            by_tier[str(row["tier"])] = by_tier.get(str(row["tier"]), 0) + row["n"]
    exports = ExportDeclaration.objects.filter(
        scope("enterprise__bureau", bureau), within("created_at", window)
    ).aggregate(n=Count("pk"), value=Sum("value_cny"))
    return {
        "batches": {"total": sum(by_mode.values()), "by_mode": by_mode, "by_status": by_status},
        "items": {
            "total": sum(by_tier.values()) + unclassified,
            "by_tier": by_tier,
            "unclassified": unclassified,
            "value_cny": money(value),
        },
        "export_declarations": {"total": exports["n"], "value_cny": money(exports["value"])},
    }


# --- sampling --------------------------------------------------------------------------------------


def _samplings(window: Window, bureau: Bureau | None) -> QuerySet[Sampling]:
    return Sampling.objects.filter(scope("bureau", bureau), within("sampled_at", window))


def sampling(window: Window, bureau: Bureau | None) -> dict[str, Any]:
    """Samplings taken in the window by the sampling bureau: totals and failures by channel, goods
    category and laboratory, the non-conformity rate and the 20 test items failed most. Three queries."""
    failed = Count("pk", filter=Q(verdict=SamplingVerdict.FAIL))
    pending = Count("pk", filter=Q(verdict=SamplingVerdict.PENDING))
    groups = (
        _samplings(window, bureau)
        .values("channel", "product__category")
        .annotate(total=Count("pk"), failed=failed, pending=pending)
        .order_by()
    )
    total = fails = waiting = 0
    by_channel: dict[str, dict[str, Any]] = {}
    by_category: dict[str, dict[str, Any]] = {}
    for row in groups:
        total, fails, waiting = total + row["total"], fails + row["failed"], waiting + row["pending"]
        for key, table in ((row["channel"], by_channel), (row["product__category"] or "", by_category)):
            entry = table.setdefault(key, {"total": 0, "failed": 0})
            entry["total"] += row["total"]
            entry["failed"] += row["failed"]
    for entry in (*by_channel.values(), *by_category.values()):
        entry["nonconformity_rate"] = ratio(entry["failed"], entry["total"])
    labs = (
        _samplings(window, bureau)
        .values("lab_id", "lab__name")
        .annotate(total=Count("pk"), failed=failed)
        .order_by("-total", "lab__name")
    )
    items = grouped(
        SamplingResult.objects.filter(
            verdict=SamplingVerdict.FAIL,
            sampling__in=_samplings(window, bureau).values("pk"),
        )
        .values("test_item")
        .annotate(count=Count("sampling", distinct=True))
        .order_by("-count", "test_item")[:20]
    )
    return {
        "total": total,
        "failed": fails,
        "pending": waiting,
        "nonconformity_rate": ratio(fails, total),
        "by_channel": by_channel,
        "by_category": by_category,
        "by_lab": [
            {"lab_id": row["lab_id"], "lab": row["lab__name"] or "", "total": row["total"], "failed": row["failed"]}
            for row in labs
        ],
        "failing_test_items": [{"test_item": row["test_item"], "count": row["count"]} for row in items],
    }


# --- risk signals ----------------------------------------------------------------------------------


def risk_signals(window: Window, bureau: Bureau | None) -> dict[str, Any]:
    """Signals raised in the window, by their competent bureau: by source, severity and current status
    (the disposal). One query."""
    rows = grouped(
        RiskSignal.objects.filter(scope("competent_bureau", bureau), within("created_at", window))
        .values("source", "severity", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out: dict[str, Any] = {"total": 0, "by_source": {}, "by_severity": {}, "by_status": {}}
    for row in rows:
        out["total"] += row["n"]
        for key, table in (("source", "by_source"), ("severity", "by_severity"), ("status", "by_status")):
            out[table][row[key] or ""] = out[table].get(row[key] or "", 0) + row["n"]
    return out


# --- investigations and measures -------------------------------------------------------------------


def investigations(window: Window, bureau: Bureau | None) -> dict[str, Any]:
    """Investigations led by the jurisdiction: opened, closed in the window and the days they took
    (mean and median); transferred = lead bureau reassigned away from the jurisdiction (all reassignments
    nationally) in the window. Two queries."""
    opened, closed = within("created_at", window), within("closed_at", window)
    took = _seconds("created_at", "closed_at")
    aggregates: dict[str, Any] = {
        "opened": Count("pk", filter=opened),
        "closed": Count("pk", filter=closed),
        "mean": Avg(took, filter=closed),
    }
    if connection.vendor == "postgresql":  # an ordered-set aggregate; elsewhere the median is left out
        aggregates["median"] = Median(took, filter=closed)
    row = Investigation.objects.filter(scope("lead_bureau", bureau)).filter(opened | closed).aggregate(**aggregates)
    row.setdefault("median", None)
    moves = InvestigationEvent.objects.filter(kind=InvestigationEventKind.REASSIGNED, **_at(window))
    if bureau is not None:
        moves = moves.alias(source=KeyTextTransform("from", "data")).filter(
            source__in=Bureau.objects.jurisdiction_of(bureau).values("code")
        )
    days = 86400
    return {
        "opened": row["opened"],
        "closed": row["closed"],
        "transferred": moves.count(),
        "mean_days_to_close": round(row["mean"] / days, 4) if row["mean"] is not None else None,
        "median_days_to_close": round(row["median"] / days, 4) if row["median"] is not None else None,
    }


def _at(window: Window) -> dict[str, dt.datetime]:
    return {"at__gte": window[0], "at__lt": window[1]}


def measures(window: Window, bureau: Bureau | None) -> dict[str, Any]:
    """Measures of the jurisdiction's investigations (nationally every measure): issued, completed (on
    time or not) in the window, and overdue = their deadline fell in the window and they were not
    completed by it; by type. One query."""
    issued, completed, due = within("created_at", window), within("completed_at", window), within("deadline", window)
    on_time = completed & Q(completed_at__lte=F("deadline"))
    late = due & (Q(completed_at__isnull=True) | Q(completed_at__gt=F("deadline")))
    keys = {
        "issued": issued,
        "completed": completed,
        "completed_on_time": on_time,
        "overdue": late,
    }
    rows = grouped(
        Measure.objects.filter(scope("investigation__lead_bureau", bureau))
        .filter(issued | completed | due)
        .values("type")
        .annotate(**{key: Count("pk", filter=q) for key, q in keys.items()})
        .order_by("type")
    )
    out: dict[str, Any] = dict.fromkeys(keys, 0)
    out["by_type"] = {}
    for row in rows:
        for key in keys:
            out[key] += row[key]
        out["by_type"][row["type"]] = row["issued"]
    out["by_type_detail"] = {row["type"]: {key: row[key] for key in keys} for row in rows}
    return out


# --- anti-counterfeit ------------------------------------------------------------------------------


def counterfeit(window: Window, bureau: Bureau | None) -> dict[str, Any]:
    """Leads received, cases opened / closed / transferred to the judiciary in the window; the fines,
    goods value and illegal gains of the penalties decided in it. Two queries."""
    leads = (
        CounterfeitLead.objects.filter(scope("bureau", bureau), within("received_at", window))
        .values("channel")
        .annotate(n=Count("pk"))
        .order_by("channel")
    )
    by_channel = {row["channel"]: row["n"] for row in leads}
    opened, closed = within("opened_at", window), within("closed_at", window)
    moved, decided = within("transferred_at", window), within("decided_at", window)
    row = (
        CounterfeitCase.objects.filter(scope("bureau", bureau))
        .filter(opened | closed | moved | decided)
        .aggregate(
            opened=Count("pk", filter=opened),
            closed=Count("pk", filter=closed),
            transferred=Count("pk", filter=moved),
            decided=Count("pk", filter=decided),
            fines=Sum("fine_amount_cny", filter=decided),
            goods=Sum("goods_value_cny", filter=decided),
            gains=Sum("illegal_gains_cny", filter=decided),
        )
    )
    return {
        "leads": sum(by_channel.values()),
        "leads_by_channel": by_channel,
        "cases_opened": row["opened"],
        "cases_closed": row["closed"],
        "transferred": row["transferred"],
        "penalties_decided": row["decided"],
        "fines_cny": money(row["fines"]),
        "goods_value_cny": money(row["goods"]),
        "illegal_gains_cny": money(row["gains"]),
    }


def major_cases(window: Window, bureau: Bureau | None) -> list[dict[str, Any]]:
    """Investigations flagged major, by the moment they were reported to headquarters (their opening
    when not reported yet) in the window. One query. Counterfeit cases carry no major flag yet."""
    rows = grouped(
        Investigation.objects.filter(scope("lead_bureau", bureau), major=True)
        .annotate(flagged=Coalesce("major_reported_at", "created_at"))
        .filter(within("flagged", window))
        .values("id", "case_no", "title", "lead_bureau__code", "major_reported_at", "flagged")
        .order_by("flagged", "id")
    )
    return [
        {
            "kind": "investigation",
            "id": row["id"],
            "case_no": row["case_no"],
            "title": row["title"],
            "bureau": row["lead_bureau__code"],
            "reported_at": iso(row["major_reported_at"]),
        }
        for row in rows
    ]


# --- the previous half-year ------------------------------------------------------------------------


def headline(window: Window, bureau: Bureau | None) -> dict[str, Any]:
    """The headline numbers only, for the comparison with the previous half-year. Nine queries."""
    ent = _filing_conditions(EnterpriseFiling, window)["new"]
    prod = _filing_conditions(ProductFiling, window)["new"]
    samplings = _samplings(window, bureau).aggregate(
        total=Count("pk"), failed=Count("pk", filter=Q(verdict=SamplingVerdict.FAIL))
    )
    return {
        "enterprise_filings_new": EnterpriseFiling.objects.filter(scope("bureau", bureau)).filter(ent).count(),
        "product_filings_new": ProductFiling.objects.filter(scope("enterprise__bureau", bureau)).filter(prod).count(),
        "import_batches": ImportBatch.objects.filter(
            scope("enterprise__bureau", bureau), within("created_at", window)
        ).count(),
        "import_items": ImportItem.objects.filter(
            scope("batch__enterprise__bureau", bureau), within("batch__created_at", window)
        ).count(),
        "sampling_total": samplings["total"],
        "sampling_failed": samplings["failed"],
        "risk_signals": RiskSignal.objects.filter(
            scope("competent_bureau", bureau), within("created_at", window)
        ).count(),
        "investigations_opened": Investigation.objects.filter(
            scope("lead_bureau", bureau), within("created_at", window)
        ).count(),
        "measures_issued": Measure.objects.filter(
            scope("investigation__lead_bureau", bureau), within("created_at", window)
        ).count(),
        "counterfeit_cases_opened": CounterfeitCase.objects.filter(
            scope("bureau", bureau), within("opened_at", window)
        ).count(),
    }


def headline_of(figures: dict[str, Any]) -> dict[str, Any]:
    """The same headline numbers read from the full sections of the current half-year."""
    return {
        "enterprise_filings_new": figures["filings"]["enterprises"]["new"],
        "product_filings_new": figures["filings"]["products"]["new"],
        "import_batches": figures["imports"]["batches"]["total"],
        "import_items": figures["imports"]["items"]["total"],
        "sampling_total": figures["sampling"]["total"],
        "sampling_failed": figures["sampling"]["failed"],
        "risk_signals": figures["risk_signals"]["total"],
        "investigations_opened": figures["investigations"]["opened"],
        "measures_issued": figures["measures"]["issued"],
        "counterfeit_cases_opened": figures["counterfeit"]["cases_opened"],
    }
