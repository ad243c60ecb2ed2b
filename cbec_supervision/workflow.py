"""Moving an object between statuses by a transition table from its app's ``choices.py``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from accounts.models import Bureau
    from cbec_supervision.audit import Actor


def check_transition(
    obj: models.Model, target: str, transitions: Mapping[str, tuple[str, ...]], *, field: str = "status"
) -> str:
    """Raise ValidationError unless ``obj`` may move to ``target``; return the current status."""
    current: str = getattr(obj, field)
    if target not in transitions.get(current, ()):
        model_field = obj._meta.get_field(field)
        labels = dict(model_field.flatchoices) if isinstance(model_field, models.Field) else {}
        raise ValidationError(
            {
                field: [
                    _("Not allowed: a record that is %(current)s cannot become %(target)s.")
                    % {"current": labels.get(current, current), "target": labels.get(target, target)}
                ]
            },
            code="transition",
        )
    return current


def require_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give a reason.")]}, code="required")
    return reason


def may_review(actor: Actor, bureau: Bureau, permission: str = "") -> bool:
    """Whether ``actor`` may decide for ``bureau``: staff of it or of its parent direct bureau,
    holding ``permission`` (e.g. ``"filings.review_productfiling"``) when one is named.

    Pages use it to offer decision buttons only where the service would accept the decision.
    """
    if isinstance(actor, str):
        return True  # a task or command acting for the system
    if not actor.has_jurisdiction_over(bureau):
        return False
    return not permission or actor.has_perm(permission)


def require_reviewer(actor: Actor, bureau: Bureau, permission: str = "") -> None:
    """Only staff of the competent bureau (or of its parent direct bureau) may decide, and only
    with ``permission`` when one is named; PermissionDenied otherwise."""
    if isinstance(actor, str):
        return
    if not actor.has_jurisdiction_over(bureau):
        raise PermissionDenied(_("Only inspectors of the competent bureau may decide on this."))
    if permission and not actor.has_perm(permission):
        raise PermissionDenied(_("Your account may not decide on this."))
