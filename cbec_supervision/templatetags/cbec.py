"""Template helpers shared by every app: status badges and object history."""

from __future__ import annotations

from django import template
from django.core.exceptions import FieldDoesNotExist

from cbec_supervision.choices import AuditAction
from cbec_supervision.models import AuditEvent

register = template.Library()


@register.inclusion_tag("includes/status_badge.html")
def status_badge(obj, field: str = "status"):
    colour = getattr(obj, f"{field}_colour", None) or "secondary"
    label = getattr(obj, f"get_{field}_display")()
    return {"colour": colour, "label": label}


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _display(field, value):
    """A stored value as people read it: the label of a choice, not its code."""
    if field is not None and field.choices and value is not None:
        return dict(field.flatchoices).get(value, value)
    return value


@register.inclusion_tag("includes/history.html")
def history(obj, limit: int = 100):
    """The object's audit trail as sentences on a timeline, newest first."""
    events = list(AuditEvent.objects.for_object(obj).select_related("actor").order_by("-id")[:limit])
    model = type(obj)
    rows = []
    for event in events:
        label = AuditAction(event.action).label if event.action in AuditAction.values else event.action
        changes = []
        if event.before is not None:
            for name, before, after in event.changed_fields:
                field = _field(model, name)
                changes.append(
                    {
                        "field": str(field.verbose_name) if field is not None else name,
                        "before": _display(field, before),
                        "after": _display(field, after),
                    }
                )
        rows.append({"event": event, "verb": label, "changes": changes})
    return {"rows": rows}
