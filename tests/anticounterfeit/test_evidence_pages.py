"""The evidence pages: the case panel (a fixed number of queries), the forms that add and correct items
and record custody, the custody log with its verification, pack export and downloads; staff only, 404
outside the case's readers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from anticounterfeit.choices import CaseStatus
from anticounterfeit.models import CounterfeitCase, CustodyEvent, Evidence, EvidencePack
from anticounterfeit.views.evidence import case_panel_context
from tests.anticounterfeit.evidence_support import add_file, add_physical, make_case, png
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def case(world):
    return make_case(world)


def _get(client, user, name, *args):
    client.force_login(user)
    return client.get(reverse(f"anticounterfeit:{name}", args=args), **EN)


def test_the_panel_shows_the_items_and_the_controls(world, case):
    item = add_file(world, case, description="店铺截图")
    add_physical(world, case)
    html = render_to_string("anticounterfeit/evidence/_case_panel.html", case_panel_context(case, world.zj_inspector))
    assert 'data-testid="evidence-add"' in html and 'data-testid="pack-export"' in html
    assert f'title="{item.sha256}"' in html and item.sha256[:12] in html and "店铺截图" in html
    assert html.count('data-testid="evidence-row"') == 2
    hq_html = render_to_string("anticounterfeit/evidence/_case_panel.html", case_panel_context(case, world.hq))
    assert 'data-testid="evidence-add"' not in hq_html and 'data-testid="pack-export"' in hq_html


def test_the_panel_costs_a_fixed_number_of_queries(world, case, django_assert_max_num_queries):
    add_file(world, case)
    with django_assert_max_num_queries(10) as few:
        case_panel_context(case, world.zj_inspector)
    for _ in range(15):
        add_file(world, case)
    EvidencePack.objects.create(
        case=case, file="x.zip", size=1, sha256="a" * 64, manifest_sha256="b" * 64, evidence_count=1, custody_seq=1
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        context = case_panel_context(case, world.zj_inspector)
    assert len(context["evidence_items"]) == 16 and context["custody_report"].ok


def test_a_handler_adds_evidence_through_the_form(world, case, client):
    response = _get(client, world.zj_inspector, "evidence_add", case.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        'type="datetime-local"' in html
        and 'list="evidence-methods"' in html
        and 'data-testid="evidence-submit"' in html
    )
    assert "Test purchase" in html
    response = client.post(
        reverse("anticounterfeit:evidence_add", args=[case.pk]),
        {"kind": "file", "file": png(), "collected_at": "2026-01-05T10:00", "place": "杭州", "method": "Test purchase"},
        **EN,
    )
    assert response.status_code == 302
    item = Evidence.objects.get()
    assert timezone.localtime(item.collected_at).strftime("%Y-%m-%d %H:%M %z") == "2026-01-05 10:00 +0800"


def test_a_refused_file_is_shown_on_the_form(world, case, client):
    client.force_login(world.zj_inspector)
    response = client.post(
        reverse("anticounterfeit:evidence_add", args=[case.pk]), {"kind": "file", "file": png("x.pdf")}, **EN
    )
    assert response.status_code == 200 and "is not .pdf" in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_item_page_its_correction_and_download(world, case, client):
    item = add_file(world, case)
    response = _get(client, world.zj_inspector, "evidence_detail", item.pk)
    assert response.status_code == 200 and item.sha256 in response.content.decode()
    assert 'data-testid="evidence-correct"' in response.content.decode()
    response = client.post(
        reverse("anticounterfeit:evidence_correct", args=[item.pk]),
        {"reason": "地点有误", "place": "宁波", "collected_at": "2026-01-05T10:00"},
        **EN,
    )
    assert response.status_code == 302
    assert Evidence.objects.get(version=2).place == "宁波"
    download = client.get(reverse("anticounterfeit:evidence_download", args=[item.pk]))
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"


def test_custody_is_recorded_and_the_log_shows_its_verification(world, case, client):
    item = add_file(world, case, collected_at=timezone.now() - dt.timedelta(days=1))
    at = timezone.localtime(timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    client.force_login(world.zj_inspector)
    response = client.post(
        reverse("anticounterfeit:custody_add", args=[case.pk]),
        {"evidence": item.pk, "action": "stored", "at": at, "from_party": "甲", "to_party": "证据室"},
        **EN,
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CustodyEvent.objects.filter(case=case).count() == 2
    html = _get(client, world.zj_inspector, "custody_log", case.pk).content.decode()
    assert "Intact: 2 events verified" in html
    html = client.get(reverse("anticounterfeit:custody_log", args=[case.pk]) + "?files=1", **EN).content.decode()
    assert "stored file matches" in html


def test_packs_are_exported_from_the_page_and_downloaded(world, case, client):
    add_file(world, case)
    client.force_login(world.hq)
    response = client.post(reverse("anticounterfeit:pack_export", args=[case.pk]), **EN)
    assert response.status_code == 302
    pack = EvidencePack.objects.get()
    download = client.get(reverse("anticounterfeit:pack_download", args=[pack.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"


def test_refused_outside_investigation_with_a_message(world, client):
    case = make_case(world, status=CaseStatus.REVIEW)
    client.force_login(world.zj_inspector)
    response = client.post(
        reverse("anticounterfeit:evidence_add", args=[case.pk]), {"kind": "file", "file": png()}, **EN
    )
    assert response.status_code == 200 and "only while the case is being investigated" in response.content.decode()
    assert not Evidence.objects.exists()


def test_pages_are_404_to_those_who_do_not_see_the_case(world, case, client):
    item = add_file(world, case)
    pack = EvidencePack.objects.create(
        case=case, file="x.zip", size=1, sha256="a" * 64, manifest_sha256="b" * 64, evidence_count=1, custody_seq=1
    )
    unassigned = UserFactory(username="zj_other", role="inspector", bureau=world.zj)
    for user in (unassigned, world.gd_inspector, world.alice):
        client.force_login(user)
        for name, arg in (
            ("evidence_add", case.pk),
            ("evidence_detail", item.pk),
            ("evidence_correct", item.pk),
            ("evidence_download", item.pk),
            ("custody_add", case.pk),
            ("custody_log", case.pk),
            ("pack_download", pack.pk),
        ):
            assert client.get(reverse(f"anticounterfeit:{name}", args=[arg])).status_code == 404, (user, name)
        assert client.post(reverse("anticounterfeit:pack_export", args=[case.pk])).status_code == 404
    assert not CounterfeitCase.objects.get(pk=case.pk).packs.exclude(pk=pack.pk).exists()
    assert _get(client, world.hq, "custody_log", case.pk).status_code == 200


def test_dates_before_2000_are_refused_on_the_forms(world, case, client):
    item = add_file(world, case)
    client.force_login(world.zj_inspector)
    for name, args, data in (
        ("evidence_add", [case.pk], {"kind": "physical", "description": "鞋", "quantity": 1}),
        ("evidence_correct", [item.pk], {"reason": "r"}),
        ("custody_add", [case.pk], {"evidence": item.pk, "action": "stored", "from_party": "甲", "to_party": "乙"}),
    ):
        field = "at" if name == "custody_add" else "collected_at"
        response = client.post(reverse(f"anticounterfeit:{name}", args=args), {**data, field: "0001-01-01T00:00"}, **EN)
        assert response.status_code == 200, name
        assert "between 1 January 2000 and now" in response.content.decode(), name
