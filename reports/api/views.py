"""Half-yearly reports over the API (``reports/``): requesting one (202, queued for the worker; nothing
is computed in the request), the list (filtered, scoped), a report, and its download as XLSX, PDF or
JSON once done.

Headquarters reads every report; a bureau's staff the reports of their jurisdiction; enterprises none
(403 on the list, 404 on a report). Requests: headquarters (any bureau, or national) and bureau
administrators (their jurisdiction)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from cbec_supervision.api import IgnoreFormatParameter, ScopedViewSetMixin
from reports import render, services
from reports.api.serializers import HalfYearReportSerializer, ReportQueuedSerializer, ReportRequestSerializer
from reports.choices import ReportFormat, ReportStatus
from reports.filtersets import HalfYearReportFilterSet
from reports.models import HalfYearReport


class HalfYearReportViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Half-yearly statistics reports. ``?period=2026H1``, ``?bureau=ZJ``, ``?national=true``,
    ``?status=done``. ``POST {"period", "bureau"}`` queues a new revision (202)."""

    queryset = HalfYearReport.objects.all()
    serializer_class = HalfYearReportSerializer
    filterset_class = HalfYearReportFilterSet
    list_select_related = ("bureau", "requested_by")
    ordering_fields = ["period", "requested_at", "revision", "status"]
    object_actions = ("history", "download")

    def permission_denied(self, request, message=None, code=None):
        # A report is never confirmed to exist for whoever may not read reports (enterprises): 404.
        if request.user.is_authenticated and (self.lookup_url_kwarg or self.lookup_field) in self.kwargs:
            raise NotFound
        super().permission_denied(request, message=message, code=code)

    @extend_schema(request=ReportRequestSerializer, responses={202: ReportQueuedSerializer})
    def create(self, request, *args, **kwargs):
        """Queue the report of a bureau's jurisdiction (``bureau``: its code) or the national one
        (``bureau`` omitted) for ``period``; answers 202 with its id at once, the worker generates it."""
        body = ReportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.report_request(
            actor=request.user, period=body.validated_data["period"], bureau=body.validated_data.get("bureau") or None
        )
        headers = {"Location": request.build_absolute_uri(f"{request.path.rstrip('/')}/{report.pk}/")}
        return Response({"id": report.pk, "status": report.status}, status=status.HTTP_202_ACCEPTED, headers=headers)

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=list(ReportFormat.values), default="xlsx")],
        responses={
            (200, render.CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "application/json"): OpenApiTypes.OBJECT,
        },
    )
    @action(detail=True, methods=["get"], content_negotiation_class=IgnoreFormatParameter)
    def download(self, request, *args, **kwargs):
        """The report as a file: ``?format=xlsx`` (default), ``pdf`` or ``json``; 409 until it is done."""
        report = self.get_object()
        file_format = request.query_params.get("format", ReportFormat.XLSX).lower()
        if file_format not in ReportFormat.values:
            raise ValidationError({"format": [_("Choose xlsx, pdf or json.")]})
        if report.status != ReportStatus.DONE or report.figures is None:
            return Response(
                {
                    "detail": _("The report is not ready yet: it is %(status)s.")
                    % {"status": report.get_status_display()}
                },
                status=status.HTTP_409_CONFLICT,
            )
        content = render.RENDERERS[file_format](report.figures)
        name = f"report-{report.period}-{report.bureau.code if report.bureau else 'national'}-r{report.revision}"
        response = HttpResponse(content, content_type=render.CONTENT_TYPES[file_format])
        response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
        return response
