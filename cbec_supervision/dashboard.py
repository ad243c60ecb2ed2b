"""The home page's figures, contributed by the apps that own the work (issue 9 section 4).

The project package names no domain app: each app registers its providers in ``AppConfig.ready``,
as it registers its work queues (``cbec_supervision.home``):

- ``register_bureau_columns(provider)``: columns of the per-bureau table that headquarters sees for
  every bureau and a bureau's staff for their jurisdiction (``provider(user, period) -> [BureauColumn]``);
- ``register_trend(provider)``: series of the weekly trend (``provider(user, weeks) -> [Series]``);
- ``register_panels(provider)``: an enterprise's panels (its filings by status, its batches by
  outcome, what needs its action); panels of the same ``key`` from several apps are merged;
- ``register_risk_panels(provider)``: panels of the risk dashboard (the overdue inter-bureau notices),
  ``provider(user, RiskScope) -> [Panel]`` (see the end of this module).

Every figure is a count with the link to the filtered list it counts. Providers answer with
aggregates (conditional counts grouped by bureau or week), never rows, so a dashboard costs the same
number of queries whatever the data.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import timezone, translation
from django.utils.functional import Promise

if TYPE_CHECKING:
    from accounts.models import User

#: the dashboards count months and weeks as the bureaus live them
DASHBOARD_ZONE = ZoneInfo("Asia/Shanghai")
#: how many weeks the trend shows, this one included
TREND_WEEKS = 12


@dataclass(frozen=True)
class Figure:
    """A count and the link to the filtered list behind it."""

    value: int
    url: str


@dataclass(frozen=True)
class BureauLabel:
    code: str
    name: str
    name_en: str

    def __str__(self) -> str:
        language = translation.get_language() or ""
        return self.name if language.startswith("zh") or not self.name_en else self.name_en


@dataclass(frozen=True)
class BureauColumn:
    """One column of the per-bureau table: a figure per bureau (by code) and their total."""

    title: str | Promise
    group: str | Promise
    rank: int
    by_bureau: dict[str, Figure]
    total: Figure
    labels: dict[str, BureauLabel] = field(default_factory=dict)
    #: Bootstrap colour for a non-zero figure (text of the ``-emphasis`` shade: contrast above 4.5:1)
    colour: str = "body"
    hint: str | Promise = ""


@dataclass(frozen=True)
class Period:
    """A span of local (Asia/Shanghai) dates, both ends included, and its bounds as aware datetimes."""

    first: dt.date
    last: dt.date

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time.min, tzinfo=DASHBOARD_ZONE)

    @property
    def end(self) -> dt.datetime:
        """The first instant after the period."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time.min, tzinfo=DASHBOARD_ZONE)

    @property
    def query(self) -> str:
        """The period as the list filters name it (declared_after and declared_before, inclusive dates)."""
        return f"declared_after={self.first.isoformat()}&declared_before={self.last.isoformat()}"


def today() -> dt.date:
    return timezone.now().astimezone(DASHBOARD_ZONE).date()


def this_month(day: dt.date | None = None) -> Period:
    day = day or today()
    return Period(day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1]))


def trend_weeks(day: dt.date | None = None, count: int = TREND_WEEKS) -> list[Period]:
    """The last ``count`` weeks (Monday to Sunday), oldest first, the current week last."""
    day = day or today()
    monday = day - dt.timedelta(days=day.weekday())
    firsts = [monday - dt.timedelta(weeks=n) for n in range(count - 1, -1, -1)]
    return [Period(first, first + dt.timedelta(days=6)) for first in firsts]


@dataclass(frozen=True)
class Series:
    """One line of the weekly trend: a figure per week, in the order of the weeks."""

    key: str
    label: str | Promise
    points: list[Figure]
    #: a colour the chart draws it with (distinguishable, and readable on white as text)
    colour: str
    rank: int = 0


@dataclass(frozen=True)
class PanelItem:
    label: str | Promise
    figure: Figure
    colour: str = "body"
    hint: str | Promise = ""
    #: shown instead of the count when set (the status of the enterprise's own filing)
    display: str | Promise = ""
    rank: int = 0


@dataclass
class Panel:
    key: str
    title: str | Promise
    rank: int
    items: list[PanelItem]


BureauColumnsProvider = Callable[["User", Period], Iterable[BureauColumn]]
TrendProvider = Callable[["User", list[Period]], Iterable[Series]]
PanelProvider = Callable[["User"], Iterable[Panel]]

_bureau_columns: list[BureauColumnsProvider] = []
_trends: list[TrendProvider] = []
_panels: list[PanelProvider] = []


def _register(registry: list, provider) -> None:
    if provider not in registry:
        registry.append(provider)


def register_bureau_columns(provider: BureauColumnsProvider) -> None:
    """Add columns to the per-bureau table (from ``AppConfig.ready``; a second call is a no-op)."""
    _register(_bureau_columns, provider)


def register_trend(provider: TrendProvider) -> None:
    """Add series to the weekly trend (from ``AppConfig.ready``; a second call is a no-op)."""
    _register(_trends, provider)


def register_panels(provider: PanelProvider) -> None:
    """Add an enterprise's panels, or items to a panel of the same key (a second call is a no-op)."""
    _register(_panels, provider)


@dataclass(frozen=True)
class Cell:
    """A figure of the table and the colour it is shown in (its column's, or grey when zero)."""

    figure: Figure | None
    colour: str


def _cell(figure: Figure | None, column: BureauColumn) -> Cell:
    return Cell(figure, column.colour if figure is not None and figure.value else "secondary")


@dataclass(frozen=True)
class BureauRow:
    label: BureauLabel
    cells: list[Cell]


