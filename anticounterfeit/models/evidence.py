"""Evidence, its chain of custody and the evidence packs exported from a case (issue 12).

Evidence rows and custody events are never changed or deleted (the ORM refuses, the database's
triggers refuse, the admin offers no deletion); a correction is a new version of the evidence with a
reason, and the custody log says who handed what to whom, when, hash-chained per case like the audit
trail (``anticounterfeit.custody``).
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anticounterfeit.choices import CustodyAction, EvidenceKind
from cbec_supervision.scoping import ScopedQuerySet


class ImmutableError(RuntimeError):
    """Raised when code tries to change or delete evidence or its custody log."""


def evidence_upload_to(instance: Evidence, filename: str) -> str:  # noqa: ARG001 - Django passes both
    # The stored name carries no user input: the original name is kept in a field.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"counterfeit/evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def pack_upload_to(instance: EvidencePack, filename: str) -> str:  # noqa: ARG001 - Django passes both
    return f"counterfeit/packs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.zip"


class _AppendOnlyQuerySet(ScopedQuerySet):
    scope_follows = "case"

    def update(self, **kwargs):  # noqa: ARG002 - the signature is Django's
        raise ImmutableError(f"{self.model._meta.verbose_name_plural} are never changed")

    def delete(self):
        raise ImmutableError(f"{self.model._meta.verbose_name_plural} are never deleted")


class _AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError(f"{self._meta.verbose_name_plural} are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(f"{self._meta.verbose_name_plural} are never deleted")


class EvidenceQuerySet(_AppendOnlyQuerySet):
    def current(self) -> EvidenceQuerySet:
        """The latest version of each item (not superseded by a correction)."""
        return self.filter(superseded_by__isnull=True)


class Evidence(_AppendOnlyModel):
    """An item of evidence: a file (SHA-256 taken on upload) or a physical item, with who collected it,
    when, where and how. ``number`` names the item in its case (1, 2, …) across its versions; a
    correction is a new row with the same number, the next ``version``, ``supersedes`` pointing at the
    row it replaces and the reason."""

    case = models.ForeignKey(
        "anticounterfeit.CounterfeitCase", verbose_name=_("case"), on_delete=models.PROTECT, related_name="evidence"
    )
    number = models.PositiveIntegerField(_("item number"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices, default=EvidenceKind.FILE)
    description = models.TextField(_("description"), blank=True)
    # a file
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    mime_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    # a physical item
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    storage_location = models.CharField(_("storage location"), max_length=200, blank=True)
    seal_no = models.CharField(_("seal number"), max_length=60, blank=True)
    # how it was collected
    collected_at = models.DateTimeField(_("collected at"))
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("collected by"), on_delete=models.PROTECT, related_name="+"
    )
    #: the other officers and witnesses present, as the record names them
    witnesses = models.CharField(_("others present"), max_length=300, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    method = models.CharField(_("method"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["case", "number", "version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number", "version"], name="unique_evidence_version"),
            models.CheckConstraint(
                condition=~Q(kind=EvidenceKind.FILE) | (~Q(sha256="") & ~Q(file="")),
                name="evidence_file_has_hash",
            ),
        ]

    def __str__(self) -> str:
        label = self.original_name or self.description[:60]
        return f"#{self.number} v{self.version} {label}"

    @property
    def is_current(self) -> bool:
        # ``superseded_by`` is a reverse one-to-one: reading it queries unless prefetched.
        try:
            self.superseded_by  # noqa: B018 - the access is the test
        except Evidence.DoesNotExist:
            return True
        return False


class CustodyEventQuerySet(_AppendOnlyQuerySet):
    pass


class CustodyEvent(_AppendOnlyModel):
    """One link of a case's chain of custody: who handed which item to whom, when and where.

    Hash-chained per case (``seq`` from 1): ``hash`` is SHA-256 over a canonical JSON of the event with
    the item's SHA-256 and ``prev_hash``, the hash of the case's event before it; the case keeps the
    head (``custody_seq``, ``custody_head_hash``), so an edited, removed or inserted event, or the newest
    ones cut off, breaks the chain (``anticounterfeit.custody``)."""

    case = models.ForeignKey(
        "anticounterfeit.CounterfeitCase",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="custody_events",
    )
    evidence = models.ForeignKey(
        Evidence, verbose_name=_("evidence"), on_delete=models.PROTECT, related_name="custody_events"
    )
    seq = models.PositiveIntegerField(_("position in the log"))
    action = models.CharField(_("action"), max_length=20, choices=CustodyAction.choices)
    #: who handed the item over (a person's name, a place of storage, a laboratory)
    from_party = models.CharField(_("from"), max_length=200, blank=True)
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from (account)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_party = models.CharField(_("to"), max_length=200, blank=True)
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to (account)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: when the hand-over happened (``recorded_at`` is when it was written down)
    at = models.DateTimeField(_("at"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    #: the item's SHA-256 at the time (empty for a physical item): binds the file's content into the chain
    evidence_sha256 = models.CharField(_("item SHA-256"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: the username, or ``task:…``/``command:…`` when no person wrote the event
    recorded_label = models.CharField(_("recorded by (name)"), max_length=200)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = CustodyEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("custody event")
        verbose_name_plural = _("custody events")
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="unique_custody_seq")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_action_display()}"


class EvidencePackQuerySet(ScopedQuerySet):
    scope_follows = "case"


class EvidencePack(models.Model):
    """An evidence pack exported from a case: a ZIP of the files, a manifest of their hashes, the custody
    log and a PDF summary. The manifest's hash recorded here (and in the audit trail) anchors the pack:
    a pack whose hashes were all recomputed after a change no longer matches any recorded manifest."""

    case = models.ForeignKey(
        "anticounterfeit.CounterfeitCase", verbose_name=_("case"), on_delete=models.PROTECT, related_name="packs"
    )
    file = models.FileField(_("file"), upload_to=pack_upload_to, max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256 of the pack"), max_length=64)
    manifest_sha256 = models.CharField(_("SHA-256 of the manifest"), max_length=64, db_index=True)
    evidence_count = models.PositiveIntegerField(_("items"))
    #: the custody log's length and head at export
    custody_seq = models.PositiveIntegerField(_("custody log length"))
    custody_head_hash = models.CharField(_("custody log head"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("exported at"), default=timezone.now, editable=False)

    objects = EvidencePackQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence pack")
        verbose_name_plural = _("evidence packs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"
