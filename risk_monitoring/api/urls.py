"""API routes of risk monitoring, collected by ``cbec_supervision.api_urls``."""

from risk_monitoring.api.plan_views import SamplingPlanViewSet
from risk_monitoring.api.views import RiskSignalViewSet

ROUTES = [
    ("risk-signals", RiskSignalViewSet, "risk-signal"),
    ("sampling-plans", SamplingPlanViewSet, "sampling-plan"),
]
