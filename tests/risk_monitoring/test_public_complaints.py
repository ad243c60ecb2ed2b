"""The public complaint form (issue 10): no login, both languages, validated per field, throttled per
address, a honeypot; a complaint lands as a ``complaint`` signal in the competent bureau's queue, its
complainant seen by bureau staff only."""

from __future__ import annotations

import hashlib
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cbec_supervision.actors import actor_display
from cbec_supervision.models import Attachment, AuditEvent
from filings.choices import FilingStatus
from risk_monitoring.models import ConsumerComplaint, RiskSignal
from risk_monitoring.services.complaints import client_network, normalise_contact
from tests.factories import EnterpriseFilingFactory

pytestmark = pytest.mark.django_db

NEW = reverse("complaints:new")
ADDRESS = "203.0.113.7"


def png(extra: int = 0) -> bytes:
    """A real 1x1 PNG, padded with a text chunk of ``extra`` bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
    if extra:
        body += chunk(b"tEXt", b"c\x00" + b"x" * extra)
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IEND", b"")


def photo(name: str = "broken.png", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png() if content is None else content, content_type="image/png")


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def platform(goods):
    """Bob's platform, filed with Guangdong."""
    return EnterpriseFilingFactory(
        name="海淘全球购", is_platform=True, is_operator=False, status=FilingStatus.APPROVED, bureau=goods.gd
    )


def form(**overrides) -> dict:
    data = {
        "name": "王小明",
        "contact": "13800138000",
        "platform_name": "某海外购小程序",
        "listing_url": "https://shop.example.com/item/42",
        "order_no": "OD20261129001",
        "product": "儿童磁力积木",
        "what_happened": "磁铁脱落，孩子差点吞下。",
        "occurred_on": "2026-11-20",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post(client: Client, data: dict, address: str = ADDRESS, **extra):
    return client.post(NEW, data, REMOTE_ADDR=address, **extra)


def nothing_saved() -> bool:
    return not (RiskSignal.objects.exists() or ConsumerComplaint.objects.exists() or Attachment.objects.exists())


# --- the pages ----------------------------------------------------------------------------------------


def test_the_form_opens_without_login_in_chinese_by_default_and_in_english_on_request(client):
    page = client.get(NEW)
    assert page.status_code == 200
    assert b'<html lang="zh-hans">' in page.content
    assert b'data-testid="complaint-form"' in page.content and b"csrfmiddlewaretoken" in page.content
    english = client.get(NEW, HTTP_ACCEPT_LANGUAGE="en")
    assert b'<html lang="en">' in english.content and b"Report an unsafe product" in english.content
    # the language the user chose wins over the browser's
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    assert b'<html lang="en">' in client.get(NEW, HTTP_ACCEPT_LANGUAGE="zh-CN").content
    # no inline script (the pages work under a script-src 'self' policy)
    assert b"<script>" not in page.content and b"onclick" not in page.content


def test_the_login_page_links_to_the_form(client):
    page = client.get(reverse("accounts:login"))
    assert f'href="{NEW}"'.encode() in page.content


def test_a_complaint_about_a_listed_platform_lands_in_the_platforms_bureau_queue(goods, platform, client):
    response = post(client, form(platform=platform.pk, platform_name=""), HTTP_ACCEPT_LANGUAGE="en")
    complaint = ConsumerComplaint.objects.select_related("signal").get()
    assert response.status_code == 302 and response.url.startswith("/complaints/thanks/")
    signal = complaint.signal
    assert (signal.source, signal.platform, signal.competent_bureau) == ("complaint", platform, goods.gd)
    assert (signal.title, signal.description, signal.status) == ("儿童磁力积木", "磁铁脱落，孩子差点吞下。", "new")
    assert signal.reported_by is None and signal.reported_by_user is None
    assert (complaint.name, complaint.contact, complaint.contact_kind) == ("王小明", "13800138000", "phone")
    assert (complaint.order_no, str(complaint.occurred_on), complaint.consent) == ("OD20261129001", "2026-11-20", True)
    assert complaint.language == "en"
    assert signal in RiskSignal.objects.queue_of(goods.gd_inspector)
    assert signal not in RiskSignal.objects.queue_of(goods.zj_inspector)
    # the thank-you page shows the reference, and nothing the consumer wrote
    thanks = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en")
    assert thanks.status_code == 200
    assert complaint.reference.encode() in thanks.content
    assert "王小明".encode() not in thanks.content and b"13800138000" not in thanks.content
    assert b"Thank you" in thanks.content
    assert b'<html lang="zh-hans">' in client.get(response.url).content
    # the system acted, on the consumer's behalf: recorded and shown as the public form
    event = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(ConsumerComplaint), object_id=str(complaint.pk)
    ).get()
    with translation.override("en"):
        assert actor_display(event.actor_label) == "Public complaint form"


