"""Reads of anticounterfeit that the project's shared pages use: the home page's queues."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from anticounterfeit.choices import CaseDuty, CaseStatus, LeadStatus
from anticounterfeit.models import CaseAssignment, CounterfeitCase, CounterfeitLead
from cbec_supervision.home import Queue

if TYPE_CHECKING:
    from accounts.models import User

#: the statuses in which the next step is a handler's
_HANDLER_STEPS = (
    CaseStatus.INVESTIGATING,
    CaseStatus.NOTICE,
    CaseStatus.DECIDED,
    CaseStatus.SERVED,
    CaseStatus.ENFORCEMENT,
    CaseStatus.TRANSFERRED,
)


def _holding(user: User, duty: str) -> Exists:
    return Exists(CaseAssignment.objects.filter(case=OuterRef("pk"), user=user, duty=duty, ended_at__isnull=True))


def waiting_for(user: User) -> Q:
    """The cases whose next step is ``user``'s: as handler, those under investigation or past the review;
    as reviewer, those in review; as deciding officer, those at the notice stage; as an administrator of
    the bureau, those awaiting approval to open (within what ``visible_to`` shows)."""
    waiting = Q(status__in=_HANDLER_STEPS) & Q(_holding(user, CaseDuty.HANDLER))
    waiting |= Q(status=CaseStatus.REVIEW) & Q(_holding(user, CaseDuty.REVIEWER))
    waiting |= Q(status=CaseStatus.NOTICE) & Q(_holding(user, CaseDuty.DECIDER))
    if user.role == Role.BUREAU_ADMIN:
        waiting |= Q(status=CaseStatus.PROPOSED)
    return waiting


def home_queues(user: User) -> list[Queue]:
    """Bureau staff: the leads awaiting triage in their jurisdiction (rank 131), and the cases waiting for
    them (rank 132, ``waiting_for``). Two queries."""
    if not user.is_bureau_staff:
        return []
    leads = CounterfeitLead.objects.visible_to(user).filter(status=LeadStatus.NEW).count()
    cases = CounterfeitCase.objects.visible_to(user).aggregate(n=Count("pk", filter=waiting_for(user)))["n"]
    return [
        Queue(
            _("Counterfeit leads to triage"),
            leads,
            f"{reverse('anticounterfeit:lead_list')}?status=new",
            "warning" if leads else "secondary",
            _("leads awaiting dismissal or a case"),
            rank=131,
        ),
        Queue(
            _("Counterfeit cases waiting for you"),
            cases,
            f"{reverse('anticounterfeit:case_list')}?waiting=true",
            "primary" if cases else "secondary",
            _("cases whose next step is yours"),
            rank=132,
        ),
    ]
