"""The evidence actions on ``counterfeit-cases/{id}/``: upload (201 with the SHA-256), per-field 400s
with nothing saved, corrections, downloads, the custody log with its verification, packs; scoped access."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anticounterfeit.choices import CaseStatus
from anticounterfeit.models import CounterfeitCase, Evidence
from tests.anticounterfeit.evidence_support import add_file, make_case, png
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    return make_case(world)


def _url(case, tail=""):
    return f"/api/v1/counterfeit-cases/{case.pk}/{tail}"


def test_a_handler_uploads_evidence_and_gets_its_sha256(world, case):
    upload = png(size=3000)
    content = upload.read()
    upload.seek(0)
    response = api_as(world.zj_inspector).post(
        _url(case, "evidence/"),
        {
            "file": upload,
            "place": "杭州",
            "method": "现场检查",
            "description": "照片",
            "collected_at": "2026-01-05T10:00:00+08:00",
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert (body["number"], body["version"], body["collected_by"], body["is_current"]) == (1, 1, "zj_inspector", True)
    assert body["place"] == "杭州" and body["collected_at"].startswith("2026-01-05T10:00:00")
    download = api_as(world.zj_inspector).get(body["file"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    assert download["Content-Type"] == "image/png" and download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]


def test_bad_input_is_a_400_per_field_and_nothing_is_saved(world, case, settings):
    client = api_as(world.zj_inspector)
    fake = SimpleUploadedFile("photo.png", b"GIF89a not a png" * 10)
    response = client.post(_url(case, "evidence/"), {"file": fake}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()
    response = client.post(_url(case, "evidence/"), {"collected_at": "yesterday", "quantity": "-1"}, format="multipart")
    assert response.status_code == 400 and {"collected_at", "quantity"} <= set(response.json())
    settings.EVIDENCE_MAX_BYTES = 100
    response = client.post(_url(case, "evidence/"), {"file": png(size=200)}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()
    response = client.post(_url(case, "evidence/"), {"kind": "physical"}, format="multipart")
    assert response.status_code == 400 and {"quantity", "description"} <= set(response.json())
    assert not Evidence.objects.exists()
    root = Path(settings.MEDIA_ROOT)
    assert not root.exists() or not [p for p in root.rglob("*") if p.is_file()]


def test_a_physical_item_through_the_api(world, case):
    response = api_as(world.zj_inspector).post(
        _url(case, "evidence/"),
        {"kind": "physical", "description": "仿冒鞋", "quantity": 20, "unit": "双", "seal_no": "FT-1"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["file"] is None and response.json()["quantity"] == 20


def test_the_case_status_refuses_with_a_reason(world, case):
    CounterfeitCase.objects.filter(pk=case.pk).update(status=CaseStatus.REVIEW)
    response = api_as(world.zj_inspector).post(_url(case, "evidence/"), {"file": png()}, format="multipart")
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_a_correction_and_the_list_of_versions(world, case):
    item = add_file(world, case)
    client = api_as(world.zj_inspector)
    response = client.post(
        _url(case, f"evidence/{item.pk}/correct/"), {"reason": "地点有误", "place": "宁波"}, format="json"
    )
    assert response.status_code == 201 and response.json()["version"] == 2 and response.json()["supersedes"] == item.pk
    assert client.post(_url(case, f"evidence/{item.pk}/correct/"), {"place": "x"}, format="json").status_code == 400
    versions = client.get(_url(case, "evidence/")).json()["results"]
    assert [(v["version"], v["is_current"]) for v in versions] == [(1, False), (2, True)]
    current = client.get(_url(case, "evidence/?current=true")).json()["results"]
    assert [v["version"] for v in current] == [2]


def test_an_item_of_another_case_is_404(world, case):
    other = make_case(world, case_no="ZJ2026AC000002")
    item = add_file(world, other)
    client = api_as(world.zj_inspector)
    assert client.get(_url(case, f"evidence/{item.pk}/download/")).status_code == 404
    assert client.post(_url(case, f"evidence/{item.pk}/correct/"), {"reason": "r"}, format="json").status_code == 404


def test_the_custody_log_with_its_verification_and_a_new_event(world, case):
    item = add_file(world, case)
    client = api_as(world.zj_inspector)
    response = client.post(
        _url(case, "custody/"),
        {
            "evidence": item.pk,
            "action": "handed_over",
            "at": timezone.now().isoformat(),
            "from_party": "甲",
            "to_party": "乙",
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["seq"] == 2
    bad = client.post(_url(case, "custody/"), {"evidence": item.pk, "action": "collected", "at": "x"}, format="json")
    assert bad.status_code == 400 and {"action", "at"} <= set(bad.json())
    body = client.get(_url(case, "custody/")).json()
    assert body["verification"] == {"ok": True, "checked": 2, "broken_seq": None, "problem": ""}
    assert [e["action"] for e in body["events"]] == ["collected", "handed_over"]


def test_packs_are_exported_and_downloaded(world, case):
    add_file(world, case)
    response = api_as(world.hq).post(_url(case, "packs/"))
    assert response.status_code == 201
    body = response.json()
    assert {"id", "size", "sha256", "manifest_sha256", "download"} <= set(body)
    download = api_as(world.zj_inspector).get(body["download"])
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == body["sha256"]
    assert [p["id"] for p in api_as(world.zj_admin).get(_url(case, "packs/")).json()["results"]] == [body["id"]]


@pytest.mark.parametrize("who", ["unassigned", "gd_inspector", "alice"])
def test_people_who_do_not_see_the_case_get_404(world, case, who):
    item = add_file(world, case)
    user = {
        "unassigned": type(world.zj_inspector).objects.create_user(
            username="zj_other", password="x", role="inspector", bureau=world.zj
        )
        if who == "unassigned"
        else None,
        "gd_inspector": world.gd_inspector,
        "alice": world.alice,
    }[who]
    client = api_as(user)
    for method, tail in (
        ("get", "evidence/"),
        ("post", "evidence/"),
        ("get", f"evidence/{item.pk}/download/"),
        ("get", "custody/"),
        ("post", "packs/"),
    ):
        assert getattr(client, method)(_url(case, tail)).status_code == 404, (method, tail)


def test_headquarters_reads_and_exports_but_does_not_add(world, case):
    add_file(world, case)
    client = api_as(world.hq)
    assert client.get(_url(case, "evidence/")).status_code == 200
    assert client.post(_url(case, "evidence/"), {"file": png()}, format="multipart").status_code == 403
    assert client.post(_url(case, "packs/")).status_code == 201


def test_anonymous_is_401(case):
    assert api_as(None).get(_url(case, "evidence/")).status_code == 401


def test_out_of_range_ids_and_odd_input_are_never_a_500(world, case):
    client = api_as(world.zj_inspector)
    huge = "9" * 30
    assert client.get(_url(case, f"evidence/{huge}/download/")).status_code == 404
    assert client.get(_url(case, f"packs/{huge}/download/")).status_code == 404
    assert client.post(_url(case, f"evidence/{huge}/correct/"), {"reason": "r"}, format="json").status_code == 404
    response = client.post(
        _url(case, "custody/"), {"evidence": huge, "action": "stored", "at": timezone.now().isoformat()}, format="json"
    )
    assert response.status_code in (400, 404)
    response = client.post(_url(case, "evidence/"), {"kind": "nonsense", "place": "x" * 301}, format="multipart")
    assert response.status_code == 400 and {"kind", "place"} <= set(response.json())


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00", "0001-01-01T00:00:00Z", "1999-12-31T23:00:00+08:00"])
def test_dates_before_2000_are_a_400_per_field(world, case, when):
    client = api_as(world.zj_inspector)
    response = client.post(
        _url(case, "evidence/"), {"kind": "physical", "description": "鞋", "quantity": 1, "collected_at": when}
    )
    assert response.status_code == 400 and set(response.json()) == {"collected_at"}
    item = add_file(world, case)
    response = client.post(
        _url(case, "custody/"),
        {"evidence": item.pk, "action": "stored", "at": when, "from_party": "甲", "to_party": "乙"},
        format="json",
    )
    assert response.status_code == 400 and set(response.json()) == {"at"}
    response = client.post(
        _url(case, f"evidence/{item.pk}/correct/"), {"reason": "r", "collected_at": when}, format="json"
    )
    assert response.status_code == 400 and set(response.json()) == {"collected_at"}


def test_custody_accounts_are_the_case_officers_only(world, case):
    item = add_file(world, case)
    client = api_as(world.zj_inspector)
    body = {"evidence": item.pk, "action": "handed_over", "at": timezone.now().isoformat()}
    for outsider in ("gd_inspector", "alice", "hq"):
        response = client.post(_url(case, "custody/"), {**body, "from_user": "zj_admin", "to_user": outsider})
        assert response.status_code == 400 and set(response.json()) == {"to_user"}
    response = client.post(_url(case, "custody/"), {**body, "from_user": "zj_inspector", "to_user": "zj_admin"})
    assert response.status_code == 201 and response.json()["to_user"] == "zj_admin"
