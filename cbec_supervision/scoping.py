"""One gate for object access: ``Model.objects.visible_to(user)``.

A model declares who may see a row by naming the paths from the row to the bureaus and
enterprises it concerns. A bureau's staff see rows concerning a bureau in their jurisdiction
(``user.jurisdiction()``: their bureau and its branch bureaus) through any of the bureau paths (for
example both ``lead_bureau`` and ``notifying_bureau``); an enterprise user sees rows concerning
their own enterprise through any of the enterprise paths; headquarters sees everything. Anything
outside ``visible_to`` answers 404 in views and the API.

Three more ways for a row to become visible:

- ``scope_shared_with_staff``: rows every bureau's staff may read whatever their jurisdiction
  (approved filings are shared nationally);
- ``scope_follows``: a row is visible exactly when the object it points to is (a test report
  follows its product);
- ``register_paths``: an app adds paths to another app's model from its ``AppConfig.ready``, so
  visibility follows the work (the port bureau verifying a batch opens the filings on it) without
  editing the other app's models;
- ``scope_user_paths``: paths from the row to the people assigned to it (a counterfeit case's handler,
  reviewer and deciding officer), who see it while they are active bureau staff (whatever their staff
  role; an account that leaves the staff loses what its assignments opened). With ``scope_bureau_roles`` the
  bureau paths open the row only to staff holding those roles (the bureau's administrators), so the
  rest of a bureau sees only what they are assigned to: separation of duties needs no role per duty.

A path that crosses a to-many relation becomes an ``EXISTS`` subquery (or a ``pk IN`` subquery),
never a join, so rows are not multiplied and lists keep a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import Exists, ForeignObjectRel, OuterRef, Q

if TYPE_CHECKING:
    from accounts.models import User

#: a path from a model to a bureau (or an enterprise filing), or a function of the value it is
#: matched against (the jurisdiction subquery, or the enterprise id) answering a Q
ScopePath = str | Callable[[Any], Q]


@dataclass
class _Registered:
    bureau_paths: list[ScopePath] = field(default_factory=list)
    enterprise_paths: list[ScopePath] = field(default_factory=list)


_REGISTRY: dict[str, _Registered] = {}


def register_paths(
    model: str, *, bureau_paths: Iterable[ScopePath] = (), enterprise_paths: Iterable[ScopePath] = ()
) -> None:
    """Let more bureaus or enterprises see rows of ``model`` ("app_label.ModelName").

    Call it from the ``AppConfig.ready`` of the app whose work needs the visibility. A string
    path is checked at once against the model's fields; registering the same path twice has no
    further effect.
    """
    model_class = apps.get_model(model)
    entry = _REGISTRY.setdefault(model_class._meta.label_lower, _Registered())
    for path in bureau_paths:
        _check_path(model_class, path)
        if path not in entry.bureau_paths:
            entry.bureau_paths.append(path)
    for path in enterprise_paths:
        _check_path(model_class, path)
        if path not in entry.enterprise_paths:
            entry.enterprise_paths.append(path)


def unregister_paths(
    model: str, *, bureau_paths: Iterable[ScopePath] = (), enterprise_paths: Iterable[ScopePath] = ()
) -> None:
    """Undo ``register_paths`` (for tests that register a path of their own)."""
    entry = _REGISTRY.get(apps.get_model(model)._meta.label_lower)
    if entry is None:
        return
    entry.bureau_paths[:] = [p for p in entry.bureau_paths if p not in tuple(bureau_paths)]
    entry.enterprise_paths[:] = [p for p in entry.enterprise_paths if p not in tuple(enterprise_paths)]


def registered_paths(model: type[models.Model]) -> tuple[tuple[ScopePath, ...], tuple[ScopePath, ...]]:
    """The bureau paths and enterprise paths other apps registered for ``model``."""
    entry = _REGISTRY.get(model._meta.label_lower)
    if entry is None:
        return (), ()
    return tuple(entry.bureau_paths), tuple(entry.enterprise_paths)


def _check_path(model: type[models.Model], path: ScopePath) -> None:
    if callable(path):
        return
    current: type[models.Model] | None = model
    for name in path.split("__"):
        if current is None:
            raise ValueError(f"{model._meta.label}: {path!r} goes past a field that is not a relation")
        relation = current._meta.pk if name == "pk" else current._meta.get_field(name)
        current = relation.related_model if relation.is_relation else None


def path_condition(model: type[models.Model], path: ScopePath, lookup: str, value: Any) -> Q:
    """``path__lookup=value`` on ``model``, without a join that multiplies rows.

    Up to the first to-many relation the path is followed as usual; from a reverse foreign key on,
    it is an ``EXISTS`` over the related table, correlated on that key (an index lookup per row);
    a many-to-many hop falls back to ``pk IN (subquery)``.
    """
    if callable(path):
        return path(value)
    names = path.split("__")
    current = model
    for index, name in enumerate(names):
        relation = current._meta.pk if name == "pk" else current._meta.get_field(name)
        if not relation.is_relation:
            break
        related = relation.related_model
        if isinstance(relation, ForeignObjectRel) and relation.one_to_many and related is not None:
            prefix, rest = "__".join(names[:index]), "__".join(names[index + 1 :])
            inner = related._base_manager.filter(
                **{relation.field.name: OuterRef(prefix or "pk"), f"{rest or 'pk'}__{lookup}": value}
            )
            return Q(Exists(inner))
        if relation.many_to_many or relation.one_to_many:  # (one to many: a generic relation)
            return Q(pk__in=model._base_manager.filter(**{f"{path}__{lookup}": value}).values("pk"))
        if related is None:  # a generic foreign key: the lookup goes as written
            break
        current = related
    return Q(**{f"{path}__{lookup}": value})


class ScopedQuerySet(models.QuerySet):
    #: paths from this model to ``accounts.Bureau`` that grant visibility to that bureau's staff
    scope_bureau_paths: tuple[ScopePath, ...] = ()
    #: paths from this model to ``filings.EnterpriseFiling`` that grant visibility to its users
    scope_enterprise_paths: tuple[ScopePath, ...] = ()
    #: rows every bureau's staff may read, whatever their jurisdiction (None: no such rows)
    scope_shared_with_staff: Q | None = None
    #: a forward relation whose visibility this row follows ("product": visible with its product)
    scope_follows: str = ""
    #: paths from this model to a user who sees the row (the people assigned to it); a callable gets
    #: the user's id (to add conditions such as "the assignment has not ended")
    scope_user_paths: tuple[ScopePath, ...] = ()
    #: staff roles whose holders see rows through the bureau paths; empty: every staff role
    scope_bureau_roles: tuple[str, ...] = ()

    def visible_to(self, user: User | None) -> ScopedQuerySet:
        if user is None or not user.is_active or not user.is_authenticated:
            return self.none()
        if user.is_hq:
            return self.all()
        condition = self.scope_condition(user)
        if condition is None:
            return self.none()
        return self.filter(condition)

    def scope_condition(self, user: User) -> Q | None:
        """The Q granting ``user`` visibility, or None for nothing. Override to add rules."""
        model = self.model
        extra_bureau_paths, extra_enterprise_paths = registered_paths(model)
        # Assignments open a row only to active bureau staff: whoever left the bureau's staff (their
        # account became an enterprise's, or lost its bureau) keeps nothing through an old assignment.
        parts: list[Q] = (
            [path_condition(model, path, "exact", user.pk) for path in self.scope_user_paths]
            if user.is_bureau_staff
            else []
        )
        if user.is_bureau_staff:
            if not self.scope_bureau_roles or user.role in self.scope_bureau_roles:
                # The bureau itself and its branch bureaus; a subquery, so no extra round trip.
                jurisdiction = user.jurisdiction().values("pk")
                for path in (*self.scope_bureau_paths, *extra_bureau_paths):
                    parts.append(path_condition(model, path, "in", jurisdiction))
            if self.scope_shared_with_staff is not None:
                parts.append(self.scope_shared_with_staff)
        elif user.is_enterprise_user and user.enterprise_id:
            for path in (*self.scope_enterprise_paths, *extra_enterprise_paths):
                parts.append(path_condition(model, path, "exact", user.enterprise_id))
        elif not parts:
            return None
        if self.scope_follows:
            followed = model._meta.get_field(self.scope_follows).related_model
            visible = followed._default_manager.visible_to(user).values("pk")  # type: ignore[union-attr]
            parts.append(Q(**{f"{self.scope_follows}__in": visible}))
        if any(not part for part in parts):
            # An empty Q grants every row (``scope_shared_with_staff = Q()``: the national network);
            # OR-ed into the others it would be dropped (``Q(x) | Q()`` is ``Q(x)``).
            return Q()
        return reduce(or_, parts, Q(pk__in=[]))
