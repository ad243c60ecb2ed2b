"""The table layer of every HTML list (django-tables2, as NetBox uses it).

A ``BaseTable`` renders with Bootstrap 5 classes through one template, sorts on the server by the
columns that say ``orderable=True`` only (an unknown ``?sort=`` is ignored), and exports the rows the
filters select, with the same columns, as CSV or XLSX. Headings are the columns' ``verbose_name``,
translated in the reader's language; times are shown and exported in Asia/Shanghai.

Counting is capped (``CappedPaginator``): a list says "more than 10,000" rather than counting ten
million rows on every page view, so the count costs at most COUNT_CAP index entries.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tables2.rows import BoundRow

PAGE_SIZE = 50
#: a list counts its rows up to this many; above it, it says "more than COUNT_CAP"
COUNT_CAP = 10_000
#: an export holds at most this many rows (the page says so)
EXPORT_LIMIT = 10_000
EXPORT_FORMATS = ("csv", "xlsx")

#: a cell starting with one of these is a formula to a spreadsheet (CSV/formula injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A text cell a spreadsheet will show as text, never evaluate: a leading quote disarms it."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _queryset_of(object_list) -> QuerySet | None:
    """The QuerySet under django-tables2's BoundRows (or the list itself when it is one)."""
    if isinstance(object_list, QuerySet):
        return object_list
    data = getattr(getattr(object_list, "data", None), "data", None)
    return data if isinstance(data, QuerySet) else None


class CappedPaginator(Paginator):
    """A Paginator whose count stops at ``cap`` + 1: ``SELECT COUNT(*) FROM (... LIMIT cap + 1)``.

    Exact up to the cap; above it ``capped`` is true and the pages reach the first ``cap`` rows (and one).
    Sort by a column or filter to reach the others: nobody pages through ten million rows.
    """

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        queryset = _queryset_of(self.object_list)
        if queryset is None:
            return len(self.object_list)
        return queryset.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


# --- columns ---------------------------------------------------------------------------------------


class DateTimeColumn(tables.Column):
    """A time in Asia/Shanghai, ``YYYY-MM-DD HH:MM``, on the page and in exports alike."""

    format = "%Y-%m-%d %H:%M"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime(self.format)

    def value(self, value):
        return self.render(value)


class DateColumn(DateTimeColumn):
    format = "%Y-%m-%d"


class MonoColumn(tables.Column):
    """Codes and numbers: monospace, and right-aligned when ``numeric``."""

    def __init__(self, *args, numeric: bool = False, **kwargs):
        css = "font-monospace text-end" if numeric else "font-monospace text-nowrap"
        kwargs.setdefault("attrs", {"td": {"class": css}, "th": {"class": "text-end" if numeric else ""}})
        super().__init__(*args, **kwargs)


class StatusColumn(tables.Column):
    """The record's ``get_<field>_display`` in its coloured badge; the label alone in exports."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)

    def _label(self, record, bound_column) -> str:
        field = bound_column.accessor.split(".")[-1] if bound_column.accessor else "status"
        return force_str(getattr(record, f"get_{field}_display")())

    def render(self, record, bound_column):
        field = bound_column.accessor.split(".")[-1]
        colour = getattr(record, f"{field}_colour", None) or "secondary"
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, self._label(record, bound_column))

    def value(self, record, bound_column):
        return self._label(record, bound_column)


class TierColumn(tables.Column):
    """The three-tier badge (1 prohibited, 2 key supervision, 3 general); the number in exports."""

    def __init__(self, *args, labels: dict | None = None, colours: dict | None = None, **kwargs):
        self.labels = labels or {}
        self.colours = colours or {}
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, **kwargs)

    def render(self, record, bound_column):
        tier = getattr(record, bound_column.accessor.split(".")[-1])
        return render_to_string(
            "includes/tier_badge.html",
            {"tier": tier, "label": self.labels.get(tier, ""), "colour": self.colours.get(tier)},
        )

    def value(self, record, bound_column):
        return getattr(record, bound_column.accessor.split(".")[-1])


class OwnerColumn(tables.Column):
    """Who owns a queued item: the ``owner_name`` annotation of ``assignment.with_owner``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("Owner"))
        kwargs.setdefault("accessor", "owner_name")
        kwargs.setdefault("orderable", True)
        kwargs.setdefault("default", "—")
        kwargs.setdefault("attrs", {"td": {"data-testid": "owner"}})
        super().__init__(**kwargs)


class SelectColumn(tables.CheckBoxColumn):
    """The row-selection checkbox of a list with bulk actions (never exported)."""

    def __init__(self, *args, form: str = "bulk-form", **kwargs):
        kwargs.setdefault("accessor", "pk")
        kwargs.setdefault("exclude_from_export", True)
        kwargs.setdefault("orderable", False)
        kwargs.setdefault(
            "attrs",
            {
                "th__input": {"class": "form-check-input", "data-select-all": "1", "aria-label": _("Select all")},
                "td__input": {"class": "form-check-input", "form": form, "aria-label": _("Select")},
                "th": {"class": "table-select"},
                "td": {"class": "table-select"},
            },
        )
        super().__init__(*args, **kwargs)

    @property
    def header(self):
        return format_html(
            '<input type="checkbox" class="form-check-input" data-select-all="1" aria-label="{}">', _("Select all")
        )


# --- tables ----------------------------------------------------------------------------------------


