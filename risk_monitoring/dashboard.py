"""The risk dashboard's figures (issue 10, UI): a bureau's jurisdiction or the national network.

Every figure is a set-based aggregate (``GROUP BY`` month, source, category, severity, sub-category
or bureau; months are Asia/Shanghai months, ``TruncMonth`` with the zone), so the page costs the same
number of queries whatever the data. Nothing is cached: a signal raised a second ago is counted.
Each count carries the link to the filtered list behind it where such a list exists.

Scoping: every bureau reads every signal (the national network), so bureau staff may switch to the
national view; a bureau view counts signals whose competent bureau is in the jurisdiction (the
bureau and its branch bureaus), samplings taken by the jurisdiction's bureaus, and scores of
enterprises (and their products) filed with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Bureau
from cbec_supervision.dashboard import (
    DASHBOARD_ZONE,
    BureauLabel,
    Figure,
    Panel,
    Period,
    RiskScope,
    risk_panels,
    today,
)
from filings.choices import GoodsCategory, ProductSubcategory
from risk_monitoring.choices import (
    SEVERITY_COLOURS,
    SIGNAL_OPEN,
    SamplingVerdict,
    ScoreSubject,
    Severity,
    SignalSource,
)
from risk_monitoring.figures import DEFAULT_MONTHS, Month, Rate, colour, last_months, month_series, sorted_rates
from risk_monitoring.filtersets import NOT_GIVEN
from risk_monitoring.models import RiskScore, RiskSignal, Sampling

if TYPE_CHECKING:
    from accounts.models import User

#: how many enterprises and products the top-risk tables list
TOP = 10

_OPEN_QUERY = [("status", status) for status in SIGNAL_OPEN]


def may_view(user: User) -> bool:
    """Bureau staff and headquarters see the dashboard; enterprises and anyone else do not."""
    return bool(user.is_bureau_staff or user.is_hq)


def scope_for(
    user: User, *, national: bool = False, bureau: Bureau | None = None, months: int = DEFAULT_MONTHS
) -> tuple[RiskScope, Bureau | None]:
    """The view asked for, and the bureau it shows (``None`` nationally): headquarters see the
    nation unless they pick a bureau; bureau staff see their jurisdiction unless they ask for the
    nation (every bureau reads every signal); a bureau they pick is ignored."""
    chosen = bureau if user.is_hq else (None if national else user.bureau)
    periods = [Period(month.first, month.last) for month in last_months(today(), months)]
    if chosen is None:
        return RiskScope(True, None, "", periods), None
    return RiskScope(False, chosen.pk, chosen.code, periods), chosen


# --- links ----------------------------------------------------------------------------------------


def _query(pairs: Iterable[tuple[str, str]]) -> str:
    return urlencode([(key, value) for key, value in pairs if value != ""])


def signal_url(scope: RiskScope, *pairs: tuple[str, str], period: Period | None = None) -> str:
    """The signal list, filtered as a figure counts: the jurisdiction (a bureau view) and a span of days."""
    filters: list[tuple[str, str]] = []
    if not scope.national:
        filters.append(("jurisdiction", scope.bureau_code))
    if period is not None:
        filters += [("created_after", period.first.isoformat()), ("created_before", period.last.isoformat())]
    return f"{reverse('risk_monitoring:signal_list')}?{_query([*pairs, *filters])}"


def sampling_url(scope: RiskScope, *pairs: tuple[str, str], period: Period | None = None) -> str:
    """The sampling list filtered as a figure counts, once there is one (``risk_monitoring:sampling_list``,
    written beside this dashboard); until then, no link. Its filters: ``subcategory``, ``verdict``,
    ``bureau`` (code, with its branch bureaus in a bureau view: ``jurisdiction``), ``sampled_after``
    and ``sampled_before`` (local days, included)."""
    try:
        base = reverse("risk_monitoring:sampling_list")
    except NoReverseMatch:
        return ""
    filters: list[tuple[str, str]] = []
    if not scope.national:
        filters.append(("jurisdiction", scope.bureau_code))
    if period is not None:
        filters += [("sampled_after", period.first.isoformat()), ("sampled_before", period.last.isoformat())]
    return f"{base}?{_query([*pairs, *filters])}"


# --- figures --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of a chart's table: a label and a figure per month, with its total."""

    key: str
    label: str | Promise
    colour: str
    points: list[Figure]
    total: Figure


