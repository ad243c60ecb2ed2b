"""Export declarations (全申报): list, upload, template.

Thin views over ``imports.services``.

Every object is looked up through ``visible_to(request.user)`` (outside it: 404). Writes are POSTs
that call one service; a refusal (ValidationError, PermissionDenied) is shown on the form it came
from or as a message, and changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from cbec_supervision.lists import list_page
from cbec_supervision.webui import file_response, show_refusal
from filings.choices import FilingStatus
from imports.filtersets import ExportDeclarationFilterSet
from imports.forms import (
    ExportUploadForm,
)
from imports.models import ExportDeclaration
from imports.services import files as import_files
from imports.services.declarations import export_declare
from imports.tables import ExportDeclarationTable
from imports.views.common import (
    _require_enterprise_user,
)

# --- export declarations ------------------------------------------------------------------------


@login_required
@require_GET
def export_list(request):
    user = request.user
    queryset = ExportDeclaration.objects.visible_to(user).select_related("enterprise", "product")
    return list_page(
        request,
        queryset=queryset,
        table_class=ExportDeclarationTable,
        filterset_class=ExportDeclarationFilterSet,
        template="imports/export_list.html",
        context={
            "title": _("Export declarations"),
            "search_placeholder": _("Order number, description, HS code or enterprise"),
        },
        for_enterprise_user=user.is_enterprise_user,
    )


@login_required
@require_http_methods(["GET", "POST"])
def export_upload(request):
    _require_enterprise_user(request)
    user = request.user
    enterprise = user.enterprise
    posted = request.method == "POST"
    form = ExportUploadForm(request.POST if posted else None, request.FILES if posted else None)
    row_errors = None
    if posted and form.is_valid():
        try:
            read = import_files.export_file_read(form.cleaned_data["file"], enterprise=enterprise)
            created = export_declare(actor=user, declarations=read.lines)
        except PermissionDenied as exc:
            show_refusal(request, exc)
        except ValidationError as exc:
            row_errors = import_files.row_errors(exc)
            if row_errors is None:
                form.add_service_errors(exc)
            else:
                form.add_error(
                    None, _("Nothing was declared: correct the rows listed below and upload the file again.")
                )
        else:
            messages.success(
                request,
                ngettext("%(count)d export order was declared.", "%(count)d export orders were declared.", len(created))
                % {"count": len(created)},
            )
            return redirect("imports:export_list")
    return render(
        request,
        "imports/export_upload.html",
        {
            "form": form,
            "row_errors": row_errors,
            "enterprise": enterprise,
            "enterprise_approved": enterprise.status == FilingStatus.APPROVED,
            "max_rows": import_files.MAX_ROWS,
        },
    )


@login_required
@require_GET
def export_template(request, fmt: str):  # noqa: ARG001 - a view
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return file_response(*import_files.export_template(fmt))
