"""Serializers of ``counterfeit-cases/``: the case as read, and the bodies of its actions (thin: the
services check every value, so a body's fields are optional here and a refusal names the field)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from anticounterfeit.api.evidence import EvidenceSerializer
from anticounterfeit.choices import CaseDuty
from anticounterfeit.models import CaseAssignment, CaseDocument, CounterfeitCase, Evidence
from anticounterfeit.services.cases import allowed_actions, case_duties

_ID = {"min_value": 1, "max_value": 2**63 - 1}
_TEXT = {"required": False, "allow_blank": True, "max_length": 20000}
_SHORT = {"required": False, "allow_blank": True, "max_length": 300}
#: amounts are read as text and checked by the services (Decimal, 2 places, at least 0): 400 per field
_AMOUNT = {"required": False, "allow_blank": True, "allow_null": True, "max_length": 40}


def _ids(**kwargs) -> serializers.ListField:
    return serializers.ListField(child=serializers.IntegerField(**_ID), required=False, max_length=100, **kwargs)


class CaseAssignmentSerializer(serializers.ModelSerializer):
    user_name = serializers.SerializerMethodField()

    class Meta:
        model = CaseAssignment
        fields = ["id", "user", "user_name", "duty", "assigned_at", "ended_at", "end_reason"]
        read_only_fields = fields

    def get_user_name(self, obj: CaseAssignment) -> str:
        return obj.user.get_full_name() or obj.user.username


class CaseDocumentSerializer(serializers.ModelSerializer):
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


class CounterfeitCaseSerializer(serializers.ModelSerializer):
    """A case: bureau by code; leads, links by id; the people (``assignments``), the procedure documents
    and the current evidence nested; ``my_duties`` and ``allowed_actions`` of the caller."""

    bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)
    leads = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    rights_holders = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    products = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    enterprises = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    signals = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    investigations = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
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
    def get_evidence(self, obj: CounterfeitCase) -> list:
        return EvidenceSerializer(self._current_evidence(obj), many=True, context=self.context).data

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=CaseDuty.choices)))
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

    title = serializers.CharField(**_SHORT)
    description = serializers.CharField(**_TEXT)
    brand = serializers.CharField(required=False, allow_blank=True, max_length=100)
    enterprise = serializers.IntegerField(required=False, allow_null=True, **_ID)
    party_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    leads = _ids()
    products = _ids()
    signals = _ids()
    investigations = _ids()
    rights_holders = _ids()
    goods_value_cny = serializers.CharField(**_AMOUNT)
    opening_text = serializers.CharField(**_TEXT)
    opening_number = serializers.CharField(required=False, allow_blank=True, max_length=60)
    upload = serializers.FileField(required=False, allow_null=True)


class CaseApproveSerializer(_StepSerializer):
    text = serializers.CharField(**_TEXT)
    handlers = _ids()
    reviewer = serializers.IntegerField(required=False, allow_null=True, **_ID)
    decider = serializers.IntegerField(required=False, allow_null=True, **_ID)


class CaseReasonSerializer(_StepSerializer):
    reason = serializers.CharField(**_TEXT)


class CaseAssignSerializer(serializers.Serializer):
    user = serializers.IntegerField(**_ID)
    duty = serializers.ChoiceField(choices=CaseDuty.choices)
    reason = serializers.CharField(**_TEXT)
    replace = serializers.BooleanField(required=False, default=False)


class CaseUnassignSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(**_ID)
    reason = serializers.CharField(**_TEXT)


class CaseReportSerializer(_StepSerializer):
    report_text = serializers.CharField(**_TEXT)


class CaseOpinionSerializer(_StepSerializer):
    opinion = serializers.CharField(**_TEXT)


class CaseNoticeSerializer(_StepSerializer):
    served_at = serializers.CharField(required=False, allow_blank=True, max_length=40)
    text = serializers.CharField(**_TEXT)
    hearing_requested = serializers.BooleanField(required=False, default=False)
    hearing_waived = serializers.BooleanField(required=False, default=False)


class CaseHearingSerializer(_StepSerializer):
    held_at = serializers.CharField(required=False, allow_blank=True, max_length=40)
    text = serializers.CharField(**_TEXT)


class CaseDecideSerializer(serializers.Serializer):
    decision_kind = serializers.CharField(required=False, allow_blank=True, max_length=20)
    decision_no = serializers.CharField(required=False, allow_blank=True, max_length=60)
    text = serializers.CharField(**_TEXT)
    fine_amount_cny = serializers.CharField(**_AMOUNT)
    illegal_gains_cny = serializers.CharField(**_AMOUNT)
    goods_value_cny = serializers.CharField(**_AMOUNT)
    confiscated_quantity = serializers.CharField(**_AMOUNT)
    upload = serializers.FileField(required=False, allow_null=True)


class CaseServeSerializer(_StepSerializer):
    served_at = serializers.CharField(required=False, allow_blank=True, max_length=40)
    method = serializers.CharField(required=False, allow_blank=True, max_length=20)
    text = serializers.CharField(**_TEXT)


class CaseEnforceSerializer(_StepSerializer):
    fine_paid_cny = serializers.CharField(**_AMOUNT)
    text = serializers.CharField(**_TEXT)


class CaseTransferSerializer(_StepSerializer):
    transferred_to = serializers.CharField(**_SHORT)
    text = serializers.CharField(**_TEXT)


class CaseCloseSerializer(_StepSerializer):
    summary = serializers.CharField(**_TEXT)


class CaseLinkSerializer(serializers.Serializer):
    products = _ids()
    enterprises = _ids()
    signals = _ids()
    investigations = _ids()
    rights_holders = _ids()
