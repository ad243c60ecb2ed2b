"""Signing in and out in the browser tests, as a user does it: the login page, then the home page."""

from __future__ import annotations

from tests.factories import DEFAULT_PASSWORD


def sign_in(page, username: str, password: str = DEFAULT_PASSWORD, *, wait_for_home: bool = True) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("[data-testid=login-submit]")
    if wait_for_home:
        page.wait_for_selector("[data-testid=home-title]")


def sign_out(page) -> None:
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/**")
