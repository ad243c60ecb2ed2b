"""Risk scores: the evidence counted in SQL, scored by the pure module, written in bulk with history.

**Counting.** The evidence of a chunk of subjects (enterprises, products or product sub-categories)
is read with a few ``GROUP BY`` aggregates over the chunk's ids, never row by row: one over samplings,
one over risk signals, one over filings and one over declared import lines, plus the subjects' own
rows. Every count is recency-weighted in the same aggregate (``POWER(0.5, age_days / half_life)``,
the half-life of ``scoring.Config``; see ``scoring.recency_weight``). What counts:

- *sampling failure rate*: samplings of the subject's goods with a verdict (pass or fail), dated by
  their results (else their sampling, else their creation), and the failed ones;
- *severity of failures*: risk signals found by the authorities (``inspection``, ``sampling``) by
  their assessed severity; one not yet assessed counts as ``low`` until it is;
- *complaints*, *overseas notices on matched goods* (signals linked to the goods, ``products``),
  *enterprise reports*: signals of those sources. A report counts as filed first when no signal of
  another source about the same product (a report naming no product: about the same enterprise) was
  received before it (the scoring module counts those for a quarter);
- *tier of its goods*: the product filings (tier 1, tier 2 or other, each counting 1) and the lines
  declared of them (recency-weighted by their batch), a refused line counting as a tier-1 line;
- *supervision level*: the enterprise (a product: its enterprise) under strict supervision;
- *past measures* are **left out**: the measures of investigations (issue 11, traceability) do not
  exist yet; the factor shows "No past measures" until they do.

Duplicates of another signal are not counted, nor signals closed without an assessment (dismissed).
A product sub-category sums the evidence of its products (not strictly supervised as such). A
signal counts for an enterprise through its ``enterprise``, and an overseas notice also through
each matched product of the enterprise (once per enterprise).

**Writing.** One transaction per chunk: the current scores of the chunk's subjects are flipped to
not current and the new ones inserted (``bulk_create``) as current; the history is kept.

**Running.** ``risk_scores_recompute_all`` recomputes every subject in-process (the command);
the nightly Celery task splits the subjects into chunks run as a group (``tasks.py``). Events
call ``risk_scores_schedule`` (``services.score_events``): the ids of one transaction are enqueued
once it commits, debounced (``RISK_SCORES_DEBOUNCE_S``) so that a burst of events gives one
recomputation. Every run is one
``RiskScoreRun`` with its counts and one audit event, not one per score.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from cbec_supervision.audit import Actor, audit_record
from cbec_supervision.choices import AuditAction
from filings.choices import FilingStatus, SupervisionLevel
from filings.models import EnterpriseFiling, ProductFiling
from imports.choices import ItemStatus
from imports.models import ImportBatch, ImportItem
from risk_monitoring import scoring
from risk_monitoring.choices import SamplingVerdict, ScoreSubject, SignalSource, SignalStatus
from risk_monitoring.models import RiskScore, RiskScoreRun, RiskSignal, Sampling

logger = logging.getLogger(__name__)

#: the filings that are scored: on record (approved) or suspended, not revoked or still in review
SCORED_STATUSES = (FilingStatus.APPROVED, FilingStatus.SUSPENDED)

SUBJECT_TYPES = (ScoreSubject.ENTERPRISE, ScoreSubject.PRODUCT, ScoreSubject.SUBCATEGORY)

#: signals found by the authorities, whose severity is the severity of a failure
FAILURE_SOURCES = (SignalSource.INSPECTION, SignalSource.SAMPLING)


def chunk_size() -> int:
    return max(1, int(getattr(settings, "RISK_SCORES_CHUNK_SIZE", 5000)))


# --- SQL ------------------------------------------------------------------------------------------


@dataclass
class _Counts:
    """What the aggregates found about one subject (recency-weighted counts)."""

    samplings: float = 0.0
    failed: float = 0.0
    high: float = 0.0
    medium: float = 0.0
    low: float = 0.0
    complaints: float = 0.0
    notices: float = 0.0
    reports: float = 0.0
    reported_first: float = 0.0
    lines: float = 0.0
    tier1: float = 0.0
    tier2: float = 0.0
    strict: bool = False
    enterprise_id: int | None = None
    product_id: int | None = None

    def evidence(self, subject_type: str, subject_id: Any) -> scoring.Evidence:
        # Parts summed apart from their whole may pass it by a rounding error; the module allows that.
        return scoring.Evidence(
            subject_type=subject_type,
            subject_id=subject_id,
            samplings=self.samplings,
            failed_samplings=min(self.failed, self.samplings),
            failures_high=self.high,
            failures_medium=self.medium,
            failures_low=self.low,
            complaints=self.complaints,
            overseas_notices=self.notices,
            enterprise_reports=self.reports,
            reported_first=min(self.reported_first, self.reports),
            lines=self.lines,
            tier1_lines=self.tier1,
            tier2_lines=min(self.tier2, max(self.lines - self.tier1, 0.0)),
            strict_supervision=self.strict,
        )


class _Sql:
    """The SQL of one run: table names, the vendor's age expression and the parameters it needs."""

    def __init__(self, now: datetime, config: scoring.Config) -> None:
        self.vendor = connection.vendor
        self.half_life = float(config.half_life_days)
        self.now = now
        self.t = {
            "s": RiskSignal._meta.db_table,
            "m": RiskSignal.products.through._meta.db_table,
            "sa": Sampling._meta.db_table,
            "p": ProductFiling._meta.db_table,
            "e": EnterpriseFiling._meta.db_table,
            "i": ImportItem._meta.db_table,
            "b": ImportBatch._meta.db_table,
        }

    def weight(self, column: str) -> str:
        """The recency weight of an event dated ``column`` (an event dated in the future counts 1)."""
        if self.vendor == "postgresql":
            age = f"GREATEST(EXTRACT(EPOCH FROM (%(now)s - {column})) / 86400.0, 0)"
        else:
            age = f"MAX(julianday(%(now)s) - julianday({column}), 0)"
        return f"POWER(0.5, {age} / %(half_life)s)"

    def params(self, keys: Sequence[Any]) -> tuple[str, dict[str, Any]]:
        """``IN (...)`` over ``keys``, and the parameters of a query (``now``, ``half_life``, the keys)."""
        now: Any = self.now
        if self.vendor != "postgresql":
            now = timezone.make_naive(self.now, UTC).isoformat(sep=" ")
        params: dict[str, Any] = {"now": now, "half_life": self.half_life}
        names = []
        for n, key in enumerate(keys):
            params[f"k{n}"] = key
            names.append(f"%(k{n})s")
        return "(" + ", ".join(names or ["NULL"]) + ")", params

    def rows(self, sql: str, keys: Sequence[Any]) -> list[tuple[Any, ...]]:
        in_keys, params = self.params(keys)
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("{keys}", in_keys), params)
            return list(cursor.fetchall())


