"""``{% object_notices obj %}``: the inter-bureau notices about an object, on its page, with the button
that notifies another bureau. Other apps' templates use it without importing traceability."""

from __future__ import annotations

from django import template

from traceability import notice_objects, services
from traceability.selectors import notices_about

register = template.Library()


@register.inclusion_tag("traceability/includes/object_notices.html", takes_context=True)
def object_notices(context, obj) -> dict:
    user = context["request"].user
    object_type = notice_objects.type_of(obj)
    staff = user.is_authenticated and (user.is_bureau_staff or user.is_hq)
    return {
        "show": bool(staff and object_type),
        "notices": notices_about(obj, user) if staff and object_type else [],
        "may_send": bool(staff and object_type and services.may_send(user)),
        "object_type": object_type,
        "obj": obj,
    }
