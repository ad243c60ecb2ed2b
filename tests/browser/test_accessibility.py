"""Accessibility basics (WCAG 2.1 AA, issue 9 §6): axe-core finds no serious or critical violation on
the main pages, in Chinese and in English, as an inspector, a bureau administrator, headquarters and
an enterprise see them.

The data is what the pages show at their fullest: an approved enterprise with approved products, a
bonded batch with a suspected line awaiting on-site verification, a partially refused batch (a
prohibited line beside an ordinary one), an enterprise filing and a product filing waiting for review
(their decision dialogs), a draft product (its upload forms), and notifications of the approvals.
Besides axe's rules: no id used twice (axe 4.10 no longer checks), and focus outlined when tabbing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

from accounts.choices import Role
from anticounterfeit import services as counterfeit
from catalogues.models import CatalogueEdition
from filings import services
from imports.choices import BatchStatus
from risk_monitoring.public_views import thanks_url
from risk_monitoring.services import complaint_submit
from tests.builders import TOY, approve, complete
from tests.factories import DEFAULT_PASSWORD, EnterpriseFilingFactory, UserFactory
from tests.imports.pages import CLEANER, CYANIDE, HAIR_DRYER, TOWEL, declare

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
  // For colour contrast, what was measured: the fix is then plain from the report.
  const measured = n => {
    const data = n.any[0] && n.any[0].data;
    return data && data.contrastRatio ? `${data.fgColor} on ${data.bgColor}: ${data.contrastRatio}` : '';
  };
  const result = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']});
  // axe leaves text of a character or two (a count: "0", "12") "to review" rather than failing it;
  // a count is text, so a measured ratio under the one expected fails here too.
  const tooLow = n => {
    const data = n.any[0] && n.any[0].data;
    return data && data.contrastRatio && data.expectedContrastRatio
      && data.contrastRatio < parseFloat(data.expectedContrastRatio);
  };
  const shortText = result.incomplete
    .filter(v => v.id === 'color-contrast')
    .map(v => ({...v, id: 'color-contrast (short text)', impact: 'serious', nodes: v.nodes.filter(tooLow)}))
    .filter(v => v.nodes.length);
  return [...result.violations, ...shortText]
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
                details: v.nodes.slice(0, 3).map(measured),
                all: v.nodes.map(n => `${n.target.join(' ')} ${measured(n)} | ${n.html.slice(0, 160)}`)}));
}"""


@pytest.fixture
def data(world):
    """Everything the pages below show, built through the services."""
    alice_co = approve(world.alice_co, world.alice, world.zj_inspector)
    toy = services.product_create(actor=world.alice, enterprise=alice_co, **TOY)
    services.product_submit(actor=world.alice, product=toy)
    services.product_approve(actor=world.zj_inspector, product=toy)
    to_verify = declare(world, HAIR_DRYER, CLEANER, {"product": toy.pk, "quantity": 5, "value_cny": 645})
    refused = declare(world, CYANIDE, TOWEL)
    assert (to_verify.status, refused.status) == (BatchStatus.VERIFICATION_REQUIRED, BatchStatus.PARTIALLY_REFUSED)
    waiting = EnterpriseFilingFactory(name="杭州待审跨境贸易有限公司", region_code="330106", bureau=world.zj)
    waiting_user = UserFactory(username="waiting", role=Role.ENTERPRISE, bureau=None, enterprise=waiting)
    complete(waiting, waiting_user)
    services.enterprise_submit(actor=waiting_user, filing=waiting)
    draft = services.product_create(actor=world.alice, enterprise=alice_co, **{**TOY, "gtin": "", "model": "10699"})
    submitted = services.product_create(actor=world.alice, enterprise=alice_co, **{**TOY, "gtin": "", "model": "10700"})
    services.product_submit(actor=world.alice, product=submitted)
    # Anti-counterfeiting (issue 12): a lead, and a case proposed from another with a physical item of evidence
    lead = counterfeit.lead_create(
        actor=world.zj_inspector,
        channel="rights_holder",
        title="店铺销售仿冒运动鞋",
        brand="AURORA",
        enterprise=alice_co.pk,
        urls=["https://shop.example.cn/1"],
        rights_holder="极光运动用品有限公司",
    )
    source = counterfeit.lead_create(actor=world.zj_inspector, channel="informant", title="举报仿冒手表")
    case = counterfeit.case_create(actor=world.zj_inspector, leads=[source.pk], description="涉嫌销售仿冒手表")
    counterfeit.evidence_add(
        actor=world.zj_inspector, case=case, kind="physical", quantity=3, unit="只", description="仿冒手表 3 只"
    )
    return {
        "lead": lead,
        "case": case,
        "enterprise": alice_co,
        "waiting": waiting,
        "product": toy,
        "draft": draft,
        "submitted": submitted,
        "to_verify": to_verify,
        "refused": refused,
        "catalogue": CatalogueEdition.objects.order_by("pk").first(),
    }


