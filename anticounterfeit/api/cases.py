"""PLACEHOLDER (foundation): the cases helper replaces this module with the real viewset."""

from rest_framework import viewsets

from anticounterfeit.api.evidence import EvidenceActionsMixin


class CounterfeitCaseViewSet(EvidenceActionsMixin, viewsets.GenericViewSet):
    pass
