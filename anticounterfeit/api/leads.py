"""PLACEHOLDER (foundation): the leads helper replaces this module with the real viewsets."""

from rest_framework import viewsets


class CounterfeitLeadViewSet(viewsets.GenericViewSet):
    pass


class RightsHolderViewSet(viewsets.GenericViewSet):
    pass
