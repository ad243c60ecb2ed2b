"""An import batch end to end, in Chinese as a user in China sees it.

An approved enterprise declares a bonded batch through the lines table: sodium cyanide (氰化钠, CAS
143-33-9, HS 2837111000), which the Catalogue of Hazardous Chemicals lists as highly toxic, and
cotton bath towels. The batch is refused entry and the page names the catalogue entry and its
edition; the Zhejiang inspector finds the same on the batch page.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from accounts.choices import Role
from catalogues.models import HSCode
from filings.models import EnterpriseFiling
from imports.choices import BatchStatus
from imports.models import ImportBatch
from tests.builders import approve
from tests.factories import DEFAULT_PASSWORD, EnterpriseFilingFactory, UserFactory, bureau

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=home-title]")


def test_a_batch_with_a_prohibited_line_is_refused_with_the_catalogue_entry_shown(page):
    assert HSCode.objects.filter(code="28371110").exists()  # 氰化钠
    assert HSCode.objects.filter(code="63026010").exists()  # 棉制浴巾
    zj = bureau("ZJ")
    inspector = UserFactory(username="zj_inspector", role=Role.INSPECTOR, bureau=zj)
    enterprise = EnterpriseFilingFactory(name="杭州新潮跨境电商有限公司", region_code="330106", bureau=zj)
    user = UserFactory(username="xinchao", role=Role.ENTERPRISE, bureau=None, enterprise=enterprise)
    approve(enterprise, user, inspector)

    sign_in(page, "xinchao")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.click("[data-testid=nav-imports]")
    page.click("[data-testid=declare-batch]")
    page.wait_for_selector("[data-testid=batch-form]")
    page.select_option("#id_mode", "bonded")
    page.select_option("#id_port_bureau", str(zj.pk))
    page.fill("#id_line-0-description", "氰化钠")
    page.fill("#id_line-0-hs_code", "2837111000")
    page.fill("#id_line-0-cas_numbers", "143-33-9")
    page.fill("#id_line-0-quantity", "25")
    page.fill("#id_line-0-unit", "千克")
    page.fill("#id_line-0-value_cny", "1200")
    page.fill("#id_line-0-origin_country", "DE")
    page.fill("#id_line-1-description", "纯棉浴巾")
    page.fill("#id_line-1-hs_code", "6302601000")
    page.fill("#id_line-1-quantity", "300")
    page.fill("#id_line-1-unit", "条")
    page.fill("#id_line-1-value_cny", "18700")
    page.fill("#id_line-1-origin_country", "PT")
    page.click("[data-testid=declare-submit]")

    page.wait_for_selector("[data-testid=refused]")
    batch = ImportBatch.objects.get(enterprise=EnterpriseFiling.objects.get(pk=enterprise.pk))
    assert batch.status == BatchStatus.REFUSED and batch.tier == 1 and batch.item_count == 2
    with translation.override("zh-hans"):
        assert page.inner_text("[data-testid=status]").strip() == batch.get_status_display()
    entries = page.locator("[data-testid=refused-entry]")
    assert entries.count() == 1
    assert "氰化钠" in entries.inner_text() and "剧毒" in entries.inner_text()
    assert page.inner_text("[data-testid=refused-edition]").strip() == "2015 (excerpt)"
    # The prohibited line stands out in the lines table, the towels pass as general supervision.
    first = page.locator("[data-testid=line-table] tbody tr").first
    assert first.get_attribute("data-tier") == "1" and "table-danger" in first.get_attribute("class")
    assert "143-33-9" in first.inner_text()
    assert page.locator("[data-testid=line-table] tbody tr[data-tier='3']").count() == 1

    # The edition links to the catalogue, where the entry is marked highly toxic.
    page.click("[data-testid=refused-edition]")
    page.wait_for_selector("[data-testid=entry-table]")
    page.fill("#id_q", "氰化钠")
    page.click("[data-testid=filter-submit]")
    page.wait_for_selector("[data-testid=highly-toxic]")
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/**")

    # The port bureau's inspector finds the batch refused, with the same entry.
    sign_in(page, "zj_inspector")
    page.click("[data-testid=nav-imports-menu]")
    page.click("[data-testid=nav-batches]")
    page.click(f"[data-testid=batch-table] >> text={batch.batch_no}")
    page.wait_for_selector("[data-testid=refused]")
    assert "氰化钠" in page.inner_text("[data-testid=refused-entries]")
