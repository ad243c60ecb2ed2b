"""Reads of anticounterfeit that the project's shared pages use: the home page's queues, the search box."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from anticounterfeit.choices import CaseDuty, CaseStatus, LeadStatus
from anticounterfeit.models import CaseAssignment, CounterfeitCase, CounterfeitLead
from cbec_supervision.home import Queue
from cbec_supervision.search import Searcher, SearchQuery, contains, register_searcher

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


def _case_search(user: User, query: SearchQuery) -> QuerySet[CounterfeitCase] | None:
    """Cases by number (or its start), or by words of their title, brand or party."""
    parts = []
    if query.is_identifier and not query.is_digits:
        parts.append(Q(case_no__startswith=query.upper))
    if query.is_words:
        parts += [contains("title", query.text), contains("brand", query.text), contains("party_name", query.text)]
    if not parts:
        return None
    return (
        CounterfeitCase.objects.visible_to(user)
        .filter(reduce(or_, parts))
        .select_related("enterprise")
        .order_by("-created_at", "-pk")
    )


def _lead_search(user: User, query: SearchQuery) -> QuerySet[CounterfeitLead] | None:
    """Leads by words of their title, brand, seller or goods."""
    if not query.is_words:
        return None
    fields = ("title", "brand", "seller_name", "product_name")
    return (
        CounterfeitLead.objects.visible_to(user)
        .filter(reduce(or_, [contains(field, query.text) for field in fields]))
        .order_by("-received_at", "-pk")
    )


def _describe_case(case: CounterfeitCase) -> str:
    party = case.enterprise.name if case.enterprise_id and case.enterprise else case.party_name
    return " · ".join(part for part in (case.case_no, case.get_status_display(), case.brand, party) if part)


def _describe_lead(lead: CounterfeitLead) -> str:
    return " · ".join(part for part in (lead.get_channel_display(), lead.get_status_display(), lead.brand) if part)


def register_searchers() -> None:
    """The search box finds counterfeit cases (number, title, brand, party) and leads (title, brand, seller,
    goods), among those the user may see (staff only)."""
    register_searcher(Searcher("anticounterfeit.case", _("Counterfeit cases"), _case_search, _describe_case, rank=300))
    register_searcher(Searcher("anticounterfeit.lead", _("Counterfeit leads"), _lead_search, _describe_lead, rank=310))
