"""Export declarations (全申报): list, upload, template.

Thin views over ``imports.services``.

Every object is looked up through ``visible_to(request.user)`` (outside it: 404). Writes are POSTs
that call one service; a refusal (ValidationError, PermissionDenied) is shown on the form it came
from or as a message, and changes nothing.
"""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from cbec_supervision.listing import render_list
from cbec_supervision.webui import file_response, show_refusal
from filings.choices import FilingStatus
from imports.filtersets import ExportDeclarationFilterSet
from imports.forms import (
    ExportUploadForm,
)
from imports.models import ExportDeclaration
from imports.services import files as import_files
from imports.services.declarations import (
    export_declare,
)
from imports.views.common import (
    _require_enterprise_user,
)

# --- export declarations ------------------------------------------------------------------------


class ExportListFilterSet(ExportDeclarationFilterSet):
    """The API's FilterSet, with the filters a person uses on the page."""

    q = django_filters.CharFilter(method="filter_q", label=gettext_lazy("Search"))
    uscc = django_filters.CharFilter(
        field_name="enterprise__uscc", lookup_expr="iexact", label=gettext_lazy("Credit code")
    )
    enterprise = None
    product = None
    order_no = None
    declared_after = None
    declared_before = None

    class Meta(ExportDeclarationFilterSet.Meta):
        fields = ["q", "destination_country", "hs_code", "uscc"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(order_no__icontains=value) | Q(description__icontains=value) | Q(enterprise__name__icontains=value)
        )


class EnterpriseExportFilterSet(ExportListFilterSet):
    uscc = None

    class Meta(ExportListFilterSet.Meta):
        fields = ["q", "destination_country", "hs_code"]


@login_required
@require_GET
def export_list(request):
    user = request.user
    queryset = ExportDeclaration.objects.visible_to(user).select_related("enterprise", "product")
    filterset_class = EnterpriseExportFilterSet if user.is_enterprise_user else ExportListFilterSet
    return render_list(request, queryset=queryset, filterset_class=filterset_class, template="imports/export_list.html")


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
