"""Risk signals over the API: what a signal reads as, and the bodies of intake and triage."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from cbec_supervision.models import Attachment
from filings.choices import GoodsCategory, ProductSubcategory
from risk_monitoring.choices import Hazard, Severity, SignalSource
from risk_monitoring.models import RiskScore, RiskSignal

_ID = {"min_value": 1, "max_value": 2**63 - 1}


class RiskSignalSerializer(serializers.ModelSerializer):
    """A risk signal: ``product`` is the first of ``products``; bureaus by code."""

    products = serializers.SerializerMethodField()
    reported_by = serializers.SlugRelatedField(slug_field="code", read_only=True)
    competent_bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)
    origin_country = serializers.CharField(source="origin_country.code", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = RiskSignal
        fields = [
            "id",
            "source",
            "title",
            "description",
            "enterprise",
            "product",
            "products",
            "platform",
            "category",
            "subcategory",
            "hazard",
            "severity",
            "severity_reason",
            "gtin",
            "brand",
            "model",
            "origin_country",
            "overseas_reference",
            "reported_by",
            "competent_bureau",
            "status",
            "status_display",
            "closed_reason",
            "duplicate_of",
            "occurrences",
            "assessed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_products(self, obj: RiskSignal) -> list[int]:
        return obj.product_ids()


class RiskSignalCreateSerializer(serializers.Serializer):
    """Intake: staff name any source but ``enterprise_report``; an enterprise user's source is
    ``enterprise_report`` whatever is sent. Filings are checked by the service (approved ones)."""

    source = serializers.ChoiceField(choices=SignalSource.choices, required=False)
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    enterprise = serializers.IntegerField(required=False, allow_null=True, **_ID)
    product = serializers.IntegerField(required=False, allow_null=True, **_ID)
    products = serializers.ListField(child=serializers.IntegerField(**_ID), required=False, max_length=200)
    platform = serializers.IntegerField(required=False, allow_null=True, **_ID)
    category = serializers.ChoiceField(choices=GoodsCategory.choices, required=False, allow_blank=True)
    subcategory = serializers.ChoiceField(choices=ProductSubcategory.choices, required=False, allow_blank=True)
    hazard = serializers.ChoiceField(choices=Hazard.choices, required=False)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False, allow_blank=True)
    gtin = serializers.CharField(required=False, allow_blank=True, max_length=14)
    brand = serializers.CharField(required=False, allow_blank=True, max_length=200)
    model = serializers.CharField(required=False, allow_blank=True, max_length=200)
    origin_country = serializers.CharField(required=False, allow_blank=True, max_length=2)
    overseas_reference = serializers.CharField(required=False, allow_blank=True, max_length=100)


class AssessSerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=Severity.choices)
    reason = serializers.CharField(max_length=5000)


class CloseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class DuplicateSerializer(serializers.Serializer):
    duplicate_of = serializers.IntegerField(**_ID)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class SignalAttachmentSerializer(serializers.ModelSerializer):
    """A file of a signal; ``url`` downloads it for whoever may see the signal."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "kind", "original_name", "mime_type", "size", "sha256", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, obj: Attachment) -> str:
        return reverse("attachment_download", args=[obj.pk])


class SignalFileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)


class RiskScoreFactorSerializer(serializers.Serializer):
    name = serializers.CharField()
    value = serializers.FloatField()
    weight = serializers.FloatField()
    contribution = serializers.IntegerField()
    #: the explanation as a key of ``scoring.EXPLANATION_TEMPLATES`` and its parameters
    explanation = serializers.DictField(required=False)


class RiskScoreSerializer(serializers.ModelSerializer):
    """An explained risk score: the contributions of ``factors`` add up to ``score`` (0-100)."""

    score = serializers.IntegerField(read_only=True)
    factors = RiskScoreFactorSerializer(many=True, read_only=True)

    class Meta:
        model = RiskScore
        fields = [
            "id",
            "subject_type",
            "subject_id",
            "enterprise",
            "product",
            "score",
            "level",
            "factors",
            "computed_at",
            "is_current",
        ]
        read_only_fields = fields
