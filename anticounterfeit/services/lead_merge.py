"""Merging a lead into a case: shared by triage (a lead merged into an existing case) and the opening of a
case from leads."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anticounterfeit.choices import CASE_COLLECTING, LEAD_TRANSITIONS, LeadStatus
from anticounterfeit.duties import may_work
from anticounterfeit.models import CounterfeitCase, CounterfeitLead
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from cbec_supervision.workflow import check_transition


@transaction.atomic
def lead_merge(*, actor: Actor, lead: CounterfeitLead, case: CounterfeitCase, note: str = "") -> CounterfeitLead:
    """Merge ``lead`` (awaiting triage) into ``case`` (still collecting evidence). The lead's enterprise,
    product and risk signal become links of the case. Only someone who may work on the case (a handler,
    an administrator of its bureau) and who may see the lead."""
    if isinstance(actor, str) or not CounterfeitLead.objects.visible_to(actor).filter(pk=lead.pk).exists():
        raise PermissionDenied(_("You may not triage this lead."))
    if not may_work(case, actor):
        raise PermissionDenied(_("Only the case's handlers or its bureau's administrators may add leads to it."))
    lead = CounterfeitLead.objects.select_for_update().get(pk=lead.pk)
    check_transition(lead, LeadStatus.MERGED, LEAD_TRANSITIONS)
    # The case's status is read under its lock: a step moving it past investigation waits, or is waited for.
    case = CounterfeitCase.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if case.status not in CASE_COLLECTING:
        raise ValidationError({"case": [_("Leads are added to a case only while it is collecting evidence.")]})
    before = snapshot(lead)
    lead.status = LeadStatus.MERGED
    lead.case = case
    lead.triaged_by = actor
    lead.triaged_at = timezone.now()
    lead.triage_note = (note or "").strip()[:10000]
    lead.save(update_fields=["status", "case", "triaged_by", "triaged_at", "triage_note", "updated_at"])
    if lead.enterprise_id:
        case.enterprises.add(lead.enterprise_id)
    if lead.product_id:
        case.products.add(lead.product_id)
    if lead.signal_id:
        case.signals.add(lead.signal_id)
    audit_record(actor=actor, action=AuditAction.MERGE, obj=lead, before=before, after=snapshot(lead), related=case)
    return lead
