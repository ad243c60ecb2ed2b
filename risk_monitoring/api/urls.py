"""API routes of risk monitoring, collected by ``cbec_supervision.api_urls``."""

from risk_monitoring.api.plan_views import SamplingPlanViewSet
from risk_monitoring.api.views import LabViewSet, RiskScoreViewSet, RiskSignalViewSet, SamplingViewSet

ROUTES = [
    ("risk-signals", RiskSignalViewSet, "risk-signal"),
    ("samplings", SamplingViewSet, "sampling"),
    ("labs", LabViewSet, "lab"),
    ("sampling-plans", SamplingPlanViewSet, "sampling-plan"),
    ("risk-scores", RiskScoreViewSet, "risk-score"),
]