def _q(value: str) -> str:
    """A value of a choices enum as an SQL literal (the enums' values are plain identifiers)."""
    if not value.replace("_", "").isalnum():
        raise ValueError(value)
    return f"'{value}'"


_FAIL = _q(SamplingVerdict.FAIL)
_VERDICTS = f"({_q(SamplingVerdict.PASS)}, {_FAIL})"
_CLOSED = _q(SignalStatus.CLOSED)
_REPORT = _q(SignalSource.ENTERPRISE_REPORT)
_COMPLAINT = _q(SignalSource.COMPLAINT)
_NOTICE = _q(SignalSource.OVERSEAS_NOTIFICATION)
_FAILURE_SOURCES = "(" + ", ".join(_q(s) for s in FAILURE_SOURCES) + ")"
_REFUSED = _q(ItemStatus.REFUSED)
_SCORED = "(" + ", ".join(_q(s) for s in SCORED_STATUSES) + ")"
_STRICT = _q(SupervisionLevel.STRICT)

#: a signal that counts: not a duplicate, not dismissed (closed without an assessment)
_COUNTING = f"s.duplicate_of_id IS NULL AND NOT (s.status = {_CLOSED} AND s.severity = '')"


def _signal_sums(weight: str, first: str) -> str:
    """The sums over signals ``s`` (weighted ``weight``): severity of failures, complaints, notices,
    reports and reports filed first (``first``: the condition of a report filed first)."""
    failure = f"s.source IN {_FAILURE_SOURCES}"
    return f"""
        SUM(CASE WHEN {failure} AND s.severity = 'high' THEN {weight} ELSE 0 END),
        SUM(CASE WHEN {failure} AND s.severity = 'medium' THEN {weight} ELSE 0 END),
        SUM(CASE WHEN {failure} AND s.severity NOT IN ('high', 'medium') THEN {weight} ELSE 0 END),
        SUM(CASE WHEN s.source = {_COMPLAINT} THEN {weight} ELSE 0 END),
        SUM(CASE WHEN s.source = {_NOTICE} THEN {weight} ELSE 0 END),
        SUM(CASE WHEN s.source = {_REPORT} THEN {weight} ELSE 0 END),
        SUM(CASE WHEN s.source = {_REPORT} AND {first} THEN {weight} ELSE 0 END)"""


