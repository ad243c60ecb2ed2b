"""The filing pages: who sees what, each button calls its service, refusals change nothing.

Alice works for Alice Co (Zhejiang bureau), Bob for Bob Co (Guangdong); zj_inspector and zj_admin
review for Zhejiang, gd_inspector for Guangdong; hq sees everything and decides nothing.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cbec_supervision.models import Attachment, Notification
from cbec_supervision.notifications import notify
from filings import services
from filings.choices import ChangeRequestStatus, FilingStatus
from filings.models import ChangeRequest, EnterpriseFiling, ProductFiling, ProductTestReport
from tests.builders import TOY, complete
from tests.factories import ChangeRequestFactory, EnterpriseFilingFactory, ProductFilingFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)
ANON = None


def browser_as(user) -> Client:
    """A client that reads the pages in English, signed in as ``user`` (None: anonymous)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def expected_status(role, visible: set[str]) -> int:
    return 302 if role is ANON else 200 if role in visible else 404


# --- who sees which page --------------------------------------------------------------------------

ROLES = ["alice", "bob", "zj_inspector", "zj_admin", "gd_inspector", "hq", ANON]


@pytest.mark.parametrize("role", ROLES)
def test_the_enterprise_page_is_seen_by_its_users_its_bureau_and_hq(world, role):
    user = getattr(world, role) if role else None
    response = browser_as(user).get(reverse("filings:enterprise_detail", args=[world.alice_co.pk]))
    assert response.status_code == expected_status(role, {"alice", "zj_inspector", "zj_admin", "hq"})


@pytest.mark.parametrize("role", ROLES)
def test_the_product_page_is_seen_by_its_enterprise_its_bureau_and_hq(world, toy, role):
    user = getattr(world, role) if role else None
    response = browser_as(user).get(reverse("filings:product_detail", args=[toy.pk]))
    assert response.status_code == expected_status(role, {"alice", "zj_inspector", "zj_admin", "hq"})


@pytest.mark.parametrize("role", ROLES)
def test_the_product_list_shows_only_what_the_role_may_see(world, toy, role):
    user = getattr(world, role) if role else None
    response = browser_as(user).get(reverse("filings:product_list"))
    if role is ANON:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    shown = {row.pk for row in response.context["rows"]}
    assert (toy.pk in shown) == (role in {"alice", "zj_inspector", "zj_admin", "hq"})


@pytest.mark.parametrize("role", ROLES)
def test_the_review_queue_is_for_bureau_staff_and_hq(world, role):
    user = getattr(world, role) if role else None
    response = browser_as(user).get(reverse("filings:review_queue"))
    assert response.status_code == expected_status(role, {"zj_inspector", "zj_admin", "gd_inspector", "hq"})


@pytest.mark.parametrize("role", ROLES)
def test_a_change_request_is_seen_like_its_filing(world, role):
    change = ChangeRequestFactory(enterprise=world.alice_co, submitted_by=world.alice)
    user = getattr(world, role) if role else None
    response = browser_as(user).get(reverse("filings:change_request_detail", args=[change.pk]))
    assert response.status_code == expected_status(role, {"alice", "zj_inspector", "zj_admin", "hq"})


@pytest.mark.parametrize(
    ("url_name", "needs"),
    [
        ("filings:enterprise_edit", "enterprise"),
        ("filings:enterprise_change_request", "enterprise"),
        ("filings:product_create", None),
        ("filings:product_bulk", None),
        ("filings:product_edit", "product"),
        ("filings:product_change_request", "product"),
    ],
)
@pytest.mark.parametrize("role", ROLES)
def test_enterprise_pages_are_for_the_enterprises_own_users(world, url_name, needs, role):
    product = ProductFilingFactory(enterprise=world.alice_co)
    args = {"enterprise": [world.alice_co.pk], "product": [product.pk], None: []}[needs]
    user = getattr(world, role) if role else None
    response = browser_as(user).get(reverse(url_name, args=args))
    if role == "bob" and needs is None:
        assert response.status_code == 200  # Bob files his own products on the same pages
    else:
        assert response.status_code == expected_status(role, {"alice"})


@pytest.mark.parametrize("role", ROLES)
def test_the_reason_pages_are_for_the_competent_bureau(world, role):
    user = getattr(world, role) if role else None
    client = browser_as(user)
    decide = client.get(reverse("filings:enterprise_decide", args=[world.alice_co.pk, "return"]))
    bureau = client.get(reverse("filings:enterprise_set_bureau", args=[world.alice_co.pk]))
    expected = expected_status(role, {"zj_inspector", "zj_admin"})
    assert decide.status_code == expected
    assert bureau.status_code == expected


