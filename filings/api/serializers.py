"""Filings in JSON. Serializers check types and lengths only; every rule lives in the services."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Bureau, User
from cbec_supervision.models import Attachment
from filings import services
from filings.choices import EnterpriseSystem, EnterpriseType, GoodsCategory, TestVerdict
from filings.models import ChangeRequest, EnterpriseFiling, ProductFiling, ProductTestReport

_MISSING_SCHEMA = {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}


def _optional_text(max_length: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length, **kwargs)


class AttachmentSerializer(serializers.ModelSerializer):
    """A file of a filing; ``url`` downloads it for whoever may see the filing."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "kind", "original_name", "mime_type", "size", "sha256", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, obj: Attachment) -> str:
        return reverse("attachment_download", args=[obj.pk])


class TestReportSerializer(serializers.ModelSerializer):
    file = serializers.SerializerMethodField()

    class Meta:
        model = ProductTestReport
        fields = ["id", "lab", "report_no", "issued_on", "standard", "verdict", "file", "created_at"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_file(self, obj: ProductTestReport) -> str | None:
        return reverse("attachment_download", args=[obj.attachment_id]) if obj.attachment_id else None


# --- enterprises --------------------------------------------------------------------------------


class EnterpriseFilingSerializer(serializers.ModelSerializer):
    """An enterprise filing; the enterprise edits it while it is a draft or returned."""

    types = serializers.ListField(
        child=serializers.ChoiceField(choices=EnterpriseType.choices), required=False, max_length=10
    )
    main_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=GoodsCategory.choices), required=False, max_length=10
    )
    systems = serializers.ListField(
        child=serializers.ChoiceField(choices=EnterpriseSystem.choices), required=False, max_length=20
    )
    bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    missing = serializers.SerializerMethodField()
    review_due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = EnterpriseFiling
        fields = [
            "id",
            "name",
            "uscc",
            "types",
            "legal_representative",
            "contact_name",
            "contact_phone",
            "email",
            "address",
            "region_code",
            "bureau",
            "main_categories",
            "platform_name",
            "platform_url",
            "systems",
            "pledge_signed",
            "pledge_signed_at",
            "filing_no",
            "status",
            "status_display",
            "supervision_level",
            "supervision_decided_at",
            "supervision_reason",
            "submitted_at",
            "decided_at",
            "decision_reason",
            "review_due_at",
            "is_overdue",
            "missing",
            "previous",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "uscc",
            "previous",
            "pledge_signed_at",
            "filing_no",
            "status",
            "supervision_level",
            "supervision_decided_at",
            "supervision_reason",
            "submitted_at",
            "decided_at",
            "decision_reason",
            "created_at",
            "updated_at",
        ]
        # One live filing per credit code is checked by the service (``enterprise_create``), per field.
        validators: list = []

    @extend_schema_field(_MISSING_SCHEMA)
    def get_missing(self, obj: EnterpriseFiling) -> dict[str, list[str]]:
        """What must still be filled in before the filing can be submitted, per field."""
        return services.enterprise_missing(obj)


class EnterpriseFilingCreateSerializer(EnterpriseFilingSerializer):
    """What an enterprise user gives to file their enterprise; the bureau follows from the region."""

    uscc = serializers.CharField(max_length=30)
    region_code = _optional_text(6)

    class Meta(EnterpriseFilingSerializer.Meta):
        read_only_fields = [f for f in EnterpriseFilingSerializer.Meta.read_only_fields if f != "uscc"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RequiredReasonSerializer(serializers.Serializer):
    """The reason a decision must give (placing an enterprise under strict supervision, lifting it)."""

    reason = serializers.CharField(max_length=2000)


class SetBureauSerializer(serializers.Serializer):
    bureau = serializers.SlugRelatedField(slug_field="code", queryset=Bureau.objects.filter(is_active=True))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class EnterpriseUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "email", "is_active"]
        read_only_fields = fields


class EnterpriseUserCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)


# --- products -----------------------------------------------------------------------------------


class VisibleEnterpriseField(serializers.PrimaryKeyRelatedField):
    """An enterprise filing id among those the user may see: any other id does not exist."""

    def get_queryset(self):
        request = self.context.get("request")
        return EnterpriseFiling.objects.visible_to(getattr(request, "user", None))


