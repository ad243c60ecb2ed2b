"""API routes of filings, collected by ``cbec_supervision.api_urls``."""

from filings.api.views import ChangeRequestViewSet, EnterpriseFilingViewSet, ProductFilingViewSet

ROUTES = [
    ("enterprises", EnterpriseFilingViewSet, "enterprise"),
    ("products", ProductFilingViewSet, "product"),
    ("change-requests", ChangeRequestViewSet, "change-request"),
]
