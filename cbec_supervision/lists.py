"""The one list-page pattern: a FilterSet (shared with the API) narrows the rows, a table shows them.

``list_page`` renders ``object_list.html`` (breadcrumb, filter form, table, empty row, pagination,
export buttons, bulk-action bar) or, with ``?export=csv|xlsx``, the filtered rows as a file.
``bulk_apply`` runs one service per selected row, each in its own transaction, and reports per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cbec_supervision.tables import COUNT_CAP, EXPORT_FORMATS, EXPORT_LIMIT, PAGE_SIZE, BaseTable

#: at most this many rows are acted on in one bulk action
BULK_LIMIT = 200


def page_filterset(filterset_class, request, queryset):
    """The FilterSet bound to the query string, its form reduced to what the page shows the user.

    A FilterSet lists its page filters in ``page_fields`` and may narrow them per user with
    ``page_fields_for(user)``; filters not on the page (the API's extras, ``ordering``: the table
    sorts) are dropped from the form, so they neither filter nor show errors on the page.
    """
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    shown = (
        filterset.page_fields_for(request.user)
        if hasattr(filterset, "page_fields_for")
        else [name for name in filterset.form.fields if name != "ordering"]
    )
    form = filterset.form
    for name in list(form.fields):
        if name in shown:
            continue
        if name != "ordering" and name in request.GET:
            # A link to a filtered list (a dashboard figure, a home queue) names a filter the page
            # does not show: it still filters, kept as a hidden field so the form's search keeps it.
            multiple = isinstance(form.fields[name].widget, forms.SelectMultiple)
            form.fields[name].widget = forms.MultipleHiddenInput() if multiple else forms.HiddenInput()
            continue
        del form.fields[name]
    for name, widget in getattr(filterset, "page_widgets", dict)().items():
        if name in form.fields:
            form.fields[name].widget = widget
    return filterset


def filtered(filterset, queryset):
    """The rows the filters select; an invalid filter (shown on the form) filters nothing."""
    if filterset is None:
        return queryset
    return filterset.qs if filterset.is_bound and filterset.is_valid() else queryset


def build_table(
    request,
    table_class: type[BaseTable],
    rows,
    *,
    paginate: bool = True,
    per_page: int = PAGE_SIZE,
    **table_kwargs,
) -> BaseTable:
    """The table over ``rows``, sorted by ``?<prefix>sort=`` (whitelisted) and paginated with a capped count."""
    table = table_class(rows, request=request, **table_kwargs)
    table.sort(request.GET.get(table.prefixed_order_by_field))
    if paginate:
        table.paginate_capped(request.GET.get(table.prefixed_page_field), per_page=per_page)
    return table


def querystring_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def list_page(
    request,
    *,
    queryset,
    table_class: type[BaseTable],
    filterset_class=None,
    template: str = "object_list.html",
    context: dict[str, Any] | None = None,
    exportable: bool = True,
    bulk_actions: Iterable[BulkAction] = (),
    **table_kwargs,
):
    """A list page, or its filtered rows as CSV/XLSX with ``?export=csv|xlsx`` (at most EXPORT_LIMIT rows)."""
    filterset = page_filterset(filterset_class, request, queryset) if filterset_class else None
    rows = filtered(filterset, queryset)
    bulk_actions = [action for action in bulk_actions if action.allowed(request.user)]
    fmt = request.GET.get("export")
    if exportable and fmt in EXPORT_FORMATS:
        if filterset is not None and filterset.is_bound and not filterset.is_valid():
            # Never export more than the reader asked for: back to the page, which shows the errors.
            messages.error(request, _("Correct the filters first: nothing was exported."))
            query = querystring_without(request, "export")
            return redirect(f"{request.path}?{query}" if query else request.path)
        table = build_table(request, table_class, rows, paginate=False, **table_kwargs)
        return table.export_response(fmt)
    table = build_table(request, table_class, rows, selectable=bool(bulk_actions), **table_kwargs)
    return render(
        request,
        template,
        {
            "filter": filterset,
            "table": table,
            "page_obj": table.page,
            "rows": table.page_records,
            "querystring": querystring_without(request, table.prefixed_page_field, "export"),
            "exportable": exportable,
            "export_query": querystring_without(request, table.prefixed_page_field, "export"),
            "export_limit": EXPORT_LIMIT,
            "count_cap": COUNT_CAP,
            "bulk_actions": bulk_actions,
            "bulk_comment": any(action.comment for action in bulk_actions),
            **(context or {}),
        },
    )


# --- bulk actions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkAction:
    """One action on selected rows: a button on the list, a confirmation page, a per-row report."""

    name: str
    label: str | Promise
    url: str
    colour: str = "primary"
    icon: str = "check2"
    #: show a shared comment box (and require it when ``comment_required``)
    comment: bool = False
    comment_required: bool = False
    allowed: Callable[[Any], bool] = field(default=lambda _user: True)


@dataclass
class BulkResult:
    record: Any
    done: bool
    message: str = ""


class BulkForm(forms.Form):
    """The rows chosen (``select``), the shared comment, and whether the user confirmed."""

    select = forms.TypedMultipleChoiceField(coerce=int, choices=())
    comment = forms.CharField(label=_("Comment (the same for every selected row)"), required=False, max_length=2000)
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, comment_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.comment_required = comment_required
        # Any id is accepted here; the view keeps only the rows the user may see.
        self.fields["select"].valid_value = lambda value: str(value).isascii() and str(value).isdigit()  # type: ignore[attr-defined]  # fields[] is typed Field; "select" is the TypedMultipleChoiceField above
        self.fields["select"].error_messages["required"] = _("Select at least one row.")

    def clean_select(self):
        chosen = [pk for pk in self.cleaned_data["select"] if 0 < pk < 2**63]
        if len(chosen) > BULK_LIMIT:
            raise ValidationError(
                _("Select at most %(limit)d rows at a time.") % {"limit": BULK_LIMIT}, code="too_many"
            )
        return list(dict.fromkeys(chosen))

    def clean(self):
        data = super().clean()
        if self.comment_required and data.get("confirm") and not (data.get("comment") or "").strip():  # type: ignore[union-attr]  # Form.clean returns cleaned_data
            self.add_error("comment", _("Give a reason."))
        return data


def refusal_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc) or str(_("You may not do this."))


def bulk_apply(records: Iterable, act: Callable[[Any], Any]) -> list[BulkResult]:
    """``act(record)`` for each record in its own transaction: a refusal undoes only that row."""
    results = []
    for record in records:
        try:
            with transaction.atomic():
                act(record)
        except (ValidationError, PermissionDenied) as exc:
            results.append(BulkResult(record, False, refusal_text(exc)))
        else:
            results.append(BulkResult(record, True))
    return results


def bulk_page(
    request,
    *,
    action: BulkAction,
    queryset,
    table_class: type[BaseTable],
    act: Callable[[Any, str], Any],
    back_url: str,
    title: str,
    **table_kwargs,
):
    """A bulk action in two POSTs: the selected rows to confirm (with the shared comment), then the report.

    Only rows in ``queryset`` (the user's ``visible_to`` and the action's own condition) are shown and
    acted on; others are counted as unavailable. ``act(record, comment)`` calls the service.
    """
    from django.http import Http404
    from django.utils.http import url_has_allowed_host_and_scheme

    if not action.allowed(request.user):
        raise Http404
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        back_url = wanted
    form = BulkForm(request.POST, comment_required=action.comment_required)
    valid = form.is_valid()
    if "select" in form.errors:
        for error in form.errors["select"]:
            messages.error(request, error)  # type: ignore[arg-type]  # an ErrorList iterates over its messages (str)
        return redirect(back_url)
    ids = form.cleaned_data["select"]
    records = list(queryset.filter(pk__in=ids))
    context = {
        "title": title,
        "action": action,
        "back_url": back_url,
        "form": form,
        "records": records,
        "unavailable": len(ids) - len(records),
    }
    if valid and form.cleaned_data["confirm"]:
        comment = (form.cleaned_data.get("comment") or "").strip()
        results = bulk_apply(records, lambda record: act(record, comment))
        context.update(results=results, done=sum(r.done for r in results), refused=sum(not r.done for r in results))
        return render(request, "bulk_action.html", context)
    context["table"] = table_class(records, request=request, orderable=False, **table_kwargs)
    return render(request, "bulk_action.html", context)