@dataclass(frozen=True)
class MonthChart:
    """Counts per month (stacked bars), with the table that holds the same figures."""

    key: str
    months: list[Period]
    rows: list[Row]
    totals: list[Figure]

    def chart_data(self) -> dict[str, Any]:
        return {
            "kind": "stacked",
            "labels": [month.first.strftime("%Y-%m") for month in self.months],
            "datasets": [
                {
                    "label": str(row.label),
                    "data": [p.value for p in row.points],
                    "urls": [p.url for p in row.points],
                    "colour": row.colour,
                }
                for row in self.rows
            ],
        }

    def table(self) -> list[tuple[Period, list[Figure], Figure]]:
        """The table alternative: a row per month (a figure per series, and the month's total)."""
        return [
            (month, [row.points[index] for row in self.rows], self.totals[index])
            for index, month in enumerate(self.months)
        ]


@dataclass(frozen=True)
class Bar:
    key: str
    label: str | Promise
    figure: Figure
    colour: str


@dataclass(frozen=True)
class FailureRate:
    key: str
    label: str | Promise
    rate: Rate
    failed: Figure
    total: Figure


@dataclass(frozen=True)
class TopRow:
    score: RiskScore
    name: str
    url: str
    signals_url: str


@dataclass(frozen=True)
class BureauRow:
    label: BureauLabel
    signals_open: Figure
    samplings: Figure
    rate: Rate


@dataclass
class RiskDashboard:
    scope: RiskScope
    bureau: Bureau | None
    by_source: MonthChart
    by_category: MonthChart
    open_by_severity: list[Bar]
    failure_rates: list[FailureRate]
    top_enterprises: list[TopRow]
    top_products: list[TopRow]
    bureaus: list[BureauRow] | None
    panels: list[Panel] = field(default_factory=list)

    @property
    def open_total(self) -> int:
        return sum(bar.figure.value for bar in self.open_by_severity)

    def severity_chart(self) -> dict[str, Any]:
        return {
            "kind": "bars",
            "labels": [str(bar.label) for bar in self.open_by_severity],
            "datasets": [
                {
                    "label": str(_("Open signals")),
                    "data": [bar.figure.value for bar in self.open_by_severity],
                    "urls": [bar.figure.url for bar in self.open_by_severity],
                    "colours": [bar.colour for bar in self.open_by_severity],
                }
            ],
        }

    @property
    def failure_chart_height(self) -> str:
        """The chart's height in rem: room for each bar, whatever the number of sub-categories."""
        bars = sum(1 for rate in self.failure_rates if rate.rate.total)
        return f"{max(8, 4 + 2 * bars)}"

    def failure_chart(self) -> dict[str, Any]:
        rated = [rate for rate in self.failure_rates if rate.rate.total]
        return {
            "kind": "percent",
            "labels": [str(rate.label) for rate in rated],
            "datasets": [
                {
                    "label": str(_("Failure rate (%)")),
                    "data": [float(rate.rate.percent or 0) for rate in rated],
                    "counts": [[rate.rate.failed, rate.rate.total] for rate in rated],
                    "urls": [rate.failed.url for rate in rated],
                    "colour": "#b02a37",
                }
            ],
        }


def _signals(user: User, scope: RiskScope) -> QuerySet[RiskSignal]:
    signals = RiskSignal.objects.visible_to(user)
    if not scope.national:
        signals = signals.filter(competent_bureau__in=Bureau.objects.jurisdiction_of(scope.bureau_id))
    return signals


def _samplings(user: User, scope: RiskScope) -> QuerySet[Sampling]:
    samplings = Sampling.objects.visible_to(user)
    if not scope.national:
        samplings = samplings.filter(bureau__in=Bureau.objects.jurisdiction_of(scope.bureau_id))
    return samplings.filter(sampled_at__gte=scope.start, sampled_at__lt=scope.end)


