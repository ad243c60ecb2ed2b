"""Import batch pages: list, declare, detail with its lines, confirmation and on-site verification.

Thin views over ``imports.services``.

Every object is looked up through ``visible_to(request.user)`` (outside it: 404). Writes are POSTs
that call one service; a refusal (ValidationError, PermissionDenied) is shown on the form it came
from or as a message, and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalogues.presentation import TIER_LABELS, editions_rows, reason_rows
from cbec_supervision.assignment import with_owner
from cbec_supervision.countries import country_choices
from cbec_supervision.lists import list_page
from cbec_supervision.tables import PAGE_SIZE
from cbec_supervision.webui import file_response, show_refusal
from filings.choices import FilingStatus
from filings.models import ProductTestReport
from filings.selectors import certificate_on_file
from imports.choices import (
    CONFIRMATION_COLOURS,
    VERIFICATION_COLOURS,
    VERIFICATION_LABELS,
    BatchStatus,
    Confirmation,
    ItemStatus,
    VerificationStatus,
)
from imports.filtersets import ImportBatchFilterSet
from imports.forms import (
    MAX_FORM_LINES,
    BatchHeaderForm,
    ImportLineFormSet,
    ItemConfirmForm,
    VerificationFailForm,
    VerificationPassForm,
    product_choices,
)
from imports.models import ImportBatch, VerificationTask
from imports.selectors import next_open_verification
from imports.services import files as import_files
from imports.services.declarations import import_batch_declare
from imports.services.verification import import_item_confirm, verification_decide
from imports.tables import ImportBatchTable, VerificationTaskTable
from imports.views.common import (
    REFUSED_LINES_SCANNED,
    _require_enterprise_user,
)

# --- import batches -----------------------------------------------------------------------------


@login_required
@require_GET
def batch_list(request):
    user = request.user
    queryset = ImportBatch.objects.visible_to(user).select_related("enterprise", "port_bureau")
    return list_page(
        request,
        queryset=queryset,
        table_class=ImportBatchTable,
        filterset_class=ImportBatchFilterSet,
        template="imports/batch_list.html",
        context={
            "title": _("Import declarations") if user.is_enterprise_user else _("Import batches"),
            "search_placeholder": _("Batch number or operator"),
        },
        for_enterprise_user=user.is_enterprise_user,
    )


def _batch_outcome_message(batch: ImportBatch) -> str:
    if batch.status == BatchStatus.REFUSED:
        return _("Batch %(no)s was declared and refused entry: it has prohibited lines.") % {"no": batch.batch_no}
    if batch.status == BatchStatus.PARTIALLY_REFUSED:
        return _(
            "Batch %(no)s was declared: its prohibited lines are refused entry, the other lines go on by their tier."
        ) % {"no": batch.batch_no}
    if batch.status == BatchStatus.VERIFICATION_REQUIRED:
        return _("Batch %(no)s was declared; it awaits on-site verification by %(bureau)s.") % {
            "no": batch.batch_no,
            "bureau": batch.port_bureau.name,
        }
    if batch.status == BatchStatus.POSTAL:
        return _("Batch %(no)s was recorded and routed to the express and postal regime.") % {"no": batch.batch_no}
    return _("Batch %(no)s was declared and released.") % {"no": batch.batch_no}


@login_required
@require_http_methods(["GET", "POST"])
def batch_create(request):
    _require_enterprise_user(request)
    user = request.user
    enterprise = user.enterprise
    posted = request.method == "POST"
    source = None if posted else _copy_source(request, enterprise)
    header = BatchHeaderForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        enterprise=enterprise,
        initial=_copied_header(source) if source else None,
    )
    lines = ImportLineFormSet(
        request.POST if posted else None,
        prefix="line",
        form_kwargs={"products": product_choices(enterprise)},
        initial=_copied_lines(source) if source else None,
    )
    row_errors = None
    from_file = False
    if posted and header.is_valid() and lines.is_valid():
        upload = header.cleaned_data["file"]
        from_file = bool(upload)
        try:
            if upload:
                read = import_files.batch_file_read(upload, enterprise=enterprise, mode=header.cleaned_data["mode"])
                items = read.lines
            else:
                items, numbers, _indexes = lines.lines()
                if items:
                    import_files.batch_lines_check(
                        items, rows=numbers, enterprise=enterprise, mode=header.cleaned_data["mode"]
                    )
            batch = import_batch_declare(actor=user, items=items, **header.service_fields())
        except PermissionDenied as exc:
            show_refusal(request, exc)
        except ValidationError as exc:
            row_errors = import_files.row_errors(exc)
            if row_errors is None:
                header.add_service_errors(exc)
            else:
                header.add_error(None, _("Nothing was declared: correct the lines listed below."))
                if not from_file:
                    for error in row_errors:
                        form = lines.forms[error["row"] - 1]
                        field = error["field"] if error["field"] in form.fields else None
                        form.add_error(field, error["message"])
        else:
            level = {
                BatchStatus.REFUSED: messages.ERROR,
                BatchStatus.PARTIALLY_REFUSED: messages.WARNING,
                BatchStatus.VERIFICATION_REQUIRED: messages.WARNING,
                BatchStatus.POSTAL: messages.INFO,
            }.get(batch.status, messages.SUCCESS)
            messages.add_message(request, level, _batch_outcome_message(batch))
            return redirect(batch)
    return render(
        request,
        "imports/batch_form.html",
        {
            "header": header,
            "lines": lines,
            "row_errors": row_errors,
            "from_file": from_file,
            "enterprise": enterprise,
            "enterprise_approved": enterprise.status == FilingStatus.APPROVED,
            "countries": country_choices(),
            "max_lines": import_files.MAX_ROWS,
        },
    )


def _copy_source(request, enterprise) -> ImportBatch | None:
    """The enterprise's own refused or partially refused batch named by ``?from=``, to declare again."""
    value = request.GET.get("from", "")
    if not value.isdigit() or len(value) > 18:
        return None
    source = (
        ImportBatch.objects.visible_to(request.user)
        .filter(enterprise=enterprise, status__in=(BatchStatus.REFUSED, BatchStatus.PARTIALLY_REFUSED))
        .filter(pk=int(value))
        .first()
    )
    if source is None:
        raise Http404
    return source