@pytest.mark.parametrize("role", ["alice", "zj_inspector", "hq"])
def test_the_inbox_is_for_everyone_signed_in(world, role):
    assert browser_as(getattr(world, role)).get(reverse("notification_list")).status_code == 200
    assert browser_as(None).get(reverse("notification_list")).status_code == 302


def test_an_unknown_decision_is_404(world):
    client = browser_as(world.zj_inspector)
    assert client.post(reverse("filings:enterprise_decide", args=[world.alice_co.pk, "bless"])).status_code == 404


# --- the enterprise portal ------------------------------------------------------------------------


def test_a_draft_shows_what_is_missing_and_the_edit_and_submit_buttons(world):
    response = browser_as(world.alice).get(world.alice_co.get_absolute_url())
    page = response.content.decode()
    assert response.context["missing"]["pledge_signed"]
    assert "Sign the quality-integrity pledge." in page
    assert 'data-testid="edit"' in page and 'data-testid="submit"' in page
    assert 'data-testid="decisions"' not in page


def test_the_enterprise_user_edits_the_filing_with_types_categories_systems_and_documents(world):
    data = {
        "name": "Alice Co",
        "legal_representative": "张三",
        "contact_name": "李四",
        "contact_phone": "0571-87654321",
        "email": "info@alice.example.cn",
        "address": "浙江省杭州市西湖区文三路 1 号",
        "region_code": "330106",
        "types": ["operator", "platform"],
        "main_categories": ["textile"],
        "platform_name": "Alice Mall",
        "platform_url": "https://mall.alice.example.cn",
        "systems": ["quality_management", "traceability"],
        "pledge_signed": "on",
        "document_quality_management": SimpleUploadedFile("quality.pdf", PDF),
        "pledge_document": SimpleUploadedFile("pledge.pdf", PDF),
    }
    response = browser_as(world.alice).post(reverse("filings:enterprise_edit", args=[world.alice_co.pk]), data)
    assert response.status_code == 302
    filing = EnterpriseFiling.objects.get(pk=world.alice_co.pk)
    assert filing.types == ["operator", "platform"]
    assert filing.main_categories == ["textile"]
    assert filing.systems == ["quality_management", "traceability"]
    assert filing.pledge_signed and filing.platform_name == "Alice Mall"
    kinds = set(Attachment.objects.for_object(filing).values_list("kind", flat=True))
    assert kinds == {"quality_management", "pledge"}


def edit_data(**overrides) -> dict:
    data = {"name": "Alice Co", "region_code": "330106", "contact_phone": "13812345678"}
    data.update(overrides)
    return data


