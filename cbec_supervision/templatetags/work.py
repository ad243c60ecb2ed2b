"""The owner of an item waiting in a bureau queue, and the control to assign it (``{% assignment_card obj %}``)."""

from __future__ import annotations

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from cbec_supervision.assignment import (
    assignable_users,
    current_assignment,
    kind_of,
    may_assign,
    may_assign_others,
)

register = template.Library()


@register.inclusion_tag("includes/assignment.html", takes_context=True)
def assignment_card(context, obj):
    """Staff see who owns ``obj`` while it waits; those who may assign it get the control.

    Two queries at most: the active assignment, and the people it may go to (bureau administrators).
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    kind = kind_of(obj) if obj is not None else None
    if kind is None or user is None or not user.is_authenticated or user.is_enterprise_user:
        return {"show": False}
    waiting = kind.is_waiting(obj)
    assignment = current_assignment(obj) if waiting else None
    can_assign = waiting and may_assign(user, obj)
    others = can_assign and may_assign_others(user, obj)
    is_mine = assignment is not None and assignment.assignee_id == user.pk
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return {
        "show": waiting,
        "obj": obj,
        "assignment": assignment,
        "can_assign": can_assign and (others or not is_mine),
        "can_assign_others": others,
        "can_release": can_assign and assignment is not None and (is_mine or others),
        "is_mine": is_mine,
        "candidates": assignable_users(obj) if others else [],
        "action_url": reverse("assign_item", args=[content_type.pk, obj.pk]),
        "next": request.get_full_path(),
        "uid": f"{content_type.pk}-{obj.pk}",
        "user": user,
        "csrf_token": context.get("csrf_token"),
    }
