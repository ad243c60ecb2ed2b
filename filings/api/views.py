from __future__ import annotations

from rest_framework import mixins, viewsets

from cbec_supervision.api import ScopedViewSetMixin
from filings import services
from filings.api.serializers import EnterpriseFilingSerializer
from filings.filtersets import EnterpriseFilingFilterSet
from filings.models import EnterpriseFiling


class EnterpriseFilingViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Enterprise filings: an enterprise sees its own, a bureau those it is competent for."""

    queryset = EnterpriseFiling.objects.all()
    serializer_class = EnterpriseFilingSerializer
    filterset_class = EnterpriseFilingFilterSet
    list_select_related = ("bureau",)
    ordering_fields = ["created_at", "name", "status"]

    def perform_update(self, serializer):
        serializer.instance = services.enterprise_update(
            actor=self.request.user, filing=serializer.instance, **serializer.validated_data
        )