def test_a_platform_not_in_the_list_goes_to_headquarters_national_triage(goods, client):
    post(client, form())
    signal = RiskSignal.objects.get()
    assert signal.competent_bureau.code == "HQ" and signal.platform is None
    assert signal.complaint.platform_name == "某海外购小程序"
    assert signal in RiskSignal.objects.queue_of(goods.hq)
    assert signal not in RiskSignal.objects.queue_of(goods.zj_inspector)
    client.force_login(goods.hq)
    queue = client.get(reverse("risk_monitoring:signal_list") + "?mine=true")
    assert queue.content.count(b'data-testid="signal-row"') == 1


def test_a_product_named_unambiguously_is_linked_and_its_operators_bureau_triages(goods, platform, client):
    post(client, form(platform=platform.pk, product=f"  {goods.alice_toy.name} "))
    signal = RiskSignal.objects.get()
    assert (signal.product, signal.enterprise, signal.competent_bureau) == (goods.alice_toy, goods.alice_co, goods.zj)
    assert signal.category == "light_industry"
    # a name several filed products share links none
    cache.clear()
    post(client, form(platform=platform.pk, product="building BLOCKS"))
    second = RiskSignal.objects.order_by("-pk").first()
    assert second.product is None and second.competent_bureau == goods.gd


def test_the_client_address_is_kept_as_its_network_and_a_keyed_hash_only(goods, client):
    post(client, form())
    complaint = ConsumerComplaint.objects.get()
    assert complaint.client_network == "203.0.113.0/24"
    assert len(complaint.client_hash) == 64 and ADDRESS not in complaint.client_hash
    assert ADDRESS not in str(AuditEvent.objects.values_list("after", flat=True)[::1])
    assert client_network("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert client_network("not an address") == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13800138000", ("phone", "13800138000")),
        ("+86 138-0013-8000", ("phone", "13800138000")),
        ("0086 13800138000", ("phone", "13800138000")),
        ("wang@example.cn", ("email", "wang@example.cn")),
        ("12345678901", None),
        ("1380013800", None),
        ("010-12345678", None),
        ("wang@", None),
        ("", None),
    ],
)
def test_contacts_are_mainland_mobile_numbers_or_email_addresses(text, expected):
    assert normalise_contact(text) == expected