def _first_on_product(sql: _Sql, product: str) -> str:
    """A report ``s`` filed before any signal of another source about the product ``product``."""
    t = sql.t
    return f"""NOT EXISTS (
        SELECT 1 FROM {t["m"]} mo JOIN {t["s"]} o ON o.id = mo.risksignal_id
        WHERE mo.productfiling_id = {product} AND o.source <> {_REPORT} AND o.created_at < s.created_at)"""


def _first_for_enterprise(sql: _Sql) -> str:
    """A report ``s`` filed before any signal of another source about any product it names; a report
    naming no product: about its enterprise."""
    t = sql.t
    return f"""CASE WHEN EXISTS (SELECT 1 FROM {t["m"]} mr WHERE mr.risksignal_id = s.id)
        THEN NOT EXISTS (
            SELECT 1 FROM {t["m"]} mr JOIN {t["m"]} mo ON mo.productfiling_id = mr.productfiling_id
            JOIN {t["s"]} o ON o.id = mo.risksignal_id
            WHERE mr.risksignal_id = s.id AND o.source <> {_REPORT} AND o.created_at < s.created_at)
        ELSE NOT EXISTS (
            SELECT 1 FROM {t["s"]} o
            WHERE o.enterprise_id = s.enterprise_id AND o.source <> {_REPORT} AND o.created_at < s.created_at)
        END"""


def _sampling_sql(sql: _Sql, key: str, join: str) -> str:
    t = sql.t
    w = sql.weight("COALESCE(sa.results_entered_at, sa.sampled_at, sa.created_at)")
    return f"""
        SELECT {key}, SUM({w}), SUM(CASE WHEN sa.verdict = {_FAIL} THEN {w} ELSE 0 END)
        FROM {t["sa"]} sa {join}
        WHERE sa.verdict IN {_VERDICTS} AND {key} IN {{keys}}
        GROUP BY {key}"""


def _lines_sql(sql: _Sql, key: str, join: str) -> str:
    t = sql.t
    w = sql.weight("b.created_at")
    return f"""
        SELECT {key}, SUM({w}),
            SUM(CASE WHEN i.status = {_REFUSED} THEN {w} ELSE 0 END),
            SUM(CASE WHEN i.tier = 2 AND i.status <> {_REFUSED} THEN {w} ELSE 0 END)
        FROM {t["i"]} i JOIN {t["b"]} b ON b.id = i.batch_id {join}
        WHERE {key} IN {{keys}}
        GROUP BY {key}"""


def _filings_sql(sql: _Sql, key: str) -> str:
    return f"""
        SELECT {key}, COUNT(*), SUM(CASE WHEN p.tier = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN p.tier = 2 THEN 1 ELSE 0 END)
        FROM {sql.t["p"]} p
        WHERE p.status IN {_SCORED} AND {key} IN {{keys}}
        GROUP BY {key}"""


