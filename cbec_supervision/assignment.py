"""Work has an owner: items waiting in a bureau queue are assigned to a person of that bureau.

Built once here; the project package names no domain app, so each app registers its queue kinds
from its ``AppConfig.ready`` (``register_queue_kind``): the model, which of its rows wait in the
queue, the bureau that decides on an item, the permission a decider needs, and when an item is
overdue. The services then apply one rule to every kind:

- only staff of the competent bureau (or of its parent direct bureau) holding the kind's
  permission may assign (``require_reviewer``); a bureau administrator assigns anyone who may
  decide on the item, an inspector may only take the item themselves;
- the assignee is an active staff user who may decide on the item (same rule);
- only an item still waiting in its queue is assigned; a reassignment (there is an active
  assignment) needs a reason; every change is audited on the item.

An assignment outlives its item's stay in the queue on purpose: it is simply not shown while the
item is not waiting (my work and the workload count only waiting items), so a filing returned for
correction and submitted again comes back to the inspector who reviewed it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, F, Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from cbec_supervision.audit import Actor, audit_record
from cbec_supervision.choices import AuditAction
from cbec_supervision.models import Assignment
from cbec_supervision.workflow import may_review, require_reason, require_reviewer

if TYPE_CHECKING:
    from accounts.models import Bureau, User

#: the role whose holders assign anyone of their bureau (the others may only take items themselves)
BUREAU_ADMIN_ROLE = "bureau_admin"


@dataclass(frozen=True)
class QueueKind:
    """One kind of item that waits in a bureau queue, as its app registers it."""

    #: a stable name ("filings.product_review")
    key: str
    #: "app_label.ModelName" of the items
    model_label: str
    #: what the items are called, on my work and the workload table
    label: str | Promise
    #: the rows waiting in the queue
    waiting: Q
    #: the same test on one item, without a query
    is_waiting: Callable[[Any], bool]
    #: the path from an item to the bureau that decides on it ("bureau", "enterprise__bureau")
    bureau_path: str
    #: the field saying since when an item waits ("submitted_at", "created_at")
    waiting_since: str
    #: an item waiting longer than this is overdue
    due_days: Callable[[], int]
    #: the permission a person needs to decide on the item ("" for none beyond being staff)
    permission: str = ""
    #: relations the item's description needs (``select_related``)
    related: tuple[str, ...] = field(default_factory=tuple)
    #: the page of an item (its ``get_absolute_url`` unless given)
    url: Callable[[Any], str] | None = None

    def url_of(self, obj: models.Model) -> str:
        return self.url(obj) if self.url is not None else obj.get_absolute_url()  # type: ignore[attr-defined]

    @property
    def model(self) -> type[models.Model]:
        from django.apps import apps

        return apps.get_model(self.model_label)

    def bureau_of(self, obj: models.Model) -> Bureau:
        value: Any = obj
        for name in self.bureau_path.split("__"):
            value = getattr(value, name)
        bureau: Bureau = value
        return bureau

    def queryset(self, user: User | None = None) -> models.QuerySet:
        manager: Any = self.model._default_manager
        queryset: models.QuerySet = manager.visible_to(user) if user is not None else manager.all()
        return queryset.filter(self.waiting).select_related(self.bureau_path, *self.related)


_KINDS: dict[str, QueueKind] = {}


def register_queue_kind(kind: QueueKind) -> None:
    """Let items of ``kind.model_label`` be assigned (call it from ``AppConfig.ready``; idempotent)."""
    _KINDS[kind.model_label.lower()] = kind


def queue_kinds() -> list[QueueKind]:
    return list(_KINDS.values())


def kind_of(obj: models.Model | type[models.Model]) -> QueueKind | None:
    return _KINDS.get(obj._meta.label_lower)


def _require_kind(obj: models.Model) -> QueueKind:
    kind = kind_of(obj)
    if kind is None:
        raise ValidationError(_("This kind of item is not assigned."))
    return kind


# --- who may do what ---------------------------------------------------------------------------


def _is_bureau_admin(user: Any) -> bool:
    return getattr(user, "role", "") == BUREAU_ADMIN_ROLE


def may_assign(actor: Actor, obj: models.Model) -> bool:
    """Whether ``actor`` may assign ``obj`` to someone (pages offer the control)."""
    kind = kind_of(obj)
    return kind is not None and may_review(actor, kind.bureau_of(obj), kind.permission)


def may_assign_others(actor: Actor, obj: models.Model) -> bool:
    """Whether ``actor`` may assign ``obj`` to someone other than themselves (a bureau administrator)."""
    return isinstance(actor, str) or (may_assign(actor, obj) and _is_bureau_admin(actor))


def may_see_workload(user: Any) -> bool:
    """Bureau administrators see the open items per person of their bureau."""
    return bool(getattr(user, "is_bureau_staff", False)) and _is_bureau_admin(user)


def assignable_users(obj: models.Model) -> list[User]:
    """The active staff who may decide on ``obj``: those ``assign`` accepts as its assignee. One query."""
    kind = _require_kind(obj)
    bureau = kind.bureau_of(obj)
    User = get_user_model()
    candidates = User.objects.filter(is_active=True, bureau_id__in=[bureau.pk, bureau.parent_id])
    if kind.permission:
        holders = User.objects.with_perm(
            kind.permission, include_superusers=False, backend="django.contrib.auth.backends.ModelBackend"
        )
        candidates = candidates.filter(pk__in=holders.values("pk"))
    people = candidates.select_related("bureau").order_by("last_name", "first_name", "username")
    return [person for person in people if person.has_jurisdiction_over(bureau)]


def _may_be_assigned(user: User, kind: QueueKind, bureau: Bureau) -> bool:
    return user.is_active and may_review(user, bureau, kind.permission)


# --- services ----------------------------------------------------------------------------------


def _lock(kind: QueueKind, obj: models.Model) -> models.Model:
    return kind.model._default_manager.select_for_update().select_related(kind.bureau_path).get(pk=obj.pk)


@transaction.atomic
def assign(*, actor: Actor, obj: models.Model, assignee: User, reason: str = "") -> Assignment:
    """Make ``assignee`` the owner of ``obj``, an item waiting in a bureau queue.

    PermissionDenied unless ``actor`` is staff of the item's competent bureau (or of its parent
    direct bureau) with the kind's permission, and, unless a bureau administrator, assigns the item
    to themselves. ValidationError when the item is not waiting, when the assignee may not decide
    on it, when it is already theirs, and for a reassignment without a reason. Audited on the item.
    """
    kind = _require_kind(obj)
    obj = _lock(kind, obj)
    bureau = kind.bureau_of(obj)
    require_reviewer(actor, bureau, kind.permission)
    if not isinstance(actor, str) and actor.pk != assignee.pk and not _is_bureau_admin(actor):
        raise PermissionDenied(_("Only a bureau administrator assigns items to others; you may take it yourself."))
    if not kind.is_waiting(obj):
        raise ValidationError(_("Only an item waiting in a queue is assigned."))
    if not _may_be_assigned(assignee, kind, bureau):
        raise ValidationError({"assignee": [_("This person may not decide on this item.")]})
    current = Assignment.objects.active().of(obj).select_related("assignee").select_for_update().first()
    if current is not None and current.assignee_id == assignee.pk:
        raise ValidationError({"assignee": [_("The item is already assigned to this person.")]})
    reason = (reason or "").strip()
    if current is not None:
        reason = require_reason(reason)
        _end(current)
    assignment = Assignment.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=obj.pk,
        assignee=assignee,
        assigned_by=None if isinstance(actor, str) else actor,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=AuditAction.REASSIGN if current is not None else AuditAction.ASSIGN,
        obj=obj,
        before={"assignee": current.assignee.get_username()} if current is not None else None,
        after={"assignee": assignee.get_username()},
        reason=reason,
    )
    return assignment


@transaction.atomic
def unassign(*, actor: Actor, obj: models.Model, reason: str = "") -> None:
    """Release ``obj``'s owner: the owner themselves, or a bureau administrator of the competent bureau."""
    kind = _require_kind(obj)
    obj = _lock(kind, obj)
    require_reviewer(actor, kind.bureau_of(obj), kind.permission)
    current = Assignment.objects.active().of(obj).select_related("assignee").select_for_update().first()
    if current is None:
        raise ValidationError(_("The item is not assigned."))
    if not isinstance(actor, str) and actor.pk != current.assignee_id and not _is_bureau_admin(actor):
        raise PermissionDenied(_("Only the owner or a bureau administrator releases an item."))
    _end(current)
    audit_record(
        actor=actor,
        action=AuditAction.UNASSIGN,
        obj=obj,
        before={"assignee": current.assignee.get_username()},
        after={"assignee": None},
        reason=(reason or "").strip(),
    )


