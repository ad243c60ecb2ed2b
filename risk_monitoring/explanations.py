"""How a risk score reads on the pages: each factor's name and explanation, translated.

The scoring module stores explanations as keys and parameters (``scoring.Explanation``); this gives
each key its translated sentence, and formats the parameters (counts to two decimals, rates as
percentages).
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from risk_monitoring import scoring

FACTOR_LABELS = {
    scoring.SAMPLING_FAILURE_RATE: _("Sampling failure rate"),
    scoring.FAILURE_SEVERITY: _("Severity of failures"),
    scoring.COMPLAINTS: _("Complaints"),
    scoring.OVERSEAS_NOTICES: _("Overseas notices on its goods"),
    scoring.ENTERPRISE_REPORTS: _("Reports by the enterprise"),
    scoring.TIER: _("Tier of its goods"),
    scoring.PAST_MEASURES: _("Past measures"),
    scoring.SUPERVISION_LEVEL: _("Supervision level"),
}

EXPLANATIONS = {
    "sampling_failure_rate": _(
        "%(failed)s of %(samplings)s samplings failed (recency-weighted): estimated failure rate %(rate)s "
        "against a baseline of %(baseline)s"
    ),
    "sampling_failure_rate.none": _("Not sampled"),
    "failure_severity": _(
        "Failures by severity (recency-weighted): %(high)s high, %(medium)s medium, %(low)s low (%(points)s points)"
    ),
    "failure_severity.none": _("No failure of known severity"),
    "complaints": _("%(count)s complaints (recency-weighted)"),
    "complaints.none": _("No complaints"),
    "overseas_notices": _("%(count)s overseas notices on matched goods (recency-weighted)"),
    "overseas_notices.none": _("No overseas notices on matched goods"),
    "enterprise_reports": _(
        "%(count)s reports by the enterprise, %(reported_first)s of them before any other source "
        "(those count %(first_share)s)"
    ),
    "enterprise_reports.none": _("No reports by the enterprise"),
    "tier": _("%(tier1_lines)s tier-1 and %(tier2_lines)s tier-2 of %(lines)s filings and declared lines"),
    "tier.none": _("No lines declared"),
    "past_measures": _("Past measures: %(measures)s (%(points)s points)"),
    "past_measures.none": _("Not counted yet: the measures of investigations are not recorded in the system yet"),
    "supervision_level.strict": _("Under strict supervision"),
    "supervision_level.normal": _("Under normal supervision"),
}

#: parameters that are shares, shown as percentages
_RATES = {"rate", "baseline", "first_share"}


def _format(name: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if name in _RATES:
        return f"{number_format(round(value * 100), 0)}%"
    value = round(value, 2)
    return number_format(value, 2 if value != int(value) else 0)


def explain(explanation: dict[str, Any] | None) -> str:
    """The explanation of one stored factor (``{"key", "params"}``), as a translated sentence."""
    if not explanation:
        return ""
    template = EXPLANATIONS.get(explanation.get("key", ""))
    if template is None:
        return ""
    params = {name: _format(name, value) for name, value in (explanation.get("params") or {}).items()}
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def factor_rows(factors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A score's factors as the page's table reads them: label, value, weight, contribution, the
    share of its weight it gives (the bar, in %) and the explanation."""
    rows = []
    for factor in factors:
        weight = float(factor.get("weight") or 0)
        contribution = int(factor.get("contribution") or 0)
        rows.append(
            {
                "name": factor.get("name", ""),
                "label": FACTOR_LABELS.get(factor.get("name", ""), factor.get("name", "")),
                "value": factor.get("value", 0),
                "weight": weight,
                "contribution": contribution,
                "bar": min(100, round(100 * contribution / weight)) if weight else 0,
                "explanation": explain(factor.get("explanation")),
            }
        )
    return rows
