"""``counterfeit-leads/`` and ``rights-holders/`` over the API, per role: the lead bureau's staff file and
triage, headquarters reads, another bureau gets 404, enterprises 403 on lists and 404 on objects,
strangers 401. Contract field names; 400 per field with nothing saved; a fixed query budget."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anticounterfeit.models import CounterfeitLead, RightsHolder
from cbec_supervision.models import AuditEvent
from tests.anticounterfeit.leads_helpers import a_lead, approved_enterprise, approved_product, case_for
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

LEADS = "/api/v1/counterfeit-leads/"
HOLDERS = "/api/v1/rights-holders/"
CONTRACT = {
    "id",
    "channel",
    "title",
    "description",
    "brand",
    "rights_holder",
    "enterprise",
    "product",
    "urls",
    "status",
}


@pytest.fixture
def lead(world):
    return a_lead(world.zj_inspector, brand="NIKE", seller_name="潮鞋小店", rights_holder="Nike, Inc.")


def test_an_inspector_files_a_lead_with_the_contract_fields(world):
    shop = approved_enterprise()
    shoe = approved_product(shop)
    response = api_as(world.zj_inspector).post(
        LEADS,
        {
            "channel": "platform",
            "title": "平台投诉：仿冒运动鞋",
            "brand": "Nike",
            "rights_holder": "Nike, Inc.",
            "product": shoe.pk,
            "urls": ["https://shop.example.com/1"],
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    body = response.json()
    assert set(body) >= CONTRACT
    assert body["rights_holder"] == "Nike, Inc." and body["rights_holder_id"] == RightsHolder.objects.get().pk
    assert (body["enterprise"], body["product"], body["bureau"], body["status"]) == (shop.pk, shoe.pk, "ZJ", "new")
    assert body["urls"] == ["https://shop.example.com/1"] and len(body["group_key"]) == 64
    assert body["duplicate_count"] == 0 and body["created_by"] == "zj_inspector"


def test_the_rights_holder_is_accepted_by_id(world, lead):
    response = api_as(world.zj_admin).post(
        LEADS, {"channel": "complaint", "title": "t", "rights_holder": lead.rights_holder_id}, format="json"
    )
    assert response.status_code == 201 and response.json()["rights_holder"] == "Nike, Inc."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channel": "nowhere", "title": "t"}, "channel"),
        ({"channel": "platform", "title": ""}, "title"),
        ({"channel": "platform", "title": "t", "urls": ["ftp://x.example"]}, "urls"),
        ({"channel": "platform", "title": "t", "urls": "https://x.example"}, "urls"),
        ({"channel": "platform", "title": "t", "enterprise": 99999}, "enterprise"),
        ({"channel": "platform", "title": "t", "enterprise": 2**70}, "enterprise"),
        ({"channel": "platform", "title": "t", "product": 99999}, "product"),
        ({"channel": "platform", "title": "t", "rights_holder": True}, "rights_holder"),
        ({"channel": "platform", "title": "t", "rights_holder": 99999}, "rights_holder"),
        ({"channel": "platform", "title": "t", "signal": 99999}, "signal"),
        ({"channel": "platform", "title": "t", "sampling": 99999}, "sampling"),
        ({"channel": "platform", "title": "t", "bureau": "GD"}, "bureau"),
    ],
)
def test_bad_input_answers_400_on_its_field_and_saves_nothing(world, body, field):
    response = api_as(world.zj_inspector).post(LEADS, body, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert not CounterfeitLead.objects.exists() and not RightsHolder.objects.exists()


def test_headquarters_reads_and_files_for_a_named_bureau(world, lead):
    client = api_as(world.hq)
    assert client.get(LEADS).json()["count"] == 1
    assert client.get(f"{LEADS}{lead.pk}/").status_code == 200
    response = client.post(LEADS, {"channel": "port", "title": "口岸截获", "bureau": "GD"}, format="json")
    assert response.status_code == 201 and response.json()["bureau"] == "GD"
    # but does not triage
    assert client.post(f"{LEADS}{lead.pk}/dismiss/", {"reason": "insufficient"}, format="json").status_code == 403


def test_another_bureau_gets_404(world, lead):
    client = api_as(world.gd_inspector)
    assert client.get(LEADS).json()["count"] == 0
    assert client.get(f"{LEADS}{lead.pk}/").status_code == 404
    assert client.patch(f"{LEADS}{lead.pk}/", {"title": "x"}, format="json").status_code == 404
    assert client.post(f"{LEADS}{lead.pk}/dismiss/", {"reason": "insufficient"}, format="json").status_code == 404


def test_enterprises_get_403_on_lists_and_404_on_objects(world, lead):
    client = api_as(world.alice)
    assert client.get(LEADS).status_code == 403
    assert client.post(LEADS, {"channel": "platform", "title": "t"}, format="json").status_code == 403
    assert client.get(f"{LEADS}{lead.pk}/").status_code == 404
    assert client.post(f"{LEADS}{lead.pk}/dismiss/", {"reason": "other"}, format="json").status_code == 404
    assert client.get(HOLDERS).status_code == 403
    assert client.get(f"{HOLDERS}{lead.rights_holder_id}/").status_code == 404


def test_strangers_get_401(lead):
    assert api_as(None).get(LEADS).status_code == 401
    assert api_as(None).get(f"{LEADS}{lead.pk}/").status_code == 401
    assert api_as(None).get(HOLDERS).status_code == 401


def test_the_lead_bureau_corrects_a_lead_by_patch(world, lead):
    client = api_as(world.zj_admin)
    response = client.patch(f"{LEADS}{lead.pk}/", {"brand": "Adidas", "rights_holder": "adidas AG"}, format="json")
    assert response.status_code == 200, response.data
    assert response.json()["brand"] == "Adidas" and response.json()["rights_holder"] == "adidas AG"
    assert response.json()["group_key"] != lead.group_key
    assert client.patch(f"{LEADS}{lead.pk}/", {"title": ""}, format="json").status_code == 400
    assert client.put(f"{LEADS}{lead.pk}/", {"title": "x", "channel": "port"}, format="json").status_code == 405
    assert api_as(world.hq).patch(f"{LEADS}{lead.pk}/", {"title": "x"}, format="json").status_code == 403


def test_dismiss_and_reopen(world, lead):
    client = api_as(world.zj_inspector)
    url = f"{LEADS}{lead.pk}/"
    assert client.post(f"{url}dismiss/", {"reason": "other"}, format="json").status_code == 400
    assert client.post(f"{url}dismiss/", {}, format="json").status_code == 400
    response = client.post(f"{url}dismiss/", {"reason": "not_counterfeit", "note": "正品"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "dismissed"
    assert response.json()["dismissal_reason"] == "not_counterfeit" and response.json()["triaged_by"] == "zj_inspector"
    # not allowed from the current status: 400, nothing changes
    assert client.post(f"{url}dismiss/", {"reason": "duplicate"}, format="json").status_code == 400
    assert client.patch(url, {"title": "x"}, format="json").status_code == 400
    assert client.post(f"{url}reopen/", {}, format="json").status_code == 400
    response = client.post(f"{url}reopen/", {"reason": "权利人补充了证据"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "new"
    history = client.get(f"{url}history/").json()["results"]
    assert [e["action"] for e in history] == ["create", "dismiss", "reopen"]


def test_merge_into_a_case_with_its_duplicates(world, lead):
    twin = a_lead(world.zj_admin, brand="ＮＩＫＥ", seller_name="潮鞋 小店")
    case = case_for(world.zj, world.zj_inspector)
    client = api_as(world.zj_inspector)
    duplicates = client.get(f"{LEADS}{lead.pk}/duplicates/").json()["results"]
    assert [d["id"] for d in duplicates] == [twin.pk]
    assert client.get(f"{LEADS}{lead.pk}/").json()["duplicate_count"] == 1
    response = client.post(f"{LEADS}{lead.pk}/merge/", {"case": case.pk, "with_duplicates": True}, format="json")
    assert response.status_code == 200, response.data
    assert response.json()["status"] == "merged" and response.json()["case"] == case.pk
    twin.refresh_from_db()
    assert twin.case == case
    assert client.post(f"{LEADS}{lead.pk}/merge/", {"case": case.pk}, format="json").status_code == 400


def test_merge_into_a_case_one_may_not_see_is_no_such_case(world, lead):
    gd_case = case_for(world.gd, world.gd_inspector, no="GD2026AC000001")
    response = api_as(world.zj_inspector).post(
        f"{LEADS}{lead.pk}/merge/", {"case": gd_case.pk}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400 and response.json() == {"case": ["No such case."]}
    response = api_as(world.zj_inspector).post(f"{LEADS}{lead.pk}/merge/", {"case": 2**64}, format="json")
    assert response.status_code == 400
    lead.refresh_from_db()
    assert lead.status == "new"


def test_filters(world, lead):
    other = a_lead(world.zj_inspector, channel="informant", brand="Adidas")
    a_lead(world.hq, bureau="GD", brand="Nike")
    client = api_as(world.zj_inspector)

    def ids(query):
        response = client.get(f"{LEADS}?{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids("channel=informant") == {other.pk}
    assert ids("brand=%EF%BC%AE%EF%BC%A9%EF%BC%AB%EF%BC%A5") == {lead.pk}  # ＮＩＫＥ
    assert ids("bureau=ZJ") == {lead.pk, other.pk}
    assert ids(f"group={lead.group_key}") == {lead.pk}
    assert ids("group=nonsense") == set()
    assert ids("status=new") == {lead.pk, other.pk}
    assert ids("q=潮鞋") == {lead.pk}
    assert ids("received_after=2000-01-01&received_before=2999-01-01") == {lead.pk, other.pk}
    assert client.get(f"{LEADS}?received_after=soon").status_code == 400
    assert client.get(f"{LEADS}?enterprise=99999999999999999999999").status_code == 400


def test_the_list_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    holder = RightsHolder.objects.create(name="Nike, Inc.", name_key="nike,inc.")
    for n in range(12):
        a_lead(world.zj_inspector, brand="Nike", seller_name=f"店{n % 3}", rights_holder=holder.pk)
    client = api_as(world.zj_inspector)
    with django_assert_max_num_queries(8):
        response = client.get(LEADS)
    assert response.json()["count"] == 12
    assert {row["duplicate_count"] for row in response.json()["results"]} == {3}


# --- rights holders --------------------------------------------------------------------------------


def test_staff_record_read_and_correct_rights_holders(world):
    client = api_as(world.zj_inspector)
    response = client.post(
        HOLDERS, {"name": "Nike, Inc.", "country": "US", "brands": ["NIKE", "Jordan"]}, format="json"
    )
    assert response.status_code == 201, response.data
    holder_id = response.json()["id"]
    assert response.json()["brands"] == ["NIKE", "Jordan"] and response.json()["country"] == "US"
    assert client.post(HOLDERS, {"name": "ｎｉｋｅ, INC."}, format="json").status_code == 400
    assert client.post(HOLDERS, {"name": "x", "brands": "NIKE"}, format="json").status_code == 400
    response = api_as(world.gd_inspector).patch(f"{HOLDERS}{holder_id}/", {"contact_name": "王律师"}, format="json")
    assert response.status_code == 200 and response.json()["contact_name"] == "王律师"
    hq = api_as(world.hq)
    assert hq.get(HOLDERS).json()["count"] == 1
    assert hq.get(f"{HOLDERS}{holder_id}/").status_code == 200
    assert hq.post(HOLDERS, {"name": "adidas AG"}, format="json").status_code == 403
    assert hq.patch(f"{HOLDERS}{holder_id}/", {"notes": "x"}, format="json").status_code == 403
    assert api_as(None).post(HOLDERS, {"name": "adidas AG"}, format="json").status_code == 401


def test_authorisation_documents_are_uploaded_and_listed(world, client):
    holder = RightsHolder.objects.create(name="Nike, Inc.", name_key="nike,inc.")
    client = api_as(world.zj_inspector)
    url = f"{HOLDERS}{holder.pk}/authorisations/"
    upload = SimpleUploadedFile("授权书.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = client.post(url, {"file": upload, "description": "2026 年授权"}, format="multipart")
    assert response.status_code == 201, response.data
    assert response.json()["original_name"] == "授权书.pdf" and len(response.json()["sha256"]) == 64
    listed = client.get(url).json()
    assert [row["id"] for row in listed] == [response.json()["id"]]
    browser = client
    browser.force_login(world.gd_inspector)
    assert browser.get(listed[0]["url"]).status_code == 200  # the download serves it to any staff
    assert client.post(url, {}, format="multipart").status_code == 400
    bad = SimpleUploadedFile("x.exe", b"MZ....", content_type="application/octet-stream")
    assert client.post(url, {"file": bad}, format="multipart").status_code == 400
    again = SimpleUploadedFile("授权书.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert api_as(world.hq).post(url, {"file": again}, format="multipart").status_code == 403
    assert api_as(world.alice).get(url).status_code == 404
    assert AuditEvent.objects.for_object(holder).filter(action="attach").count() == 1


def test_staff_attach_files_to_a_lead_and_others_cannot(world):
    lead = CounterfeitLead.objects.create(bureau=world.zj, channel="rights_holder", title="t", group_key="1" * 64)
    url = f"/api/v1/counterfeit-leads/{lead.pk}/attachments/"
    letter = SimpleUploadedFile("投诉函.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = api_as(world.zj_inspector).post(url, {"file": letter, "description": "权利人投诉函"}, format="multipart")
    assert response.status_code == 201, response.data
    assert response.data["sha256"] == hashlib.sha256(b"%PDF-1.4\n%%EOF\n").hexdigest()
    assert AuditEvent.objects.for_object(lead).filter(action="attach").count() == 1
    assert [row["original_name"] for row in api_as(world.hq).get(url).data] == ["投诉函.pdf"]
    fake = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    assert api_as(world.zj_inspector).post(url, {"file": fake}, format="multipart").status_code == 400
    again = SimpleUploadedFile("投诉函.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert api_as(world.hq).post(url, {"file": again}, format="multipart").status_code == 403
    assert api_as(world.gd_inspector).get(url).status_code == 404
    assert api_as(world.alice).get(url).status_code == 404