def _add_samplings(counts: dict[Any, _Counts], rows: Iterable[tuple[Any, ...]]) -> None:
    for key, total, failed in rows:
        c = counts[key]
        c.samplings += float(total or 0)
        c.failed += float(failed or 0)


def _add_signals(counts: dict[Any, _Counts], rows: Iterable[tuple[Any, ...]]) -> None:
    for key, high, medium, low, complaints, notices, reports, first in rows:
        c = counts[key]
        c.high += float(high or 0)
        c.medium += float(medium or 0)
        c.low += float(low or 0)
        c.complaints += float(complaints or 0)
        c.notices += float(notices or 0)
        c.reports += float(reports or 0)
        c.reported_first += float(first or 0)


def _add_lines(counts: dict[Any, _Counts], rows: Iterable[tuple[Any, ...]]) -> None:
    for key, lines, tier1, tier2 in rows:
        c = counts[key]
        c.lines += float(lines or 0)
        c.tier1 += float(tier1 or 0)
        c.tier2 += float(tier2 or 0)


def count_enterprises(ids: Sequence[int], sql: _Sql) -> dict[Any, _Counts]:
    """The evidence counts of these enterprise filings (scored ones only), by id."""
    t = sql.t
    counts: dict[Any, _Counts] = {}
    for pk, level in sql.rows(
        f"SELECT e.id, e.supervision_level FROM {t['e']} e WHERE e.status IN {_SCORED} AND e.id IN {{keys}}", ids
    ):
        counts[pk] = _Counts(strict=level == SupervisionLevel.STRICT, enterprise_id=pk)
    keys = sorted(counts)
    if not keys:
        return counts
    _add_samplings(counts, sql.rows(_sampling_sql(sql, "sa.enterprise_id", ""), keys))
    w = sql.weight("s.created_at")
    # Signals about the enterprise, and overseas notices on its goods: each (enterprise, signal) once.
    signals = f"""
        SELECT x.enterprise_id, {_signal_sums(w, _first_for_enterprise(sql))}
        FROM (
            SELECT s.enterprise_id, s.id AS sid FROM {t["s"]} s
            WHERE s.enterprise_id IN {{keys}}
            UNION
            SELECT p.enterprise_id, m.risksignal_id AS sid FROM {t["m"]} m
            JOIN {t["p"]} p ON p.id = m.productfiling_id
            JOIN {t["s"]} n ON n.id = m.risksignal_id AND n.source = {_NOTICE}
            WHERE p.enterprise_id IN {{keys}}
        ) x JOIN {t["s"]} s ON s.id = x.sid
        WHERE {_COUNTING}
        GROUP BY x.enterprise_id"""
    _add_signals(counts, sql.rows(signals, keys))
    for key, lines, tier1, tier2 in sql.rows(_filings_sql(sql, "p.enterprise_id"), keys):
        c = counts[key]
        c.lines += float(lines or 0)
        c.tier1 += float(tier1 or 0)
        c.tier2 += float(tier2 or 0)
    _add_lines(counts, sql.rows(_lines_sql(sql, "b.enterprise_id", ""), keys))
    return counts


def count_products(ids: Sequence[int], sql: _Sql) -> dict[Any, _Counts]:
    """The evidence counts of these product filings (scored ones only), by id."""
    t = sql.t
    counts: dict[Any, _Counts] = {}
    for pk, enterprise_id, tier, level in sql.rows(
        f"""SELECT p.id, p.enterprise_id, p.tier, e.supervision_level
        FROM {t["p"]} p JOIN {t["e"]} e ON e.id = p.enterprise_id
        WHERE p.status IN {_SCORED} AND p.id IN {{keys}}""",
        ids,
    ):
        counts[pk] = _Counts(
            strict=level == SupervisionLevel.STRICT,
            enterprise_id=enterprise_id,
            product_id=pk,
            lines=1.0,
            tier1=1.0 if tier == 1 else 0.0,
            tier2=1.0 if tier == 2 else 0.0,
        )
    keys = sorted(counts)
    if not keys:
        return counts
    _add_samplings(counts, sql.rows(_sampling_sql(sql, "sa.product_id", ""), keys))
    w = sql.weight("s.created_at")
    signals = f"""
        SELECT m.productfiling_id, {_signal_sums(w, _first_on_product(sql, "m.productfiling_id"))}
        FROM {t["m"]} m JOIN {t["s"]} s ON s.id = m.risksignal_id
        WHERE m.productfiling_id IN {{keys}} AND {_COUNTING}
        GROUP BY m.productfiling_id"""
    _add_signals(counts, sql.rows(signals, keys))
    _add_lines(counts, sql.rows(_lines_sql(sql, "i.product_id", ""), keys))
    return counts


