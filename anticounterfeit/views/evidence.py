"""Evidence pages: the case page's evidence panel (``case_panel_context``), an item with its versions and
custody, the forms that add and correct items and record custody, the custody log with its verification,
the export and download of evidence packs.

Staff only (``staff_only``); a case, item or pack outside ``visible_to(request.user)`` is 404. Thin views
over ``anticounterfeit.services``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anticounterfeit.choices import CASE_COLLECTING, EVIDENCE_METHODS, EvidenceKind
from anticounterfeit.duties import is_handler, may_manage
from anticounterfeit.forms.evidence import CustodyForm, EvidenceCorrectForm, EvidenceForm
from anticounterfeit.models import CounterfeitCase, CustodyEvent, Evidence, EvidencePack
from anticounterfeit.services import custody as custody_services
from anticounterfeit.services import evidence as evidence_services
from cbec_supervision.webui import show_refusal, staff_only


def case_url(case: CounterfeitCase) -> str:
    """The case's page where the case pages are installed, else its custody log."""
    try:
        return case.get_absolute_url()
    except NoReverseMatch:
        return reverse("anticounterfeit:custody_log", args=[case.pk])


def _visible_case(request, pk: int) -> CounterfeitCase:
    staff_only(request.user)
    case: CounterfeitCase = get_object_or_404(
        CounterfeitCase.objects.visible_to(request.user).select_related("bureau"), pk=pk
    )
    return case


def _visible_item(request, pk: int) -> Evidence:
    staff_only(request.user)
    item: Evidence = get_object_or_404(
        Evidence.objects.visible_to(request.user).select_related("case__bureau", "collected_by", "created_by"), pk=pk
    )
    return item


def case_panel_context(case: CounterfeitCase, user) -> dict[str, Any]:
    """What the case page's evidence panel (``anticounterfeit/evidence/_case_panel.html``) shows: the
    current items, the custody log's verification, the exported packs, and what the reader may do.
    A fixed number of queries, whatever the number of items, events and packs."""
    items = list(
        Evidence.objects.filter(case=case, superseded_by__isnull=True).select_related("collected_by").order_by("number")
    )
    handler = is_handler(case, user)
    packs = list(EvidencePack.objects.filter(case=case).select_related("created_by")[:10])
    return {
        "case": case,
        "evidence_items": items,
        "evidence_may_add": handler and case.status in CASE_COLLECTING,
        "evidence_may_record_custody": handler or may_manage(case, user),
        "evidence_may_export": not user.is_enterprise_user,
        "custody_report": custody_services.custody_verify(case),
        "evidence_packs": packs,
    }


def _form_context(case: CounterfeitCase, **extra: Any) -> dict[str, Any]:
    return {"case": case, "case_url": case_url(case), "methods": [str(m) for m in EVIDENCE_METHODS], **extra}


@login_required
@require_http_methods(["GET", "POST"])
def evidence_add(request, pk: int):
    """Add an item of evidence (a handler, while the case is collecting)."""
    case = _visible_case(request, pk)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            item = evidence_services.evidence_add(
                actor=request.user,
                case=case,
                upload=data.pop("file") or None,
                kind=data.pop("kind"),
                **data,
            )
        except PermissionDenied as exc:
            show_refusal(request, exc)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Item #%(number)s was added.") % {"number": item.number})
            return redirect(case_url(case))
    return render(
        request,
        "anticounterfeit/evidence/form.html",
        _form_context(case, form=form, title=_("Add evidence"), submit=_("Add the item")),
    )