def _copied_header(source: ImportBatch) -> dict[str, Any]:
    return {
        "mode": source.mode,
        "port_bureau": source.port_bureau_id,
        "platform": source.platform_id,
        "warehouse": source.warehouse_id,
    }


def _copied_lines(source: ImportBatch) -> list[dict[str, Any]]:
    """The lines of ``source`` but its prohibited ones (refused as tier 1), as the lines table takes them."""
    rows = source.items.exclude(status=ItemStatus.REFUSED, tier=1).order_by("line_no")[:MAX_FORM_LINES]
    copied = []
    for item in rows:
        filed = item.product_id is not None
        copied.append(
            {
                "product": item.product_id,
                # a filed product's identifiers come from its filing; free lines keep theirs
                "description": "" if filed else item.description,
                "hs_code": "" if filed else item.hs_code,
                "cas_numbers": "" if filed else "; ".join(item.cas_numbers),
                "un_number": "" if filed else item.un_number,
                "used": False if filed else item.used,
                "quantity": f"{item.quantity.normalize():f}",
                "unit": item.unit,
                "value_cny": f"{item.value_cny:.2f}",
                "origin_country": item.origin_country.code if item.origin_country else "",  # type: ignore[attr-defined]
            }
        )
    return copied


@login_required
@require_GET
def batch_template(request, fmt: str):  # noqa: ARG001 - a view
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return file_response(*import_files.batch_template(fmt))


def _prohibited_entries(batch: ImportBatch) -> list[dict[str, Any]]:
    """The distinct prohibited catalogue entries of a batch's lines, with how many lines each."""
    found: dict[tuple, dict[str, Any]] = {}
    rows = (
        batch.items.filter(tier=1, status=ItemStatus.REFUSED)
        .order_by("line_no")
        .values_list("line_no", "reasons")[:REFUSED_LINES_SCANNED]
    )
    for line_no, reasons in rows:
        for reason in reason_rows(reasons, batch.editions):
            if reason.tier != 1:
                continue
            key = (reason.kind, reason.edition, reason.entry)
            slot = found.setdefault(key, {"reason": reason, "lines": []})
            if line_no not in slot["lines"]:
                slot["lines"].append(line_no)
    return list(found.values())