class ProductFilingSerializer(serializers.ModelSerializer):
    """A product filing with its test reports and files.

    Codes (HS, country, CAS, UN, GTIN, CCC) are checked and normalised by the service, so they
    are plain text here.
    """

    enterprise = VisibleEnterpriseField(required=False)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    hs_code = _optional_text(20)
    origin_country = _optional_text(10)
    cas_numbers = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, max_length=100, allow_empty=True
    )
    un_number = _optional_text(10)
    gtin = _optional_text(20)
    ccc_certificate = _optional_text(50)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    missing = serializers.SerializerMethodField()
    review_due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)
    flagged = serializers.BooleanField(
        source="prohibited_flag_open",
        read_only=True,
        help_text="Approved, and a catalogue edition in force since puts it in tier 1: to be suspended.",
    )
    test_reports = TestReportSerializer(many=True, read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = ProductFiling
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            *services.PRODUCT_FIELDS,
            "filing_no",
            "status",
            "status_display",
            "tier",
            "classification",
            "suspicion",
            "suspicion_decided_at",
            "suspicion_reason",
            "prohibited_flagged_at",
            "prohibited_reasons",
            "flagged",
            "submitted_at",
            "decided_at",
            "decision_reason",
            "review_due_at",
            "is_overdue",
            "missing",
            "test_reports",
            "attachments",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "filing_no",
            "status",
            "tier",
            "classification",
            "suspicion",
            "suspicion_decided_at",
            "suspicion_reason",
            "prohibited_flagged_at",
            "prohibited_reasons",
            "submitted_at",
            "decided_at",
            "decision_reason",
            "created_at",
            "updated_at",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # A Country, or "" for none: always its alpha-2 code as text.
        data["origin_country"] = str(instance.origin_country or "")
        return data

    def validate(self, attrs):
        enterprise = attrs.get("enterprise")
        if self.instance is not None and enterprise is not None and enterprise.pk != self.instance.enterprise_id:
            raise serializers.ValidationError({"enterprise": [_("A product filing stays with its enterprise.")]})
        return attrs

    def _attachments(self, obj: ProductFiling) -> list[Attachment]:
        # A list page fetches the page's attachments in one query (see ProductFilingViewSet).
        by_owner = self.context.get("attachments")
        if by_owner is not None:
            return by_owner.get(str(obj.pk), [])
        return list(Attachment.objects.for_object(obj))

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, obj: ProductFiling) -> list[dict]:
        return AttachmentSerializer(self._attachments(obj), many=True).data

    @extend_schema_field(_MISSING_SCHEMA)
    def get_missing(self, obj: ProductFiling) -> dict[str, list[str]]:
        """What must still be filled in before the product can be submitted, per field."""
        return services.product_missing(
            obj, attachments=self._attachments(obj), certified_codes=self.context.get("certified_codes")
        )


class TestReportCreateSerializer(serializers.Serializer):
    lab = serializers.CharField(max_length=200)
    report_no = serializers.CharField(max_length=100)
    issued_on = serializers.DateField()
    standard = _optional_text(200)
    verdict = serializers.ChoiceField(choices=TestVerdict.choices)
    file = serializers.FileField(required=False, allow_empty_file=True)


class FileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)


class BulkImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField())


# --- change requests ----------------------------------------------------------------------------


class ChangeRequestCreateSerializer(serializers.Serializer):
    changes = serializers.DictField(help_text=_("The fields to change and their proposed values."))
    explanation = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class ChangeRequestSerializer(serializers.ModelSerializer):
    """Proposed changes to an approved filing; the approved values stay in force until approval."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True, default=None, allow_null=True)
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    submitted_at = serializers.DateTimeField(source="created_at", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    changes = serializers.JSONField(read_only=True)
    original = serializers.JSONField(read_only=True)

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "product",
            "product_name",
            "changes",
            "original",
            "explanation",
            "status",
            "status_display",
            "submitted_by",
            "submitted_at",
            "decided_by",
            "decided_at",
            "decision_reason",
        ]
        read_only_fields = fields
