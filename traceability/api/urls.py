"""API routes of traceability, collected by ``cbec_supervision.api_urls``."""

from traceability.api.escalations import StrictSupervisionProposalViewSet
from traceability.api.views import InterBureauNoticeViewSet, InvestigationViewSet, MeasureViewSet

ROUTES = [
    ("notifications", InterBureauNoticeViewSet, "notification"),
    ("investigations", InvestigationViewSet, "investigation"),
    ("measures", MeasureViewSet, "measure"),
    ("strict-supervision-proposals", StrictSupervisionProposalViewSet, "strict-supervision-proposal"),
]
