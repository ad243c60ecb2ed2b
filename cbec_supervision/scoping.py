"""One gate for object access: ``Model.objects.visible_to(user)``.

A model declares who may see a row by naming the paths from the row to the bureaus and
enterprises it concerns. A bureau's staff see rows concerning their bureau or its branch bureaus
through any of the bureau paths (for example both ``lead_bureau`` and ``notifying_bureau``); an
enterprise user sees rows concerning their own enterprise through any of the enterprise paths;
headquarters sees everything. Anything outside ``visible_to`` answers 404 in views and the API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from accounts.models import User


class ScopedQuerySet(models.QuerySet):
    #: paths from this model to ``accounts.Bureau`` that grant visibility to that bureau's staff
    scope_bureau_paths: tuple[str, ...] = ()
    #: paths from this model to ``filings.EnterpriseFiling`` that grant visibility to its users
    scope_enterprise_paths: tuple[str, ...] = ()
    #: whether a path crosses a to-many relation (then rows are de-duplicated)
    scope_distinct: bool = False

    def visible_to(self, user: User | None) -> ScopedQuerySet:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_hq:
            return self.all()
        condition = self.scope_condition(user)
        if condition is None:
            return self.none()
        qs = self.filter(condition)
        return qs.distinct() if self.scope_distinct else qs

    def scope_condition(self, user: User) -> Q | None:
        """The Q granting ``user`` visibility, or None for nothing. Override to add rules."""
        condition = Q(pk__in=[])
        if user.is_bureau_staff:
            from accounts.models import Bureau

            # The bureau itself and its branch bureaus; a subquery, so no extra round trip.
            jurisdiction = Bureau.objects.filter(Q(pk=user.bureau_id) | Q(parent_id=user.bureau_id)).values("pk")
            for path in self.scope_bureau_paths:
                condition |= Q(**{f"{path}__in": jurisdiction})
        elif user.is_enterprise_user and user.enterprise_id:
            for path in self.scope_enterprise_paths:
                condition |= Q(**{path: user.enterprise_id})
        else:
            return None
        return condition
