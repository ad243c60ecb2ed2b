"""Import control over the API: the classification dry run, import batches with
their on-site verification, and export declarations.

Every write calls a service (``catalogues.services``, ``imports.services``); their
ValidationError answers 400 and their PermissionDenied 403. Declared lines are not validated field
by field here: a batch of 10,000 lines is handed to the service as it came, which checks it in one
pass, and the answer is built from plain rows (``item_rows``) rather than a serializer per line.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

from catalogues.choices import FollowUp, Tier
from cbec_supervision.api import TEMPLATE_FORMATS, XLSX_CONTENT_TYPE, IgnoreFormatParameter, ScopedViewSetMixin
from filings.choices import GoodsCategory
from filings.models import EnterpriseFiling, ProductTestReport
from imports.choices import BatchMode, Confirmation
from imports.filtersets import ExportDeclarationFilterSet, ImportBatchFilterSet, ImportItemFilterSet
from imports.models import ExportDeclaration, ImportBatch, ImportItem, VerificationTask
from imports.services import files as import_files
from imports.services.declarations import (
    MAX_LINES,
    classify_dry_run,
    export_declare,
    import_batch_declare,
    import_item_confirm,
    verification_decide,
)

_MAX_ID = 2**63 - 1
_MAX_LINE_NO = 2**31 - 1


# --- declared lines: accepted as they come, answered as plain rows -----------------------------------


class ImportLineSerializer(serializers.Serializer):
    """One declared line (documentation of ``items``: the service checks the lines in one pass)."""

    product = serializers.IntegerField(required=False, allow_null=True, help_text=gettext_lazy("product filing id"))
    description = serializers.CharField(required=False, allow_blank=True)
    hs_code = serializers.CharField(required=False, allow_blank=True, help_text=gettext_lazy("10 digits"))
    cas_numbers = serializers.ListField(child=serializers.CharField(), required=False)
    un_number = serializers.CharField(required=False, allow_blank=True, help_text=gettext_lazy('e.g. "1203"'))
    used = serializers.BooleanField(required=False)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    unit = serializers.CharField(required=False, allow_blank=True)
    value_cny = serializers.DecimalField(max_digits=14, decimal_places=2)
    origin_country = serializers.CharField(required=False, allow_blank=True, help_text=gettext_lazy("ISO 3166 alpha-2"))


class ClassifyLineSerializer(ImportLineSerializer):
    """A line to classify: as declared, amounts optional, plus what the engine may also read."""

    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, required=False)
    value_cny = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    category = serializers.ChoiceField(choices=GoodsCategory.choices, required=False, allow_blank=True)
    materials = serializers.CharField(required=False, allow_blank=True)


class _Lines(serializers.JSONField):
    """A list of line objects, passed on untouched: the service checks each line and reports by line."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            return super().to_internal_value(data) if self.binary else data
        return data


@extend_schema_field(ImportLineSerializer(many=True))
class ImportLinesField(_Lines):
    pass


@extend_schema_field(ClassifyLineSerializer(many=True))
class ClassifyLinesField(_Lines):
    pass


class ReasonSerializer(serializers.Serializer):
    catalogue = serializers.CharField()
    edition = serializers.CharField()
    entry = serializers.CharField()
    entry_id = serializers.IntegerField(allow_null=True)
    matched_on = serializers.ChoiceField(choices=["cas", "un_number", "hs_code", "name", "used_flag"])
    value = serializers.CharField()
    certainty = serializers.FloatField()
    tier = serializers.IntegerField()


class ImportItemSerializer(serializers.Serializer):
    """A declared line and its classification (the shape ``item_rows`` builds)."""

    id = serializers.IntegerField()
    line_no = serializers.IntegerField()
    product = serializers.IntegerField(allow_null=True)
    description = serializers.CharField()
    hs_code = serializers.CharField()
    cas_numbers = serializers.ListField(child=serializers.CharField())
    un_number = serializers.CharField()
    used = serializers.BooleanField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    unit = serializers.CharField()
    value_cny = serializers.DecimalField(max_digits=14, decimal_places=2)
    origin_country = serializers.CharField()
    tier = serializers.IntegerField(allow_null=True)
    reasons = ReasonSerializer(many=True)
    follow_up = serializers.ChoiceField(choices=FollowUp.choices, allow_blank=True)
    confirmation = serializers.ChoiceField(choices=Confirmation.choices, allow_blank=True)


_ITEM_COLUMNS = (
    "id",
    "line_no",
    "product_id",
    "description",
    "hs_code",
    "cas_numbers",
    "un_number",
    "used",
    "quantity",
    "unit",
    "value_cny",
    "origin_country",
    "tier",
    "reasons",
    "follow_up",
    "confirmation",
)


def _item_row(values: tuple) -> dict:
    (
        pk,
        line_no,
        product,
        description,
        hs_code,
        cas_numbers,
        un_number,
        used,
        quantity,
        unit,
        value_cny,
        origin,
        tier,
        reasons,
        follow_up,
        confirmation,
    ) = values
    return {
        "id": pk,
        "line_no": line_no,
        "product": product,
        "description": description,
        "hs_code": hs_code,
        "cas_numbers": cas_numbers,
        "un_number": un_number,
        "used": used,
        # As DRF writes decimals: text with the field's places.
        "quantity": f"{quantity:.3f}",
        "unit": unit,
        "value_cny": f"{value_cny:.2f}",
        "origin_country": origin or "",
        "tier": tier,
        "reasons": reasons,
        "follow_up": follow_up,
        "confirmation": confirmation,
    }


