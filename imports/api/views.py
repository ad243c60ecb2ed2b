"""Import control over the API: the classification dry run, import batches with
their on-site verification, and export declarations.

Every write calls a service (``catalogues.services``, ``imports.services``); their
ValidationError answers 400 and their PermissionDenied 403. Declared lines are not validated field
by field here: a batch of 10,000 lines is handed to the service as it came, which checks it in one
pass, and the answer is built from plain rows (``item_rows``) rather than a serializer per line.
"""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from catalogues.choices import FollowUp, Tier
from cbec_supervision.api import TEMPLATE_FORMATS, XLSX_CONTENT_TYPE, IgnoreFormatParameter, ScopedViewSetMixin
from filings.models import EnterpriseFiling, ProductTestReport
from imports.api.serializers import (
    _MAX_LINE_NO,
    ClassifyRequestSerializer,
    ClassifyResultSerializer,
    ConfirmSerializer,
    ExportDeclarationInputSerializer,
    ExportDeclarationSerializer,
    ImportBatchDeclareSerializer,
    ImportBatchDetailSerializer,
    ImportBatchSerializer,
    ImportBatchUploadSerializer,
    ImportItemSerializer,
    SpreadsheetUploadSerializer,
    VerifySerializer,
    item_rows,
    item_values,
)
from imports.choices import Confirmation, ItemStatus
from imports.filtersets import ExportDeclarationFilterSet, ImportBatchFilterSet, ImportItemFilterSet
from imports.models import ExportDeclaration, ImportBatch, ImportItem, VerificationTask
from imports.services import files as import_files
from imports.services.declarations import MAX_LINES, classify_dry_run, export_declare, import_batch_declare
from imports.services.verification import import_item_confirm, verification_decide


class ClassifyViewSet(viewsets.ViewSet):
    """``POST classify/``: the three-tier classification as a dry run. Nothing is stored."""

    parser_classes = [JSONParser]

    def get_serializer(self, *args, **kwargs):  # for the browsable API's form
        return ClassifyRequestSerializer(*args, **kwargs)

    @extend_schema(request=ClassifyRequestSerializer, responses={200: ClassifyResultSerializer})
    def create(self, request):
        """Each line's tier, the reasons for it (catalogue, edition, entry, what matched, how certain) and
        the follow-up it calls for, under the catalogue editions in force today."""
        body = ClassifyRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(classify_dry_run(actor=request.user, items=body.validated_data["items"]))


_TEMPLATE_SCHEMA = extend_schema(
    parameters=[OpenApiParameter("format", str, enum=[*TEMPLATE_FORMATS], default="xlsx")],
    responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY, (200, "text/csv"): OpenApiTypes.BINARY},
)


_ROW_ERRORS = OpenApiResponse(description='errors per file ({"file": [...]}) or per row ({"rows": [...]})')


def own_enterprise(request) -> EnterpriseFiling:
    """The enterprise of the enterprise user making the request; anyone else is refused."""
    user = request.user
    enterprise = EnterpriseFiling.objects.filter(pk=user.enterprise_id).first() if user.enterprise_id else None
    if not user.is_enterprise_user or enterprise is None:
        raise PermissionDenied(_("Only enterprise users declare goods."))
    return enterprise


