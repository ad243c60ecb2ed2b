"""Who holds which duty on a counterfeit case, and who may do what because of it.

Separation of duties is data: the people assigned to a case (``CaseAssignment``), not a role per duty.
Handlers investigate and collect evidence, the reviewer reviews, the deciding officer decides; the
administrators of the case's bureau (its jurisdiction) assign them and approve the opening.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.choices import Role
from anticounterfeit.choices import CaseDuty
from anticounterfeit.models import CaseAssignment, CounterfeitCase

if TYPE_CHECKING:
    from cbec_supervision.audit import Actor


def duties_of(case: CounterfeitCase, actor: Actor, *, ever: bool = False) -> set[str]:
    """The duties ``actor`` holds on ``case`` now (with ``ever``: has held at any time). One query. None for
    whoever is not active bureau staff (deactivated, or their account became an enterprise's): an
    assignment works only while its holder is on a bureau's staff."""
    if isinstance(actor, str) or not (actor.is_active and actor.is_bureau_staff):
        return set()
    assignments = CaseAssignment.objects.filter(case=case, user=actor)
    if not ever:
        assignments = assignments.filter(ended_at__isnull=True)
    return set(assignments.values_list("duty", flat=True))


def is_handler(case: CounterfeitCase, actor: Actor) -> bool:
    return CaseDuty.HANDLER in duties_of(case, actor)


def may_manage(case: CounterfeitCase, actor: Actor) -> bool:
    """An administrator of the case's bureau (or of its parent direct bureau): assigns people, approves
    or refuses the opening, transfers the case to the judiciary."""
    if isinstance(actor, str):
        return False
    return actor.is_active and actor.role == Role.BUREAU_ADMIN and actor.has_jurisdiction_over(case.bureau)


def may_work(case: CounterfeitCase, actor: Actor) -> bool:
    """An active handler of the case, or one of its bureau's administrators."""
    return may_manage(case, actor) or is_handler(case, actor)