def count_subcategories(codes: Sequence[str], sql: _Sql) -> dict[Any, _Counts]:
    """The evidence counts of these product sub-categories: the sums over their scored products."""
    t = sql.t
    counts: dict[Any, _Counts] = {code: _Counts() for code in codes if code}
    keys = sorted(counts)
    if not keys:
        return counts
    scored = f"JOIN {t['p']} p ON p.id = {{col}} AND p.status IN {_SCORED}"
    _add_samplings(
        counts, sql.rows(_sampling_sql(sql, "p.subcategory", scored.replace("{col}", "sa.product_id")), keys)
    )
    w = sql.weight("s.created_at")
    signals = f"""
        SELECT p.subcategory, {_signal_sums(w, _first_on_product(sql, "m.productfiling_id"))}
        FROM {t["m"]} m JOIN {t["s"]} s ON s.id = m.risksignal_id
        {scored.replace("{col}", "m.productfiling_id")}
        WHERE p.subcategory IN {{keys}} AND {_COUNTING}
        GROUP BY p.subcategory"""
    _add_signals(counts, sql.rows(signals, keys))
    for key, lines, tier1, tier2 in sql.rows(_filings_sql(sql, "p.subcategory"), keys):
        c = counts[key]
        c.lines += float(lines or 0)
        c.tier1 += float(tier1 or 0)
        c.tier2 += float(tier2 or 0)
    _add_lines(counts, sql.rows(_lines_sql(sql, "p.subcategory", scored.replace("{col}", "i.product_id")), keys))
    return counts


_COUNTERS: dict[str, Callable[[Sequence[Any], _Sql], dict[Any, _Counts]]] = {
    ScoreSubject.ENTERPRISE: count_enterprises,
    ScoreSubject.PRODUCT: count_products,
    ScoreSubject.SUBCATEGORY: count_subcategories,
}


def evidence_of(
    subject_type: str, ids: Sequence[Any], *, now: datetime | None = None, config: scoring.Config | None = None
) -> dict[Any, scoring.Evidence]:
    """The evidence of these subjects (those that are scored), by id: what a score is computed from."""
    config = config or scoring.DEFAULT_CONFIG
    sql = _Sql(now or timezone.now(), config)
    counts = _COUNTERS[subject_type](list(ids), sql)
    return {key: c.evidence(subject_type, key) for key, c in counts.items()}


# --- writing --------------------------------------------------------------------------------------


def _factor(factor: scoring.Factor) -> dict[str, Any]:
    return {
        "name": factor.name,
        "value": factor.value,
        "weight": factor.weight,
        "contribution": factor.contribution,
        "explanation": factor.explanation.as_dict(),
    }


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _factor_json(factor: scoring.Factor) -> str:
    """``_factor(factor)`` as JSON text, written out directly (a nightly run writes a million)."""
    params = factor.explanation.params
    return (
        f'{{"name":"{factor.name}","value":{float(factor.value)!r},"weight":{float(factor.weight)!r},'
        f'"contribution":{int(factor.contribution)},"explanation":{{"key":"{factor.explanation.key}",'
        f'"params":{_dumps(dict(params)) if params else "{}"}}}}}'
    )


