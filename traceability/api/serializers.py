"""Inter-bureau notices over the API: what a notice reads as, and the bodies of sending and acknowledging."""

from __future__ import annotations

from rest_framework import serializers

from traceability import notice_objects
from traceability.models import InterBureauNotice


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
