"""Inter-bureau notices over the API: what a notice reads as, and the bodies of sending and acknowledging."""

from __future__ import annotations

from rest_framework import serializers

from traceability import notice_objects
from traceability.choices import InvestigationStatus, ResponsibleParty
from traceability.models import InterBureauNotice, Investigation, InvestigationEvent


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
