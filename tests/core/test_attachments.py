"""Attachments: size and type checked by content, SHA-256 stored, served only within scope."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cbec_supervision.attachments import attachment_create
from cbec_supervision.models import Attachment, AuditEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_a_pdf_is_stored_with_its_sha256_and_audited_on_its_owner(world):
    attachment = attachment_create(owner=world.alice_co, upload=upload("质量承诺书.pdf", PDF), actor=world.alice)

    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.size == len(PDF) and attachment.mime_type == "application/pdf"
    assert attachment.original_name == "质量承诺书.pdf"
    assert "质量承诺书" not in attachment.file.name  # stored under a generated name
    event = AuditEvent.objects.for_object(world.alice_co).last()
    assert event.action == "attach" and event.after["attachment"]["sha256"] == attachment.sha256


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", PNG, "not .pdf"),
        ("photo.png", PDF, "not .png"),
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 60, "not accepted"),
        ("list.csv", b"\x00\x01\x02binary", "does not contain text"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_files_whose_content_does_not_match_are_refused(world, name, content, message):
    with pytest.raises(ValidationError) as info:
        attachment_create(owner=world.alice_co, upload=upload(name, content), actor=world.alice)
    assert message in " ".join(info.value.message_dict["file"])
    assert not Attachment.objects.exists()


def test_text_in_gb18030_is_accepted_as_csv(world):
    content = "序号,品名\n1,甲醛\n".encode("gb18030")
    attachment = attachment_create(owner=world.alice_co, upload=upload("list.csv", content), actor=world.alice)
    assert attachment.mime_type == "text/csv"


def test_files_over_the_limit_are_refused(world, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="limit"):
        attachment_create(owner=world.alice_co, upload=upload("big.pdf", PDF + b" " * 200), actor=world.alice)


@pytest.mark.parametrize(
    ("who", "status"),
    [("alice", 200), ("zj_inspector", 200), ("hq", 200), ("bob", 404), ("gd_inspector", 404)],
)
def test_a_file_is_served_only_to_those_who_see_its_owner(world, client, who, status):
    attachment = attachment_create(owner=world.alice_co, upload=upload("pledge.pdf", PDF), actor=world.alice)
    client.force_login(getattr(world, who))
    response = client.get(f"/attachments/{attachment.pk}/")
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in response["Content-Disposition"]


def test_anonymous_users_are_sent_to_login(world, client):
    attachment = attachment_create(owner=world.alice_co, upload=upload("pledge.pdf", PDF), actor=world.alice)
    response = client.get(f"/attachments/{attachment.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
