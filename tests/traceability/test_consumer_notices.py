"""Consumer risk notices: bureau staff publish directly; an enterprise submits and its competent bureau
reviews; published notices are public (no login) at /notices/, searchable, and in an Atom feed, in the
reader's language."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cbec_supervision.models import AuditEvent, Notification
from traceability.choices import ConsumerNoticeStatus
from traceability.models import ConsumerNotice
from traceability.services import consumer_notices as services

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"

TEXT = {
    "title_zh": "儿童磁力玩具误吞风险提示",
    "title_en": "Magnetic toy swallowing risk",
    "product_text": "强磁力积木 MagBuild",
    "hazard": "choking",
    "what_to_do_zh": "立即停止使用，放在儿童接触不到的地方。",
    "what_to_do_en": "Stop using it at once and keep it away from children.",
    "description_zh": "小磁珠易脱落。",
    "description_en": "Small magnets come loose.",
}

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def published_by_bureau(world, **overrides) -> ConsumerNotice:
    notice = services.consumer_notice_create(actor=world.zj_inspector, **{**TEXT, **overrides})
    return services.consumer_notice_publish(actor=world.zj_inspector, notice=notice)


@pytest.fixture
def notice(world):
    return published_by_bureau(world)


@pytest.fixture
def enterprise_draft(world):
    return services.consumer_notice_create(
        actor=world.alice,
        **{**TEXT, "title_zh": "电吹风过热提示", "title_en": "Hair dryer overheating", "hazard": "fire"},
    )


# --- services ------------------------------------------------------------------------------------


def test_bureau_staff_publish_directly_audited(world, notice):
    assert (notice.status, notice.bureau, notice.enterprise) == (ConsumerNoticeStatus.PUBLISHED, world.zj, None)
    assert notice.published_at is not None and notice.reviewed_by == world.zj_inspector
    assert list(
        AuditEvent.objects.filter(object_id=str(notice.pk), content_type__model="consumernotice")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["create", "approve"]


def test_enterprise_submits_and_its_bureau_publishes(world, enterprise_draft):
    assert (enterprise_draft.enterprise, enterprise_draft.bureau) == (world.alice_co, world.zj)
    with pytest.raises(PermissionDenied):  # not yet submitted: no review
        services.consumer_notice_publish(actor=world.zj_inspector, notice=enterprise_draft)
    services.consumer_notice_submit(actor=world.alice, notice=enterprise_draft)
    assert Notification.objects.filter(recipient=world.zj_inspector, kind="consumer_notice_submitted").exists()
    with pytest.raises(PermissionDenied):  # another bureau does not review it
        services.consumer_notice_publish(actor=world.gd_inspector, notice=enterprise_draft)
    published = services.consumer_notice_publish(actor=world.zj_inspector, notice=enterprise_draft, note="同意")
    assert published.status == ConsumerNoticeStatus.PUBLISHED
    assert Notification.objects.filter(recipient=world.alice, kind="consumer_notice_published").exists()


def test_the_bureau_returns_a_submitted_notice_with_a_reason(world, enterprise_draft):
    services.consumer_notice_submit(actor=world.alice, notice=enterprise_draft)
    with pytest.raises(ValidationError):
        services.consumer_notice_return(actor=world.zj_inspector, notice=enterprise_draft, reason="")
    returned = services.consumer_notice_return(actor=world.zj_inspector, notice=enterprise_draft, reason="英文标题有误")
    assert (returned.status, returned.review_note) == (ConsumerNoticeStatus.DRAFT, "英文标题有误")
    assert Notification.objects.filter(recipient=world.alice, kind="consumer_notice_returned").exists()
    services.consumer_notice_update(actor=world.alice, notice=returned, title_en="Hair dryer overheats")


def test_both_languages_are_required_to_submit_or_publish(world):
    draft = services.consumer_notice_create(actor=world.alice, **{**TEXT, "title_en": "", "what_to_do_en": ""})
    with pytest.raises(ValidationError) as refused:
        services.consumer_notice_submit(actor=world.alice, notice=draft)
    assert set(refused.value.message_dict) == {"title_en", "what_to_do_en"}


def test_a_bad_draft_is_refused_per_field(world):
    with pytest.raises(ValidationError) as refused:
        services.consumer_notice_create(actor=world.zj_inspector, product_text="", hazard="radiation", product=999999)
    assert set(refused.value.message_dict) == {"product_text", "hazard", "product"}


def test_an_image_must_be_an_image(world):
    bad = SimpleUploadedFile("photo.png", b"not an image at all", content_type="image/png")
    with pytest.raises(ValidationError) as refused:
        services.consumer_notice_create(actor=world.zj_inspector, image=bad, **TEXT)
    assert "image" in refused.value.message_dict
    good = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    notice = services.consumer_notice_create(actor=world.zj_inspector, image=good, **TEXT)
    assert notice.image.name.endswith(".png")


def test_withdraw_needs_a_reason_and_hides_it(world, notice, client):
    with pytest.raises(ValidationError):
        services.consumer_notice_withdraw(actor=world.zj_inspector, notice=notice, reason=" ")
    with pytest.raises(PermissionDenied):
        services.consumer_notice_withdraw(actor=world.gd_inspector, notice=notice, reason="x")
    services.consumer_notice_withdraw(actor=world.zj_inspector, notice=notice, reason="产品已召回完毕")
    assert client.get(f"/notices/{notice.pk}/").status_code == 404
    assert TEXT["title_zh"] not in client.get("/notices/").content.decode()
    assert TEXT["title_zh"] not in client.get("/notices/feed/").content.decode()


# --- public pages --------------------------------------------------------------------------------


def test_public_list_without_login_in_chinese_by_default(world, notice, client):
    page = client.get("/notices/")
    assert page.status_code == 200
    text = page.content.decode()
    assert TEXT["title_zh"] in text and TEXT["title_en"] not in text
    assert '<html lang="zh-hans">' in text
    assert "Accept-Language" in page["Vary"] and "max-age=300" in page["Cache-Control"]


def test_public_detail_in_english_from_accept_language(world, notice, client):
    page = client.get(f"/notices/{notice.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert TEXT["title_en"] in text and TEXT["what_to_do_en"] in text and TEXT["what_to_do_zh"] not in text
    assert "What to do" in text


def test_the_users_choice_wins_over_accept_language(world, notice, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(f"/notices/{notice.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert TEXT["title_en"] in text


def test_a_missing_language_falls_back_to_the_other(world, client):
    # A draft may miss English text; once published by staff every required field is there, but the
    # description may still be in one language only.
    notice = published_by_bureau(world, description_en="")
    text = client.get(f"/notices/{notice.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert TEXT["description_zh"] in text


def test_only_published_notices_are_public(world, enterprise_draft, notice, client):
    services.consumer_notice_submit(actor=world.alice, notice=enterprise_draft)
    text = client.get("/notices/").content.decode()
    assert TEXT["title_zh"] in text and "电吹风过热提示" not in text
    assert client.get(f"/notices/{enterprise_draft.pk}/").status_code == 404


def test_search_by_title_or_product_and_filter_by_hazard(world, notice, client):
    published_by_bureau(
        world, title_zh="充电宝起火", title_en="Power bank fire", product_text="充电宝 X1", hazard="fire"
    )

    def titles(query):
        return client.get(f"/notices/?{query}", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Power bank fire" in titles("q=充电宝") and TEXT["title_en"] not in titles("q=充电宝")
    assert TEXT["title_en"] in titles("q=MagBuild") and "Power bank fire" not in titles("q=MagBuild")
    assert "Power bank fire" in titles("hazard=fire") and TEXT["title_en"] not in titles("hazard=fire")
    assert client.get("/notices/?hazard=nonsense&page=zzz").status_code == 200


def test_the_list_is_paginated_with_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    for n in range(25):
        published_by_bureau(world, title_zh=f"提示 {n}")
    with django_assert_max_num_queries(6):
        page = client.get("/notices/")
    assert page.content.decode().count('data-testid="public-notice"') == 20
    assert client.get("/notices/?page=2").content.decode().count('data-testid="public-notice"') == 5


def test_the_feed_is_atom_in_the_requests_language(world, notice, client):
    response = client.get("/notices/feed/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.findtext(f"{ATOM}title") == TEXT["title_en"]
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/notices/{notice.pk}/")
    assert entry.findtext(f"{ATOM}id") and entry.findtext(f"{ATOM}updated")
    assert TEXT["what_to_do_en"] in entry.findtext(f"{ATOM}summary")
    chinese = ET.fromstring(client.get("/notices/feed/").content)
    assert chinese.find(f"{ATOM}entry").findtext(f"{ATOM}title") == TEXT["title_zh"]


def test_the_public_image(world, client):
    notice = services.consumer_notice_create(
        actor=world.zj_inspector, image=SimpleUploadedFile("p.png", PNG, content_type="image/png"), **TEXT
    )
    assert client.get(f"/notices/{notice.pk}/image/").status_code == 404  # a draft
    services.consumer_notice_publish(actor=world.zj_inspector, notice=notice)
    response = client.get(f"/notices/{notice.pk}/image/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_the_footer_links_the_notices(client):
    assert 'href="/notices/"' in client.get("/complaints/new/").content.decode()


# --- management pages ----------------------------------------------------------------------------


def test_enterprise_writes_submits_and_the_bureau_publishes_on_the_pages(world, client):
    client.force_login(world.alice)
    response = client.post("/traceability/consumer-notices/new/", {**TEXT, "title_zh": "企业提示"})
    assert response.status_code == 302, response.content.decode()
    draft = ConsumerNotice.objects.get(title_zh="企业提示")
    assert client.post(f"/traceability/consumer-notices/{draft.pk}/submit/").status_code == 302
    client.force_login(world.zj_inspector)
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Consumer risk notices to review" in home
    listing = client.get("/traceability/consumer-notices/?status=submitted").content.decode()
    assert "企业提示" in listing
    assert 'data-testid="consumer-notice-publish"' in client.get(draft.get_absolute_url()).content.decode()
    client.post(f"/traceability/consumer-notices/{draft.pk}/publish/", {"note": ""})
    draft.refresh_from_db()
    assert draft.status == ConsumerNoticeStatus.PUBLISHED
    client.logout()
    assert "企业提示" in client.get("/notices/").content.decode()


def test_another_enterprise_cannot_see_a_draft(world, enterprise_draft, client):
    client.force_login(world.bob)
    assert client.get(enterprise_draft.get_absolute_url()).status_code == 404
    assert client.get(f"/traceability/consumer-notices/{enterprise_draft.pk}/edit/").status_code == 404
    assert client.post(f"/traceability/consumer-notices/{enterprise_draft.pk}/submit/").status_code == 404
    assert "电吹风过热提示" not in client.get("/traceability/consumer-notices/").content.decode()
    client.force_login(world.gd_inspector)
    assert client.get(enterprise_draft.get_absolute_url()).status_code == 404


def test_a_bad_form_shows_errors_not_a_500(world, client):
    client.force_login(world.zj_inspector)
    response = client.post("/traceability/consumer-notices/new/", {"product_text": "", "hazard": "x"})
    assert response.status_code == 200
    assert ConsumerNotice.objects.count() == 0


def test_anonymous_management_pages_ask_for_login(client):
    assert client.get("/traceability/consumer-notices/").status_code == 302
