"""API routes of accounts, collected by ``cbec_supervision.api_urls``."""

from accounts.api.views import BureauViewSet

ROUTES = [("bureaus", BureauViewSet, "bureau")]
