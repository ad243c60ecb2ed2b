"""A list in the browser: sort by a column, export what is shown as XLSX, open it with openpyxl."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from accounts.choices import Role
from tests.factories import DEFAULT_PASSWORD, EnterpriseFilingFactory, UserFactory, bureau

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_inspector_sorts_the_enterprise_list_and_exports_it_as_xlsx(page):
    zj = bureau("ZJ")
    UserFactory(username="zj_inspector", role=Role.INSPECTOR, bureau=zj)
    for name in ("杭州乙公司", '=HYPERLINK("http://evil")', "杭州甲公司"):
        EnterpriseFilingFactory(name=name, region_code="330106", bureau=zj)

    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", "zj_inspector")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=home-title]")
    page.goto(f"{page.base_url}/filings/enterprises/")

    page.click("[data-testid=sort-name]")
    page.wait_for_url("**sort=name**")
    assert page.get_attribute("[data-testid=enterprise-table] th[aria-sort]", "aria-sort") == "ascending"
    shown = page.locator("[data-testid=enterprise-table] tbody tr td:nth-child(2)").all_inner_texts()
    page.click("[data-testid=sort-name]")
    page.wait_for_url("**sort=-name**")
    descending = page.locator("[data-testid=enterprise-table] tbody tr td:nth-child(2)").all_inner_texts()
    assert descending == list(reversed(shown)) and len(shown) == 3

    with page.expect_download() as download:
        page.click("[data-testid=export-xlsx]")
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    with translation.override("zh-hans"):
        heading = gettext("Enterprise name")
    assert sheet["A1"].value == heading and heading != "Enterprise name"
    names = [sheet.cell(row=row, column=1).value for row in range(2, sheet.max_row + 1)]
    assert names == [name.strip() for name in descending]
    formula = next(row for row in range(2, sheet.max_row + 1) if sheet.cell(row=row, column=1).value.startswith("="))
    assert sheet.cell(row=formula, column=1).data_type == "s"