class BaseTable(tables.Table):
    """Bootstrap 5 table; sorting only on columns declared ``orderable=True``; CSV/XLSX export."""

    #: the file name of exports, without the extension
    export_name = "export"

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle mb-0"}
        template_name = "includes/table.html"
        orderable = False  # whitelist: a column opts in with orderable=True
        per_page = PAGE_SIZE
        empty_text = _("No rows match these filters.")

    def __init__(self, *args, selectable: bool = False, request=None, **kwargs):
        # Not passed on: django-tables2 would then paginate with an uncapped count (RequestConfig).
        # The list helper sorts (``sort``) and paginates (``paginate_capped``) itself.
        if selectable:
            form = f"{kwargs.get('prefix') or ''}bulk-form"
            kwargs.setdefault("extra_columns", []).append(("select", SelectColumn(form=form)))
            kwargs.setdefault("sequence", ("select", "..."))
        self.selectable = selectable
        super().__init__(*args, **kwargs)
        self.request = request

    def sort(self, value: str | None) -> None:
        """Order by ``value`` (``name`` or ``-name``) when it names an orderable column; else keep the default.

        A tie-breaker on the primary key keeps pages stable when many rows share the sorted value.
        """
        self.order_by = value or ()
        queryset = _queryset_of(self.data)
        if self.order_by and queryset is not None:
            descending = self.order_by[0].is_descending  # type: ignore[attr-defined]  # set as str, django-tables2 reads it back as an OrderByTuple
            self.data.data = queryset.order_by(*queryset.query.order_by, "-pk" if descending else "pk")

    def paginate_capped(self, page: Any, per_page: int = PAGE_SIZE) -> None:
        """Paginate with a capped count; a page number out of range shows the nearest page."""
        self.paginator = CappedPaginator(self.rows, per_page)
        self.page = self.paginator.get_page(page)

    @property
    def page_records(self) -> list:
        return [row.record for row in self.page.object_list] if hasattr(self, "page") else list(self.data)

    # --- export --------------------------------------------------------------------------------

    def export_columns(self) -> list:
        return [column for column in self.columns if not column.column.exclude_from_export]

    def export_rows(self, limit: int = EXPORT_LIMIT) -> Iterator[list]:
        """The heading row, then each record's cell values (as the page shows them, without markup)."""
        columns = self.export_columns()
        yield [force_str(column.header) for column in columns]
        queryset = _queryset_of(self.data)
        records: Iterable = list(queryset[:limit]) if queryset is not None else list(self.data)[:limit]
        for record in records:
            row = BoundRow(record, table=self)
            yield [row.get_cell_value(column.name) for column in columns]

    def export_response(self, fmt: str, limit: int = EXPORT_LIMIT) -> HttpResponse | StreamingHttpResponse:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        filename = f"{self.export_name}-{stamp}.{fmt}"
        response: HttpResponse | StreamingHttpResponse
        if fmt == "xlsx":
            response = HttpResponse(
                xlsx_bytes(self.export_rows(limit)),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            response = StreamingHttpResponse(csv_lines(self.export_rows(limit)), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def _is_number(value: Any) -> bool:
    """A number, written as one; a bool (an ``int`` to Python) is written as the translated Yes or No."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return force_str(_("Yes") if value else _("No"))
    return force_str(value)


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """CSV in UTF-8 with a byte-order mark (so spreadsheet programs read Chinese), formulas disarmed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for row in rows:
        writer.writerow([value if _is_number(value) else neutralise(_cell_text(value)) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def xlsx_bytes(rows: Iterable[list]) -> bytes:
    """One worksheet; every text is a string cell (never a formula), numbers stay numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    bold = Font(bold=True)
    for index, row in enumerate(rows):
        cells = []
        for value in row:
            if _is_number(value):
                cell = WriteOnlyCell(sheet, value=value)
            else:
                cell = WriteOnlyCell(sheet, value=_cell_text(value))
                cell.data_type = "s"  # openpyxl would take "=..." for a formula
            if index == 0:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- the notifications inbox -------------------------------------------------------------------------


class NotificationTable(BaseTable):
    """The user's inbox: unread rows stand out; each unread row can be marked read (htmx)."""

    export_name = "notifications"

    created_at = DateTimeColumn(verbose_name=_("Time"), orderable=True, attrs={"td": {"class": "text-nowrap small"}})
    title = tables.Column(verbose_name=_("Notification"), accessor="kind", empty_values=())
    mark_read = tables.Column(
        verbose_name="", accessor="pk", exclude_from_export=True, attrs={"td": {"class": "text-end"}}
    )

    class Meta(BaseTable.Meta):
        attrs = {**BaseTable.Meta.attrs, "data-testid": "notification-table"}
        row_attrs = {
            "class": lambda record: "notification-unread" if record.read_at is None else "text-body-secondary",
            "data-testid": "notification",
            "data-unread": lambda record: "1" if record.read_at is None else "0",
        }
        empty_text = _("No notifications.")

    def render_title(self, record):
        return render_to_string("notifications/includes/title.html", {"n": record})

    def value_title(self, record):
        return f"{record.title}: {record.body}" if record.body else str(record.title)

    def render_mark_read(self, record):
        # Not request=: that would run the context processors (and their queries) once per row.
        token = get_token(self.request) if self.request is not None else ""
        return render_to_string("notifications/includes/mark_read.html", {"n": record, "csrf_token": token})
