"""Investigations on other pages and on their own: ``{% object_investigations obj %}`` (the cases a risk
signal or a sampling is linked to, with the button that opens one from it; other apps' templates use it
without importing traceability), and ``{{ event|event_summary }}`` (what a timeline line's data says)."""

from __future__ import annotations

from django import template
from django.db import models
from django.utils.translation import gettext as _

from risk_monitoring.choices import SamplingVerdict, SignalStatus
from traceability import services
from traceability.choices import InvestigationEventKind, InvestigationStatus, ResponsibleParty
from traceability.models import Investigation, InvestigationEvent

register = template.Library()


def _status(value: str) -> str:
    return str(InvestigationStatus(value).label) if value in InvestigationStatus.values else value


@register.filter
def event_summary(event: InvestigationEvent) -> str:
    """One line from the event's data: ``Opened → Investigating``, ``ZJ → GD``…"""
    data = event.data or {}
    kind = event.kind
    if kind == InvestigationEventKind.STATUS:
        return f"{_status(data.get('from', ''))} → {_status(data.get('to', ''))}"
    if kind in (InvestigationEventKind.REASSIGNED, InvestigationEventKind.NOTICE):
        return f"{data.get('from', '')} → {data.get('to', '')}"
    if kind == InvestigationEventKind.OPENED:
        return _("Lead bureau %(lead)s, notified by %(notifying)s") % {
            "lead": data.get("lead_bureau", ""),
            "notifying": data.get("notifying_bureau", ""),
        }
    if kind == InvestigationEventKind.CLOSED:
        party = data.get("responsible_party", "")
        label = str(ResponsibleParty(party).label) if party in ResponsibleParty.values else party
        confirmed = _("quality problem confirmed") if data.get("quality_problem_confirmed") else ""
        return ", ".join(part for part in (label, confirmed) if part)
    if kind == InvestigationEventKind.SIGNAL:
        if "signal" in data:
            return _("Risk signal #%(id)s") % {"id": data["signal"]}
        return _("Sampling %(number)s") % {"number": data.get("sampling_no", "")}
    return ""


@register.inclusion_tag("traceability/includes/object_investigations.html", takes_context=True)
def object_investigations(context, obj: models.Model) -> dict:
    """The cases ``obj`` (a risk signal or a sampling) is linked to that the reader may see, and the
    button that opens one from it (staff, an assessed signal or a failed sampling)."""
    user = context["request"].user
    staff = user.is_authenticated and (user.is_bureau_staff or user.is_hq)
    if not staff:
        return {"show": False}
    name = obj._meta.model_name
    field = {"risksignal": "signals", "sampling": "samplings"}.get(name or "")
    if field is None:
        return {"show": False}
    cases = list(
        Investigation.objects.visible_to(user).filter(**{field: obj}).select_related("lead_bureau").order_by("-pk")
    )
    if field == "signals":
        openable = getattr(obj, "status", "") == SignalStatus.ASSESSED
        query = f"signal={obj.pk}"
    else:
        openable = getattr(obj, "verdict", "") == SamplingVerdict.FAIL
        query = f"sampling={obj.pk}"
    return {
        "show": True,
        "cases": cases,
        "may_open": openable and services.may_open(user),
        "query": query,
    }
