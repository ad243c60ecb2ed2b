"""Risk signals over the API: what a signal reads as, and the bodies of intake and triage."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from rest_framework import serializers

from cbec_supervision.models import Attachment
from filings.choices import GoodsCategory, ProductSubcategory
from risk_monitoring.choices import Hazard, OverseasFeed, SamplingChannel, Severity, SignalSource
from risk_monitoring.models import RiskSignal, SamplingPlan, SamplingPlanItem, SignalMatchProposal

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
            "overseas_feed",
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
    overseas_feed = serializers.ChoiceField(choices=OverseasFeed.choices, required=False, allow_blank=True)


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


class MatchProposalSerializer(serializers.ModelSerializer):
    """A filed product that may be what the signal is about (matched by brand and model, or name)."""

    product_name = serializers.CharField(source="product.name", read_only=True)
    enterprise = serializers.IntegerField(source="product.enterprise_id", read_only=True)
    bureau = serializers.CharField(source="product.enterprise.bureau.code", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None)

    class Meta:
        model = SignalMatchProposal
        fields = [
            "id",
            "signal",
            "product",
            "product_name",
            "enterprise",
            "bureau",
            "how",
            "status",
            "reason",
            "created_at",
            "decided_at",
            "decided_by",
        ]
        read_only_fields = fields


class ProposalDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)


# --- sampling plans --------------------------------------------------------------------------------


class SamplingPlanItemSerializer(serializers.ModelSerializer):
    """One product of a plan; ``sampling`` is the sampling that fulfils it (null until one is taken)."""

    sampling_status = serializers.CharField(source="sampling.status", read_only=True, default=None)

    class Meta:
        model = SamplingPlanItem
        fields = [
            "id",
            "position",
            "product",
            "enterprise",
            "lab",
            "reason",
            "weight",
            "score",
            "inclusion_probability",
            "channel",
            "adjusted",
            "adjustment_note",
            "removed",
            "sampling",
            "sampling_status",
        ]
        read_only_fields = fields


class SamplingPlanSerializer(serializers.ModelSerializer):
    """A sampling plan with its parameters (labs and capacities, counts, shortfalls) and seed; bureaus by code."""

    bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    seed = serializers.CharField(read_only=True, help_text="The draw's seed (a 63-bit integer, as a string).")

    class Meta:
        model = SamplingPlan
        fields = [
            "id",
            "bureau",
            "month",
            "size",
            "random_share",
            "seed",
            "status",
            "status_display",
            "parameters",
            "created_by",
            "created_at",
            "published_at",
            "closed_at",
            "closed_reason",
        ]
        read_only_fields = fields


class PlanLabSerializer(serializers.Serializer):
    lab = serializers.IntegerField(**_ID)
    capacity = serializers.IntegerField(min_value=1, max_value=1000)


class PlanGenerateSerializer(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", max_length=7)
    size = serializers.IntegerField(min_value=1, max_value=1000)
    random_share = serializers.DecimalField(
        max_digits=3, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("1"), required=False
    )
    seed = serializers.IntegerField(min_value=0, max_value=2**63 - 1, required=False, allow_null=True)
    channel = serializers.ChoiceField(choices=SamplingChannel.choices, required=False)
    labs = PlanLabSerializer(many=True, allow_empty=False, max_length=50)


class PlanItemAddSerializer(serializers.Serializer):
    product = serializers.IntegerField(**_ID)
    lab = serializers.IntegerField(required=False, allow_null=True, **_ID)
    channel = serializers.ChoiceField(choices=SamplingChannel.choices, required=False)
    reason = serializers.CharField(max_length=5000)


class PlanItemRemoveSerializer(serializers.Serializer):
    item = serializers.IntegerField(**_ID)
    reason = serializers.CharField(max_length=5000)


class PlanItemLabSerializer(serializers.Serializer):
    item = serializers.IntegerField(**_ID)
    lab = serializers.IntegerField(**_ID)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class PlanCloseSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)