def _month(value: dt.datetime | dt.date) -> dt.date:
    """TruncMonth's answer as the local first day of the month."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(DASHBOARD_ZONE)
        return value.date()
    return value


def _month_charts(user: User, scope: RiskScope) -> tuple[MonthChart, MonthChart]:
    """Signals raised per month by source and by category: one grouped aggregate for both."""
    rows = list(
        _signals(user, scope)
        .filter(created_at__gte=scope.start, created_at__lt=scope.end)
        .annotate(month=TruncMonth("created_at", tzinfo=DASHBOARD_ZONE))
        .values("month", "source", "category")
        .order_by()
        .annotate(n=Count("pk"))
    )
    months = [Month(period.first) for period in scope.months]
    sources = month_series(
        months, ((_month(r["month"]), str(r["source"]), int(r["n"])) for r in rows), [s.value for s in SignalSource]
    )
    categories = month_series(
        months,
        ((_month(r["month"]), str(r["category"]) or NOT_GIVEN, int(r["n"])) for r in rows),
        [c.value for c in GoodsCategory],
    )
    source_labels = dict(SignalSource.choices)
    category_labels: dict[str, str | Promise] = {**dict(GoodsCategory.choices), NOT_GIVEN: _("No category")}

    def chart(key: str, param: str, series: dict[str, list[int]], labels: dict[str, Any]) -> MonthChart:
        chart_rows = []
        for index, (value, counts) in enumerate(series.items()):
            if value == NOT_GIVEN and not any(counts):
                continue
            points = [
                Figure(count, signal_url(scope, (param, value), period=period))
                for count, period in zip(counts, scope.months, strict=True)
            ]
            whole = Period(scope.months[0].first, scope.months[-1].last)
            total = Figure(sum(counts), signal_url(scope, (param, value), period=whole))
            chart_rows.append(Row(value, labels.get(value, value), colour(index), points, total))
        totals = [
            Figure(sum(row.points[index].value for row in chart_rows), signal_url(scope, period=period))
            for index, period in enumerate(scope.months)
        ]
        return MonthChart(key, scope.months, chart_rows, totals)

    return (
        chart("source", "source", sources, source_labels),
        chart("category", "category", categories, category_labels),
    )


def _open_by_severity(user: User, scope: RiskScope) -> list[Bar]:
    """Open signals (new and assessed) by severity, not yet assessed last: one grouped aggregate."""
    rows = _signals(user, scope).filter(status__in=SIGNAL_OPEN).values("severity").order_by().annotate(n=Count("pk"))
    counts = {str(row["severity"]) or NOT_GIVEN: int(row["n"]) for row in rows}
    labels: list[tuple[str, str | Promise, str]] = [
        (severity.value, severity.label, SEVERITY_COLOURS[severity]) for severity in Severity
    ]
    labels.append((NOT_GIVEN, _("Not assessed yet"), "secondary"))
    return [
        Bar(key, label, Figure(counts.get(key, 0), signal_url(scope, *_OPEN_QUERY, ("severity", key))), bar_colour)
        for key, label, bar_colour in labels
    ]


def _failure_rates(user: User, scope: RiskScope) -> list[FailureRate]:
    """Samplings with a verdict in the period, and the failed ones, by the product's sub-category."""
    verdicts = (SamplingVerdict.PASS, SamplingVerdict.FAIL)
    rows = (
        _samplings(user, scope)
        .filter(verdict__in=verdicts)
        .values("product__subcategory")
        .order_by()
        .annotate(total=Count("pk"), failed=Count("pk", filter=Q(verdict=SamplingVerdict.FAIL)))
    )
    rates = {str(r["product__subcategory"]) or NOT_GIVEN: Rate(int(r["failed"]), int(r["total"])) for r in rows}
    labels: dict[str, str | Promise] = {**dict(ProductSubcategory.choices), NOT_GIVEN: _("No sub-category")}
    whole = Period(scope.months[0].first, scope.months[-1].last)
    result = []
    for key, rate in sorted_rates(rates):
        result.append(
            FailureRate(
                key,
                labels.get(key, key),
                rate,
                Figure(rate.failed, sampling_url(scope, ("subcategory", key), ("verdict", "fail"), period=whole)),
                Figure(
                    rate.total,
                    sampling_url(scope, ("subcategory", key), ("verdict", "pass"), ("verdict", "fail"), period=whole),
                ),
            )
        )
    return result