def pages_of(role: str, data) -> list[str]:
    """The pages each role is shown. A template is looked at once per role that sees it differently:
    the inspector's pages carry the decisions and verification forms, the enterprise's the forms to
    file and declare; the bureau administrator and headquarters add their own home and queues."""
    if role == "bureau_admin":
        return [
            "/",
            "/filings/review/",
            "/accounts/bureaus/",
            "/risks/dashboard/",
            f"/anticounterfeit/cases/{data['case'].pk}/",
            "/anticounterfeit/rights-holders/",
        ]
    if role == "hq":
        return ["/", "/filings/review/", "/imports/verifications/", "/catalogues/upload/", "/risks/dashboard/"]
    shared = [
        "/",
        "/filings/products/",
        f"/filings/products/{data['product'].pk}/",
        f"/filings/enterprises/{data['enterprise'].pk}/",
        "/imports/",
        f"/imports/{data['to_verify'].pk}/",
        f"/imports/{data['refused'].pk}/",
    ]
    if role == "enterprise":
        return [
            *shared,
            f"/filings/products/{data['draft'].pk}/",
            "/filings/products/new/",
            f"/filings/products/{data['draft'].pk}/edit/",
            "/filings/products/bulk/",
            "/imports/new/",
            "/imports/exports/",
            "/imports/exports/upload/",
            "/catalogues/",
            f"/catalogues/{data['catalogue'].pk}/",
            "/notifications/",
            "/partnerships/",
        ]  # and the classify page with its results, the batch form with its errors (below)
    return [
        *shared,
        "/filings/review/",
        "/filings/enterprises/",
        f"/filings/enterprises/{data['waiting'].pk}/",
        f"/filings/products/{data['submitted'].pk}/",
        "/imports/verifications/",
        "/partnerships/",
        "/accounts/bureaus/",
        "/anticounterfeit/leads/",
        f"/anticounterfeit/leads/{data['lead'].pk}/",
        "/anticounterfeit/leads/new/",
        "/anticounterfeit/cases/",
        f"/anticounterfeit/cases/{data['case'].pk}/",
        f"/anticounterfeit/cases/new/?leads={data['lead'].pk}",
        f"/anticounterfeit/cases/{data['case'].pk}/evidence/add/",
    ]


#: axe-core 4.10 no longer checks ids (WCAG 2.2 dropped 4.1.1), but a label, aria-controls or a modal
#: target that names an id shared by two elements points at the wrong one: checked here.
DUPLICATE_IDS = """() => {
  const count = {};
  for (const el of document.querySelectorAll('[id]')) { count[el.id] = (count[el.id] || 0) + 1; }
  return Object.keys(count).filter(id => count[id] > 1);
}"""


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(AXE_RUN)
    duplicates = page.evaluate(DUPLICATE_IDS)
    if duplicates:
        targets = [f"#{d}" for d in duplicates]
        violations.append(
            {
                "id": "duplicate-id",
                "impact": "serious",
                "help": "ids must be unique",
                "targets": targets[:3],
                "details": [""],
                "all": targets,
                "count": len(targets),
            }
        )
    return violations