def _batch_reports(batch: ImportBatch):
    """The third-party test reports on the batch's filed products: what verification may accept."""
    product_ids = batch.items.exclude(product=None).values("product_id")
    return ProductTestReport.objects.filter(product_id__in=product_ids).select_related("product", "attachment")


def _can_open_products(user, batch: ImportBatch) -> bool:
    if user.is_hq:
        return True
    if user.is_enterprise_user:
        return user.enterprise_id == batch.enterprise_id
    # The competent bureau, and the port bureau verifying the batch (the filings on it are visible
    # to it, see imports.apps).
    return user.has_jurisdiction_over(batch.enterprise.bureau) or user.has_jurisdiction_over(batch.port_bureau)


LINE_FILTERS = {
    "1": Q(tier=1),
    "2": Q(tier=2),
    "3": Q(tier=3),
    "pending": Q(confirmation=Confirmation.PENDING),
    "refused": Q(status=ItemStatus.REFUSED),
}


@login_required
@require_GET
def batch_detail(request, pk: int):
    user = request.user
    queryset = ImportBatch.objects.visible_to(user).select_related(
        "enterprise__bureau", "platform", "warehouse", "port_bureau__parent", "declared_by"
    )
    batch = get_object_or_404(queryset, pk=pk)
    task = VerificationTask.objects.filter(batch=batch).select_related("decided_by", "bureau").first()
    counts = batch.items.aggregate(
        total=Count("pk"),
        tier1=Count("pk", filter=Q(tier=1)),
        tier2=Count("pk", filter=Q(tier=2)),
        tier3=Count("pk", filter=Q(tier=3)),
        pending=Count("pk", filter=Q(confirmation=Confirmation.PENDING)),
        refused=Count("pk", filter=Q(status=ItemStatus.REFUSED)),
        awaiting=Count("pk", filter=Q(status=ItemStatus.AWAITING_VERIFICATION)),
        released=Count("pk", filter=Q(status=ItemStatus.RELEASED)),
    )
    show = request.GET.get("show", "")
    items = batch.items.select_related("product").order_by(F("tier").asc(nulls_last=True), "line_no")
    if show in LINE_FILTERS:
        items = items.filter(LINE_FILTERS[show])
    else:
        show = ""
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page.object_list:
        item.reason_rows = reason_rows(item.reasons, batch.editions)
        item.certificate_on_file = certificate_on_file(item.product, item.tier, item.reasons)
        item.confirmation_colour = CONFIRMATION_COLOURS.get(item.confirmation, "secondary")
    query = QueryDict(mutable=True)
    if show:
        query["show"] = show
    can_verify = (
        task is not None and task.status == VerificationStatus.OPEN and user.has_jurisdiction_over(batch.port_bureau)
    )
    reports = list(_batch_reports(batch)) if can_verify else []
    accepted = list(task.accepted_reports.select_related("product")) if task and task.status != "open" else []
    return render(
        request,
        "imports/batch_detail.html",
        {
            "batch": batch,
            "task": task,
            "task_colour": VERIFICATION_COLOURS.get(task.status, "secondary") if task else "",
            "task_label": VERIFICATION_LABELS.get(task.status, "") if task else "",
            "counts": counts,
            "page_obj": page,
            "rows": page.object_list,
            "querystring": query.urlencode(),
            "back": request.GET.urlencode(),
            "show": show,
            "editions": editions_rows(batch.editions),
            "prohibited": _prohibited_entries(batch) if counts["refused"] else [],
            "can_verify": can_verify,
            "can_open_products": _can_open_products(user, batch),
            "reports": reports,
            "accepted": accepted,
            "typed": _typed_note(request, batch) if can_verify else {},
            "pass_form": VerificationPassForm(reports=_batch_reports(batch)) if can_verify else None,
            "fail_form": VerificationFailForm() if can_verify else None,
            "is_own": user.is_enterprise_user and user.enterprise_id == batch.enterprise_id,
            "tier_labels": TIER_LABELS,
        },
    )


