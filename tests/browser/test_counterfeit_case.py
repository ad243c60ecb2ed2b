"""Issue 12 end to end, in Chinese as users in China see it: a case run by the book from a lead to a
penalty decision.

A rights holder complains that a Hangzhou shop sells counterfeit AURORA running shoes. Zhejiang's
inspector opens a case from the lead and, as its first handler, uploads the test purchase receipt at
once; its SHA-256 shows on the case. The bureau's administrator approves the opening and assigns a second
handler, a legal reviewer and, as deciding officer, herself. The handler submits the investigation report;
he is offered no review and no decision. The reviewer reviews; the handler serves the notice of the
proposed penalty (the party waives a hearing); the administrator decides a fine of 50,000 yuan.
"""

from __future__ import annotations

import hashlib

import pytest

from accounts.choices import Role
from anticounterfeit.choices import CaseStatus
from anticounterfeit.models import CounterfeitCase, Evidence
from anticounterfeit.services import lead_create
from cbec_supervision.models import AuditEvent
from tests.browser.session import sign_in, sign_out
from tests.factories import EnterpriseFilingFactory, UserFactory, bureau

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECEIPT = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _status(page) -> str:
    return page.get_attribute("[data-testid=case-status]", "data-status")


def _open_case(page, case: CounterfeitCase) -> None:
    page.goto(f"{page.base_url}{case.get_absolute_url()}")
    page.wait_for_selector("[data-testid=case-status]")


