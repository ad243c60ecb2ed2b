"""Issue 9, section 2: an inspector approves a filing with a comment, after confirming it, and lands
on the next filing of the review queue; the comment stays on the decided filing's history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.choices import Role
from filings import services
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling
from tests.browser.session import sign_in
from tests.builders import complete
from tests.factories import EnterpriseFilingFactory, UserFactory, bureau

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submitted(name: str, uscc_user: str, days_ago: int, zj):
    filing = EnterpriseFilingFactory(name=name, region_code="330106", bureau=zj)
    user = UserFactory(username=uscc_user, role=Role.ENTERPRISE, bureau=None, enterprise=filing)
    complete(filing, user)
    services.enterprise_submit(actor=user, filing=filing)
    EnterpriseFiling.objects.filter(pk=filing.pk).update(submitted_at=timezone.now() - dt.timedelta(days=days_ago))
    return filing


def test_an_inspector_approves_with_a_comment_and_lands_on_the_next_filing(page):
    zj = bureau("ZJ")
    UserFactory(username="zj_inspector", role=Role.INSPECTOR, bureau=zj)
    first = submitted("杭州甲跨境电商有限公司", "jia", 3, zj)
    second = submitted("杭州乙跨境电商有限公司", "yi", 1, zj)

    sign_in(page, "zj_inspector")
    page.goto(f"{page.base_url}/filings/enterprises/{first.pk}/")
    page.click("[data-testid=decide-approve]")
    page.wait_for_selector("#decide-approve.show")
    page.fill("[data-testid=reason-approve]", "材料齐全，现场核实无误。")
    page.click("[data-testid=confirm-approve]")
    page.wait_for_url(f"**/filings/enterprises/{second.pk}/")
    assert "杭州乙跨境电商有限公司" in page.inner_text("[data-testid=page-title]")
    assert "杭州甲跨境电商有限公司" in page.inner_text(".alert-success")

    first.refresh_from_db()
    assert first.status == FilingStatus.APPROVED and first.decision_reason == "材料齐全，现场核实无误。"
    page.goto(f"{page.base_url}/filings/enterprises/{first.pk}/")
    assert "材料齐全，现场核实无误。" in page.inner_text("[data-testid=history-card]")
