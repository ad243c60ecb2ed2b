"""API routes of risk monitoring, collected by ``cbec_supervision.api_urls``."""

from risk_monitoring.api.views import RiskScoreViewSet, RiskSignalViewSet

ROUTES = [
    ("risk-signals", RiskSignalViewSet, "risk-signal"),
    ("risk-scores", RiskScoreViewSet, "risk-score"),
]
