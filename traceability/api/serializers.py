"""Inter-bureau notices over the API: what a notice reads as, and the bodies of sending and acknowledging."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from cbec_supervision.models import Attachment
from traceability import notice_objects
from traceability.choices import InvestigationStatus, MeasureStatus, MeasureType, RecallChannel, ResponsibleParty
from traceability.models import (
    DelistingConfirmation,
    InterBureauNotice,
    Investigation,
    InvestigationEvent,
    Measure,
    RecallProgress,
)


class InterBureauNoticeSerializer(serializers.ModelSerializer):
    """A notice: bureaus by code; ``object_type`` + ``object_id`` name what it is about."""

    from_bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)
    to_bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sent_by = serializers.CharField(source="sent_by.username", read_only=True, default=None)
    acknowledged_by = serializers.CharField(source="acknowledged_by.username", read_only=True, default=None)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = InterBureauNotice
        fields = [
            "id",
            "from_bureau",
            "to_bureau",
            "subject",
            "body",
            "object_type",
            "object_id",
            "due_at",
            "sent_by",
            "sent_at",
            "acknowledged_at",
            "acknowledged_by",
            "acknowledgement_note",
            "overdue",
            "overdue_flagged_at",
        ]
        read_only_fields = fields


class NoticeCreateSerializer(serializers.Serializer):
    """Send a notice: the receiving bureau by code, what it is about, and optionally a message and a due date."""

    to_bureau = serializers.CharField(max_length=16)
    subject = serializers.CharField(max_length=300)
    body = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    object_type = serializers.ChoiceField(choices=[])
    object_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    due_at = serializers.DateTimeField(required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = notice_objects.choices()  # type: ignore[attr-defined]


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=10000)


# --- investigations --------------------------------------------------------------------------------


class InvestigationEventSerializer(serializers.ModelSerializer):
    """A line of a case's timeline: ``actor`` is the username (or the task that acted)."""

    actor = serializers.SerializerMethodField()
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = InvestigationEvent
        fields = ["kind", "kind_display", "at", "actor", "message", "data"]
        read_only_fields = fields

    def get_actor(self, obj: InvestigationEvent) -> str:
        return obj.actor.username if obj.actor is not None else obj.actor_label


class InvestigationSerializer(serializers.ModelSerializer):
    """An investigation: bureaus by code; signals, samplings and products by id; ``events`` its timeline."""

    signals = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    samplings = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    products = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    measures = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    lead_bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)
    notifying_bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)
    opened_by = serializers.CharField(source="opened_by.username", read_only=True, default=None)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    events = InvestigationEventSerializer(many=True, read_only=True)

    class Meta:
        model = Investigation
        fields = [
            "id",
            "case_no",
            "title",
            "description",
            "signals",
            "samplings",
            "enterprise",
            "platform",
            "products",
            "lead_bureau",
            "notifying_bureau",
            "status",
            "status_display",
            "major",
            "major_reported_at",
            "local_government_informed_at",
            "root_cause",
            "responsible_party",
            "responsible_enterprise",
            "quality_problem_confirmed",
            "measures",
            "opened_by",
            "created_at",
            "closed_at",
            "events",
        ]
        read_only_fields = fields


_ID = {"min_value": 1, "max_value": 2**63 - 1}


class InvestigationCreateSerializer(serializers.Serializer):
    """Open a case: a title, and signals (assessed) and/or samplings (failed), or the enterprise,
    platform or products concerned (approved filings of any bureau), by id."""

    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    signals = serializers.ListField(child=serializers.IntegerField(**_ID), required=False, max_length=100)
    samplings = serializers.ListField(child=serializers.IntegerField(**_ID), required=False, max_length=100)
    enterprise = serializers.IntegerField(required=False, allow_null=True, **_ID)
    platform = serializers.IntegerField(required=False, allow_null=True, **_ID)
    products = serializers.ListField(child=serializers.IntegerField(**_ID), required=False, max_length=100)


class InvestigationAdvanceSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=InvestigationStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class InvestigationCloseSerializer(serializers.Serializer):
    root_cause = serializers.CharField(max_length=10000)
    responsible_party = serializers.ChoiceField(choices=ResponsibleParty.choices)
    responsible_enterprise = serializers.IntegerField(**_ID)
    quality_problem_confirmed = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class InvestigationReassignSerializer(serializers.Serializer):
    lead_bureau = serializers.CharField(max_length=16)
    reason = serializers.CharField(max_length=10000)


class InvestigationMajorSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=10000)


class InvestigationNoteSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=10000)


class InvestigationLinkSerializer(serializers.Serializer):
    signals = serializers.ListField(child=serializers.IntegerField(**_ID), required=False, max_length=100)
    samplings = serializers.ListField(child=serializers.IntegerField(**_ID), required=False, max_length=100)


# --- measures --------------------------------------------------------------------------------------


class DelistingConfirmationSerializer(serializers.ModelSerializer):
    confirmed_by = serializers.CharField(source="confirmed_by.username", read_only=True, default=None)

    class Meta:
        model = DelistingConfirmation
        fields = ["url", "confirmed_at", "confirmed_by"]
        read_only_fields = fields


class RecallProgressSerializer(serializers.ModelSerializer):
    """A recall's progress report; ``units_recovered`` is cumulative; ``recovery_rate`` 0-1."""

    recovery_rate = serializers.FloatField(read_only=True)
    channels = serializers.ListField(child=serializers.ChoiceField(choices=RecallChannel.choices), required=False)

    class Meta:
        model = RecallProgress
        fields = [
            "id",
            "reported_on",
            "units_sold",
            "units_recovered",
            "recovery_rate",
            "channels",
            "note",
            "reported_at",
        ]
        read_only_fields = ["id", "recovery_rate", "reported_at"]
        extra_kwargs = {"reported_on": {"required": False, "allow_null": True}}


class MeasureSerializer(serializers.ModelSerializer):
    """A measure: enterprises, product and batch by id; ``overdue`` when flagged or open past its deadline;
    a recall's ``progress``, a delisting's ``listing_urls`` and ``delistings`` (the platform's confirmations)."""

    overdue = serializers.SerializerMethodField()
    required_proof = serializers.ListField(child=serializers.CharField(), read_only=True)
    delistings = DelistingConfirmationSerializer(many=True, read_only=True)
    progress = RecallProgressSerializer(source="progress_reports", many=True, read_only=True)
    recovery_rate = serializers.SerializerMethodField()

    class Meta:
        model = Measure
        fields = [
            "id",
            "investigation",
            "type",
            "enterprise",
            "platform",
            "product",
            "batch",
            "description",
            "legal_basis",
            "deadline",
            "status",
            "response",
            "voluntary",
            "review_status",
            "review_reason",
            "required_proof",
            "listing_urls",
            "delistings",
            "progress",
            "recovery_rate",
            "recheck_passed",
            "recheck_note",
            "rejected_reason",
            "acknowledged_at",
            "completed_at",
            "verified_at",
            "overdue",
            "overdue_flagged_at",
            "low_recovery_flagged_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_overdue(self, obj: Measure) -> bool:
        return obj.status == MeasureStatus.OVERDUE or obj.is_past_deadline

    def get_recovery_rate(self, obj: Measure) -> float | None:
        last = obj.latest_progress  # from the prefetched reports
        return last.recovery_rate if last is not None else None


class MeasureCreateSerializer(serializers.Serializer):
    """Staff issue a measure on an investigation; an enterprise opens a voluntary recall (no ``investigation``,
    ``type`` recall, its own ``product``)."""

    investigation = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    type = serializers.ChoiceField(choices=MeasureType.choices)
    enterprise = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    product = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    batch = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    platform = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    listing_urls = serializers.ListField(
        child=serializers.CharField(max_length=1000), required=False, max_length=200, default=list
    )
    description = serializers.CharField(max_length=10000)
    legal_basis = serializers.CharField(required=False, allow_blank=True, max_length=10000, default="")
    deadline = serializers.DateTimeField()


class MeasureRespondSerializer(serializers.Serializer):
    """``response``; files as multipart parts named by proof kind (``photo``, ``warehouse_confirmation``,
    ``recall_plan``…; ``files`` for other documents), each repeatable."""

    response = serializers.CharField(max_length=10000)


class MeasureVerifySerializer(serializers.Serializer):
    recheck_passed = serializers.BooleanField(required=False, allow_null=True, default=None)
    recheck_note = serializers.CharField(required=False, allow_blank=True, max_length=10000, default="")


class MeasureReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=10000)


class DelistingSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=1000)


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("accept", "accept"), ("return", "return")])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=10000, default="")


class MeasureFileSerializer(serializers.ModelSerializer):
    """A proof file of a measure (``kind``: ``measure_<proof kind>``); ``url`` downloads it."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "kind", "original_name", "mime_type", "size", "sha256", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, obj: Attachment) -> str:
        return reverse("attachment_download", args=[obj.pk])
