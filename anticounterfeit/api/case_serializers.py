"""Serializers of ``counterfeit-cases/``: the case as read, and the bodies of its actions (thin: the
services check every value, so a body's fields are optional here and a refusal names the field)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from anticounterfeit.api.evidence import EvidenceSerializer
from anticounterfeit.choices import CaseDuty
from anticounterfeit.models import CaseAssignment, CaseDocument, CounterfeitCase, Evidence
from anticounterfeit.services.case_support import allowed_actions, case_duties


def _id(*, required: bool = True) -> serializers.IntegerField:
    return serializers.IntegerField(required=required, allow_null=not required, min_value=1, max_value=2**63 - 1)


def _text(max_length: int = 20000) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length)


def _amount() -> serializers.CharField:
    """An amount, read as text and checked by the service (Decimal, 2 places, at least 0): 400 per field."""
    return serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=40)


def _ids(**kwargs) -> serializers.ListField:
    return serializers.ListField(child=_id(), required=False, max_length=100, **kwargs)


class CaseAssignmentSerializer(serializers.ModelSerializer):
    user_name = serializers.SerializerMethodField()

    class Meta:
        model = CaseAssignment
        fields = ["id", "user", "user_name", "duty", "assigned_at", "ended_at", "end_reason"]
        read_only_fields = fields

    def get_user_name(self, obj: CaseAssignment) -> str:
        return obj.user.get_full_name() or obj.user.username


class CaseDocumentSerializer(serializers.ModelSerializer):
    """A procedure document. ``file`` is the download URL of its signed copy (null without one): media is
    not served, the copy is read through the case (``documents/{id}/download/``)."""

    file = serializers.SerializerMethodField()
    written_by = serializers.CharField(source="written_by.username", read_only=True, default=None)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = CaseDocument
        fields = [
            "id",
            "kind",
            "kind_display",
            "number",
            "text",
            "written_by",
            "written_at",
            "file",
            "original_name",
            "sha256",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_file(self, obj: CaseDocument) -> str | None:
        if not obj.file:
            return None
        return reverse("api:counterfeit-case-document-download", kwargs={"pk": obj.case_id, "document_id": obj.pk})


class CounterfeitCaseSerializer(serializers.ModelSerializer):
    """A case: bureau by code; leads, links by id; the people (``assignments``), the procedure documents
    and the current evidence nested; ``my_duties`` and ``allowed_actions`` of the caller."""

    bureau: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    leads: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    rights_holders: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    products: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    enterprises: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    signals: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    investigations: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    assignments = CaseAssignmentSerializer(many=True, read_only=True)
    documents = CaseDocumentSerializer(many=True, read_only=True)
    evidence = serializers.SerializerMethodField()
    my_duties = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = CounterfeitCase
        fields = [
            "id",
            "case_no",
            "title",
            "description",
            "bureau",
            "brand",
            "enterprise",
            "party_name",
            "status",
            "status_display",
            "leads",
            "rights_holders",
            "products",
            "enterprises",
            "signals",
            "investigations",
            "assignments",
            "documents",
            "evidence",
            "proposed_by",
            "opened_at",
            "opened_by",
            "submitted_for_review_at",
            "reviewed_at",
            "reviewed_by",
            "notice_served_at",
            "hearing_requested",
            "hearing_waived",
            "hearing_held_at",
            "decision_kind",
            "decision_no",
            "decided_at",
            "decided_by",
            "served_at",
            "service_method",
            "enforced_at",
            "transferred_at",
            "transferred_to",
            "closed_at",
            "closed_by",
            "fine_amount_cny",
            "illegal_gains_cny",
            "goods_value_cny",
            "confiscated_quantity",
            "fine_paid_cny",
            "created_at",
            "my_duties",
            "allowed_actions",
        ]
        read_only_fields = fields

    def _current_evidence(self, obj: CounterfeitCase) -> list[Evidence]:
        rows = getattr(obj, "current_evidence", None)
        if rows is None:
            rows = list(Evidence.objects.filter(case=obj).current().select_related("collected_by", "created_by"))
        return rows

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, obj: CounterfeitCase) -> Any:
        rows = self._current_evidence(obj)
        # Every row here is a current version: say so, rather than ask the database item by item.
        context = {**self.context, "current_ids": {row.pk for row in rows}}
        return EvidenceSerializer(rows, many=True, context=context).data

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_my_duties(self, obj: CounterfeitCase) -> list[str]:
        user = self._user()
        if user is None:
            return []
        return sorted(case_duties(obj, user)[0])

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, obj: CounterfeitCase) -> list[str]:
        user = self._user()
        if user is None:
            return []
        return allowed_actions(obj, user, evidence_count=len(self._current_evidence(obj)))


# --- bodies ----------------------------------------------------------------------------------------


class _StepSerializer(serializers.Serializer):
    number = serializers.CharField(required=False, allow_blank=True, max_length=60)
    upload = serializers.FileField(required=False, allow_null=True)


class CaseCreateSerializer(serializers.Serializer):
    """Propose a case: leads (awaiting triage) by id, and/or a title; the links by id."""

    title = _text(300)
    description = _text()
    brand = serializers.CharField(required=False, allow_blank=True, max_length=100)
    enterprise = _id(required=False)
    party_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    leads = _ids()
    products = _ids()
    signals = _ids()
    investigations = _ids()
    rights_holders = _ids()
    goods_value_cny = _amount()
    opening_text = _text()
    opening_number = serializers.CharField(required=False, allow_blank=True, max_length=60)
    upload = serializers.FileField(required=False, allow_null=True)


class CaseApproveSerializer(_StepSerializer):
    text = _text()
    handlers = _ids()
    reviewer = _id(required=False)
    decider = _id(required=False)


class CaseReasonSerializer(_StepSerializer):
    reason = _text()


class CaseAssignSerializer(serializers.Serializer):
    user = _id()
    duty = serializers.ChoiceField(choices=CaseDuty.choices)
    reason = _text()
    replace = serializers.BooleanField(required=False, default=False)


class CaseUnassignSerializer(serializers.Serializer):
    assignment = _id()
    reason = _text()


class CaseReportSerializer(_StepSerializer):
    report_text = _text()


class CaseOpinionSerializer(_StepSerializer):
    opinion = _text()


class CaseNoticeSerializer(_StepSerializer):
    served_at = serializers.CharField(required=False, allow_blank=True, max_length=40)
    text = _text()
    hearing_requested = serializers.BooleanField(required=False, default=False)
    hearing_waived = serializers.BooleanField(required=False, default=False)


class CaseHearingSerializer(_StepSerializer):
    held_at = serializers.CharField(required=False, allow_blank=True, max_length=40)
    text = _text()


class CaseDecideSerializer(serializers.Serializer):
    decision_kind = serializers.CharField(required=False, allow_blank=True, max_length=20)
    decision_no = serializers.CharField(required=False, allow_blank=True, max_length=60)
    text = _text()
    fine_amount_cny = _amount()
    illegal_gains_cny = _amount()
    goods_value_cny = _amount()
    confiscated_quantity = _amount()
    upload = serializers.FileField(required=False, allow_null=True)


class CaseServeSerializer(_StepSerializer):
    served_at = serializers.CharField(required=False, allow_blank=True, max_length=40)
    method = serializers.CharField(required=False, allow_blank=True, max_length=20)
    text = _text()


class CaseEnforceSerializer(_StepSerializer):
    fine_paid_cny = _amount()
    text = _text()


class CaseTransferSerializer(_StepSerializer):
    transferred_to = _text(300)
    text = _text()


class CaseCloseSerializer(_StepSerializer):
    summary = _text()


class CaseLinkSerializer(serializers.Serializer):
    products = _ids()
    enterprises = _ids()
    signals = _ids()
    investigations = _ids()
    rights_holders = _ids()
