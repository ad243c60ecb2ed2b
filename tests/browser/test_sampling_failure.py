"""Issue 10 end to end, in Chinese as an inspector in China sees it: a sample of filed goods bought on
the platform fails at the lab; the inspector enters the results, sees the sampling fail and the risk
signal it raised, and finds the product's risk score higher than before (recomputed in the
background once the results were saved)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from accounts.choices import Role
from filings.choices import FilingStatus
from risk_monitoring.models import RiskScore, RiskSignal, Sampling
from tests.browser.session import sign_in
from tests.builders import approve
from tests.factories import EnterpriseFilingFactory, ProductFilingFactory, UserFactory, bureau

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def product_score(product) -> Decimal:
    return RiskScore.objects.current().get(subject_type="product", subject_id=str(product.pk)).score


def test_a_failing_lab_result_raises_a_signal_and_the_score_goes_up(page):
    zj = bureau("ZJ")
    inspector = UserFactory(username="zj_inspector", role=Role.INSPECTOR, bureau=zj)
    shop = EnterpriseFilingFactory(name="杭州优选跨境平台有限公司", region_code="330106", bureau=zj)
    shop_user = UserFactory(username="youxuan", role=Role.ENTERPRISE, bureau=None, enterprise=shop)
    approve(shop, shop_user, inspector)
    shop.refresh_from_db()
    shop.is_platform = True
    shop.save()
    blocks = ProductFilingFactory(
        enterprise=shop,
        name="儿童益智积木",
        category="light_industry",
        subcategory="toys",
        status=FilingStatus.APPROVED,
        filing_no="ZJ2026P0000201",
    )
    call_command("compute_risk_scores", verbosity=0)
    before = product_score(blocks)

    sign_in(page, "zj_inspector")
    # The product comes prefilled (as from a sampling plan's "record this sampling")
    page.goto(f"{page.base_url}/risks/samplings/new/?product={blocks.pk}&channel=online")
    page.fill("#id_sampled_at", "2026-11-20T10:30")
    page.fill("#id_lab", "浙江省检验检疫科学技术研究院")
    page.fill("#id_url", "https://www.youxuan.example.cn/item/1001")
    page.fill("#id_order_no", "YX2026112000017")
    page.fill("#id_result-0-test_item", "可迁移元素 铅（Pb）")
    page.fill("#id_result-0-standard", "GB 6675.4-2014")
    page.fill("#id_result-0-value", "142")
    page.fill("#id_result-0-limit", "90")
    page.fill("#id_result-0-unit", "mg/kg")
    page.select_option("#id_result-0-verdict", "fail")
    page.click("[data-testid=sampling-submit]")

    page.wait_for_selector("[data-testid=sampling-verdict]")
    assert page.inner_text("[data-testid=sampling-verdict]") == "不合格"
    banner = page.locator("[data-testid=sampling-signal]")
    assert "风险信息" in banner.inner_text()
    sampling = Sampling.objects.get(product=blocks)
    signal = RiskSignal.objects.get(pk=sampling.signal_id)
    assert (signal.source, signal.product_id, signal.enterprise_id) == ("sampling", blocks.pk, shop.pk)

    # The signal raised, in the bureau's queue
    banner.locator("a").click()
    page.wait_for_selector("[data-testid=page-title]")
    assert "铅" in page.inner_text("[data-testid=page-title]")

    # The product's score, recomputed once the results were committed, is higher and says why
    after = product_score(blocks)
    assert after > before
    page.goto(f"{page.base_url}/risks/scores/product/{blocks.pk}/")
    shown = page.inner_text("[data-testid=score-value]")
    assert shown.startswith(f"{after:.0f}")
    factor = page.locator("[data-testid=factor-row][data-factor=sampling_failure_rate]")
    assert factor.count() == 1 and "1" in factor.inner_text()
