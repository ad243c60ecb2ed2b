"""Reads of import control that other parts of the project show: the import queues and figures on the home page."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalogues.choices import TIER_COLOURS, Tier
from cbec_supervision.assignment import QueueKind, register_queue_kind
from cbec_supervision.dashboard import (
    DASHBOARD_ZONE,
    BureauColumn,
    BureauLabel,
    Figure,
    Panel,
    PanelItem,
    Period,
    Series,
)
from cbec_supervision.home import Queue
from cbec_supervision.search import Searcher, SearchQuery, list_contains, register_searcher
from imports.choices import BATCH_STATUS_COLOURS, BatchStatus, VerificationStatus
from imports.models import ImportBatch, ImportItem, VerificationTask

if TYPE_CHECKING:
    from accounts.models import User


def home_queues(user: User) -> list[Queue]:
    """Batches awaiting verification (enterprises, rank 200); open on-site verifications (bureau staff, rank 120)."""
    if user.is_enterprise_user:
        # A partially refused batch may still have lines awaiting verification: the open task tells.
        awaiting = ImportBatch.objects.visible_to(user).filter(verification__status=VerificationStatus.OPEN).count()
        return [
            Queue(
                _("Batches awaiting verification"),
                awaiting,
                f"{reverse('imports:batch_list')}?verification={VerificationStatus.OPEN}",
                "warning" if awaiting else "secondary",
                _("import batches the port bureau verifies on site"),
                rank=200,
            )
        ]
    if not user.is_bureau_staff:
        return []
    # The port bureau verifies: tasks of the user's bureau and its branch bureaus.
    verifications = (
        VerificationTask.objects.filter(status=VerificationStatus.OPEN).filter(bureau__in=user.jurisdiction()).count()
    )
    return [
        Queue(
            _("Open on-site verifications"),
            verifications,
            reverse("imports:verification_queue"),
            "warning" if verifications else "secondary",
            _("import batches with key-supervision goods, oldest first"),
            rank=120,
        )
    ]


# --- dashboards (issue 9 section 4) ---------------------------------------------------------------

_REFUSED = (BatchStatus.REFUSED, BatchStatus.PARTIALLY_REFUSED)
_REFUSED_QUERY = "&".join(f"status={status}" for status in _REFUSED)


def _bureau_batches(user: User) -> QuerySet[ImportBatch]:
    """The batches a dashboard counts: those entering through a port of the user's jurisdiction
    (headquarters: every port). An enterprise's batches entering elsewhere are the other port's work."""
    batches = ImportBatch.objects.visible_to(user)
    if user.is_bureau_staff:
        batches = batches.filter(port_bureau__in=user.jurisdiction())
    return batches


def _url(*parts: str) -> str:
    return f"{reverse('imports:batch_list')}?{'&'.join(part for part in parts if part)}"


def dashboard_bureau_columns(user: User, period: Period) -> list[BureauColumn]:
    """Batches declared, refused and sent to verification in the period, and their lines by tier,
    per port bureau: two grouped aggregates."""
    batches = _bureau_batches(user).filter(created_at__gte=period.start, created_at__lt=period.end)
    tiers = (Tier.PROHIBITED, Tier.KEY_SUPERVISION, Tier.GENERAL_SUPERVISION)
    labels: dict[str, BureauLabel] = {}
    #: {figure key: {bureau code: count}}
    counts: dict[str, dict[str, int]] = {key: {} for key in ("declared", "refused", "sent")}
    for row in (
        batches.values("port_bureau__code", "port_bureau__name", "port_bureau__name_en")
        .order_by()
        .annotate(
            declared=Count("pk"),
            refused=Count("pk", filter=Q(status__in=_REFUSED)),
            sent=Count("pk", filter=Q(verification__isnull=False)),
        )
    ):
        code = str(row["port_bureau__code"])
        labels[code] = BureauLabel(code, str(row["port_bureau__name"]), str(row["port_bureau__name_en"]))
        for key in ("declared", "refused", "sent"):
            counts[key][code] = int(row[key])
    tier_keys = {tier: f"tier{int(tier)}" for tier in tiers}
    for key in tier_keys.values():
        counts[key] = {}
    for line_row in (
        ImportItem.objects.filter(batch__in=batches.values("pk"))
        .values("batch__port_bureau__code")
        .order_by()
        .annotate(**{key: Count("pk", filter=Q(tier=tier)) for tier, key in tier_keys.items()})
    ):
        for key in tier_keys.values():
            counts[key][str(line_row["batch__port_bureau__code"])] = int(line_row[key])  # type: ignore[literal-required]
    # Staff's totals are their jurisdiction's (``mine``); headquarters' are national.
    mine = "mine=true" if user.is_bureau_staff else ""

    def column(
        key: str, title: str | Promise, group: str | Promise, rank: int, filters: str, colour: str
    ) -> BureauColumn:
        by_bureau = {
            code: Figure(value, _url(f"port_bureau={code}", filters, period.query))
            for code, value in counts[key].items()
        }
        total = Figure(sum(counts[key].values()), _url(mine, filters, period.query))
        return BureauColumn(title, group, rank, by_bureau, total, labels, colour)

    month = _("Import batches this month")
    by_tier = _("Lines declared this month, by tier")
    columns = [
        column("declared", pgettext_lazy("batches", "Declared"), month, 300, "", "body"),
        column("refused", pgettext_lazy("batches", "Refused"), month, 310, _REFUSED_QUERY, "danger"),
        column("sent", _("Sent to on-site verification"), month, 320, "sent_to_verification=true", "warning"),
    ]
    for rank, (tier, key) in enumerate(tier_keys.items(), start=330):
        columns.append(column(key, tier.label, by_tier, rank, f"line_tier={int(tier)}", TIER_COLOURS[tier]))
    return columns


def dashboard_trend(user: User, weeks: list[Period]) -> list[Series]:
    """Batches declared and refused per week (Asia/Shanghai weeks), in one grouped aggregate."""
    start, end = weeks[0].start, weeks[-1].end
    rows = (
        _bureau_batches(user)
        .filter(created_at__gte=start, created_at__lt=end)
        .annotate(week=TruncWeek("created_at", tzinfo=DASHBOARD_ZONE))
        .values("week")
        .order_by()
        .annotate(declared=Count("pk"), refused=Count("pk", filter=Q(status__in=_REFUSED)))
    )
    by_week: dict[dt.date, dict[str, int]] = {
        _as_date(row["week"]): {"declared": int(row["declared"]), "refused": int(row["refused"])} for row in rows
    }
    mine = "mine=true" if user.is_bureau_staff else ""

    def points(key: str, filters: str) -> list[Figure]:
        return [Figure(by_week.get(week.first, {}).get(key, 0), _url(mine, filters, week.query)) for week in weeks]

    return [
        # Colours told apart by hue and by the line's dash (the chart script), readable as text on white.
        Series("declared", _("Batches declared"), points("declared", ""), "#0b5ed7", rank=100),
        Series("refused", _("Batches refused"), points("refused", _REFUSED_QUERY), "#b02a37", rank=110),
    ]


def _as_date(value: dt.datetime | dt.date) -> dt.date:
    """TruncWeek's answer as the local date of the Monday (SQLite may answer a naive datetime)."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(DASHBOARD_ZONE)
        return value.date()
    return value


