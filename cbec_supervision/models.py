"""What every app shares: the hash-chained audit trail and uploaded attachments."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class BureauYearSequence(models.Model):
    """The last number issued per bureau and year, for case numbers (``ZJ2026T000001``): numbers are never
    reused. Each app keeps its own table (its own numbers); ``issue_number`` takes the next one."""

    bureau = models.ForeignKey("accounts.Bureau", verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.bureau_id}/{self.year}: {self.last}"

    @classmethod
    def issue_number(cls, bureau) -> tuple[int, int]:
        """(this year, the next number of ``bureau`` this year). Locks the row until the transaction ends."""
        year = timezone.localdate().year
        cls._default_manager.get_or_create(bureau=bureau, year=year)
        sequence = cls._default_manager.select_for_update().get(bureau=bureau, year=year)
        sequence.last += 1
        sequence.save(update_fields=["last"])
        return year, sequence.last


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model, *, include_related: bool = False, user=None) -> AuditEventQuerySet:
        """The object's events; with ``include_related``, also the events of its parts (those recorded
        with ``related=obj``: a batch's items and verification, a filing's products and change requests).

        With ``user``, a part whose model has its own gate (``visible_to``) shows only if the user may
        see that part (an approved filing is read nationally, its draft products are not); a part
        without a gate of its own (a batch's items) is seen with its whole. Two queries at most: the
        part types present, then the events (the visibility checks are subqueries of it).
        """
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        own = models.Q(content_type=content_type, object_id=str(obj.pk))
        if not include_related:
            return self.filter(own)
        parts = models.Q(related_content_type=content_type, related_object_id=str(obj.pk))
        if user is not None:
            part_types = (
                AuditEvent.objects.filter(parts).order_by().values_list("content_type_id", flat=True).distinct()
            )
            seen = models.Q(pk__in=[])
            for type_id in part_types:
                model = ContentType.objects.get_for_id(type_id).model_class()
                gate = getattr(getattr(model, "objects", None), "visible_to", None)
                if gate is None:
                    seen |= models.Q(content_type_id=type_id)
                    continue
                visible = gate(user).order_by().annotate(_audit_pk=Cast("pk", models.CharField())).values("_audit_pk")
                seen |= models.Q(content_type_id=type_id, object_id__in=visible)
            parts &= seen
        return self.filter(own | parts)

    def update(self, **kwargs):  # noqa: ARG002 - the signature is Django's
        raise AppendOnlyError("audit events are append-only")

    def delete(self):
        raise AppendOnlyError("audit events are append-only")


class AuditEvent(models.Model):
    """One change: actor - action - object, with the state before and after and a reason.

    Events are append-only and hash-chained: ``hash`` is the SHA-256 of this event's content
    together with ``prev_hash``, the hash of the event before it in the same ``chain`` (at ``seq``
    minus one), so editing or removing an event breaks its chain (``manage.py verify_audit``).
    ``related`` is the whole the object is a part of (the batch of an item), so that whole's page
    shows the events of its parts; ``correlation_id`` is the request, task or command that acted,
    so one user action can be followed across objects. See ``cbec_supervision.audit``.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        # People who acted are deactivated, never deleted: the trail must keep pointing at them.
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: the username, or ``task:<task name>`` for changes made in the background
    actor_label = models.CharField(_("actor"), max_length=200)
    action = models.CharField(_("action"), max_length=50)
    content_type = models.ForeignKey(ContentType, verbose_name=_("object type"), on_delete=models.PROTECT)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    related_content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("part of (type)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    related_object_id = models.CharField(_("part of (id)"), max_length=64, blank=True)
    related = GenericForeignKey("related_content_type", "related_object_id")
    #: the request (``X-Request-ID``), Celery task or management command that made the change
    correlation_id = models.CharField(_("correlation id"), max_length=64, blank=True, db_index=True)
    #: which chain the event is linked into; 0: events written before there were several chains
    chain = models.PositiveSmallIntegerField(_("chain"), default=0)
    #: the position in its chain, from 1 (0 on chain 0, which is linked in id order)
    seq = models.PositiveBigIntegerField(_("position in the chain"), default=0)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "id"], name="audit_object_idx"),
            models.Index(fields=["related_content_type", "related_object_id", "id"], name="audit_related_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "seq"], condition=models.Q(chain__gt=0), name="audit_chain_seq_uniq"
            )
        ]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    @property
    def actor_display(self) -> str:
        """The actor in words: a person's name, or what the system was doing (``cbec_supervision.actors``)."""
        from cbec_supervision.actors import actor_display

        return actor_display(self.actor_label, self.actor if self.actor_id else None)

    @property
    def changed_fields(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field whose value differs."""
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class AuditChain(models.Model):
    """The head of one chain of the audit trail: its last position and hash.

    Appending locks the chain's row until the transaction ends; there are several chains so that
    concurrent writers do not wait for each other (see ``cbec_supervision.audit``).
    """

    id = models.PositiveSmallIntegerField(_("chain"), primary_key=True)
    seq = models.PositiveBigIntegerField(_("last position"), default=0)
    head_hash = models.CharField(_("last hash"), max_length=64)

    class Meta:
        verbose_name = _("audit chain")
        verbose_name_plural = _("audit chains")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"chain {self.id} at {self.seq}"


def attachment_upload_to(instance: Attachment, filename: str) -> str:  # noqa: ARG001 - Django passes both
    # The stored name carries no user input: the original name is kept in a field.
    suffix = PurePath(filename).suffix.lower()[:10]
    now = timezone.now()
    return f"attachments/{now:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class AttachmentQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model) -> AttachmentQuerySet:
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))


class Attachment(models.Model):
    """An uploaded file belonging to one object. Visible to whoever may see that object."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("object type"), on_delete=models.PROTECT)
    object_id = models.CharField(_("object id"), max_length=64)
    owner = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=50, blank=True)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    mime_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    description = models.CharField(_("description"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_owner_idx")]

    def __str__(self) -> str:
        return self.original_name


class Heartbeat(models.Model):
    """When a background worker last ran: written by the heartbeat task, shown to operators."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    task_id = models.CharField(_("task id"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.name


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> NotificationQuerySet:
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message in a user's in-app inbox (a filing was approved, returned, ...).

    Stored as a kind and its parameters, and worded when shown, in the reader's language.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=50)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        from cbec_supervision.notifications import render_title

        return render_title(self.kind, self.params)

    @property
    def body(self) -> str:
        from cbec_supervision.notifications import render_body

        return render_body(self.kind, self.params)


class ReferenceDataset(models.Model):
    """A reference table loaded from a shipped file (HS codes, ...): which file, when, how many rows."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    source = models.CharField(_("source file"), max_length=300)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    row_count = models.PositiveIntegerField(_("rows"))
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("reference dataset")
        verbose_name_plural = _("reference datasets")

    def __str__(self) -> str:
        return self.name


class AssignmentQuerySet(models.QuerySet):
    def active(self) -> AssignmentQuerySet:
        return self.filter(active=True)

    def of(self, obj: models.Model) -> AssignmentQuerySet:
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        return self.filter(content_type=content_type, object_id=obj.pk)


class Assignment(models.Model):
    """Who owns an item waiting in a bureau queue (a filing review, a change request, a verification).

    One active assignment per item; a reassignment ends the active one (``active`` false,
    ``ended_at`` set) and starts another, so the history is kept. Written only by the services in
    ``cbec_supervision.assignment``, which the apps' queue kinds (``register_queue_kind``) govern.
    """

    content_type = models.ForeignKey(ContentType, verbose_name=_("item type"), on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(_("item id"))
    item = GenericForeignKey("content_type", "object_id")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-assigned_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], condition=models.Q(active=True), name="one_active_assignment"
            )
        ]
        indexes = [
            models.Index(fields=["assignee", "active"], name="assignment_assignee_idx"),
            models.Index(fields=["content_type", "object_id"], name="assignment_item_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} → {self.assignee_id}"
