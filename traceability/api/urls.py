"""API routes of traceability, collected by ``cbec_supervision.api_urls``."""

from traceability.api.views import InterBureauNoticeViewSet, MeasureViewSet

ROUTES = [
    ("notifications", InterBureauNoticeViewSet, "notification"),
    ("measures", MeasureViewSet, "measure"),
]