@dataclass(frozen=True)
class BureauTable:
    columns: list[BureauColumn]
    #: (group title, number of columns) in order, for the header's first row
    groups: list[tuple[str | Promise, int]]
    rows: list[BureauRow]
    totals: list[Cell]
    period: Period


@dataclass(frozen=True)
class Trend:
    weeks: list[Period]
    series: list[Series]

    def chart_data(self) -> dict:
        """What the chart script draws (``json_script``): labels, and one dataset per series."""
        return {
            "labels": [week.first.strftime("%m-%d") for week in self.weeks],
            "datasets": [
                {
                    "label": str(s.label),
                    "data": [p.value for p in s.points],
                    "urls": [p.url for p in s.points],
                    "colour": s.colour,
                }
                for s in self.series
            ],
        }

    def rows(self) -> list[tuple[Period, list[Figure]]]:
        """The table alternative: one row per week, a figure per series."""
        return [(week, [s.points[index] for s in self.series]) for index, week in enumerate(self.weeks)]


def bureau_table(user: User, period: Period | None = None) -> BureauTable | None:
    """The per-bureau table: every bureau with a non-zero figure (for headquarters, national), or
    the bureaus of a staff member's jurisdiction; ``None`` for enterprise users."""
    if not (user.is_hq or user.is_bureau_staff):
        return None
    period = period or this_month()
    columns = sorted((c for provider in _bureau_columns for c in provider(user, period)), key=lambda c: c.rank)
    labels: dict[str, BureauLabel] = {}
    for column in columns:
        labels.update(column.labels)
    codes = sorted({code for column in columns for code, figure in column.by_bureau.items() if figure.value})
    rows = [
        BureauRow(labels[code], [_cell(column.by_bureau.get(code), column) for column in columns]) for code in codes
    ]
    groups: list[tuple[str | Promise, int]] = []
    for column in columns:
        if groups and str(groups[-1][0]) == str(column.group):
            groups[-1] = (groups[-1][0], groups[-1][1] + 1)
        else:
            groups.append((column.group, 1))
    return BureauTable(columns, groups, rows, [_cell(column.total, column) for column in columns], period)


def weekly_trend(user: User, weeks: list[Period] | None = None) -> Trend | None:
    """The weekly trend (national for headquarters, the jurisdiction's for bureau staff)."""
    if not (user.is_hq or user.is_bureau_staff):
        return None
    weeks = weeks or trend_weeks()
    series = sorted((s for provider in _trends for s in provider(user, weeks)), key=lambda s: s.rank)
    return Trend(weeks, series) if series else None


def panels(user: User) -> list[Panel]:
    """An enterprise user's panels, merged by key, each panel's items in rank order."""
    if not user.is_enterprise_user:
        return []
    merged: dict[str, Panel] = {}
    for provider in _panels:
        for panel in provider(user):
            if panel.key in merged:
                merged[panel.key].items.extend(panel.items)
            else:
                merged[panel.key] = Panel(panel.key, panel.title, panel.rank, list(panel.items))
    for panel in merged.values():
        panel.items.sort(key=lambda item: item.rank)
    return sorted(merged.values(), key=lambda panel: panel.rank)


def notification_panels(user: User) -> list[Panel]:
    """Unread notifications are part of what needs an enterprise's action (staff have the badge in the navigation)."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from cbec_supervision.models import Notification

    unread = Notification.objects.visible_to(user).unread().count()
    item = PanelItem(_("Unread notifications"), Figure(unread, reverse("notification_list")), "info", rank=900)
    return [Panel("action", _("What needs your action"), 100, [item])]


# --- the risk dashboard's panels (issue 10) ------------------------------------------------------
#
# The risk dashboard (``/risks/dashboard/``) shows, beside risk monitoring's own charts, panels that
# other apps contribute: the inter-bureau notices overdue for acknowledgement (traceability's
# ``notifications/``) first. An app registers ``register_risk_panels(provider)`` in its
# ``AppConfig.ready``; ``provider(user, scope) -> [Panel]`` answers within ``scope`` (the national
# network, or one bureau's jurisdiction), with aggregates and links to its lists, like the panels
# above (panels of the same ``key`` are merged). With no provider registered, no panel is shown.


@dataclass(frozen=True)
class RiskScope:
    """What the risk dashboard shows: the national network, or one bureau's jurisdiction (the bureau
    and its branch bureaus: ``Bureau.objects.jurisdiction_of(bureau_id)``), over its months."""

    national: bool
    #: the bureau of a bureau view; ``None`` for the national view
    bureau_id: int | None
    bureau_code: str
    #: the period's months, oldest first, the current month last
    months: list[Period]

    @property
    def start(self) -> dt.datetime:
        return self.months[0].start

    @property
    def end(self) -> dt.datetime:
        return self.months[-1].end


RiskPanelProvider = Callable[["User", RiskScope], Iterable[Panel]]

_risk_panels: list[RiskPanelProvider] = []


def register_risk_panels(provider: RiskPanelProvider) -> None:
    """Add panels to the risk dashboard (from ``AppConfig.ready``; a second call is a no-op)."""
    _register(_risk_panels, provider)


def risk_panels(user: User, scope: RiskScope) -> list[Panel]:
    """The contributed panels of the risk dashboard, merged by key, in rank order."""
    merged: dict[str, Panel] = {}
    for provider in _risk_panels:
        for panel in provider(user, scope):
            if panel.key in merged:
                merged[panel.key].items.extend(panel.items)
            else:
                merged[panel.key] = Panel(panel.key, panel.title, panel.rank, list(panel.items))
    for panel in merged.values():
        panel.items.sort(key=lambda item: item.rank)
    return sorted(merged.values(), key=lambda panel: panel.rank)
