"""Risk scores of enterprises, products and sub-categories, and their computation runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cbec_supervision.scoping import ScopedQuerySet
from filings.models import EnterpriseFiling, ProductFiling
from risk_monitoring.choices import (
    RISK_LEVEL_COLOURS,
    RiskLevel,
    ScoreSubject,
)

if TYPE_CHECKING:
    from accounts.models import User


class RiskScoreQuerySet(ScopedQuerySet):
    """Bureau staff read every score (the national network); an enterprise reads its own score and
    its own products' scores, no one else's; sub-category scores are staff only."""

    def scope_condition(self, user: User) -> Q | None:
        # Not ``scope_shared_with_staff = Q()``: an empty Q joined by OR to the base condition
        # (``pk__in=[]``) is dropped, and staff would read nothing.
        if user.is_bureau_staff:
            return Q()
        if user.is_enterprise_user and user.enterprise_id:
            # A sub-category's score names no enterprise: staff only.
            return Q(enterprise_id=user.enterprise_id)
        return None

    def current(self) -> RiskScoreQuerySet:
        return self.filter(is_current=True)


class RiskScore(models.Model):
    """An explained risk score of an enterprise, a product or a product sub-category at one moment.

    ``factors`` lists each factor as ``{"name", "value", "weight", "contribution"}``; the
    contributions sum to ``score`` (0-100). A recomputation adds a row and makes it the current one:
    the history is kept.
    """

    subject_type = models.CharField(_("subject type"), max_length=20, choices=ScoreSubject.choices)
    #: the enterprise or product filing id, or the sub-category code
    subject_id = models.CharField(_("subject"), max_length=40)
    #: the enterprise the score is about (a product's: its operator); for scoping and joins
    enterprise = models.ForeignKey(
        EnterpriseFiling,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    product = models.ForeignKey(
        ProductFiling, verbose_name=_("product"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    level = models.CharField(_("level"), max_length=10, choices=RiskLevel.choices)
    factors = models.JSONField(_("factors"), default=list)
    computed_at = models.DateTimeField(_("computed at"))
    is_current = models.BooleanField(_("current"), default=True)

    objects = RiskScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk score")
        verbose_name_plural = _("risk scores")
        ordering = ["-computed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"],
                condition=Q(is_current=True),
                name="one_current_score_per_subject",
            )
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "-computed_at"], name="score_history_idx"),
            models.Index(fields=["subject_type", "is_current", "-score"], name="score_rank_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_type_display()} {self.subject_id}: {self.score}"

    @property
    def level_colour(self) -> str:
        return RISK_LEVEL_COLOURS.get(self.level, "secondary")


class RiskScoreRun(models.Model):
    """One recomputation of risk scores: the nightly full run, a run after events, or the command.

    It is what the run's audit event is recorded on (one event per run, not one per score), with the
    counts of the scores it wrote.
    """

    KIND_FULL, KIND_EVENTS = "full", "events"
    KIND_CHOICES = [(KIND_FULL, _("Full recomputation")), (KIND_EVENTS, _("After events"))]

    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES)
    #: the ``computed_at`` of the scores it wrote
    computed_at = models.DateTimeField(_("computed at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    #: scores written per subject type, and chunks run
    counts = models.JSONField(_("counts"), default=dict)

    class Meta:
        verbose_name = _("risk score run")
        verbose_name_plural = _("risk score runs")
        ordering = ["-computed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.computed_at:%Y-%m-%d %H:%M}"