def risk_scores_compute_chunk(
    *, subject_type: str, ids: Sequence[Any], now: datetime | None = None, config: scoring.Config | None = None
) -> int:
    """Score these subjects and store the scores as their current ones, in one transaction. Idempotent
    (a second run adds the same scores again to the history). Returns how many were written.

    Subjects that are not scored (a product under review, a revoked enterprise) are skipped; their
    last score, if any, stays current until a full run retires it.
    """
    if subject_type not in SUBJECT_TYPES:
        raise ValueError(f"unknown subject type {subject_type!r}")
    config = config or scoring.DEFAULT_CONFIG
    now = now or timezone.now()
    sql = _Sql(now, config)
    counts = _COUNTERS[subject_type](list(ids), sql)
    if not counts:
        return 0
    keys = list(counts)
    scores = scoring.score_many((counts[key].evidence(subject_type, key) for key in keys), config)
    subject_ids = [str(key) for key in keys]
    with transaction.atomic():
        RiskScore.objects.filter(subject_type=subject_type, subject_id__in=subject_ids, is_current=True).update(
            is_current=False
        )
        if connection.vendor == "postgresql":
            _copy(subject_type, subject_ids, [counts[key] for key in keys], scores, now)
        else:
            RiskScore.objects.bulk_create(
                [
                    RiskScore(
                        subject_type=subject_type,
                        subject_id=subject_id,
                        enterprise_id=c.enterprise_id,
                        product_id=c.product_id,
                        score=result.score,
                        level=result.level,
                        factors=[_factor(f) for f in result.factors],
                        computed_at=now,
                        is_current=True,
                    )
                    for subject_id, c, result in zip(subject_ids, (counts[key] for key in keys), scores, strict=True)
                ],
                batch_size=2000,
            )
    return len(keys)


_COPY_COLUMNS = ("subject_type", "subject_id", "enterprise_id", "product_id", "score", "level", "factors")