def _end(assignment: Assignment) -> None:
    assignment.active = False
    assignment.ended_at = timezone.now()
    assignment.save(update_fields=["active", "ended_at"])


# --- reads -------------------------------------------------------------------------------------


def with_owner(queryset: models.QuerySet) -> models.QuerySet:
    """``queryset`` with ``owner_name``: the username of each row's owner, or None (a subquery, no extra query)."""
    content_type = ContentType.objects.get_for_model(queryset.model, for_concrete_model=False)
    owner = Assignment.objects.filter(active=True, content_type=content_type, object_id=OuterRef("pk")).values(
        "assignee__username"
    )[:1]
    annotated: models.QuerySet = queryset.annotate(owner_name=Subquery(owner))
    return annotated


def current_assignment(obj: models.Model) -> Assignment | None:
    """The active assignment of ``obj`` with its assignee, or None (one query)."""
    return Assignment.objects.active().of(obj).select_related("assignee").first()


@dataclass(frozen=True)
class WorkItem:
    kind: QueueKind
    obj: Any
    waiting_since: dt.datetime | None
    due_at: dt.datetime | None

    @property
    def overdue(self) -> bool:
        return self.due_at is not None and self.due_at < timezone.now()

    @property
    def url(self) -> str:
        return self.kind.url_of(self.obj)