@login_required
@require_GET
def evidence_detail(request, pk: int):
    """An item: this version, every version of it, its custody events."""
    item = _visible_item(request, pk)
    case = item.case
    versions = list(
        Evidence.objects.filter(case=case, number=item.number).select_related("created_by").order_by("version")
    )
    current = versions[-1]
    events = list(
        CustodyEvent.objects.filter(evidence__in=[v.pk for v in versions]).select_related("evidence").order_by("seq")
    )
    return render(
        request,
        "anticounterfeit/evidence/detail.html",
        {
            "item": item,
            "case": case,
            "case_url": case_url(case),
            "versions": versions,
            "is_current": current.pk == item.pk,
            "current": current,
            "events": events,
            "may_correct": current.pk == item.pk and case.status in CASE_COLLECTING and is_handler(case, request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_correct(request, pk: int):
    """Correct an item by a new version, with the reason (a handler, while the case is collecting)."""
    item = _visible_item(request, pk)
    case = item.case
    initial = {name: getattr(item, name) for name in evidence_services.CORRECTABLE_FIELDS}
    form = EvidenceCorrectForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if item.kind != EvidenceKind.PHYSICAL and data.get("quantity") is None:
            data.pop("quantity", None)
        try:
            new = evidence_services.evidence_correct(
                actor=request.user, evidence=item, reason=data.pop("reason"), upload=data.pop("file") or None, **data
            )
        except PermissionDenied as exc:
            show_refusal(request, exc)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Item #%(number)s was corrected.") % {"number": new.number})
            return redirect("anticounterfeit:evidence_detail", new.pk)
    return render(
        request,
        "anticounterfeit/evidence/form.html",
        _form_context(
            case,
            form=form,
            item=item,
            title=_("Correct item #%(number)s") % {"number": item.number},
            submit=_("Save the new version"),
        ),
    )


def _download(fieldfile, *, filename: str, content_type: str) -> FileResponse:
    try:
        handle = fieldfile.open("rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_GET
def evidence_download(request, pk: int):
    item = _visible_item(request, pk)
    if not item.file:
        raise Http404
    return _download(
        item.file, filename=item.original_name or "evidence", content_type=item.mime_type or "application/octet-stream"
    )


@login_required
@require_http_methods(["GET", "POST"])
def custody_add(request, pk: int):
    """Record a custody event (a handler or the bureau's administrator)."""
    case = _visible_case(request, pk)
    items = list(Evidence.objects.filter(case=case, superseded_by__isnull=True).order_by("number"))
    form = CustodyForm(request.POST or None, items=items, initial={"evidence": request.GET.get("item")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        item = next(i for i in items if i.pk == data.pop("evidence"))
        try:
            custody_services.custody_record(actor=request.user, evidence=item, **data)
        except PermissionDenied as exc:
            show_refusal(request, exc)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The custody event was recorded."))
            return redirect("anticounterfeit:custody_log", case.pk)
    return render(
        request,
        "anticounterfeit/evidence/custody_form.html",
        {"case": case, "case_url": case_url(case), "form": form, "title": _("Record custody")},
    )


@login_required
@require_GET
def custody_log(request, pk: int):
    """The case's chain of custody with its verification (``?files=1``: the stored files re-hashed too)."""
    case = _visible_case(request, pk)
    events = list(
        CustodyEvent.objects.filter(case=case).select_related("evidence", "from_user", "to_user").order_by("seq")
    )
    return render(
        request,
        "anticounterfeit/evidence/custody_log.html",
        {
            "case": case,
            "case_url": case_url(case),
            "events": events,
            "report": custody_services.custody_verify(case),
            "files_report": custody_services.evidence_files_verify(case) if request.GET.get("files") == "1" else None,
            "may_record": is_handler(case, request.user) or may_manage(case, request.user),
        },
    )


@login_required
@require_POST
def pack_export(request, pk: int):
    """Export an evidence pack of the case (anyone who reads it)."""
    case = _visible_case(request, pk)
    try:
        pack = evidence_services.evidence_pack_export(actor=request.user, case=case)
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(
            request,
            _("The evidence pack was exported (manifest SHA-256 %(sha)s).") % {"sha": pack.manifest_sha256},
        )
    return redirect(case_url(case))


@login_required
@require_GET
def pack_download(request, pk: int):
    staff_only(request.user)
    pack = get_object_or_404(EvidencePack.objects.visible_to(request.user).select_related("case"), pk=pk)
    return _download(pack.file, filename=f"{pack.case.case_no}-evidence-{pack.pk}.zip", content_type="application/zip")
