"""API routes of partnerships, collected by ``cbec_supervision.api_urls``."""

from partnerships.api.views import PartnershipViewSet

ROUTES = [
    ("partnerships", PartnershipViewSet, "partnership"),
]
