"""PLACEHOLDER (foundation): the evidence helper replaces this module.

``EvidenceActionsMixin`` is mixed into ``CounterfeitCaseViewSet`` (``anticounterfeit/api/cases.py``);
it adds the case's evidence actions (``POST counterfeit-cases/{id}/evidence/`` and the rest).
``EvidenceSerializer`` is what the case serializer nests as ``evidence``.
"""

from rest_framework import serializers

from anticounterfeit.models import Evidence


class EvidenceActionsMixin:
    #: the object actions this mixin adds (for ``ScopedViewSetMixin.object_actions``)
    evidence_actions: tuple[str, ...] = ()


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "file", "sha256", "collected_at", "collected_by", "place", "method", "description"]
        read_only_fields = fields