def check(page, url: str, found: dict[str, list[dict]], key: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    violations = axe_violations(page)
    if violations:
        found[key] = violations


def classify_with_results(page, base: str, found: dict[str, list[dict]], key: str) -> None:
    """The classify page with its results shown: a prohibited line and an ordinary one."""
    page.goto(f"{base}/imports/classify/")
    page.fill("#id_line-0-description", "氰化钠")
    page.fill("#id_line-0-hs_code", "2837111000")
    page.fill("#id_line-0-cas_numbers", "143-33-9")
    page.fill("#id_line-1-description", "纯棉浴巾")
    page.fill("#id_line-1-hs_code", "6302601000")
    page.click("[data-testid=classify-submit]")
    page.wait_for_selector("[data-testid=results]")
    violations = axe_violations(page)
    if violations:
        found[key] = violations


def batch_form_with_errors(page, base: str, found: dict[str, list[dict]], key: str) -> None:
    """The batch form sent back with a line in error: its row is tinted, its inputs marked invalid."""
    page.goto(f"{base}/imports/new/")
    page.fill("#id_line-0-description", "氰化钠")
    page.fill("#id_line-0-hs_code", "28371")
    page.fill("#id_line-0-quantity", "0")
    page.click("[data-testid=declare-submit]")
    page.wait_for_selector("[data-testid=row-errors]")
    violations = axe_violations(page)
    if violations:
        found[key] = violations


def complaint_thanks(world) -> str:
    """The thank-you page of a consumer's complaint sent through the service."""
    complaint = complaint_submit(
        name="王小明",
        contact="13800138000",
        product="儿童磁力积木",
        what_happened="磁铁脱落",
        platform_name="某海外购",
        consent=True,
    )
    return thanks_url(complaint.reference)


def consumer_notice(world) -> str:
    """The public page of a consumer risk notice the Zhejiang bureau published."""
    from traceability.services import consumer_notices

    notice = consumer_notices.consumer_notice_create(
        actor=world.zj_inspector,
        title_zh="儿童磁力积木误吞风险",
        title_en="Magnetic building blocks: swallowing risk",
        product_text="儿童磁力积木",
        hazard="choking",
        what_to_do_zh="立即停止使用。",
        what_to_do_en="Stop using it at once.",
    )
    consumer_notices.consumer_notice_publish(actor=world.zj_inspector, notice=notice)
    return notice.get_public_url()


def complaint_form_with_errors(page, base: str, found: dict[str, list[dict]], key: str) -> None:
    """The public complaint form sent back with its fields in error."""
    page.goto(f"{base}/complaints/new/")
    page.fill("#id_contact", "12345")
    page.click("[data-testid=complaint-submit]")
    page.wait_for_selector("[data-testid=form-errors]")
    violations = axe_violations(page)
    if violations:
        found[key] = violations


FOCUS_OUTLINE = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {tag: el.tagName, text: (el.textContent || el.name || '').trim().slice(0, 40),
          outline: `${style.outlineStyle} ${style.outlineWidth}`};
}"""


def focus_is_visible(page, presses: int) -> list[str]:
    """Tab through the page's first controls: each one focused is outlined solid (not a faint glow)."""
    unseen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_OUTLINE)
        if focused["tag"] != "BODY" and not focused["outline"].startswith("solid 2px"):
            unseen.append(f"{focused['tag']} {focused['text']!r}: outline {focused['outline']}")
    return unseen


def report(found: dict[str, list[dict]]) -> str:
    lines = []
    for url, violations in found.items():
        lines.append(url)
        for v in violations:
            lines.append(f"  {v['id']} [{v['impact']}] {v['help']} ({v['count']} nodes): {json.dumps(v['targets'])}")
            if any(v["details"]):
                lines.append(f"    {json.dumps(v['details'], ensure_ascii=False)}")
    return "\n".join(lines)


LANGUAGES = ("zh-hans", "en")
USERS = {"inspector": "zj_inspector", "bureau_admin": "zj_admin", "hq": "hq", "enterprise": "alice"}


def new_page(browser, base: str):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def speak(page, base: str, language: str) -> None:
    """Switch the session's language as the language buttons do: Django's language cookie."""
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])


def test_axe_finds_no_serious_violation_on_the_main_pages_in_both_languages(browser, live_server, world, data):
    base = live_server.url
    found: dict[str, list[dict]] = {}
    public_pages = ("/complaints/new/", complaint_thanks(world), "/notices/", consumer_notice(world))
    context, page = new_page(browser, base)
    try:
        for language in LANGUAGES:
            speak(page, base, language)
            for path in ("/accounts/login/", "/accounts/signup/", *public_pages):
                check(page, f"{base}{path}", found, f"{language} anonymous {path}")
                assert page.locator("html").get_attribute("lang") == language
            complaint_form_with_errors(page, base, found, f"{language} anonymous /complaints/new/ (errors)")
        page.goto(f"{base}/accounts/login/")
        # the skip link, the language buttons, the fields, the button, the signup link
        assert focus_is_visible(page, 7) == []
    finally:
        context.close()
    for role, username in USERS.items():
        context, page = new_page(browser, base)
        try:
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", DEFAULT_PASSWORD)
            page.click("[data-testid=login-submit]")
            page.wait_for_selector("[data-testid=home-title]")
            if role == "enterprise":
                # the navigation bar (dark: a white outline), the filters, the table's links
                page.goto(f"{base}/filings/products/")
                assert focus_is_visible(page, 25) == []
            for language in LANGUAGES:
                speak(page, base, language)
                for path in pages_of(role, data):
                    check(page, f"{base}{path}", found, f"{language} {role} {path}")
                    assert page.locator("html").get_attribute("lang") == language
                if role == "enterprise":
                    classify_with_results(page, base, found, f"{language} {role} /imports/classify/ (results)")
                    batch_form_with_errors(page, base, found, f"{language} {role} /imports/new/ (errors)")
        finally:
            context.close()
    if found and os.environ.get("AXE_DUMP"):
        Path(os.environ["AXE_DUMP"]).write_text(json.dumps(found, ensure_ascii=False, indent=1))
    assert not found, f"axe-core: serious or critical violations\n{report(found)}"
