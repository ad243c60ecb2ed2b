"""Risk signals over the API: what a signal reads as, and the bodies of intake and triage."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from rest_framework import serializers

from cbec_supervision.models import Attachment
from filings.choices import GoodsCategory, ProductSubcategory
from risk_monitoring.choices import (
    Hazard,
    OverseasFeed,
    ResultVerdict,
    SamplingChannel,
    SamplingPurpose,
    Severity,
    SignalSource,
)
from risk_monitoring.models import (
    Lab,
    RiskScore,
    RiskSignal,
    Sampling,
    SamplingPlan,
    SamplingPlanItem,
    SamplingResult,
    SignalMatchProposal,
)

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


# --- sampling --------------------------------------------------------------------------------------


class SamplingResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = SamplingResult
        fields = ["test_item", "standard", "value", "limit", "unit", "verdict"]


class SamplingSerializer(serializers.ModelSerializer):
    """A sampling: ``lab`` is the lab's name, ``bureau`` the sampling bureau's code, ``verdict``
    derived from ``results`` (any fail: fail; none: pending)."""

    bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)
    lab = serializers.CharField(source="lab.name", read_only=True, default="")
    results = SamplingResultSerializer(many=True, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Sampling
        fields = [
            "id",
            "sampling_no",
            "channel",
            "purpose",
            "status",
            "status_display",
            "verdict",
            "bureau",
            "product",
            "enterprise",
            "platform",
            "warehouse",
            "batch",
            "order_no",
            "url",
            "price_paid",
            "location",
            "quantity",
            "sampled_at",
            "lab",
            "lab_report_no",
            "sent_to_lab_at",
            "results_entered_at",
            "results",
            "report",
            "signal",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: Sampling) -> dict:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and getattr(request.user, "is_enterprise_user", False):
            # The risk signal and the lab's report under verification are the inspectors' business.
            data["signal"] = data["report"] = None
        return data


class ResultInputSerializer(serializers.Serializer):
    test_item = serializers.CharField(max_length=200)
    standard = serializers.CharField(max_length=200, required=False, allow_blank=True)
    value = serializers.CharField(max_length=100, required=False, allow_blank=True)
    limit = serializers.CharField(max_length=100, required=False, allow_blank=True)
    unit = serializers.CharField(max_length=30, required=False, allow_blank=True)
    verdict = serializers.ChoiceField(choices=ResultVerdict.choices)


class SamplingCreateSerializer(serializers.Serializer):
    """A sample taken: ``channel``, ``product``, ``sampled_at``, ``lab`` and ``results`` (plus
    ``order_no``/``url`` online, ``warehouse``/``location`` offline). Multipart bodies (with a
    ``screenshot``) send ``results`` as a JSON string. The filings are checked by the service."""

    channel = serializers.ChoiceField(choices=SamplingChannel.choices)
    purpose = serializers.ChoiceField(choices=SamplingPurpose.choices, required=False)
    product = serializers.IntegerField(**_ID)
    sampled_at = serializers.DateTimeField(required=False, allow_null=True)
    lab = serializers.CharField(max_length=200, required=False, allow_blank=True)
    results = ResultInputSerializer(many=True, required=False, max_length=200)
    platform = serializers.IntegerField(required=False, allow_null=True, **_ID)
    warehouse = serializers.IntegerField(required=False, allow_null=True, **_ID)
    batch = serializers.IntegerField(required=False, allow_null=True, **_ID)
    report = serializers.IntegerField(required=False, allow_null=True, **_ID)
    plan_item = serializers.IntegerField(
        required=False, allow_null=True, help_text="The item of a published sampling plan it fulfils.", **_ID
    )
    order_no = serializers.CharField(max_length=100, required=False, allow_blank=True)
    url = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    price_paid = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True
    )
    location = serializers.CharField(max_length=300, required=False, allow_blank=True)
    quantity = serializers.CharField(max_length=100, required=False, allow_blank=True)
    lab_report_no = serializers.CharField(max_length=100, required=False, allow_blank=True)
    note = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    screenshot = serializers.FileField(required=False, allow_empty_file=True)


class ResultsSerializer(serializers.Serializer):
    results = ResultInputSerializer(many=True, max_length=200, allow_empty=False)
    lab_report_no = serializers.CharField(max_length=100, required=False, allow_blank=True)


class SendToLabSerializer(serializers.Serializer):
    lab = serializers.CharField(max_length=200, required=False, allow_blank=True)
    lab_report_no = serializers.CharField(max_length=100, required=False, allow_blank=True)


class TakeSerializer(serializers.Serializer):
    sampled_at = serializers.DateTimeField()
    lab = serializers.CharField(max_length=200, required=False, allow_blank=True)


class SamplingCloseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class LabSerializer(serializers.ModelSerializer):
    """A lab with its trust record: reports accepted, verified (consistent + inconsistent), inconsistent."""

    accepted = serializers.IntegerField(source="accepted_count", read_only=True)
    verified = serializers.SerializerMethodField()
    inconsistent = serializers.IntegerField(source="inconsistent_count", read_only=True)
    verify_only = serializers.BooleanField(read_only=True)

    class Meta:
        model = Lab
        fields = [
            "id",
            "name",
            "accreditation",
            "accepted",
            "verified",
            "inconsistent",
            "verify_only",
            "trust_restored_at",
            "trust_restored_reason",
        ]
        read_only_fields = fields

    def get_verified(self, obj: Lab) -> int:
        return int(obj.consistent_count) + int(obj.inconsistent_count)


class LabRestoreSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


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