def template_response(request, build) -> HttpResponse:
    """The blank template as ``?format=xlsx`` (default) or ``csv``."""
    file_format = request.query_params.get("format", "xlsx").lower()
    if file_format not in TEMPLATE_FORMATS:
        raise ValidationError({"format": [_("Choose xlsx or csv.")]})
    content, content_type, filename = build(file_format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def read_spreadsheet(read, upload, enterprise: EnterpriseFiling) -> list[dict] | Response:
    """The lines of a filled-in template, or the 400 answer listing every bad row."""
    try:
        return read(upload, enterprise=enterprise).lines
    except DjangoValidationError as exc:
        rows = import_files.row_errors(exc)
        if rows is None:
            raise  # a problem with the file as a whole: {"file": [...]}
        return Response({"rows": rows}, status=status.HTTP_400_BAD_REQUEST)


class ImportBatchViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Import batches: declared by the operator, seen by its platform and warehouse, the operator's
    bureau and the port bureau. Lines are never edited; inspectors confirm suspected matches and
    record the on-site verification."""

    queryset = ImportBatch.objects.all()
    serializer_class = ImportBatchSerializer
    filterset_class = ImportBatchFilterSet
    list_select_related = (
        "enterprise",
        "port_bureau",
        "declared_by",
        "verification",
        "verification__bureau",
        "verification__decided_by",
    )
    list_prefetch_related = ("verification__accepted_reports",)
    ordering_fields = ["created_at", "arrival_date", "tier", "status", "total_value_cny", "item_count"]
    object_actions = ("history", "verify", "confirm")
    collection_actions = ("upload", "template")
    parser_classes = [JSONParser]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ImportBatchDetailSerializer
        if self.action == "create":
            return ImportBatchDeclareSerializer
        return super().get_serializer_class()

    def filter_queryset(self, queryset):
        # The list's filters pick batches; on one batch's routes ``?tier=`` filters its lines instead.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def _header(self, batch: ImportBatch, serializer_class=ImportBatchSerializer, code: int = status.HTTP_200_OK):
        batch = self.get_queryset().get(pk=batch.pk)
        return Response(serializer_class(batch, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=ImportBatchDeclareSerializer, responses={201: ImportBatchDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Declare and submit a batch in one step: every line is classified and the batch routed by its tier."""
        body = ImportBatchDeclareSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        batch = import_batch_declare(actor=request.user, **body.validated_data)
        return self._header(batch, ImportBatchDetailSerializer, status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": ImportBatchUploadSerializer},
        responses={201: ImportBatchDetailSerializer, 400: _ROW_ERRORS},
    )
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def upload(self, request):
        """Declare a batch from the filled-in template (multipart ``file`` and the batch's fields): every
        row is checked first, and nothing is declared unless all are right."""
        enterprise = own_enterprise(request)
        body = ImportBatchUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        lines = read_spreadsheet(
            functools.partial(import_files.batch_file_read, mode=fields["mode"]), fields.pop("file"), enterprise
        )
        if isinstance(lines, Response):
            return lines
        batch = import_batch_declare(actor=request.user, items=lines, **fields)
        return self._header(batch, ImportBatchDetailSerializer, status.HTTP_201_CREATED)

    @_TEMPLATE_SCHEMA
    @action(detail=False, methods=["get"], content_negotiation_class=IgnoreFormatParameter)
    def template(self, request):
        """The import batch template, as ``xlsx`` (default) or ``csv``."""
        return template_response(request, import_files.batch_template)

    @extend_schema(
        parameters=[
            OpenApiParameter("tier", int, enum=Tier.values),
            OpenApiParameter("confirmation", str, enum=Confirmation.values),
            OpenApiParameter("status", str, enum=ItemStatus.values),
            OpenApiParameter("follow_up", str, enum=FollowUp.values),
            OpenApiParameter("product", int),
        ],
        responses=ImportItemSerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"])
    def items(self, request, pk=None):
        """The batch's lines in order, with their tiers and reasons."""
        batch = self.get_object()
        filterset = ImportItemFilterSet(
            request.query_params, queryset=ImportItem.objects.filter(batch=batch).order_by("line_no"), request=request
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        page = self.paginate_queryset(item_values(filterset.qs))
        return self.get_paginated_response(item_rows(page))

    @extend_schema(request=VerifySerializer, responses=ImportBatchSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """Record the on-site verification: third-party results accepted, findings, and the outcome.

        Passing releases the batch; failing (findings required) refuses it."""
        batch = self.get_object()
        body = VerifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        task = VerificationTask.objects.filter(batch=batch).first()
        if task is None:
            raise ValidationError({"status": [_("This batch has no on-site verification.")]})
        wanted = set(body.validated_data.get("accepted_reports", []))
        reports = list(ProductTestReport.objects.filter(pk__in=wanted)) if wanted else []
        if len(reports) != len(wanted):
            raise ValidationError({"accepted_reports": [_("Only reports on this batch's products can be accepted.")]})
        verification_decide(
            actor=request.user,
            task=task,
            passed=body.validated_data["passed"],
            note=body.validated_data.get("note", ""),
            accepted_reports=reports,
        )
        return self._header(batch)

    @extend_schema(
        parameters=[OpenApiParameter("line_no", int, OpenApiParameter.PATH)],
        request=ConfirmSerializer,
        responses=ImportItemSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"items/(?P<line_no>[0-9]+)/confirm",
        url_name="item-confirm",
    )
    def confirm(self, request, pk=None, line_no=None):
        """An inspector of the port bureau confirms or dismisses a line's suspected (name) match."""
        batch = self.get_object()
        number = int(line_no) if len(line_no) <= 10 else _MAX_LINE_NO + 1
        item = ImportItem.objects.filter(batch=batch, line_no=number).first() if number <= _MAX_LINE_NO else None
        if item is None:
            raise NotFound(_("This batch has no such line."))
        body = ConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = import_item_confirm(
            actor=request.user,
            item=item,
            confirmed=body.validated_data["confirmed"],
            note=body.validated_data.get("note", ""),
        )
        return Response(item_rows(item_values(ImportItem.objects.filter(pk=item.pk)))[0])


class ExportDeclarationViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Export orders under full declaration: the enterprise declares, its bureau samples from them."""

    queryset = ExportDeclaration.objects.all()
    serializer_class = ExportDeclarationSerializer
    filterset_class = ExportDeclarationFilterSet
    list_select_related = ("enterprise", "product", "declared_by")
    ordering_fields = ["created_at", "value_cny", "order_no"]
    collection_actions = ("upload", "template")
    parser_classes = [JSONParser]

    @extend_schema(
        request=ExportDeclarationInputSerializer(many=True),
        responses={201: ExportDeclarationSerializer(many=True)},
        description=(
            "One order (an object) or many (a list), all or none. The answer has the same shape: "
            "the created declaration, or the list of them."
        ),
    )
    def create(self, request, *args, **kwargs):
        """Declare export orders (全申报)."""
        data = request.data
        many = isinstance(data, list)
        if not many and not isinstance(data, dict):
            raise ValidationError({"non_field_errors": [_("Send one export order, or a list of them.")]})
        declarations = data if many else [data]
        if len(declarations) > MAX_LINES:
            raise ValidationError({"non_field_errors": [_("At most %(n)d orders at a time.") % {"n": MAX_LINES}]})
        body = self._created(export_declare(actor=request.user, declarations=declarations))
        return Response(body if many else body[0], status=status.HTTP_201_CREATED)

    def _created(self, created: list[ExportDeclaration]) -> list[dict]:
        rows = self.get_queryset().filter(pk__in=[row.pk for row in created]).order_by("id")
        return ExportDeclarationSerializer(rows, many=True, context=self.get_serializer_context()).data

    @extend_schema(
        request={"multipart/form-data": SpreadsheetUploadSerializer},
        responses={201: ExportDeclarationSerializer(many=True), 400: _ROW_ERRORS},
    )
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def upload(self, request):
        """Declare the export orders of the filled-in template (multipart ``file``): all rows or none."""
        enterprise = own_enterprise(request)
        body = SpreadsheetUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lines = read_spreadsheet(import_files.export_file_read, body.validated_data["file"], enterprise)
        if isinstance(lines, Response):
            return lines
        created = export_declare(actor=request.user, declarations=lines)
        return Response(self._created(created), status=status.HTTP_201_CREATED)

    @_TEMPLATE_SCHEMA
    @action(detail=False, methods=["get"], content_negotiation_class=IgnoreFormatParameter)
    def template(self, request):
        """The export declaration template, as ``xlsx`` (default) or ``csv``."""
        return template_response(request, import_files.export_template)
