"""Partnerships over the API: the contract's fields, with the names of both sides for reading."""

from __future__ import annotations

from rest_framework import serializers

from partnerships.choices import PartnershipKind
from partnerships.models import Partnership

_MAX_ID = 2**63 - 1


class PartnershipSerializer(serializers.ModelSerializer):
    operator_name = serializers.CharField(source="operator.name", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)

    class Meta:
        model = Partnership
        fields = [
            "id",
            "kind",
            "operator",
            "operator_name",
            "partner",
            "partner_name",
            "status",
            "requested_at",
            "decided_at",
            "reason",
            "note",
        ]
        read_only_fields = fields


class PartnershipCreateSerializer(serializers.Serializer):
    """The operator's request: the kind, and the partner's enterprise filing id.

    The operator is the caller's enterprise.
    """

    kind = serializers.ChoiceField(choices=PartnershipKind.choices)
    partner = serializers.IntegerField(min_value=1, max_value=_MAX_ID)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class PartnershipReasonSerializer(serializers.Serializer):
    """The reason given: required to refuse and to suspend, optional otherwise."""

    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
