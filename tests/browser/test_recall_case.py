"""Issue 11 end to end, in Chinese as users in China see it: one case from a failed sample to a verified
recall.

A Guangdong seller sells its building blocks on a Zhejiang platform. Guangdong's inspector buys them on
the platform; the lab finds small parts that come off (a failed sampling, which raised a risk signal).
From the sampling's page the inspector opens an investigation: Zhejiang, the platform's bureau, leads it
(territorial management), Guangdong is the notifying bureau, and Zhejiang receives an inter-bureau
notice. Zhejiang's inspector orders a compulsory recall from the seller; the seller acknowledges it,
reports how many units it got back and how it reached the buyers, and responds with its recall plan.
Zhejiang's inspector verifies it, and the case page shows the recall verified with its recovery rate.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from accounts.choices import Role
from filings.choices import FilingStatus
from risk_monitoring.models import RiskSignal
from risk_monitoring.services import sampling_create
from tests.browser.session import sign_in, sign_out
from tests.builders import approve
from tests.factories import EnterpriseFilingFactory, ProductFilingFactory, UserFactory, bureau
from traceability.models import InterBureauNotice, Investigation, Measure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECALL_PLAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_failed_sample_leads_to_a_verified_recall(page):
    zj, gd = bureau("ZJ"), bureau("GD")
    zj_inspector = UserFactory(username="zj_inspector", role=Role.INSPECTOR, bureau=zj)
    gd_inspector = UserFactory(username="gd_inspector", role=Role.INSPECTOR, bureau=gd)
    platform = EnterpriseFilingFactory(name="杭州优选跨境平台有限公司", region_code="330106", bureau=zj)
    platform_user = UserFactory(username="youxuan", role=Role.ENTERPRISE, bureau=None, enterprise=platform)
    approve(platform, platform_user, zj_inspector)
    platform.refresh_from_db()
    platform.is_platform = True
    platform.save()
    seller = EnterpriseFilingFactory(name="广州乐玩跨境电商有限公司", region_code="440104", bureau=gd)
    seller_user = UserFactory(username="lewan", role=Role.ENTERPRISE, bureau=None, enterprise=seller)
    approve(seller, seller_user, gd_inspector)
    blocks = ProductFilingFactory(
        enterprise=seller,
        name="儿童益智积木",
        category="light_industry",
        subcategory="toys",
        status=FilingStatus.APPROVED,
        filing_no="GD2026P0000301",
    )
    sampling = sampling_create(
        actor=gd_inspector,
        channel="online",
        product=blocks,
        platform=platform,
        url="https://www.youxuan.example.cn/item/3001",
        order_no="YX2026112000301",
        sampled_at=timezone.now() - dt.timedelta(days=3),
        lab="广东省检验检疫技术中心",
        results=[
            {
                "test_item": "小零件",
                "standard": "GB 6675.2-2014",
                "value": "脱落",
                "limit": "不得脱落",
                "unit": "",
                "verdict": "fail",
            }
        ],
    )
    sampling.refresh_from_db()
    assert sampling.verdict == "fail" and RiskSignal.objects.filter(pk=sampling.signal_id).exists()

    # Guangdong's inspector opens an investigation from the failed sampling.
    sign_in(page, "gd_inspector")
    page.goto(f"{page.base_url}{sampling.get_absolute_url()}")
    assert page.inner_text("[data-testid=sampling-verdict]") == "不合格"
    opener = page.locator("[data-testid=open-investigation]")
    assert "立案调查" in opener.inner_text()
    opener.click()
    page.wait_for_selector("[data-testid=investigation-form]")
    assert page.inner_text("[data-testid=page-title]") == "立案调查"
    assert page.input_value("#id_samplings") == str(sampling.pk)
    assert blocks.name in page.input_value("#id_title")
    page.fill("#id_description", "网购抽样检出小零件脱落，存在儿童误吞风险。")
    page.click("[data-testid=investigation-submit]")

    page.wait_for_selector("[data-testid=lead-bureau]")
    investigation = Investigation.objects.get(samplings=sampling)
    assert investigation.lead_bureau == zj and investigation.notifying_bureau == gd
    assert investigation.enterprise == seller and investigation.platform == platform
    assert page.inner_text("[data-testid=lead-bureau]").startswith("ZJ ")
    assert page.inner_text("[data-testid=lead-bureau]").strip() == f"ZJ {zj.name}"
    assert page.inner_text("[data-testid=notifying-bureau]").strip() == f"GD {gd.name}"
    # The state (msgctxt "investigation status"), not the list column's "time opened" (发起时间)
    with translation.override("zh-hans"):
        assert page.inner_text("[data-testid=investigation-status]") == investigation.get_status_display()
    assert page.inner_text("[data-testid=investigation-status]") != "发起时间"
    assert page.locator("[data-testid=linked-sampling]", has_text=sampling.sampling_no).count() == 1
    # The notifying bureau may not order measures: the lead bureau does.
    assert page.locator("[data-testid=issue-measure]").count() == 0
    notice = InterBureauNotice.objects.get(from_bureau=gd, to_bureau=zj)
    assert investigation.case_no in notice.subject
    assert page.locator("[data-testid=timeline-event][data-kind=notice]").count() == 1
    sign_out(page)

    # Zhejiang's inspector finds the case in the home queue and orders a compulsory recall.
    sign_in(page, "zj_inspector")
    page.locator("[data-testid=queue]", has_text="牵头的追溯调查").click()
    page.wait_for_selector("[data-testid=investigation-table]")
    page.locator("[data-testid=investigation-row]", has_text=investigation.case_no).locator(
        f"text={investigation.case_no}"
    ).click()
    page.wait_for_selector("[data-testid=investigation-measures]")
    issue = page.locator("[data-testid=issue-measure]")
    assert issue.inner_text() == "下达处置措施"
    issue.click()
    page.wait_for_selector("[data-testid=measure-form]")
    page.select_option("#id_type", "recall")
    # Addressed to the case's seller, the platform concerned prefilled from the case
    assert page.input_value("[data-testid=picker-enterprise]").startswith(seller.name)
    assert page.input_value("input[type=hidden][name=enterprise]") == str(seller.pk)
    assert page.input_value("[data-testid=picker-platform]").startswith(platform.name)
    assert page.input_value("input[type=hidden][name=platform]") == str(platform.pk)
    page.fill("[data-testid=picker-product]", "益智积木")
    page.click(f"#id_product-results [data-value='{blocks.pk}']")
    page.fill("#id_description", "召回已售出的儿童益智积木（批次 2026-11），联系全部购买者退货退款。")
    page.fill("#id_legal_basis", "《消费品召回管理暂行规定》第十八条")
    deadline = timezone.localdate() + dt.timedelta(days=30)
    page.fill("#id_deadline_date", deadline.isoformat())
    page.click("[data-testid=measure-submit]")

    page.wait_for_selector("[data-testid=measure-status]")
    measure = Measure.objects.get(investigation=investigation)
    assert (measure.type, measure.status, measure.enterprise_id) == ("recall", "issued", seller.pk)
    assert page.inner_text("[data-testid=page-title]") == f"强制召回 #{measure.pk}"
    assert page.inner_text("[data-testid=measure-status]") == "已下达"
    assert page.inner_text("[data-testid=measure-enterprise]") == seller.name
    assert page.inner_text("[data-testid=measure-deadline]").startswith(deadline.isoformat())
    sign_out(page)

    # The seller sees the measure among what needs its action, acknowledges it, reports its progress
    # and responds with its recall plan.
    sign_in(page, "lewan")
    panel = page.locator("[data-testid=panel][data-panel=action]")
    assert "待处理的处置措施" in panel.inner_text()
    panel.locator("li", has_text="待处理的处置措施").locator("[data-testid=figure]").click()
    page.wait_for_selector("[data-testid=measure-table]")
    assert page.inner_text("[data-testid=page-title]") == "我的处置措施"
    page.locator("[data-testid=measure-row]").locator("text=强制召回").click()
    page.wait_for_selector("[data-testid=acknowledge-form]")
    assert page.inner_text("[data-testid=measure-status]") == "已下达"
    missing = page.inner_text("[data-testid=missing-proof]")
    assert "召回计划" in missing
    page.click("[data-testid=acknowledge-submit]")
    page.wait_for_selector("[data-testid=respond-form]")
    assert page.inner_text("[data-testid=measure-status]") == "已确认"
    assert page.locator("[data-testid=acknowledge-form]").count() == 0

    page.fill("#id_units_sold", "400")
    page.fill("#id_units_recovered", "360")
    page.check("input[name=channels][value=platform_orders]")
    page.check("input[name=channels][value=sms]")
    page.fill("#id_note", "已通过平台订单记录逐一联系购买者。")
    page.click("[data-testid=progress-submit]")
    page.wait_for_selector("[data-testid=progress-row]")
    row = page.inner_text("[data-testid=progress-row]")
    assert "400" in row and "360" in row and "90%" in row
    assert "平台订单记录" in row

    page.fill("#id_response", "已按召回计划完成召回，附召回计划。")
    page.set_input_files(
        "#id_recall_plan", files=[{"name": "召回计划.pdf", "mimeType": "application/pdf", "buffer": RECALL_PLAN}]
    )
    page.click("[data-testid=respond-submit]")
    page.wait_for_selector("[data-testid=measure-response]")
    assert page.inner_text("[data-testid=measure-status]") == "已完成"
    assert "召回计划.pdf" in page.inner_text("[data-testid=measure-files]")
    assert page.locator("[data-testid=respond-form]").count() == 0
    measure.refresh_from_db()
    assert measure.status == "completed"
    sign_out(page)

    # Zhejiang's inspector verifies the recall; the case page shows it verified, 90 % recovered.
    sign_in(page, "zj_inspector")
    page.locator("[data-testid=queue]", has_text="待核验的处置措施").click()
    page.wait_for_selector("[data-testid=measure-table]")
    page.locator("[data-testid=measure-row]").locator("text=强制召回").click()
    page.wait_for_selector("[data-testid=verify-form]")
    assert page.inner_text("[data-testid=measure-status]") == "已完成"
    assert "召回计划.pdf" in page.inner_text("[data-testid=measure-files]")
    page.click("[data-testid=verify-submit]")
    page.wait_for_selector("[data-testid=measure-status]:has-text('已核验')")
    assert page.locator("[data-testid=verify-form]").count() == 0

    page.goto(f"{page.base_url}{investigation.get_absolute_url()}")
    row = page.locator("[data-testid=investigation-measure]")
    assert row.count() == 1
    text = row.inner_text()
    assert "强制召回" in text and "已核验" in text and "90%" in text

    measure.refresh_from_db()
    investigation.refresh_from_db()
    assert measure.status == "verified" and measure.verified_by == zj_inspector
    assert investigation.lead_bureau == zj