def item_values(queryset):
    """The lines of ``queryset`` as value tuples for ``item_rows``: one query, no model instances."""
    return queryset.values_list(*_ITEM_COLUMNS)


def item_rows(values: Iterable[tuple]) -> list[dict]:
    """Lines as JSON-ready dicts without a serializer per line (batches have 10,000 lines)."""
    return [_item_row(row) for row in values]


# --- the dry run ------------------------------------------------------------------------------------


class ClassifyRequestSerializer(serializers.Serializer):
    items = ClassifyLinesField()


class DecisionSerializer(serializers.Serializer):
    line_no = serializers.IntegerField()
    tier = serializers.IntegerField()
    reasons = ReasonSerializer(many=True)
    follow_up = serializers.ChoiceField(choices=FollowUp.choices)
    needs_confirmation = serializers.BooleanField()
    strict_supervision = serializers.BooleanField()


class ClassifyResultSerializer(serializers.Serializer):
    items = DecisionSerializer(many=True)
    editions = serializers.DictField(child=serializers.DictField(), help_text=gettext_lazy("the editions applied"))


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


# --- spreadsheets: the templates, and declaring from a filled-in one ------------------------------------


class SpreadsheetUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True, help_text=gettext_lazy("the filled-in template, as .xlsx or .csv")
    )


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


# --- import batches ---------------------------------------------------------------------------------


class VerificationSerializer(serializers.ModelSerializer):
    bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    accepted_reports = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = VerificationTask
        fields = ["id", "status", "note", "bureau", "accepted_reports", "decided_by", "decided_at", "created_at"]
        read_only_fields = fields


class ImportBatchSerializer(serializers.ModelSerializer):
    """A declared batch, its tier and status; its lines are at ``items_url`` (inline in the detail)."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    port_bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    declared_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    editions = serializers.JSONField(read_only=True)
    verification = serializers.SerializerMethodField()
    items_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "batch_no",
            "enterprise",
            "enterprise_name",
            "platform",
            "warehouse",
            "mode",
            "port_bureau",
            "arrival_date",
            "status",
            "status_display",
            "tier",
            "editions",
            "strict_supervision",
            "item_count",
            "total_value_cny",
            "declared_by",
            "created_at",
            "updated_at",
            "verification",
            "items_url",
        ]
        read_only_fields = fields

    @extend_schema_field(VerificationSerializer(allow_null=True))
    def get_verification(self, obj: ImportBatch) -> dict | None:
        try:
            task = obj.verification
        except VerificationTask.DoesNotExist:
            return None
        return VerificationSerializer(task).data

    def get_items_url(self, obj: ImportBatch) -> str:
        return reverse("api:import-batch-items", args=[obj.pk], request=self.context.get("request"))


class ImportBatchDetailSerializer(ImportBatchSerializer):
    """A batch with every line inline."""

    items = serializers.SerializerMethodField()

    class Meta(ImportBatchSerializer.Meta):
        fields = [*ImportBatchSerializer.Meta.fields, "items"]
        read_only_fields = fields

    @extend_schema_field(ImportItemSerializer(many=True))
    def get_items(self, obj: ImportBatch) -> list[dict]:
        return item_rows(item_values(ImportItem.objects.filter(batch=obj).order_by("line_no")))


class ImportBatchDeclareSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=BatchMode.choices, default=BatchMode.BONDED)
    port_bureau = serializers.CharField(max_length=20, help_text=gettext_lazy("the port bureau's code"))
    platform = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=_MAX_ID)
    warehouse = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=_MAX_ID,
        help_text=gettext_lazy("the filing id of the logistics and warehousing enterprise"),
    )
    arrival_date = serializers.DateField(required=False, allow_null=True)
    items = ImportLinesField()


class ImportBatchUploadSerializer(SpreadsheetUploadSerializer):
    mode = serializers.ChoiceField(choices=BatchMode.choices, default=BatchMode.BONDED)
    port_bureau = serializers.CharField(max_length=20, help_text=gettext_lazy("the port bureau's code"))
    platform = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=_MAX_ID)
    warehouse = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=_MAX_ID)
    arrival_date = serializers.DateField(required=False, allow_null=True)


class VerifySerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    accepted_reports = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=_MAX_ID), required=False, max_length=1000
    )


class ConfirmSerializer(serializers.Serializer):
    confirmed = serializers.BooleanField(
        help_text=gettext_lazy("true confirms the suspected match, false dismisses it")
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


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
        lines = read_spreadsheet(import_files.batch_file_read, fields.pop("file"), enterprise)
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


# --- export declarations (全申报) ---------------------------------------------------------------------


class ExportDeclarationSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True, default=None, allow_null=True)
    destination_country = serializers.SerializerMethodField()
    declared_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = ExportDeclaration
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "product",
            "product_name",
            "order_no",
            "description",
            "hs_code",
            "destination_country",
            "quantity",
            "value_cny",
            "declared_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_destination_country(self, obj: ExportDeclaration) -> str:
        """ISO 3166 alpha-2."""
        return str(obj.destination_country or "")


class ExportDeclarationInputSerializer(serializers.Serializer):
    """One export order (documentation: the service checks every order in one pass, all or none)."""

    order_no = serializers.CharField(max_length=60)
    product = serializers.IntegerField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True)
    hs_code = serializers.CharField(required=False, allow_blank=True)
    destination_country = serializers.CharField(help_text=gettext_lazy("ISO 3166 alpha-2"))
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, required=False)
    value_cny = serializers.DecimalField(max_digits=14, decimal_places=2)


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
