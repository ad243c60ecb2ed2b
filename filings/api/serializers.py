from __future__ import annotations

from rest_framework import serializers

from filings.choices import EnterpriseType
from filings.models import EnterpriseFiling


class EnterpriseFilingSerializer(serializers.ModelSerializer):
    types = serializers.ListField(child=serializers.ChoiceField(choices=EnterpriseType.choices), required=False)
    bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

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
            "address",
            "region_code",
            "bureau",
            "filing_no",
            "status",
            "status_display",
            "supervision_level",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uscc", "filing_no", "status", "supervision_level", "created_at", "updated_at"]