def dashboard_panels(user: User) -> list[Panel]:
    """An enterprise's batches by outcome, and those awaiting on-site verification (what needs its action)."""
    statuses = list(BatchStatus)
    counts = (
        ImportBatch.objects.visible_to(user)
        .order_by()
        .aggregate(
            awaiting=Count("pk", filter=Q(verification__status=VerificationStatus.OPEN)),
            **{str(status): Count("pk", filter=Q(status=status)) for status in statuses},
        )
    )
    url = reverse("imports:batch_list")
    outcomes = [
        PanelItem(
            status.label,
            Figure(counts[str(status)], f"{url}?status={status}"),
            BATCH_STATUS_COLOURS.get(status, "body"),
            rank=rank,
        )
        for rank, status in enumerate(statuses)
    ]
    awaiting = PanelItem(
        _("Batches awaiting on-site verification"),
        Figure(counts["awaiting"], f"{url}?verification={VerificationStatus.OPEN}"),
        "warning",
        _("have the goods ready for the port bureau's inspectors"),
        rank=400,
    )
    return [
        Panel("action", _("What needs your action"), 100, [awaiting]),
        Panel("batches", _("Your import batches by outcome"), 300, outcomes),
    ]


#: an on-site verification holds goods at the port: overdue after this many days
VERIFICATION_DUE_DAYS = 2


def register_assignment_kinds() -> None:
    """Open on-site verifications wait in the port bureau's queue: they are assigned."""
    open_ = str(VerificationStatus.OPEN)
    register_queue_kind(
        QueueKind(
            key="imports.verification",
            model_label="imports.VerificationTask",
            label=_("On-site verification"),
            waiting=Q(status=open_),
            is_waiting=lambda task: task.status == open_,
            bureau_path="bureau",
            waiting_since="created_at",
            due_days=lambda: VERIFICATION_DUE_DAYS,
            related=("batch",),
            url=lambda task: task.batch.get_absolute_url(),
        )
    )


def _batch_search(user: User, query: SearchQuery) -> QuerySet[ImportBatch] | None:
    """Batches by number (or its start), or by the HS code prefix or CAS number of one of their lines."""
    parts = []
    if query.is_identifier and not query.is_digits:
        parts.append(Q(batch_no__startswith=query.upper))
    line = []
    if query.is_hs_prefix:
        line.append(Q(hs_code__startswith=query.text))
    if query.is_cas:
        line.append(list_contains("cas_numbers", query.text))
    if line:
        parts.append(Q(Exists(ImportItem.objects.filter(reduce(or_, line), batch=OuterRef("pk")))))
    if not parts:
        return None
    return (
        ImportBatch.objects.visible_to(user)
        .filter(reduce(or_, parts))
        .select_related("enterprise")
        .order_by("-created_at", "-pk")
    )


def _describe_batch(batch: ImportBatch) -> str:
    return " · ".join((batch.enterprise.name, batch.get_mode_display(), batch.get_status_display()))


def register_searchers() -> None:
    """The search box finds import batches by number, and by the HS code or CAS number of a line."""
    register_searcher(Searcher("imports.batch", _("Import batches"), _batch_search, _describe_batch, rank=200))


def next_open_verification(user: User, batch: ImportBatch) -> ImportBatch | None:
    """The batch of the oldest on-site verification still open in the user's bureau, other than ``batch``'s:
    where an inspector goes after deciding one (the verification queue's order)."""
    tasks = VerificationTask.objects.filter(status=VerificationStatus.OPEN).exclude(batch=batch)
    if not user.is_hq:
        tasks = tasks.filter(bureau__in=user.jurisdiction())
    task = tasks.select_related("batch").order_by("created_at", "id").first()
    return task.batch if task is not None else None