def _top(user: User, scope: RiskScope, subject: ScoreSubject) -> list[TopRow]:
    """The current scores of the subject type, highest first: one query (with the filing joined)."""
    scores = RiskScore.objects.visible_to(user).filter(is_current=True, subject_type=subject)
    if not scope.national:
        scores = scores.filter(enterprise__bureau__in=Bureau.objects.jurisdiction_of(scope.bureau_id))
    scores = scores.select_related("enterprise", "product").order_by("-score", "-computed_at", "pk")[:TOP]
    rows = []
    for score in scores:
        if subject == ScoreSubject.PRODUCT and score.product is not None:
            name, url = score.product.name, score.product.get_absolute_url()
            signals = f"{reverse('risk_monitoring:signal_list')}?product={score.product_id}"
        elif score.enterprise is not None:
            name, url = score.enterprise.name, score.enterprise.get_absolute_url()
            signals = f"{reverse('risk_monitoring:signal_list')}?enterprise={score.enterprise_id}"
        else:
            name, url, signals = score.subject_id, "", ""
        rows.append(TopRow(score, name, url, signals))
    return rows


def _bureau_rows(user: User, scope: RiskScope) -> list[BureauRow]:
    """Headquarters' table: open signals by competent bureau, samplings (and their failure rate) by
    the sampling bureau, over the period: two grouped aggregates."""
    label_fields = ("code", "name", "name_en")
    open_rows = (
        _signals(user, scope)
        .filter(status__in=SIGNAL_OPEN)
        .filter(competent_bureau__isnull=False)
        .values(*(f"competent_bureau__{name}" for name in label_fields))
        .order_by()
        .annotate(n=Count("pk"))
    )
    verdicts = (SamplingVerdict.PASS, SamplingVerdict.FAIL)
    sampling_rows = (
        _samplings(user, scope)
        .values(*(f"bureau__{name}" for name in label_fields))
        .order_by()
        .annotate(
            n=Count("pk"),
            rated=Count("pk", filter=Q(verdict__in=verdicts)),
            failed=Count("pk", filter=Q(verdict=SamplingVerdict.FAIL)),
        )
    )
    labels: dict[str, BureauLabel] = {}
    signals_open: dict[str, int] = {}
    samplings: dict[str, tuple[int, int, int]] = {}
    for row in open_rows:
        code = str(row["competent_bureau__code"])
        labels[code] = BureauLabel(code, str(row["competent_bureau__name"]), str(row["competent_bureau__name_en"]))
        signals_open[code] = int(row["n"])
    for row in sampling_rows:
        code = str(row["bureau__code"])
        labels.setdefault(code, BureauLabel(code, str(row["bureau__name"]), str(row["bureau__name_en"])))
        samplings[code] = (int(row["n"]), int(row["rated"]), int(row["failed"]))
    whole = Period(scope.months[0].first, scope.months[-1].last)
    result = []
    for code in sorted(labels):
        taken, rated, failed = samplings.get(code, (0, 0, 0))
        result.append(
            BureauRow(
                labels[code],
                Figure(signals_open.get(code, 0), signal_url(scope, *_OPEN_QUERY, ("competent_bureau", code))),
                Figure(taken, sampling_url(scope, ("bureau", code), period=whole)),
                Rate(failed, rated),
            )
        )
    return result


def risk_dashboard(user: User, scope: RiskScope, bureau: Bureau | None = None) -> RiskDashboard:
    """Every figure of the dashboard, in a fixed number of queries (see the module's docstring)."""
    by_source, by_category = _month_charts(user, scope)
    return RiskDashboard(
        scope=scope,
        bureau=bureau,
        by_source=by_source,
        by_category=by_category,
        open_by_severity=_open_by_severity(user, scope),
        failure_rates=_failure_rates(user, scope),
        top_enterprises=_top(user, scope, ScoreSubject.ENTERPRISE),
        top_products=_top(user, scope, ScoreSubject.PRODUCT),
        bureaus=_bureau_rows(user, scope) if scope.national and user.is_hq else None,
        panels=risk_panels(user, scope),
    )
