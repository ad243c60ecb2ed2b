"""Navigation per role, for the base template."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    icon: str


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [NavItem(_("Home"), reverse("home"), "house")]
    if user.is_enterprise_user:
        items.append(NavItem(_("My enterprise"), reverse("filings:enterprise_list"), "building"))
    else:
        items.append(NavItem(_("Enterprise filings"), reverse("filings:enterprise_list"), "building"))
        items.append(NavItem(_("Bureaus"), reverse("accounts:bureau_list"), "diagram-3"))
    items.append(NavItem(_("API"), reverse("api-docs"), "braces"))
    if user.is_staff:
        items.append(NavItem(_("Administration"), reverse("admin:index"), "gear"))
    path = request.path
    active = max((i for i in items if path.startswith(i.url)), key=lambda i: len(i.url), default=None)
    return {"nav_items": items, "nav_active": active}
