"""What the lead and rights-holder tests share: approved filings, a case a person works on, a lead."""

from __future__ import annotations

from anticounterfeit.choices import CaseDuty
from anticounterfeit.models import CaseAssignment, CounterfeitCase
from anticounterfeit.services.leads import lead_create
from filings.choices import FilingStatus
from tests.factories import EnterpriseFilingFactory, ProductFilingFactory


def approved_enterprise(**kwargs):
    return EnterpriseFilingFactory(status=FilingStatus.APPROVED, **kwargs)


def approved_product(enterprise, **kwargs):
    return ProductFilingFactory(enterprise=enterprise, status=FilingStatus.APPROVED, **kwargs)


def case_for(bureau, handler=None, *, no: str = "ZJ2026AC000001", status: str = "investigating"):
    case = CounterfeitCase.objects.create(case_no=no, title="仿冒运动鞋", bureau=bureau, status=status)
    if handler is not None:
        CaseAssignment.objects.create(case=case, user=handler, duty=CaseDuty.HANDLER)
    return case


def a_lead(actor, **fields):
    fields.setdefault("channel", "rights_holder")
    fields.setdefault("title", "店铺销售仿冒运动鞋")
    return lead_create(actor=actor, **fields)
