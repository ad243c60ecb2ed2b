"""API routes of reports, collected by ``cbec_supervision.api_urls``."""

from reports.api.views import HalfYearReportViewSet

ROUTES = [
    ("reports", HalfYearReportViewSet, "report"),
]
