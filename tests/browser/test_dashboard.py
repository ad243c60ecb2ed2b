"""Headquarters opens the home page: the vendored chart draws the weekly trend, and a figure of the
per-bureau table leads to the list it counts."""

from __future__ import annotations

import pytest

from accounts.choices import Role
from imports.choices import BatchStatus
from tests.core.test_dashboards import make_batch
from tests.factories import DEFAULT_PASSWORD, EnterpriseFilingFactory, UserFactory, bureau

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_headquarters_sees_the_chart_and_follows_a_figure_to_its_list(page):
    UserFactory(username="hq", role=Role.HQ, bureau=bureau("HQ"))
    operator = EnterpriseFilingFactory(bureau=bureau("ZJ"))
    make_batch(operator, bureau("ZJ"), BatchStatus.REFUSED, tiers=(1,))
    make_batch(operator, bureau("ZJ"), BatchStatus.RELEASED)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{page.base_url}/")
    page.fill("#id_username", "hq")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=trend-chart]")
    # The scripts come after the canvas in the page: wait until the chart is drawn.
    page.wait_for_load_state("load")
    page.wait_for_function("window.Chart && window.Chart.getChart('trend-chart')")

    # Chart.js is loaded from our own static files and drew on the canvas.
    assert page.evaluate("typeof window.Chart") == "function"
    assert page.evaluate("window.Chart.getChart('trend-chart').data.datasets[0].data.at(-1)") == 2
    assert page.get_attribute("[data-testid=trend-chart]", "aria-label")
    assert errors == []

    row = page.locator("[data-testid=bureau-row][data-bureau=ZJ]")
    refused = row.locator("a[data-testid=figure][href*='status=refused']")
    assert refused.inner_text() == "1"
    refused.click()
    page.wait_for_url("**/imports/?**")
    assert "status=partially_refused" in page.url and "declared_after=" in page.url
    assert page.locator("tbody tr").count() == 1