def _copy(
    subject_type: str,
    subject_ids: Sequence[str],
    counts: Sequence[_Counts],
    results: Sequence[scoring.Score],
    now: datetime,
) -> None:
    """Insert the scores as current with ``COPY`` (PostgreSQL): the rows ``bulk_create`` would insert,
    several times faster for a chunk of thousands."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    at = now.isoformat()
    for subject_id, c, result in zip(subject_ids, counts, results, strict=True):
        factors = "[" + ",".join(map(_factor_json, result.factors)) + "]"
        writer.writerow(
            (subject_type, subject_id, c.enterprise_id, c.product_id, result.score, result.level, factors, at, "t")
        )
    buffer.seek(0)
    columns = ", ".join((*_COPY_COLUMNS, "computed_at", "is_current"))
    with connection.cursor() as cursor:
        # None is written as an empty unquoted field: NULL in COPY's CSV format.
        cursor.cursor.copy_expert(f"COPY {RiskScore._meta.db_table} ({columns}) FROM STDIN WITH (FORMAT csv)", buffer)


# --- runs -----------------------------------------------------------------------------------------


def subjects() -> dict[str, list[Any]]:
    """Every subject that is scored, by subject type: enterprise and product ids, sub-category codes."""
    enterprises = list(
        EnterpriseFiling.objects.filter(status__in=SCORED_STATUSES).order_by("pk").values_list("pk", flat=True)
    )
    products = ProductFiling.objects.filter(status__in=SCORED_STATUSES)
    return {
        ScoreSubject.ENTERPRISE: enterprises,
        ScoreSubject.PRODUCT: list(products.order_by("pk").values_list("pk", flat=True)),
        ScoreSubject.SUBCATEGORY: sorted(
            set(products.exclude(subcategory="").values_list("subcategory", flat=True).distinct())
        ),
    }


def chunks(every: dict[str, list[Any]], size: int | None = None) -> Iterator[tuple[str, list[Any]]]:
    """The subjects cut in chunks of ``size`` (``RISK_SCORES_CHUNK_SIZE``), by subject type."""
    size = size or chunk_size()
    for subject_type in SUBJECT_TYPES:
        ids = every.get(subject_type, [])
        for start in range(0, len(ids), size):
            yield str(subject_type), ids[start : start + size]


@transaction.atomic
def risk_scores_run_record(
    *, actor: Actor, kind: str, computed_at: datetime, written: Sequence[tuple[str, int]], seconds: float = 0.0
) -> RiskScoreRun:
    """Record a run that wrote scores (``written``: one ``(subject type, count)`` per chunk), with its
    counts, and audit it: one event per run. A full run also retires the current scores of subjects
    it did not score (filings revoked since)."""
    counts: dict[str, Any] = {str(t): 0 for t in SUBJECT_TYPES}
    for subject_type, n in written:
        counts[subject_type] = counts.get(subject_type, 0) + int(n)
    counts["chunks"] = len(written)
    if kind == RiskScoreRun.KIND_FULL:
        # Current scores older than the run whose subject got no score in it: no longer scored.
        newer = RiskScore.objects.filter(computed_at__gte=computed_at, is_current=True)
        kept = Q()
        for subject_type in SUBJECT_TYPES:
            ids = newer.filter(subject_type=subject_type).values("subject_id")
            kept |= Q(subject_type=subject_type, subject_id__in=ids)
        stale = RiskScore.objects.filter(is_current=True, computed_at__lt=computed_at).exclude(kept)
        counts["retired"] = stale.update(is_current=False)
    counts["seconds"] = round(seconds, 3)
    run = RiskScoreRun.objects.create(kind=kind, computed_at=computed_at, finished_at=timezone.now(), counts=counts)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=run, after={"kind": kind, **counts})
    return run


def risk_scores_recompute_all(*, actor: Actor, size: int | None = None) -> RiskScoreRun:
    """Recompute every score now, in this process, chunk by chunk (the command; the nightly task runs
    the same chunks as a Celery group). One transaction per chunk; the run is recorded and audited."""
    started = time.perf_counter()
    now = timezone.now()
    written = [
        (subject_type, risk_scores_compute_chunk(subject_type=subject_type, ids=ids, now=now))
        for subject_type, ids in chunks(subjects(), size)
    ]
    return risk_scores_run_record(
        actor=actor,
        kind=RiskScoreRun.KIND_FULL,
        computed_at=now,
        written=written,
        seconds=time.perf_counter() - started,
    )


def affected(*, enterprise_ids: Iterable[int] = (), product_ids: Iterable[int] = ()) -> dict[str, list[Any]]:
    """The subjects whose scores events about these enterprises and products change: the enterprises,
    their products (the supervision level counts for them), the products, their enterprises and their
    sub-categories."""
    given = {int(pk) for pk in enterprise_ids}
    enterprises = set(given)
    products = {int(pk) for pk in product_ids}
    subcategories: set[str] = set()
    for enterprise_id, subcategory in ProductFiling.objects.filter(pk__in=products).values_list(
        "enterprise_id", "subcategory"
    ):
        enterprises.add(enterprise_id)
        if subcategory:
            subcategories.add(subcategory)
    if given:
        for pk, subcategory in ProductFiling.objects.filter(
            enterprise_id__in=sorted(given), status__in=SCORED_STATUSES
        ).values_list("pk", "subcategory"):
            products.add(pk)
            if subcategory:
                subcategories.add(subcategory)
    return {
        ScoreSubject.ENTERPRISE: sorted(enterprises),
        ScoreSubject.PRODUCT: sorted(products),
        ScoreSubject.SUBCATEGORY: sorted(subcategories),
    }


def risk_scores_recompute(
    *, actor: Actor, enterprise_ids: Iterable[int] = (), product_ids: Iterable[int] = ()
) -> RiskScoreRun | None:
    """Recompute the scores that events about these enterprises and products change (see ``affected``),
    now, and record the run (None when there was nothing to recompute)."""
    started = time.perf_counter()
    now = timezone.now()
    every = affected(enterprise_ids=enterprise_ids, product_ids=product_ids)
    written = [
        (subject_type, risk_scores_compute_chunk(subject_type=subject_type, ids=ids, now=now))
        for subject_type, ids in chunks(every)
    ]
    if not written:
        return None
    return risk_scores_run_record(
        actor=actor,
        kind=RiskScoreRun.KIND_EVENTS,
        computed_at=now,
        written=written,
        seconds=time.perf_counter() - started,
    )
