from __future__ import annotations

from rest_framework import viewsets

from accounts.api.serializers import BureauSerializer
from accounts.filtersets import BureauFilterSet
from accounts.models import Bureau
from cbec_supervision.api import ScopedViewSetMixin


class BureauViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Reference data: headquarters, the directly-affiliated bureaus and their branches."""

    queryset = Bureau.objects.all()
    serializer_class = BureauSerializer
    filterset_class = BureauFilterSet
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9_-]+"
    list_select_related = ("parent",)
    list_prefetch_related = ("regions",)