# --- validation ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"contact": "12345"}, "contact", b"mainland mobile number"),
        ({"listing_url": "ftp://shop.example.com/item"}, "listing_url", b"http:// or https://"),
        ({"listing_url": "javascript:alert(1)"}, "listing_url", b"http:// or https://"),
        ({"what_happened": ""}, "what_happened", b"This field is required"),
        ({"what_happened": "   "}, "what_happened", b"This field is required"),
        ({"name": ""}, "name", b"This field is required"),
        ({"product": ""}, "product", b"This field is required"),
        ({"consent": None}, "consent", b"This field is required"),
        ({"platform_name": ""}, "platform_name", b"Pick the platform you bought on"),
        ({"platform": "999999"}, "platform", b"Select a valid choice"),
        ({"occurred_on": "2999-01-01"}, "occurred_on", b"in the future"),
        ({"occurred_on": "yesterday"}, "occurred_on", b"Enter a valid date"),
    ],
)
def test_each_field_is_validated_and_nothing_is_saved(goods, client, overrides, field, message):
    response = post(client, form(**overrides), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message in response.content, field
    assert response.context["form"].errors.keys() == {field}
    assert nothing_saved()


def test_a_fake_or_oversized_or_non_image_photo_is_refused_and_nothing_is_half_saved(goods, client, settings):
    settings.COMPLAINT_PHOTO_MAX_BYTES = 2000
    cases = [
        (photo("fake.jpg", b"this is no picture at all, only text" * 3), b"is not .jpg, as its name says"),
        (photo("large.png", png(extra=3000)), b"the limit is"),
        (photo("report.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"), b"add photos only"),
    ]
    media = Path(settings.MEDIA_ROOT)
    for bad, message in cases:
        cache.clear()
        # a good photo before the bad one: neither is stored
        data = {**form(), "photos": [photo("good.png"), bad]}
        response = post(client, data, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert message in response.content
        assert list(response.context["form"].errors) == ["photos"]
        assert nothing_saved()
        assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_at_most_the_allowed_number_of_photos(goods, client, settings):
    settings.COMPLAINT_PHOTO_MAX_COUNT = 2
    response = post(client, {**form(), "photos": [photo(f"p{i}.png") for i in range(3)]}, HTTP_ACCEPT_LANGUAGE="en")
    assert b"At most 2 photos." in response.content and nothing_saved()


def test_photos_are_stored_on_the_signal_with_their_sha256(goods, client):
    content = png(extra=10)
    post(client, {**form(), "photos": [photo("one.png", content), photo("two.png")]})
    signal = RiskSignal.objects.get()
    photos = list(Attachment.objects.for_object(signal).order_by("pk"))
    assert [(a.original_name, a.kind, a.mime_type) for a in photos] == [
        ("one.png", "complaint_photo", "image/png"),
        ("two.png", "complaint_photo", "image/png"),
    ]
    assert photos[0].sha256 == hashlib.sha256(content).hexdigest()


# --- abuse --------------------------------------------------------------------------------------------


def test_submissions_are_throttled_per_client_address(goods, client, settings):
    settings.COMPLAINT_THROTTLE_RATE = "3/hour"
    assert post(client, form(contact="bad")).status_code == 200  # an invalid submission counts too
    for _ in range(2):
        assert post(client, form()).status_code == 302
    refused = post(client, form(), HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429
    assert b'data-testid="complaint-throttled"' in refused.content and b"Please try again" in refused.content
    assert 0 < int(refused["Retry-After"]) <= 3601
    assert ConsumerComplaint.objects.count() == 2
    # another address is not held back; the form itself still opens
    assert post(client, form(), address="198.51.100.20").status_code == 302
    assert client.get(NEW, REMOTE_ADDR=ADDRESS).status_code == 200


def test_behind_a_proxy_the_address_it_saw_is_throttled(goods, client, settings):
    settings.COMPLAINT_THROTTLE_RATE = "1/hour"
    settings.NUM_PROXIES = 1
    assert post(client, form(), address="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 302
    assert post(client, form(), address="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert post(client, form(), address="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302


def test_a_robot_filling_the_hidden_field_is_thanked_and_nothing_is_saved(goods, client):
    response = post(client, form(website="http://spam.example.com"))
    assert response.status_code == 302 and response.url.startswith("/complaints/thanks/")
    assert client.get(response.url).status_code == 200
    assert nothing_saved()


def test_the_form_is_csrf_protected(goods):
    client = Client(enforce_csrf_checks=True)
    assert client.post(NEW, form(), REMOTE_ADDR=ADDRESS).status_code == 403
    assert nothing_saved()


def test_a_made_up_thank_you_address_is_not_found(client):
    assert client.get(reverse("complaints:thanks", args=["TS20261130-AAAAAA"])).status_code == 404
    assert client.get(reverse("complaints:thanks", args=["IlRTIg:forged:signature"])).status_code == 404


# --- who sees the complainant -------------------------------------------------------------------------


def test_bureau_staff_see_the_complainant_and_photos_enterprises_nothing(goods, platform, client):
    post(client, {**form(platform=platform.pk, product=goods.alice_toy.name), "photos": [photo()]})
    complaint = ConsumerComplaint.objects.select_related("signal").get()
    signal = complaint.signal
    picture = Attachment.objects.for_object(signal).get()
    for staff in (goods.zj_inspector, goods.gd_inspector, goods.hq):
        client.force_login(staff)
        page = client.get(signal.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200
        assert b'data-testid="complaint"' in page.content and complaint.reference.encode() in page.content
        assert "王小明".encode() in page.content and b"13800138000" in page.content
        assert b'data-testid="complaint-photos"' in page.content
        assert f"/attachments/{picture.pk}/?inline=1".encode() in page.content
        inline = client.get(f"/attachments/{picture.pk}/?inline=1")
        assert inline.status_code == 200 and inline["Content-Type"] == "image/png"
    # the enterprise whose product it is: no signal, no complaint, no photo
    client.force_login(goods.alice)
    assert client.get(signal.get_absolute_url()).status_code == 404
    assert client.get(f"/attachments/{picture.pk}/").status_code == 404
    assert not ConsumerComplaint.objects.visible_to(goods.alice).exists()
    assert not RiskSignal.objects.visible_to(goods.alice).exists()
    assert "王小明".encode() not in client.get(reverse("risk_monitoring:signal_list")).content
    # and nobody signed out
    client.logout()
    assert client.get(f"/attachments/{picture.pk}/").status_code == 302
    assert not ConsumerComplaint.objects.visible_to(None).exists()
