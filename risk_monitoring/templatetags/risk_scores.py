"""Template helpers of the risk-score pages: a score's page and its subject's name."""

from __future__ import annotations

from django import template

from risk_monitoring import tables
from risk_monitoring.models import RiskScore

register = template.Library()


@register.simple_tag
def score_url(score: RiskScore) -> str:
    return tables.score_url(score)


@register.simple_tag
def subject_name(score: RiskScore) -> str:
    return tables.subject_name(score)
