"""Inter-bureau notices (issue 10)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cbec_supervision.models import TimeStampedModel
from cbec_supervision.scoping import ScopedQuerySet
from traceability import notice_objects
from traceability.choices import (
    NOTICE_STATE_COLOURS,
    NoticeState,
)

if TYPE_CHECKING:
    from accounts.models import User


class InterBureauNoticeQuerySet(ScopedQuerySet):
    """Staff of the sending or the receiving bureau's jurisdiction read a notice; headquarters reads
    all of them; enterprises none (no enterprise path)."""

    scope_bureau_paths = ("from_bureau", "to_bureau")

    def incoming_for(self, user: User) -> InterBureauNoticeQuerySet:
        """Notices to a bureau of the user's jurisdiction (none for anyone but bureau staff)."""
        if not user.is_bureau_staff:
            return self.none()
        return self.filter(to_bureau__in=user.jurisdiction())

    def outgoing_for(self, user: User) -> InterBureauNoticeQuerySet:
        """Notices from a bureau of the user's jurisdiction (headquarters: from its own bureau)."""
        if user.is_bureau_staff:
            return self.filter(from_bureau__in=user.jurisdiction())
        if user.is_hq and user.bureau_id is not None:
            return self.filter(from_bureau_id=user.bureau_id)
        return self.none()

    def unacknowledged(self) -> InterBureauNoticeQuerySet:
        return self.filter(acknowledged_at__isnull=True)

    def overdue(self, now: dt.datetime | None = None) -> InterBureauNoticeQuerySet:
        """Not acknowledged and past due."""
        return self.unacknowledged().filter(due_at__lt=now or timezone.now())

    def about(self, obj: models.Model) -> InterBureauNoticeQuerySet:
        name = notice_objects.type_of(obj)
        if name is None:
            return self.none()
        return self.filter(object_type=name, object_id=obj.pk)


class InterBureauNotice(TimeStampedModel):
    """A notice from one bureau to another about an object (a risk signal; later an investigation).

    The receiving bureau acknowledges it by its due date (by default the end of the fifth working day
    after it was sent); one still unacknowledged past due is flagged once, to the staff of both.
    """

    from_bureau = models.ForeignKey(
        "accounts.Bureau", verbose_name=_("from bureau"), on_delete=models.PROTECT, related_name="notices_sent"
    )
    to_bureau = models.ForeignKey(
        "accounts.Bureau", verbose_name=_("to bureau"), on_delete=models.PROTECT, related_name="notices_received"
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    #: the registered type of the object (``traceability.notice_objects``), e.g. ``risk_signal``
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("object id"))
    due_at = models.DateTimeField(_("due"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledgement_note = models.TextField(_("acknowledgement note"), blank=True)
    #: when the overdue flag went to both bureaus (once)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)

    objects = InterBureauNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("inter-bureau notice")
        verbose_name_plural = _("inter-bureau notices")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["to_bureau", "acknowledged_at"], name="notice_incoming_idx"),
            models.Index(fields=["from_bureau", "sent_at"], name="notice_outgoing_idx"),
            models.Index(fields=["object_type", "object_id"], name="notice_object_idx"),
            models.Index(
                fields=["due_at"],
                name="notice_unflagged_due_idx",
                condition=Q(acknowledged_at__isnull=True, overdue_flagged_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(from_bureau=models.F("to_bureau")), name="notice_to_another_bureau"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("traceability:notice_detail", args=[self.pk])

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def is_overdue(self) -> bool:
        return self.acknowledged_at is None and self.due_at < timezone.now()

    @property
    def state(self) -> str:
        if self.acknowledged_at is not None:
            return NoticeState.ACKNOWLEDGED
        return NoticeState.OVERDUE if self.is_overdue else NoticeState.AWAITING

    @property
    def state_label(self) -> str:
        return str(NoticeState(self.state).label)

    @property
    def state_colour(self) -> str:
        return NOTICE_STATE_COLOURS[NoticeState(self.state)]

    @property
    def object_entry(self) -> notice_objects.NoticeObjectType | None:
        return notice_objects.get(self.object_type)

    @property
    def object_label(self) -> str:
        entry = self.object_entry
        return f"{entry.label if entry else self.object_type} #{self.object_id}"

    @property
    def object_url(self) -> str:
        entry = self.object_entry
        return entry.url(self.object_id) if entry else ""
