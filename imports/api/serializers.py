"""Serializers of the imports API: declared lines, their classification, batches, verification, exports.

Declared lines are not validated field by field here: a batch of 10,000 lines is handed to the
service as it came, which checks it in one pass, and the answer is built from plain rows
(``item_rows``) rather than a serializer per line.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from catalogues.choices import FollowUp
from filings.choices import GoodsCategory
from imports.choices import BatchMode, Confirmation, ItemStatus
from imports.models import ExportDeclaration, ImportBatch, ImportItem, VerificationTask

_MAX_ID = 2**63 - 1


_MAX_LINE_NO = 2**31 - 1


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
    status = serializers.ChoiceField(
        choices=ItemStatus.choices,
        help_text=gettext_lazy(
            "where the line stands: each line proceeds by its own tier, prohibited lines are refused"
        ),
    )


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
    "status",
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
        line_status,
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
        "status": line_status,
    }


def item_values(queryset):
    """The lines of ``queryset`` as value tuples for ``item_rows``: one query, no model instances."""
    return queryset.values_list(*_ITEM_COLUMNS)


def item_rows(values: Iterable[tuple]) -> list[dict]:
    """Lines as JSON-ready dicts without a serializer per line (batches have 10,000 lines)."""
    return [_item_row(row) for row in values]


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


class SpreadsheetUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True, help_text=gettext_lazy("the filled-in template, as .xlsx or .csv")
    )


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
