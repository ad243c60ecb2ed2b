"""The enterprise portal: editing, submitting and changing the enterprise filing, colleagues."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from cbec_supervision.models import Attachment
from filings.choices import FilingStatus
from filings.models import ChangeRequest, EnterpriseFiling
from tests.builders import complete
from tests.pages import PDF, browser_as, messages_of

pytestmark = pytest.mark.django_db


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
