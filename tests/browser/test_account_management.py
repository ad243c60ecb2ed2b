"""Issue 9 §1 end to end, in Chinese: a bureau administrator creates an inspector, who signs in with the
one-time password and must change it before anything else."""

from __future__ import annotations

import pytest

from accounts.choices import Role
from accounts.models import User
from tests.browser.session import sign_in
from tests.factories import DEFAULT_PASSWORD, UserFactory, bureau

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Zhejiang-inspect-2027"


def test_a_bureau_admin_creates_an_inspector_who_must_change_the_one_time_password_first(page):
    zj = bureau("ZJ")
    UserFactory(username="zj_admin", role=Role.BUREAU_ADMIN, bureau=zj)

    sign_in(page, "zj_admin", DEFAULT_PASSWORD, wait_for_home=False)
    page.wait_for_selector("[data-testid=home-title]")
    page.click("[data-testid=nav-accounts]")
    page.wait_for_selector("[data-testid=user-table]")
    page.click("[data-testid=user-create]")
    page.fill("#id_username", "zj_li")
    page.fill("#id_last_name", "李")
    page.fill("#id_first_name", "明")
    page.select_option("#id_role", "inspector")
    page.select_option("#id_bureau", str(zj.pk))
    page.click("[data-testid=user-submit]")
    one_time = page.locator("[data-testid=one-time-password]").inner_text().strip()
    assert len(one_time) >= 14
    page.goto(f"{page.base_url}/accounts/users/")
    assert page.locator("[data-testid=user-table]", has_text="zj_li").count() == 1
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/**")

    sign_in(page, "zj_li", one_time, wait_for_home=False)
    page.wait_for_url("**/accounts/password_change/")
    assert page.locator("[data-testid=must-change-password]").is_visible()
    # Nothing else until the password is changed: the home page leads back here.
    page.goto(f"{page.base_url}/filings/enterprises/")
    page.wait_for_url("**/accounts/password_change/")
    page.fill("#id_old_password", one_time)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("[data-testid=password-change-submit]")
    page.wait_for_url("**/accounts/me/")
    assert page.locator("[data-testid=logins]").inner_text().count("127.0.0.1") == 1
    page.goto(f"{page.base_url}/")
    page.wait_for_selector("[data-testid=home-title]")

    user = User.objects.get(username="zj_li")
    assert user.role == Role.INSPECTOR and user.bureau == zj and not user.must_change_password
    assert user.check_password(NEW_PASSWORD)
