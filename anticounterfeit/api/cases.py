"""PLACEHOLDER (evidence branch): a minimal scoped viewset so the evidence actions run; the cases helper
replaces this module with the real viewset (which keeps ``EvidenceActionsMixin`` and its actions)."""

from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound

from anticounterfeit.api.evidence import EvidenceActionsMixin
from anticounterfeit.models import CounterfeitCase
from cbec_supervision.api import ScopedViewSetMixin


class _CaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = CounterfeitCase
        fields = ["id", "case_no", "title", "status"]


class CounterfeitCaseViewSet(
    EvidenceActionsMixin, ScopedViewSetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = CounterfeitCase.objects.all()
    serializer_class = _CaseSerializer
    object_actions = ("history", *EvidenceActionsMixin.evidence_actions)

    def permission_denied(self, request, message=None, code=None):
        # A case is never confirmed to exist for whoever may not read cases (enterprises): 404.
        if request.user.is_authenticated and (self.lookup_url_kwarg or self.lookup_field) in self.kwargs:
            raise NotFound
        super().permission_denied(request, message=message, code=code)
