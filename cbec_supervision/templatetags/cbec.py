"""Template helpers shared by every app: status badges and object history."""

from __future__ import annotations

from django import template
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext

from cbec_supervision.actors import actor_display, person_name
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


@register.filter
def actor(label: str) -> str:
    """An actor label (``command:seed_demo``, ``signup:…``, ``task:…``) in words."""
    return actor_display(label)


def _display(field, value, list_choices=None, model=None):
    """A stored value as people read it: choice labels, yes/no, local times, lists joined.

    ``list_choices`` labels the codes of a JSON list field (a model's ``history_choices``).
    """
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        # A structured value (a classification): its tier says what matters; the rest is on the page.
        tier = value.get("tier")
        if not tier:
            return "…"
        tier_field = _field(model, "tier") if model is not None else None
        labels = dict(tier_field.flatchoices) if tier_field is not None and tier_field.choices else {}
        return str(labels.get(tier) or f"{gettext('Tier')} {tier}")
    if list_choices or (field is not None and field.choices):
        labels = dict(list_choices or field.flatchoices)
        if isinstance(value, list):
            return "、".join(str(labels.get(v, v)) for v in value)
        return labels.get(value, value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list):
        return "、".join(map(str, value)) or "—"
    if isinstance(value, str) and field is not None and field.get_internal_type() == "DateTimeField":
        parsed = parse_datetime(value)
        if parsed is not None:
            return date_format(timezone.localtime(parsed), "Y-m-d H:i")
    if field is not None and field.is_relation and not isinstance(value, dict):
        return f"#{value}"
    return value


def _is_user_model(model) -> bool:
    from django.contrib.auth import get_user_model

    return model is get_user_model()


@register.inclusion_tag("includes/history.html", takes_context=True)
def history(context, obj, limit: int = 100, parts: bool = True):
    """The object's audit trail as sentences on a timeline, newest first.

    With ``parts`` (the default), the events of its parts the reader may see too (an item of a
    batch, a product of a filing: those recorded with ``related=obj``), each naming the part.
    A fixed number of queries, whatever the mix.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    parts = parts and user is not None  # the parts' gates need a reader
    events = list(
        AuditEvent.objects.for_object(obj, include_related=parts, user=user)
        .select_related("actor")
        .order_by("-id")[:limit]
    )
    own_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    rows = []
    people: list[tuple[dict, str, object]] = []  # (change, "before"/"after", user id)
    for event in events:
        own = event.content_type_id == own_type.pk and event.object_id == str(obj.pk)
        # The content type comes from Django's cache, so a part costs no query.
        model = type(obj) if own else ContentType.objects.get_for_id(event.content_type_id).model_class()
        list_choices = getattr(model, "history_choices", {})
        # Keys of a snapshot that are no field of the model (``extra``): their label and their display
        extra_labels = getattr(model, "history_labels", {})
        extra_formats = getattr(model, "history_formats", {})
        label = AuditAction(event.action).label if event.action in AuditAction.values else event.action
        changes = []
        if event.before is not None:
            for name, before, after in event.changed_fields:
                field = _field(model, name) if model is not None else None
                shown = extra_formats.get(name)
                change = {
                    "field": str(field.verbose_name) if field is not None else str(extra_labels.get(name, name)),
                    "before": shown(before) if shown else _display(field, before, list_choices.get(name), model),
                    "after": shown(after) if shown else _display(field, after, list_choices.get(name), model),
                }
                if field is not None and field.is_relation and _is_user_model(field.related_model):
                    people.extend((change, key, v) for key, v in (("before", before), ("after", after)) if v)
                changes.append(change)
        part = ""
        if not own:
            kind = model._meta.verbose_name if model is not None else ""
            part = f"{kind} {event.object_repr}".strip()
        rows.append({"event": event, "verb": label, "changes": changes, "part": part})
    _name_people(people)
    return {"rows": rows}


def _name_people(people: list[tuple[dict, str, object]]) -> None:
    """Put people's names in place of the user ids a history shows (``decided_by`` …): one query."""
    if not people:
        return
    from django.contrib.auth import get_user_model

    ids = {value for _change, _key, value in people}
    users = get_user_model()._base_manager.in_bulk([i for i in ids if isinstance(i, int)])
    for change, key, value in people:
        user = users.get(value)
        if user is not None:
            change[key] = person_name(user)


@register.filter
def row_attrs(row):
    """A table row's attributes (``Meta.row_attrs``), without django-tables2's even/odd classes."""
    from django_tables2.utils import AttributeDict, computed_values

    attrs = computed_values(row.table.row_attrs, kwargs={"table": row.table, "record": row.record})
    return AttributeDict({k: v for k, v in attrs.items() if v not in (None, "")}).as_html()