def test_a_lead_becomes_a_case_with_evidence_and_a_penalty_decision(page):
    zj = bureau("ZJ")
    handler = UserFactory(username="zj_inspector", role=Role.INSPECTOR, bureau=zj, last_name="周", first_name="明")
    UserFactory(username="zj_inspector2", role=Role.INSPECTOR, bureau=zj, last_name="李", first_name="强")
    UserFactory(username="zj_legal", role=Role.INSPECTOR, bureau=zj, last_name="王", first_name="法")
    UserFactory(username="zj_admin", role=Role.BUREAU_ADMIN, bureau=zj, last_name="陈", first_name="局")
    shop = EnterpriseFilingFactory(name="杭州云购跨境电子商务有限公司", region_code="330106", bureau=zj)
    lead = lead_create(
        actor=handler,
        channel="rights_holder",
        title="店铺 88021 销售假冒 AURORA 跑步鞋",
        brand="AURORA",
        seller_name=shop.name,
        product_name="AURORA 极光跑步鞋",
        rights_holder="极光运动用品（美国）有限公司",
        urls=["https://shop.yungou.example.cn/store/88021"],
    )

    # The inspector opens a case from the lead: the lead comes pre-selected.
    sign_in(page, "zj_inspector")
    page.goto(f"{page.base_url}{lead.get_absolute_url()}")
    page.click("[data-testid=lead-open-case]")
    page.wait_for_selector("[data-testid=case-form]")
    assert page.locator(f"input[name=leads][value='{lead.pk}']").is_checked()
    page.fill("#id_description", "权利人投诉，店铺售价仅为正品三分之一，包装与正品不符。")
    page.click("[data-testid=case-create-submit]")
    page.wait_for_selector("[data-testid=case-status]")
    case = CounterfeitCase.objects.get(leads=lead)
    assert _status(page) == CaseStatus.PROPOSED
    assert page.inner_text("[data-testid=case-status]") == "待立案审批"
    lead.refresh_from_db()
    assert lead.status == "merged"

    # As its first handler he uploads the receipt at once; the page shows its SHA-256.
    page.click("[data-testid=evidence-add]")
    page.wait_for_selector("[data-testid=evidence-form]")
    page.set_input_files(
        "input[type=file]", files=[{"name": "试买凭证.pdf", "mimeType": "application/pdf", "buffer": RECEIPT}]
    )
    page.fill("#id_place", "杭州市西湖区")
    page.fill("#id_method", "试买")
    page.fill("#id_description", "试买订单 YG20261121088 的付款凭证")
    page.click("[data-testid=evidence-submit]")
    page.wait_for_selector("[data-testid=evidence-row]")
    digest = hashlib.sha256(RECEIPT).hexdigest()
    assert Evidence.objects.get(case=case).sha256 == digest
    assert digest[:12] in page.inner_text("[data-testid=evidence-table]")
    # Approving the opening is not the proposer's to do.
    if page.url != f"{page.base_url}{case.get_absolute_url()}":
        _open_case(page, case)
    assert page.locator("[data-testid=case-step-approve-submit]").count() == 0
    sign_out(page)

    # The administrator approves, with a second handler, the reviewer and herself deciding.
    sign_in(page, "zj_admin")
    _open_case(page, case)
    page.fill("#id_approve-text", "同意立案。")
    page.locator("[data-testid=case-step-approve] label", has_text="李强 (zj_inspector2)").click()
    page.select_option("#id_approve-reviewer", label="王法 (zj_legal)")
    page.select_option("#id_approve-decider", label="陈局 (zj_admin)")
    page.click("[data-testid=case-step-approve-submit]")
    page.wait_for_selector(f"[data-testid=case-status][data-status={CaseStatus.INVESTIGATING}]")
    assert page.locator("[data-testid=case-assignment]").count() == 4
    sign_out(page)

    # The handler submits the investigation report; he may neither review nor decide.
    sign_in(page, "zj_inspector")
    _open_case(page, case)
    page.fill("#id_submit-for-review-report_text", "经权利人鉴定为假冒商品，货值 39,800 元。")
    page.click("[data-testid=case-step-submit-for-review-submit]")
    page.wait_for_selector(f"[data-testid=case-status][data-status={CaseStatus.REVIEW}]")
    assert page.locator("[data-testid=case-step-review-submit]").count() == 0
    assert page.locator("[data-testid=case-step-decide-submit]").count() == 0
    sign_out(page)

    sign_in(page, "zj_legal")
    _open_case(page, case)
    page.fill("#id_review-opinion", "事实清楚，证据确实充分，建议罚款五万元。")
    page.click("[data-testid=case-step-review-submit]")
    page.wait_for_selector(f"[data-testid=case-status][data-status={CaseStatus.NOTICE}]")
    sign_out(page)

    sign_in(page, "zj_inspector")
    _open_case(page, case)
    page.fill("#id_notice-text", "拟对当事人处以罚款五万元，当事人可在五日内申请听证。")
    page.check("#id_notice-hearing_waived")
    page.click("[data-testid=case-step-notice-submit]")
    page.wait_for_selector("[data-testid=case-document][data-kind=penalty_notice]")
    sign_out(page)

    # The deciding officer decides: the decision is on the case, with its figures for the statistics.
    sign_in(page, "zj_admin")
    _open_case(page, case)
    page.select_option("#id_decide-decision_kind", "penalty")
    page.fill("#id_decide-decision_no", "浙检罚〔2026〕88号")
    page.fill("#id_decide-text", "责令停止销售，没收侵权商品，并处罚款五万元。")
    page.fill("#id_decide-fine_amount_cny", "50000")
    page.fill("#id_decide-confiscated_quantity", "20")
    page.click("[data-testid=case-step-decide-submit]")
    page.wait_for_selector(f"[data-testid=case-status][data-status={CaseStatus.DECIDED}]")
    assert page.inner_text("[data-testid=case-status]") == "已作出处罚决定"
    assert "浙检罚〔2026〕88号" in page.inner_text("[data-testid=case-decision]")
    case.refresh_from_db()
    assert (case.fine_amount_cny, case.confiscated_quantity, case.decided_by.username) == (50000, 20, "zj_admin")
    assert AuditEvent.objects.for_object(case).filter(action="decide").count() == 1
