"""An inspector signs in, sees the home page in Chinese, switches to English and signs out."""

from __future__ import annotations

import pytest

from accounts.choices import Role
from tests.factories import DEFAULT_PASSWORD, UserFactory, bureau

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inspector_logs_in_switches_language_and_logs_out(page):
    UserFactory(username="zj_inspector", role=Role.INSPECTOR, bureau=bureau("ZJ"))

    page.goto(f"{page.base_url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "zj_inspector")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("[data-testid=login-submit]")

    page.wait_for_selector("[data-testid=home-title]")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.inner_text("[data-testid=home-title]") == "首页"
    assert "待审核" in page.inner_text("body") or "备案" in page.inner_text("body")

    page.click("[data-testid=lang-en]")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.inner_text("[data-testid=home-title]") == "Home"
    assert "Review queue" in page.inner_text("nav")
    page.click("[data-testid=nav-filings-menu]")
    assert page.is_visible("text=Enterprise filings")

    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/**")
    page.goto(f"{page.base_url}/")
    assert "/accounts/login/" in page.url
