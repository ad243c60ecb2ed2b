"""Investigation pages (issue 11): "Open an investigation" on an assessed signal's and a failed sampling's
page, the open form (prefilled), the list with its views, the case page with its timeline, sources,
measures and actions, the major-case PDF (its text readable), the navigation and the home queue; other
bureaus and enterprises get 404; the list and the case page cost a fixed number of queries."""

from __future__ import annotations

import base64
import re
import zlib

import pytest
from django.urls import reverse

from traceability import services
from traceability.models import Investigation

pytestmark = pytest.mark.django_db

LIST = reverse("traceability:investigation_list")
OPEN = reverse("traceability:investigation_open")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def page(client, user, url: str, **extra):
    client.force_login(user)
    return client.get(url, **EN, **extra)


def pdf_text(data: bytes) -> str:
    """The text a reportlab PDF draws (its content streams, ASCII85 and Flate encoded, with the CJK font's
    UTF-16 strings), enough to check what a report says."""
    texts: list[str] = []
    wide: list[str] = []
    for match in re.finditer(
        rb"/ASCII85Decode /FlateDecode \] /Length \d+\s*>>\s*stream\r?\n(.*?)endstream", data, re.S
    ):
        content = zlib.decompress(base64.a85decode(match.group(1).strip(), adobe=True))
        i = 0
        while (start := content.find(b"(", i)) != -1:
            out, j, depth = bytearray(), start + 1, 1
            while j < len(content):
                char = content[j : j + 1]
                if char == b"\\":
                    nxt = content[j + 1 : j + 2]
                    if nxt.isdigit():
                        digits = re.match(rb"[0-7]{1,3}", content[j + 1 : j + 4]).group(0)  # type: ignore[union-attr]
                        out.append(int(digits, 8))
                        j += 1 + len(digits)
                        continue
                    out += {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(nxt, nxt)
                    j += 2
                    continue
                if char == b"(":
                    depth += 1
                elif char == b")":
                    depth -= 1
                    if depth == 0:
                        break
                out += char
                j += 1
            raw = bytes(out)
            # The CJK font's strings are UTF-16; the others single bytes: keep both readings.
            texts.append(raw.decode("latin-1"))
            wide.append(raw.decode("utf-16-be", "replace") if len(raw) % 2 == 0 else "")
            i = j + 1
    return "".join(texts) + "\n" + "".join(wide)


def test_open_an_investigation_from_a_signals_page(case_world, client):
    signal = case_world.case_signal
    detail = page(client, case_world.zj_inspector, signal.get_absolute_url()).content.decode()
    assert 'data-testid="open-investigation"' in detail and f"{OPEN}?signal={signal.pk}" in detail
    form = page(client, case_world.zj_inspector, f"{OPEN}?signal={signal.pk}").content.decode()
    assert "小零件脱落" in form and f'value="{signal.pk}"' in form
    response = client.post(OPEN, {"title": "小零件脱落调查", "signals": str(signal.pk)}, **EN)
    case = Investigation.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert (case.lead_bureau.code, case.notifying_bureau.code) == ("GD", "ZJ")
    after = page(client, case_world.zj_inspector, signal.get_absolute_url()).content.decode()
    assert case.case_no in after and 'data-testid="open-investigation"' not in after  # handed over


def test_open_from_a_failed_sampling_and_the_forms_refusals(case_world, client):
    sampling = case_world.failed
    detail = page(client, case_world.gd_inspector, reverse("risk_monitoring:sampling_detail", args=[sampling.pk]))
    assert f"{OPEN}?sampling={sampling.pk}" in detail.content.decode()
    form = page(client, case_world.gd_inspector, f"{OPEN}?sampling={sampling.pk}").content.decode()
    assert sampling.sampling_no in form
    refused = client.post(OPEN, {"title": "", "signals": "abc"}, **EN)
    assert refused.status_code == 200 and not Investigation.objects.exists()
    refused = client.post(OPEN, {"title": "无对象"}, **EN)
    assert refused.status_code == 200 and "Name the enterprise or the platform" in refused.content.decode()
    client.post(OPEN, {"title": "直接", "enterprise": case_world.alice_co.pk}, **EN)
    assert Investigation.objects.get().lead_bureau.code == "ZJ"


def test_the_case_page_shows_the_timeline_sources_and_the_lead_bureaus_actions(case_world, case, client):
    lead = page(client, case_world.gd_inspector, case.get_absolute_url()).content.decode()
    assert case.case_no in lead and 'data-testid="timeline-event"' in lead
    assert "Lead bureau GD, notified by ZJ" in lead and 'data-testid="linked-signal"' in lead
    assert 'data-testid="advance-form"' in lead and 'data-testid="close-form"' in lead
    assert 'data-testid="major-form"' in lead and 'data-testid="reassign-form"' not in lead
    assert "No measures yet." in lead
    notifying = page(client, case_world.zj_inspector, case.get_absolute_url()).content.decode()
    assert 'data-testid="advance-form"' not in notifying and 'data-testid="note-form"' in notifying
    hq = page(client, case_world.hq, case.get_absolute_url()).content.decode()
    assert 'data-testid="reassign-form"' in hq and 'data-testid="advance-form"' not in hq
    assert page(client, case_world.nb_inspector, case.get_absolute_url()).status_code == 404
    assert page(client, case_world.alice, case.get_absolute_url()).status_code == 404
    assert page(client, case_world.alice, LIST).status_code == 404


def test_actions_from_the_case_page(case_world, case, client):
    client.force_login(case_world.gd_inspector)
    url = case.get_absolute_url()
    client.post(reverse("traceability:investigation_advance", args=[case.pk]), {"status": "investigating"})
    client.post(reverse("traceability:investigation_note", args=[case.pk]), {"message": "已约谈平台"})
    refused = client.post(
        reverse("traceability:investigation_close", args=[case.pk]),
        {"root_cause": "x", "responsible_party": "operator", "responsible_enterprise": "999999"},
        follow=True,
        **EN,
    )
    assert "Name an approved enterprise filing." in refused.content.decode()
    client.post(
        reverse("traceability:investigation_close", args=[case.pk]),
        {
            "root_cause": "未做测试",
            "responsible_party": "operator",
            "responsible_enterprise": case_world.alice_co.pk,
            "quality_problem_confirmed": "on",
        },
    )
    case.refresh_from_db()
    assert (case.status, case.quality_problem_confirmed) == ("closed", True)
    shown = page(client, case_world.gd_inspector, url).content.decode()
    assert "已约谈平台" in shown and "未做测试" in shown and 'data-testid="close-form"' not in shown


def test_the_major_case_report_downloads_as_a_pdf(case_world, case, client):
    report = reverse("traceability:investigation_major_report", args=[case.pk])
    assert page(client, case_world.gd_inspector, report).status_code == 404  # not major yet
    client.post(reverse("traceability:investigation_major", args=[case.pk]), {"reason": "多地儿童误吞"})
    shown = page(client, case_world.gd_inspector, case.get_absolute_url()).content.decode()
    assert 'data-testid="major-report"' in shown
    response = page(client, case_world.hq, report)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert case.case_no in text and "积木玩具小零件脱落" in text and "多地儿童误吞" in text and "Shop Platform" in text
    assert page(client, case_world.nb_inspector, report).status_code == 404
    inbox = page(client, case_world.hq, reverse("notification_list")).content.decode()
    assert case.case_no in inbox


def test_navigation_list_views_and_home_queue(case_world, case, client):
    home = page(client, case_world.gd_inspector, reverse("home")).content.decode()
    assert "Investigations to lead" in home and 'data-testid="nav-investigations"' in home
    assert 'data-testid="nav-investigations"' not in page(client, case_world.alice, reverse("home")).content.decode()
    mine = page(client, case_world.gd_inspector, f"{LIST}?open=true&mine=true").content.decode()
    assert case.case_no in mine
    assert case.case_no not in page(client, case_world.zj_inspector, f"{LIST}?open=true&mine=true").content.decode()
    assert case.case_no in page(client, case_world.zj_inspector, LIST).content.decode()
    assert case.case_no not in page(client, case_world.nb_inspector, LIST).content.decode()
    assert page(client, case_world.hq, f"{LIST}?export=csv").status_code == 200


def test_the_list_and_the_case_page_cost_a_fixed_number_of_queries(
    case_world, case, client, django_assert_max_num_queries
):
    client.force_login(case_world.hq)
    client.get(LIST, **EN)
    with django_assert_max_num_queries(30) as few:
        assert client.get(LIST, **EN).status_code == 200
    with django_assert_max_num_queries(40) as one:
        assert client.get(case.get_absolute_url(), **EN).status_code == 200
    for n in range(6):
        services.investigation_open(actor=case_world.zj_inspector, title=f"案件{n}", enterprise=case_world.bob_co)
        services.investigation_note(actor=case_world.zj_inspector, investigation=case, message=f"note {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LIST, **EN).status_code == 200
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(case.get_absolute_url(), **EN).status_code == 200


def test_the_case_page_draws_the_trace_of_its_products(case_world, case, client):
    assert list(case.products.all()) == [case_world.toy]
    client.force_login(case_world.gd_inspector)
    html = client.get(case.get_absolute_url(), **EN).content.decode()
    assert f'data-testid="trace" data-product="{case_world.toy.pk}"' in html
    assert "<svg" in html and "Shop Platform" in html


def test_an_opened_case_is_not_labelled_as_the_time_it_was_opened():
    """The state "Opened" and the timeline's "Opened" have a context of their own: without it they took
    the list column's translation ("发起时间", the time opened), and a new case's badge read as a date
    heading in Chinese."""
    from django.utils import translation
    from django.utils.translation import gettext

    from traceability.choices import InvestigationEventKind, InvestigationStatus
    from traceability.tables import InvestigationTable

    with translation.override("zh-hans"):
        column = str(InvestigationTable.base_columns["created_at"].verbose_name)
        assert column == gettext("Opened")
        assert str(InvestigationStatus.OPENED.label) != column
        assert str(InvestigationEventKind.OPENED.label) != column