def _assigned_ids(kind: QueueKind, assignee: Any) -> models.QuerySet:
    return Assignment.objects.filter(
        active=True,
        assignee=assignee,
        content_type=ContentType.objects.get_for_model(kind.model, for_concrete_model=False),
    ).values("object_id")


def my_work(user: User) -> list[WorkItem]:
    """The items assigned to ``user`` that still wait, overdue first, then oldest first.

    One query per registered kind (the content types are cached).
    """
    items: list[WorkItem] = []
    for kind in queue_kinds():
        rows = kind.queryset(user).filter(pk__in=_assigned_ids(kind, user)).order_by(kind.waiting_since, "pk")
        for obj in rows:
            since = getattr(obj, kind.waiting_since)
            due = since + dt.timedelta(days=kind.due_days()) if since is not None else None
            items.append(WorkItem(kind, obj, since, due))
    far = timezone.now() + dt.timedelta(days=36500)
    items.sort(key=lambda item: (not item.overdue, item.waiting_since or far))
    return items


@dataclass
class Workload:
    """One person's open items (or, with ``person`` None, the items nobody owns)."""

    person: Any
    open: int = 0
    overdue: int = 0
    oldest: dt.datetime | None = None
    by_kind: dict[str, int] = field(default_factory=dict)
    #: the open items per registered kind, in ``queue_kinds()`` order (for the table)
    cells: list[int] = field(default_factory=list)

    def add(self, kind: QueueKind, count: int, overdue: int, oldest: dt.datetime | None) -> None:
        self.open += count
        self.overdue += overdue
        self.by_kind[kind.key] = self.by_kind.get(kind.key, 0) + count
        if oldest is not None and (self.oldest is None or oldest < self.oldest):
            self.oldest = oldest


def workload(user: User) -> tuple[list[Workload], Workload]:
    """The open items per person of ``user``'s jurisdiction, and the unassigned ones.

    Every staff member of the jurisdiction is listed, busiest first, with the oldest item's age; one
    query per registered kind (an aggregate, not rows) and one for the people.
    """
    jurisdiction = user.jurisdiction()
    rows: dict[int | None, Workload] = {}
    now = timezone.now()
    for kind in queue_kinds():
        content_type = ContentType.objects.get_for_model(kind.model, for_concrete_model=False)
        owner = Assignment.objects.filter(active=True, content_type=content_type, object_id=OuterRef("pk")).values(
            "assignee_id"
        )[:1]
        cutoff = now - dt.timedelta(days=kind.due_days())
        aggregates = (
            kind.model._default_manager.filter(kind.waiting)
            .filter(**{f"{kind.bureau_path}__in": jurisdiction})
            .annotate(_owner=Subquery(owner))
            .order_by()
            .values("_owner")
            .annotate(
                n=Count("pk"),
                late=Count("pk", filter=Q(**{f"{kind.waiting_since}__lt": cutoff})),
                oldest=Min(F(kind.waiting_since)),
            )
        )
        for row in aggregates:
            rows.setdefault(row["_owner"], Workload(None)).add(kind, row["n"], row["late"], row["oldest"])
    unassigned = rows.pop(None, Workload(None))
    people = get_user_model().objects.filter(Q(bureau__in=jurisdiction, is_active=True) | Q(pk__in=list(rows)))
    result = []
    for person in people.order_by("username"):
        entry = rows.get(person.pk, Workload(None))
        entry.person = person
        if person.is_bureau_staff or entry.open:
            result.append(entry)
    result.sort(key=lambda entry: (-entry.open, entry.oldest or now, entry.person.get_username()))
    for entry in (*result, unassigned):
        entry.cells = [entry.by_kind.get(kind.key, 0) for kind in queue_kinds()]
    return result, unassigned


def kinds_by_key() -> dict[str, QueueKind]:
    return {kind.key: kind for kind in queue_kinds()}


def kind_for_content_type(content_type_id: int) -> QueueKind | None:
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return kind_of(model) if model is not None else None


def registered_models() -> Iterable[type[models.Model]]:
    return [kind.model for kind in queue_kinds()]
