"""The filing flow end to end, in Chinese as a user in China sees it.

An enterprise signs up, completes and submits its filing; the Zhejiang inspector returns it with a
reason; the enterprise reads the reason and resubmits; the inspector approves it. The enterprise
then files a toy (HS 9503008900) and submits it; the inspector approves it; the product shows its
filing number.
"""

from __future__ import annotations

import pytest

from accounts.choices import Role
from catalogues.models import HSCode
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling, ProductFiling
from tests.browser.session import sign_in, sign_out
from tests.factories import DEFAULT_PASSWORD, UserFactory, bureau, make_uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Kuajing-2026!"


def test_signup_filing_review_and_a_product_filed_and_approved(page):
    assert HSCode.objects.filter(code="95030089").exists()  # 未列名玩具及模型
    UserFactory(username="zj_inspector", role=Role.INSPECTOR, bureau=bureau("ZJ"))

    # The enterprise registers from the login page.
    page.goto(f"{page.base_url}/accounts/login/")
    page.click("[data-testid=signup-link]")
    page.wait_for_selector("[data-testid=signup-form]")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.fill("#id_uscc", make_uscc("330106"))
    page.fill("#id_name", "杭州新潮跨境电商有限公司")
    page.fill("#id_region_code", "330106")
    page.fill("#id_contact_name", "刘洋")
    page.fill("#id_contact_phone", "13912345678")
    page.fill("#id_email", "liu@xinchao.example.cn")
    page.fill("#id_username", "xinchao")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_confirm", PASSWORD)
    page.click("[data-testid=signup-submit]")
    page.wait_for_selector("[data-testid=missing]")
    filing = EnterpriseFiling.objects.get(name="杭州新潮跨境电商有限公司")
    assert filing.status == FilingStatus.DRAFT and filing.bureau.code == "ZJ"
    assert page.locator("[data-testid=missing] li").count() > 0

    # It completes the filing.
    page.click("[data-testid=edit]")
    page.wait_for_selector("[data-testid=enterprise-form]")
    page.fill("#id_legal_representative", "陈立新")
    page.fill("#id_address", "浙江省杭州市滨江区网商路 699 号")
    page.check("input[name=types][value=operator]")
    page.check("input[name=main_categories][value=light_industry]")
    for system in ("quality_management", "risk_reporting_recall", "traceability", "consumer_protection"):
        page.check(f"input[name=systems][value={system}]")
    page.check("#id_pledge_signed")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=missing-none]")

    # Submits it.
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=under-review]")
    assert EnterpriseFiling.objects.get(pk=filing.pk).status == FilingStatus.SUBMITTED
    sign_out(page)

    # The Zhejiang inspector finds it in the review queue and returns it with a reason.
    sign_in(page, "zj_inspector", DEFAULT_PASSWORD)
    page.click("[data-testid=nav-review-queue]")
    page.click("[data-testid=queue-enterprises] >> text=杭州新潮跨境电商有限公司")
    page.wait_for_selector("[data-testid=decisions]")
    page.click("[data-testid=decide-return]")
    page.wait_for_selector("#decide-return.show")
    page.fill("[data-testid=reason-return]", "注册地址与营业执照不一致，请更正。")
    page.click("[data-testid=confirm-return]")
    page.wait_for_selector("[data-testid=decision-reason]")
    assert EnterpriseFiling.objects.get(pk=filing.pk).status == FilingStatus.RETURNED
    sign_out(page)

    # The enterprise reads the reason, corrects the address and resubmits.
    sign_in(page, "xinchao", PASSWORD)
    page.click("[data-testid=nav-enterprise]")
    assert "注册地址与营业执照不一致" in page.inner_text("[data-testid=decision-reason]")
    page.click("[data-testid=edit]")
    page.fill("#id_address", "浙江省杭州市西湖区文三路 478 号")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=missing-none]")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=under-review]")
    sign_out(page)

    # The inspector approves: a filing number is issued.
    sign_in(page, "zj_inspector", DEFAULT_PASSWORD)
    page.goto(f"{page.base_url}/filings/enterprises/{filing.pk}/")
    page.click("[data-testid=decide-approve]")
    page.wait_for_selector("#decide-approve.show")
    page.click("[data-testid=confirm-approve]")
    page.wait_for_selector("[data-testid=filing-no]")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.APPROVED
    assert page.inner_text("[data-testid=filing-no]") == filing.filing_no
    sign_out(page)

    # The enterprise files a toy and submits it.
    sign_in(page, "xinchao", PASSWORD)
    page.click("[data-testid=nav-products]")
    page.click("[data-testid=new-product]")
    page.wait_for_selector("[data-testid=product-form]")
    page.fill("#id_name", "儿童益智积木")
    page.fill("#id_name_en", "Educational building blocks")
    page.fill("#id_brand", "Bricka")
    page.fill("#id_model", "BK-1000")
    page.fill("#id_gtin", "5702016616316")
    page.fill("#id_hs_code", "9503008900")
    page.select_option("#id_origin_country", "DK")
    page.select_option("#id_category", "light_industry")
    page.select_option("#id_subcategory", "toys")
    page.fill("#id_manufacturer", "Bricka ApS")
    page.fill("#id_label_text", "警告：含小零件，不适合3岁以下儿童。")
    page.fill("#id_ccc_certificate", "2024011606123456")  # toys are in the CCC catalogue (rule 7)
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=missing-none]")
    product = ProductFiling.objects.get(enterprise=filing)
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=under-review]")
    assert ProductFiling.objects.get(pk=product.pk).status == FilingStatus.SUBMITTED
    sign_out(page)

    # The inspector approves the product.
    sign_in(page, "zj_inspector", DEFAULT_PASSWORD)
    page.click("[data-testid=nav-review-queue]")
    page.click("[data-testid=tab-products]")
    page.click("[data-testid=queue-products] >> text=儿童益智积木")
    page.click("[data-testid=decide-approve]")
    page.wait_for_selector("#decide-approve.show")
    page.click("[data-testid=confirm-approve]")
    page.wait_for_selector("[data-testid=filing-no]")
    sign_out(page)

    # The enterprise sees the product's filing number.
    sign_in(page, "xinchao", PASSWORD)
    page.click("[data-testid=nav-products]")
    page.click("[data-testid=product-table] >> text=儿童益智积木")
    product.refresh_from_db()
    assert product.status == FilingStatus.APPROVED and product.filing_no
    assert page.inner_text("[data-testid=filing-no]") == product.filing_no
    assert page.locator("[data-testid=unread-count]").count() == 1  # approvals landed in the inbox