def _back_to(batch: ImportBatch, back: str, anchor: str = "") -> str:
    """The batch page with the list state it was left in (only its own parameters are kept)."""
    given = QueryDict(back or "")
    query = QueryDict(mutable=True)
    for key in ("show", "page"):
        value = given.get(key, "")
        if value and value.isalnum() and len(value) <= 10:
            query[key] = value
    url = batch.get_absolute_url()
    if query:
        url = f"{url}?{query.urlencode()}"
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_POST
def item_confirm(request, pk: int, item_pk: int):
    batch = get_object_or_404(ImportBatch.objects.visible_to(request.user), pk=pk)
    item = get_object_or_404(batch.items.all(), pk=item_pk)
    form = ItemConfirmForm(request.POST)
    if not form.is_valid():
        raise Http404
    confirmed = form.cleaned_data["decision"] == "confirm"
    try:
        import_item_confirm(actor=request.user, item=item, confirmed=confirmed, note=form.cleaned_data["note"])
    except (ValidationError, PermissionDenied) as exc:
        show_refusal(request, exc)
    else:
        if confirmed:
            messages.success(request, _("Line %(line)d: the suspected match was confirmed.") % {"line": item.line_no})
        else:
            messages.success(
                request,
                _("Line %(line)d: the suspected match was dismissed; the line was classified again.")
                % {"line": item.line_no},
            )
    return redirect(_back_to(batch, request.POST.get("back", ""), f"line-{item.line_no}"))


#: the session key of the findings typed in a verification form that the service refused
_TYPED_NOTE = "imports.verification_note"


def _typed_note(request, batch: ImportBatch) -> dict[str, str]:
    """The findings typed before a refusal, by outcome (``pass``/``fail``), taken out of the session."""
    typed = request.session.pop(_TYPED_NOTE, None)
    if isinstance(typed, dict) and typed.get("batch") == batch.pk:
        return {str(typed.get("outcome")): str(typed.get("note") or "")}
    return {}


@login_required
@require_POST
def batch_verify(request, pk: int, outcome: str):
    batch = get_object_or_404(ImportBatch.objects.visible_to(request.user), pk=pk)
    task = get_object_or_404(VerificationTask, batch=batch)
    if outcome == "pass":
        form = VerificationPassForm(request.POST, reports=_batch_reports(batch))
    elif outcome == "fail":
        form = VerificationFailForm(request.POST)
    else:
        raise Http404
    if not form.is_valid():
        if outcome == "fail" and "note" in form.errors:
            messages.error(request, _("Record the findings that fail the batch."))
        else:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
        return redirect(_back_to(batch, "", "verification"))
    try:
        verification_decide(
            actor=request.user,
            task=task,
            passed=outcome == "pass",
            note=form.cleaned_data["note"],
            accepted_reports=list(form.cleaned_data.get("accepted_reports") or ()),
        )
    except (ValidationError, PermissionDenied) as exc:
        show_refusal(request, exc)
        # What the inspector typed is shown again in the form (kept once, for this batch and outcome).
        request.session[_TYPED_NOTE] = {"batch": batch.pk, "outcome": outcome, "note": form.cleaned_data["note"]}
        return redirect(_back_to(batch, "", "verification"))
    if outcome == "pass":
        messages.success(request, _("On-site verification passed: batch %(no)s is released.") % {"no": batch.batch_no})
    else:
        messages.success(
            request, _("On-site verification failed: batch %(no)s is refused entry.") % {"no": batch.batch_no}
        )
    following = next_open_verification(request.user, batch)
    if following is not None:
        messages.info(request, _("Next in the verification queue: batch %(no)s.") % {"no": following.batch_no})
        return redirect(following)
    return redirect(batch)


@login_required
@require_GET
def verification_queue(request):
    """Open on-site verifications of the user's bureau (and its branches), oldest first."""
    user = request.user
    if not (user.is_bureau_staff or user.is_hq):
        raise Http404
    queryset = VerificationTask.objects.visible_to(user).filter(status=VerificationStatus.OPEN)
    if not user.is_hq:
        queryset = queryset.filter(bureau__in=user.jurisdiction())
    queryset = (
        queryset.select_related("batch__enterprise", "bureau")
        .annotate(
            key_lines=Count("batch__items", filter=Q(batch__items__tier=2)),
            prohibited_lines=Count("batch__items", filter=Q(batch__items__tier=1)),
            pending_lines=Count("batch__items", filter=Q(batch__items__confirmation=Confirmation.PENDING)),
        )
        .order_by("created_at", "id")
    )
    return list_page(
        request,
        queryset=with_owner(queryset),
        table_class=VerificationTaskTable,
        template="imports/verification_queue.html",
        context={"title": _("On-site verifications")},
    )
