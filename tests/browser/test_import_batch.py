"""Issue 8 end to end, in Chinese as a user in China sees it: a platform confirms a seller, the seller
declares a bonded batch on that platform with one prohibited and one ordinary line, and sees the
ordinary line released and the other refused.

The seller's two products were filed and approved: cotton bath towels (HS 6302601000) and a nail
polish thinner of n-butyl acetate (CAS 123-86-4). A catalogue edition in force since then lists
n-butyl acetate (rule 1: the product stays approved, flagged to its bureau, and its bonded lines are
refused as tier 1 meanwhile). The goods are barred line by line (rule 2), each line names its filing
(rule 3), and the batch may name the platform only once the platform confirmed the seller (rule 8).
The Zhejiang inspector finds the same on the batch page.
"""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from accounts.choices import Role
from catalogues.services.editions import catalogue_import
from filings.choices import FilingStatus
from imports.choices import BatchStatus
from imports.models import ImportBatch
from partnerships.choices import PartnershipKind
from partnerships.models import Partnership
from partnerships.services import partnership_request
from tests.browser.session import sign_in, sign_out
from tests.builders import approve
from tests.factories import EnterpriseFilingFactory, ProductFilingFactory, UserFactory, bureau

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_platform_confirms_its_seller_whose_prohibited_line_is_refused_and_ordinary_line_released(page):
    zj = bureau("ZJ")
    inspector = UserFactory(username="zj_inspector", role=Role.INSPECTOR, bureau=zj)
    platform = EnterpriseFilingFactory(name="杭州优选跨境平台有限公司", region_code="330106", bureau=zj)
    platform_user = UserFactory(username="youxuan", role=Role.ENTERPRISE, bureau=None, enterprise=platform)
    approve(platform, platform_user, inspector)
    platform.refresh_from_db()
    platform.is_platform = True
    platform.save()
    seller = EnterpriseFilingFactory(name="杭州新潮跨境电商有限公司", region_code="330106", bureau=zj)
    seller_user = UserFactory(username="xinchao", role=Role.ENTERPRISE, bureau=None, enterprise=seller)
    approve(seller, seller_user, inspector)
    towels = ProductFilingFactory(
        enterprise=seller,
        name="纯棉浴巾",
        hs_code="6302601000",
        category="textile",
        subcategory="home_textiles",
        status=FilingStatus.APPROVED,
        filing_no="ZJ2026P0000101",
    )
    thinner = ProductFilingFactory(
        enterprise=seller,
        name="指甲油稀释剂",
        hs_code="3814000000",
        cas_numbers=["123-86-4"],
        status=FilingStatus.APPROVED,
        filing_no="ZJ2026P0000102",
    )
    catalogue_import(
        actor="test",
        kind="precursor_chemicals",
        edition="2026 增补",
        effective_from=timezone.localdate(),
        content="序号,品名,别名,CAS号,备注\n1,乙酸正丁酯,醋酸丁酯,123-86-4,\n".encode(),
        filename="precursor_2026.csv",
    )
    partnership_request(actor=seller_user, kind=PartnershipKind.PLATFORM, partner=platform)

    # The platform confirms its seller.
    sign_in(page, "youxuan")
    page.goto(f"{page.base_url}/partnerships/")
    page.wait_for_selector("[data-testid=partnership-table]")
    row = page.locator("[data-testid=partnership-row]", has_text="杭州新潮跨境电商有限公司")
    row.locator("[data-testid=partnership-confirm]").click()
    page.wait_for_load_state()
    assert Partnership.objects.get(operator=seller).status == "confirmed"
    sign_out(page)

    # The seller declares a batch on that platform: one line of each filed product.
    sign_in(page, "xinchao")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.click("[data-testid=nav-imports]")
    page.click("[data-testid=declare-batch]")
    page.wait_for_selector("[data-testid=batch-form]")
    page.select_option("#id_mode", "bonded")
    page.select_option("#id_port_bureau", str(zj.pk))
    page.fill("[data-testid=picker-platform]", "杭州优选")
    page.click("#id_platform-results [data-value]")
    page.select_option("#id_line-0-product", str(thinner.pk))
    page.fill("#id_line-0-quantity", "200")
    page.fill("#id_line-0-unit", "瓶")
    page.fill("#id_line-0-value_cny", "3600")
    page.fill("#id_line-0-origin_country", "KR")
    page.select_option("#id_line-1-product", str(towels.pk))
    page.fill("#id_line-1-quantity", "300")
    page.fill("#id_line-1-unit", "条")
    page.fill("#id_line-1-value_cny", "18700")
    page.fill("#id_line-1-origin_country", "PT")
    page.click("[data-testid=declare-submit]")

    page.wait_for_selector("[data-testid=refused]")
    batch = ImportBatch.objects.get(enterprise=seller)
    assert batch.status == BatchStatus.PARTIALLY_REFUSED and batch.tier == 1 and batch.platform_id == platform.pk
    with translation.override("zh-hans"):
        assert page.inner_text("[data-testid=status]").strip() == batch.get_status_display() == "部分拒绝入境"
    entries = page.locator("[data-testid=refused-entry]")
    assert entries.count() == 1 and "乙酸正丁酯" in entries.inner_text()
    statuses = {page.locator(f"#line-{n} [data-testid=line-status]").get_attribute("data-status"): n for n in (1, 2)}
    assert statuses == {"refused": 1, "released": 2}
    assert "不准入境" in page.inner_text("#line-1 [data-testid=line-status]")
    assert "已放行" in page.inner_text("#line-2 [data-testid=line-status]")
    assert "纯棉浴巾" in page.inner_text("#line-2")
    sign_out(page)

    # The port bureau's inspector finds the same on the batch page.
    sign_in(page, "zj_inspector")
    page.click("[data-testid=nav-imports-menu]")
    page.click("[data-testid=nav-batches]")
    page.click(f"[data-testid=batch-table] >> text={batch.batch_no}")
    page.wait_for_selector("[data-testid=refused]")
    assert "乙酸正丁酯" in page.inner_text("[data-testid=refused-entries]")
    assert page.locator("#line-1 [data-testid=line-status]").get_attribute("data-status") == "refused"