def test_edit_errors_from_the_service_show_on_their_fields(world):
    url = reverse("filings:enterprise_edit", args=[world.alice_co.pk])
    response = browser_as(world.alice).post(url, edit_data(contact_phone="12345", platform_url="mall"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "mainland phone number" in form.errors["contact_phone"][0]
    assert "http://" in form.errors["platform_url"][0]
    assert EnterpriseFiling.objects.get(pk=world.alice_co.pk).contact_phone == "13812345678"


def test_a_region_code_without_a_bureau_is_refused_on_its_field(world):
    url = reverse("filings:enterprise_edit", args=[world.alice_co.pk])
    response = browser_as(world.alice).post(url, edit_data(region_code="990000"))
    assert "No competent bureau" in response.context["form"].errors["region_code"][0]


def test_a_refused_document_undoes_the_whole_edit(world):
    url = reverse("filings:enterprise_edit", args=[world.alice_co.pk])
    data = edit_data(legal_representative="王五", document_traceability=SimpleUploadedFile("trace.pdf", b"not a pdf"))
    response = browser_as(world.alice).post(url, data)
    assert response.status_code == 200
    assert "not .pdf" in response.context["form"].errors["document_traceability"][0]
    assert EnterpriseFiling.objects.get(pk=world.alice_co.pk).legal_representative == "张三"
    assert not Attachment.objects.exists()


def test_submit_refused_lists_what_is_missing_and_changes_nothing(world):
    response = browser_as(world.alice).post(reverse("filings:enterprise_submit", args=[world.alice_co.pk]), follow=True)
    assert "Sign the quality-integrity pledge." in messages_of(response)
    assert EnterpriseFiling.objects.get(pk=world.alice_co.pk).status == FilingStatus.DRAFT


def test_submit_sends_a_complete_filing_to_the_bureau(world):
    complete(world.alice_co, world.alice)
    response = browser_as(world.alice).post(reverse("filings:enterprise_submit", args=[world.alice_co.pk]), follow=True)
    assert response.redirect_chain[-1][0] == world.alice_co.get_absolute_url()
    assert any("submitted to" in m for m in messages_of(response))
    assert EnterpriseFiling.objects.get(pk=world.alice_co.pk).status == FilingStatus.SUBMITTED


def test_an_approved_filing_is_not_edited_but_changed_by_request(world, approved_alice_co):
    client = browser_as(world.alice)
    response = client.get(reverse("filings:enterprise_edit", args=[approved_alice_co.pk]))
    assert response.status_code == 302
    detail = client.get(approved_alice_co.get_absolute_url()).content.decode()
    assert 'data-testid="request-change"' in detail and 'data-testid="edit"' not in detail


def change_data(filing, **overrides) -> dict:
    from filings.forms import EnterpriseFilingForm

    data = {k: v for k, v in EnterpriseFilingForm.initial_for(filing).items() if v not in (None, False)}
    data.update(overrides)
    return data


def test_the_enterprise_requests_a_change_and_only_the_changed_field_is_sent(world, approved_alice_co):
    url = reverse("filings:enterprise_change_request", args=[approved_alice_co.pk])
    response = browser_as(world.alice).post(
        url, change_data(approved_alice_co, contact_name="王五", explanation="换人")
    )
    assert response.status_code == 302
    change = ChangeRequest.objects.get()
    assert change.changes == {"contact_name": "王五"} and change.original == {"contact_name": "李四"}
    assert change.explanation == "换人"
    assert EnterpriseFiling.objects.get(pk=approved_alice_co.pk).contact_name == "李四"


def test_a_change_request_without_a_change_is_refused_on_the_form(world, approved_alice_co):
    url = reverse("filings:enterprise_change_request", args=[approved_alice_co.pk])
    response = browser_as(world.alice).post(url, change_data(approved_alice_co))
    assert response.status_code == 200
    assert "already in force" in response.context["form"].non_field_errors()[0]
    assert not ChangeRequest.objects.exists()


def test_the_enterprise_adds_a_colleague(world):
    data = {"username": "alice2", "email": "a2@alice.example.cn", "password": "Str0ng-pass!", "password_confirm": ""}
    url = reverse("filings:colleague_add", args=[world.alice_co.pk])
    client = browser_as(world.alice)
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["colleague_form"].errors["password_confirm"]
    response = client.post(url, {**data, "password_confirm": "Str0ng-pass!"})
    assert response.status_code == 302
    assert User.objects.get(username="alice2").enterprise_id == world.alice_co.pk


def test_a_taken_username_is_refused_on_its_field(world):
    data = {"username": "bob", "password": "Str0ng-pass!", "password_confirm": "Str0ng-pass!"}
    response = browser_as(world.alice).post(reverse("filings:colleague_add", args=[world.alice_co.pk]), data)
    assert "taken" in response.context["colleague_form"].errors["username"][0]


def test_others_cannot_add_colleagues(world):
    data = {"username": "mallory", "password": "Str0ng-pass!", "password_confirm": "Str0ng-pass!"}
    for user in (world.bob, world.zj_inspector):
        assert (
            browser_as(user).post(reverse("filings:colleague_add", args=[world.alice_co.pk]), data).status_code == 404
        )
    assert not User.objects.filter(username="mallory").exists()


# --- products -------------------------------------------------------------------------------------


def product_data(**overrides) -> dict:
    data = {**TOY, "cas_numbers": ""}
    data.update(overrides)
    return data


def test_a_new_product_is_saved_as_a_draft(world):
    response = browser_as(world.alice).post(
        reverse("filings:product_create"), product_data(cas_numbers="117-81-7; 84-74-2", used="")
    )
    product = ProductFiling.objects.get()
    assert response.status_code == 302 and response["Location"] == product.get_absolute_url()
    assert product.enterprise_id == world.alice_co.pk and product.status == FilingStatus.DRAFT
    assert product.cas_numbers == ["117-81-7", "84-74-2"] and product.origin_country.code == "DK"


def test_product_errors_show_on_their_fields(world):
    data = product_data(hs_code="1234567890", gtin="5702016616317", subcategory="clothing")
    response = browser_as(world.alice).post(reverse("filings:product_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "not a China Customs commodity code" in errors["hs_code"][0]
    assert "check digit" in errors["gtin"][0]
    assert "does not belong" in errors["subcategory"][0]
    assert not ProductFiling.objects.exists()


def test_the_product_form_offers_countries_and_sub_categories_by_category(world):
    response = browser_as(world.alice).get(reverse("filings:product_create"))
    page = response.content.decode()
    assert '<option value="DK">Denmark</option>' in page
    assert '<optgroup label="Textile">' in page


def test_a_product_is_not_submitted_before_the_enterprise_is_approved(world):
    product = ProductFilingFactory(enterprise=world.alice_co)
    response = browser_as(world.alice).post(reverse("filings:product_submit", args=[product.pk]), follow=True)
    assert any("once the enterprise's own filing is approved" in m for m in messages_of(response))
    assert ProductFiling.objects.get(pk=product.pk).status == FilingStatus.DRAFT


def test_the_product_is_submitted_then_approved_and_shows_its_filing_number(world, toy):
    browser_as(world.alice).post(reverse("filings:product_submit", args=[toy.pk]))
    assert ProductFiling.objects.get(pk=toy.pk).status == FilingStatus.SUBMITTED
    response = browser_as(world.zj_inspector).post(
        reverse("filings:product_decide", args=[toy.pk, "approve"]), follow=True
    )
    toy.refresh_from_db()
    assert toy.status == FilingStatus.APPROVED and toy.filing_no
    assert any(toy.filing_no in m for m in messages_of(response))
    assert toy.filing_no in browser_as(world.alice).get(toy.get_absolute_url()).content.decode()


def test_the_label_file_and_a_test_report_are_added_to_a_product(world, toy):
    client = browser_as(world.alice)
    client.post(reverse("filings:product_label", args=[toy.pk]), {"file": SimpleUploadedFile("label.png", PNG)})
    report = {
        "lab": "SGS",
        "report_no": "R-1",
        "issued_on": "2026-01-12",
        "standard": "GB 6675",
        "verdict": "pass",
        "file": SimpleUploadedFile("r.pdf", PDF),
    }
    response = client.post(reverse("filings:product_test_report_add", args=[toy.pk]), report)
    assert response.status_code == 302
    assert set(Attachment.objects.for_object(toy).values_list("kind", flat=True)) == {"chinese_label", "test_report"}
    saved = ProductTestReport.objects.get()
    assert saved.attachment is not None
    page = client.get(toy.get_absolute_url()).content.decode()
    assert saved.attachment.sha256 in page and "R-1" in page


def test_a_test_report_dated_in_the_future_is_refused_on_its_field(world, toy):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    report = {"lab": "SGS", "report_no": "R-2", "issued_on": tomorrow, "verdict": "fail"}
    response = browser_as(world.alice).post(reverse("filings:product_test_report_add", args=[toy.pk]), report)
    assert response.status_code == 200
    assert "future" in response.context["report_form"].errors["issued_on"][0]
    assert not ProductTestReport.objects.exists()


def test_a_label_file_of_the_wrong_type_is_refused_on_the_form(world, toy):
    response = browser_as(world.alice).post(
        reverse("filings:product_label", args=[toy.pk]), {"file": SimpleUploadedFile("label.exe", b"MZ...")}
    )
    assert response.status_code == 200
    assert "not accepted" in response.context["label_form"].errors["file"][0]


def test_the_product_is_edited_while_a_draft(world, toy):
    url = reverse("filings:product_edit", args=[toy.pk])
    response = browser_as(world.alice).post(url, product_data(brand="Duplo"))
    assert response.status_code == 302
    assert ProductFiling.objects.get(pk=toy.pk).brand == "Duplo"


def test_the_product_detail_shows_everything_an_inspector_needs(world, toy):
    ProductFilingFactory.create_batch(2, enterprise=toy.enterprise)
    services.product_submit(actor=world.alice, product=toy)
    response = browser_as(world.zj_inspector).get(toy.get_absolute_url())
    page = response.content.decode()
    assert response.context["others"] == 2
    assert response.context["tier_label"] == "Key supervision"  # toys: compulsory certification (HS 9503)
    assert "95030089" in page  # the customs commodity code and its name
    assert 'data-testid="decide-approve"' in page and 'data-testid="decide-return"' in page


def test_hq_sees_no_buttons(world, toy):
    services.product_submit(actor=world.alice, product=toy)
    page = browser_as(world.hq).get(toy.get_absolute_url()).content.decode()
    assert 'data-testid="decisions"' not in page and 'data-testid="submit"' not in page


def test_the_product_change_request_is_approved_and_takes_effect(world, toy):
    services.product_submit(actor=world.alice, product=toy)
    services.product_approve(actor=world.zj_inspector, product=toy)
    url = reverse("filings:product_change_request", args=[toy.pk])
    response = browser_as(world.alice).post(url, product_data(model="10699"))
    assert response.status_code == 302
    change = ChangeRequest.objects.get(product=toy)
    assert change.changes == {"model": "10699"}
    page = browser_as(world.zj_inspector).get(change.get_absolute_url())
    assert page.context["rows"][0]["original"] == "10698" and page.context["rows"][0]["proposed"] == "10699"
    browser_as(world.zj_inspector).post(reverse("filings:change_request_decide", args=[change.pk, "approve"]))
    assert ProductFiling.objects.get(pk=toy.pk).model == "10699"


# --- decisions by the competent bureau ------------------------------------------------------------


@pytest.fixture
def submitted_alice_co(world):
    complete(world.alice_co, world.alice)
    return services.enterprise_submit(actor=world.alice, filing=world.alice_co)


def decide(user, filing, action, reason=None, follow=True):
    data = {} if reason is None else {"reason": reason}
    return browser_as(user).post(reverse("filings:enterprise_decide", args=[filing.pk, action]), data, follow=follow)


def test_the_inspector_approves_and_a_filing_number_is_issued(world, submitted_alice_co):
    response = decide(world.zj_inspector, submitted_alice_co, "approve")
    filing = EnterpriseFiling.objects.get(pk=submitted_alice_co.pk)
    assert filing.status == FilingStatus.APPROVED and filing.filing_no.startswith("ZJ")
    assert response.redirect_chain[-1][0] == filing.get_absolute_url()
    assert any(filing.filing_no in m for m in messages_of(response))


def test_returning_needs_a_reason_shown_on_the_reason_field(world, submitted_alice_co):
    response = decide(world.zj_inspector, submitted_alice_co, "return", reason="  ")
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Give a reason."]
    assert EnterpriseFiling.objects.get(pk=submitted_alice_co.pk).status == FilingStatus.SUBMITTED


def test_a_returned_filing_shows_the_reason_prominently_to_the_enterprise(world, submitted_alice_co):
    decide(world.zj_inspector, submitted_alice_co, "return", reason="地址与营业执照不符")
    assert EnterpriseFiling.objects.get(pk=submitted_alice_co.pk).status == FilingStatus.RETURNED
    page = browser_as(world.alice).get(submitted_alice_co.get_absolute_url()).content.decode()
    assert 'data-testid="decision-reason"' in page and "地址与营业执照不符" in page
    assert "Resubmit for review" in page
    assert Notification.objects.filter(recipient=world.alice, kind="enterprise_returned").exists()


def test_reject_suspend_reinstate_and_revoke(world, submitted_alice_co):
    decide(world.zj_inspector, submitted_alice_co, "approve")
    decide(world.zj_admin, submitted_alice_co, "suspend", reason="抽检不合格")
    assert EnterpriseFiling.objects.get(pk=submitted_alice_co.pk).status == FilingStatus.SUSPENDED
    actions = [
        d.action for d in browser_as(world.zj_inspector).get(submitted_alice_co.get_absolute_url()).context["decisions"]
    ]
    assert actions == ["reinstate", "revoke"]
    decide(world.zj_inspector, submitted_alice_co, "reinstate")
    assert EnterpriseFiling.objects.get(pk=submitted_alice_co.pk).status == FilingStatus.APPROVED
    decide(world.zj_inspector, submitted_alice_co, "revoke", reason="虚假备案")
    assert EnterpriseFiling.objects.get(pk=submitted_alice_co.pk).status == FilingStatus.REVOKED
    other = EnterpriseFilingFactory(status=FilingStatus.SUBMITTED, submitted_at=timezone.now())
    decide(world.zj_inspector, other, "reject", reason="经营范围不符")
    assert EnterpriseFiling.objects.get(pk=other.pk).status == FilingStatus.REJECTED


@pytest.mark.parametrize("who", ["alice", "hq"])
def test_a_decision_by_someone_else_is_refused_with_the_services_message(world, submitted_alice_co, who):
    response = decide(getattr(world, who), submitted_alice_co, "approve")
    assert "Only inspectors of the competent bureau may decide on this." in messages_of(response)
    assert EnterpriseFiling.objects.get(pk=submitted_alice_co.pk).status == FilingStatus.SUBMITTED


def test_a_decision_the_workflow_does_not_allow_is_refused_and_changes_nothing(world):
    response = decide(world.zj_inspector, world.alice_co, "approve")  # still a draft
    assert any("cannot become" in m for m in messages_of(response))
    assert EnterpriseFiling.objects.get(pk=world.alice_co.pk).status == FilingStatus.DRAFT


def test_another_bureau_cannot_even_find_the_filing(world, submitted_alice_co):
    assert decide(world.gd_inspector, submitted_alice_co, "approve", follow=False).status_code == 404


def test_the_inspector_corrects_the_competent_bureau(world, submitted_alice_co):
    url = reverse("filings:enterprise_set_bureau", args=[submitted_alice_co.pk])
    client = browser_as(world.zj_inspector)
    response = client.post(url, {"bureau": world.gd.pk, "reason": ""})
    assert response.context["form"].errors["reason"] == ["Give a reason."]
    response = client.post(url, {"bureau": world.gd.pk, "reason": "注册地在广州"})
    # The filing has left Zhejiang: back to the queue rather than to a page now out of reach.
    assert response.status_code == 302 and response["Location"] == reverse("filings:review_queue")
    assert EnterpriseFiling.objects.get(pk=submitted_alice_co.pk).bureau == world.gd


def test_change_requests_are_approved_or_rejected_with_a_reason(world, approved_alice_co):
    change = services.change_request_submit(
        actor=world.alice, enterprise=approved_alice_co, changes={"contact_name": "王五"}
    )
    client = browser_as(world.zj_inspector)
    url = reverse("filings:change_request_decide", args=[change.pk, "reject"])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    client.post(url, {"reason": "无证明材料"})
    change.refresh_from_db()
    assert change.status == ChangeRequestStatus.REJECTED and change.decision_reason == "无证明材料"
    response = client.post(url, {"reason": "again"}, follow=True)
    assert any("cannot become" in m for m in messages_of(response))


def test_the_enterprise_withdraws_its_change_request(world, approved_alice_co):
    change = services.change_request_submit(
        actor=world.alice, enterprise=approved_alice_co, changes={"contact_name": "王五"}
    )
    browser_as(world.alice).post(reverse("filings:change_request_withdraw", args=[change.pk]))
    assert ChangeRequest.objects.get(pk=change.pk).status == ChangeRequestStatus.WITHDRAWN


# --- the review queue -----------------------------------------------------------------------------


def test_the_review_queue_is_oldest_first_and_flags_overdue_rows(world, settings):
    now = timezone.now()
    days = settings.FILING_REVIEW_DAYS
    newest = EnterpriseFilingFactory(status=FilingStatus.SUBMITTED, submitted_at=now - dt.timedelta(days=1))
    oldest = EnterpriseFilingFactory(status=FilingStatus.SUBMITTED, submitted_at=now - dt.timedelta(days=days + 3))
    middle = EnterpriseFilingFactory(status=FilingStatus.SUBMITTED, submitted_at=now - dt.timedelta(days=days - 1))
    EnterpriseFilingFactory(status=FilingStatus.SUBMITTED, submitted_at=now, bureau=world.gd)  # not Zhejiang's
    late_product = ProductFilingFactory(
        enterprise=world.alice_co, status=FilingStatus.SUBMITTED, submitted_at=now - dt.timedelta(days=days + 1)
    )
    new_product = ProductFilingFactory(enterprise=world.alice_co, status=FilingStatus.SUBMITTED, submitted_at=now)
    old_change = ChangeRequestFactory(enterprise=world.alice_co, submitted_by=world.alice)
    ChangeRequest.objects.filter(pk=old_change.pk).update(created_at=now - dt.timedelta(days=days + 2))

    response = browser_as(world.zj_inspector).get(reverse("filings:review_queue"))
    enterprises = response.context["enterprises"]
    assert [f.pk for f in enterprises] == [oldest.pk, middle.pk, newest.pk]
    assert [f.is_overdue for f in enterprises] == [True, False, False]
    assert enterprises[0].days_waiting == days + 3
    assert [p.pk for p in response.context["products"]] == [late_product.pk, new_product.pk]
    assert response.context["products"][0].is_overdue
    assert response.context["changes"][0].is_overdue
    page = response.content.decode()
    assert page.count('class="table-danger"') == 3 and 'data-testid="overdue"' in page


def test_home_counts_the_queues_of_each_role(world, toy):
    EnterpriseFilingFactory(
        status=FilingStatus.SUBMITTED, submitted_at=timezone.now() - dt.timedelta(days=30)
    )  # Zhejiang, overdue
    inspector = {str(q.title): q.count for q in browser_as(world.zj_inspector).get("/").context["queues"]}
    assert inspector["Filings awaiting review"] == 1
    assert inspector["Overdue reviews"] == 1
    assert inspector["Products awaiting review"] == 0
    alice = browser_as(world.alice).get("/").context["queues"]
    assert str(alice[0].display) == "Approved"
    assert {str(q.title): q.count for q in alice}["Products: Draft"] == 1


# --- notifications --------------------------------------------------------------------------------


def test_the_inbox_lists_unread_first_and_marks_read(world):
    notify(recipients=[world.alice], kind="enterprise_approved", params={"name": "Alice Co", "filing_no": "ZJ1"})
    notify(recipients=[world.alice], kind="product_approved", params={"name": "Toy", "filing_no": "ZJP1"}, url="/x/")
    first = Notification.objects.order_by("id").first()
    first.read_at = timezone.now()
    first.save()
    client = browser_as(world.alice)
    response = client.get(reverse("notification_list"))
    assert [n.kind for n in response.context["rows"]] == ["product_approved", "enterprise_approved"]
    assert response.context["unread_notifications"] == 1
    assert 'data-testid="unread-count">1' in response.content.decode()
    client.post(reverse("notification_mark_read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_opening_a_notification_marks_it_read_and_follows_its_local_link(world, toy):
    notify(recipients=[world.alice], kind="product_approved", params={"name": "Toy"}, url=toy.get_absolute_url())
    notify(recipients=[world.alice], kind="product_approved", params={"name": "x"}, url="https://evil.example/")
    local = Notification.objects.get(url=toy.get_absolute_url(), params__name="Toy")
    remote = Notification.objects.get(url="https://evil.example/")
    client = browser_as(world.alice)
    response = client.get(reverse("notification_open", args=[local.pk]))
    assert response["Location"] == toy.get_absolute_url()
    assert Notification.objects.get(pk=local.pk).read_at is not None
    assert client.get(reverse("notification_open", args=[remote.pk]))["Location"] == reverse("notification_list")
    assert browser_as(world.bob).get(reverse("notification_open", args=[local.pk])).status_code == 404


def test_the_unread_badge_costs_one_query(world):
    client = browser_as(world.alice)
    notify(recipients=[world.alice], kind="enterprise_approved", params={})
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("accounts:bureau_list"))
    notification_queries = [q for q in queries.captured_queries if "core_notification" in q["sql"]]
    assert len(notification_queries) == 1


# --- bulk upload ----------------------------------------------------------------------------------


def test_the_bulk_templates_download(world):
    client = browser_as(world.alice)
    xlsx = client.get(reverse("filings:product_bulk_template", args=["xlsx"]))
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]
    assert "attachment" in xlsx["Content-Disposition"]
    assert client.get(reverse("filings:product_bulk_template", args=["csv"])).status_code == 200
    assert client.get(reverse("filings:product_bulk_template", args=["pdf"])).status_code == 404


def csv_file(rows: list[list[str]]) -> SimpleUploadedFile:
    from filings.services.bulk import column_heading

    out = io.StringIO()
    import csv

    writer = csv.writer(out)
    writer.writerow([column_heading(f) for f in ("name", "brand", "model", "hs_code")])
    writer.writerows(rows)
    return SimpleUploadedFile("products.csv", out.getvalue().encode("utf-8"), content_type="text/csv")


def test_a_bulk_upload_creates_drafts_and_says_how_many(world):
    upload = csv_file([["积木", "LEGO", "1", "9503008900"], ["玩偶", "LEGO", "2", "9503002900"]])
    response = browser_as(world.alice).post(reverse("filings:product_bulk"), {"file": upload}, follow=True)
    assert "2 products were saved as drafts." in messages_of(response)
    assert ProductFiling.objects.filter(enterprise=world.alice_co).count() == 2


def test_a_bulk_upload_with_bad_rows_shows_row_field_and_message(world):
    upload = csv_file([["积木", "LEGO", "1", "9503008900"], ["玩偶", "LEGO", "2", "1234567890"]])
    response = browser_as(world.alice).post(reverse("filings:product_bulk"), {"file": upload})
    assert response.status_code == 200
    rows = response.context["row_errors"]
    assert [(r["row"], r["field"]) for r in rows] == [(3, "hs_code")]
    assert "not a China Customs commodity code" in rows[0]["message"]
    assert 'data-testid="row-errors"' in response.content.decode()
    assert not ProductFiling.objects.exists()


def test_a_bulk_upload_that_is_not_a_spreadsheet_is_refused_on_the_file_field(world):
    upload = SimpleUploadedFile("products.pdf", PDF)
    response = browser_as(world.alice).post(reverse("filings:product_bulk"), {"file": upload})
    assert response.context["form"].errors["file"]


# --- a fixed number of queries whatever the row count ---------------------------------------------


def count_queries(client, url) -> int:
    client.get(url)  # warm up: content types, sessions
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_pages_cost_the_same_with_2_and_25_rows(world):
    hq = browser_as(world.hq)
    inspector = browser_as(world.zj_inspector)
    urls = [
        (hq, reverse("filings:product_list")),
        (hq, reverse("filings:enterprise_list")),
        (inspector, reverse("filings:review_queue")),
        (browser_as(world.alice), reverse("notification_list")),
    ]

    def add(n):
        for _ in range(n):
            enterprise = EnterpriseFilingFactory(status=FilingStatus.SUBMITTED, submitted_at=timezone.now())
            ProductFilingFactory(enterprise=enterprise, status=FilingStatus.SUBMITTED, submitted_at=timezone.now())
            ChangeRequestFactory(enterprise=enterprise)
        notify(recipients=[world.alice] * n, kind="enterprise_approved", params={})

    add(2)
    few = [count_queries(client, url) for client, url in urls]
    add(23)
    many = [count_queries(client, url) for client, url in urls]
    assert many == few


def test_detail_pages_cost_the_same_with_more_attachments_and_reports(world, toy):
    client = browser_as(world.zj_inspector)
    services.product_label_attach(actor=world.alice, product=toy, upload=SimpleUploadedFile("a.png", PNG))
    few = count_queries(client, toy.get_absolute_url())
    for n in range(5):
        services.product_label_attach(actor=world.alice, product=toy, upload=SimpleUploadedFile(f"{n}.png", PNG))
        services.product_test_report_add(
            actor=world.alice,
            product=toy,
            lab="SGS",
            report_no=f"R{n}",
            issued_on="2026-01-01",
            verdict="pass",
            upload=SimpleUploadedFile(f"{n}.pdf", PDF),
        )
    assert count_queries(client, toy.get_absolute_url()) == few


def test_htmx_marks_one_notification_read_and_gets_its_row_back(world):
    notify(recipients=[world.alice], kind="enterprise_approved", params={"name": "Alice Co", "filing_no": "ZJ1"})
    notification = Notification.objects.get()
    response = browser_as(world.alice).post(
        reverse("notification_mark_read"), {"id": notification.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'data-unread="0"' in response.content.decode()
    assert Notification.objects.get().read_at is not None


@pytest.mark.parametrize("query", ["uscc", "filing_no", "brand", "hs_code"])
def test_the_product_list_searches_names_brands_codes_and_numbers(world, toy, query):
    services.product_submit(actor=world.alice, product=toy)
    services.product_approve(actor=world.zj_inspector, product=toy)
    toy.refresh_from_db()
    ProductFilingFactory(enterprise=world.bob_co, brand="Other", hs_code="6111200000")
    value = {"uscc": world.alice_co.uscc, "filing_no": toy.filing_no, "brand": "LEG", "hs_code": "95030089"}[query]
    response = browser_as(world.hq).get(reverse("filings:product_list"), {"q": value})
    assert [row.pk for row in response.context["rows"]] == [toy.pk]


def test_the_enterprise_list_searches_credit_code_name_and_filing_number(world, approved_alice_co):
    client = browser_as(world.hq)
    for value in (approved_alice_co.uscc, "Alice", approved_alice_co.filing_no):
        rows = client.get(reverse("filings:enterprise_list"), {"q": value}).context["rows"]
        assert [row.pk for row in rows] == [approved_alice_co.pk]
