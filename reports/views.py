"""Pages of the half-yearly reports: the list (with the downloads of the done ones) and the form asking
for one. Thin views over ``reports.services``; the API serves the downloads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cbec_supervision.lists import list_page
from cbec_supervision.webui import act_on_form, staff_only
from reports import services
from reports.filtersets import HalfYearReportFilterSet
from reports.forms import ReportRequestForm
from reports.models import HalfYearReport
from reports.tables import HalfYearReportTable


@login_required
@require_GET
def report_list(request):
    user = request.user
    staff_only(user)
    may_request = user.has_perm("reports.add_halfyearreport")
    return list_page(
        request,
        queryset=HalfYearReport.objects.visible_to(user).select_related("bureau"),
        table_class=HalfYearReportTable,
        filterset_class=HalfYearReportFilterSet,
        template="reports/report_list.html",
        context={
            "title": _("Half-yearly statistics reports"),
            "request_form": ReportRequestForm(user=user) if may_request else None,
        },
    )


@login_required
@require_POST
def report_request(request):
    """Ask for a report: it is generated in the background; the list shows its progress."""
    user = request.user
    staff_only(user)
    form = ReportRequestForm(request.POST, user=user)
    return act_on_form(
        request,
        form,
        lambda data: services.report_request(actor=user, period=data["period"], bureau=data["bureau"] or None),
        done=_("The report is being generated; refresh the list to see its progress."),
        then=redirect("reports:report_list").url,
    )
