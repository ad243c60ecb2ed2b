"""Inter-bureau notice pages: "Notify another bureau" on a signal's page, the list with its incoming,
outgoing and overdue views, a notice with its acknowledge button and overdue badge, the navigation and
the home page's count; enterprises and other bureaus get 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from traceability import services
from traceability.models import InterBureauNotice

pytestmark = pytest.mark.django_db

LIST = reverse("traceability:notice_list")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def page(client, user, url: str, **extra):
    client.force_login(user)
    return client.get(url, **EN, **extra)


def test_staff_notify_another_bureau_from_the_signals_page(world, signal, client):
    detail = page(client, world.gd_inspector, signal.get_absolute_url())
    form_url = reverse("traceability:notice_create", args=["risk_signal", signal.pk])
    assert "Notify another bureau" in detail.content.decode() and form_url in detail.content.decode()
    form = client.get(form_url, **EN)
    assert form.status_code == 200
    assert services.default_due_at().date().isoformat() in form.content.decode()
    assert 'value="GD"' not in form.content.decode()  # not to its own bureau
    response = client.post(
        form_url, {"to_bureau": "ZJ", "subject": "平台所在地通报", "body": "请核查", "due_date": ""}, **EN
    )
    notice = InterBureauNotice.objects.get()
    assert response.status_code == 302 and response.url == notice.get_absolute_url()
    assert (notice.from_bureau.code, notice.to_bureau.code, notice.object_id) == ("GD", "ZJ", signal.pk)
    assert notice.due_at == services.default_due_at(notice.sent_at)
    # The receiving bureau sees the notice on its view of the signal.
    received = page(client, world.zj_inspector, signal.get_absolute_url()).content.decode()
    assert "平台所在地通报" in received and notice.get_absolute_url() in received


def test_a_chosen_due_date_is_the_end_of_that_day(world, signal, client):
    form_url = reverse("traceability:notice_create", args=["risk_signal", signal.pk])
    client.force_login(world.gd_inspector)
    day = timezone.localdate() + dt.timedelta(days=10)
    client.post(form_url, {"to_bureau": "ZJ", "subject": "s", "due_date": day.isoformat()}, **EN)
    notice = InterBureauNotice.objects.get()
    assert timezone.localtime(notice.due_at).date() == day
    assert timezone.localtime(notice.due_at).time() == dt.time.max
    past = client.post(form_url, {"to_bureau": "ZJ", "subject": "s", "due_date": "2020-01-01"}, **EN)
    assert past.status_code == 200 and "The due date is to be in the future." in past.content.decode()
    own = client.post(form_url, {"to_bureau": "GD", "subject": "s"}, **EN)
    assert own.status_code == 200 and InterBureauNotice.objects.count() == 1


def test_enterprises_neither_send_nor_read_notices(world, signal, notice, client):
    client.force_login(world.alice)
    assert client.get(LIST).status_code == 404
    assert client.get(notice.get_absolute_url()).status_code == 404
    assert client.get(reverse("traceability:notice_create", args=["risk_signal", signal.pk])).status_code == 404
    assert client.post(reverse("traceability:notice_acknowledge", args=[notice.pk])).status_code == 404


def test_a_bureau_outside_the_notice_gets_404(world, notice, client):
    assert page(client, world.nb_inspector, notice.get_absolute_url()).status_code == 404
    assert "平台所在地通报" not in page(client, world.nb_inspector, LIST).content.decode()
    assert page(client, world.hq, notice.get_absolute_url()).status_code == 200


def test_the_receiving_bureau_acknowledges_on_the_page(world, notice, client):
    sender = page(client, world.gd_inspector, notice.get_absolute_url()).content.decode()
    assert 'data-testid="acknowledge-form"' not in sender
    receiver = page(client, world.zj_inspector, notice.get_absolute_url()).content.decode()
    assert 'data-testid="acknowledge-form"' in receiver and "Awaiting acknowledgement" in receiver
    url = reverse("traceability:notice_acknowledge", args=[notice.pk])
    assert client.post(url, {"note": "收到"}, **EN).status_code == 302
    notice.refresh_from_db()
    assert notice.acknowledged_by == world.zj_inspector
    after = client.get(notice.get_absolute_url(), **EN).content.decode()
    assert 'data-testid="acknowledge-form"' not in after and "收到" in after


def test_an_overdue_notice_carries_a_badge(world, notice, client):
    InterBureauNotice.objects.filter(pk=notice.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    detail = page(client, world.gd_inspector, notice.get_absolute_url()).content.decode()
    assert 'data-testid="notice-overdue"' in detail
    overdue = client.get(f"{LIST}?overdue=true", **EN).content.decode()
    assert "平台所在地通报" in overdue and "Overdue" in overdue


def test_the_list_views(world, notice, signal, client):
    services.notice_send(actor=world.zj_inspector, to_bureau="SH", subject="去函上海", obj=signal)
    client.force_login(world.zj_inspector)
    incoming = client.get(f"{LIST}?direction=incoming", **EN).content.decode()
    assert "平台所在地通报" in incoming and "去函上海" not in incoming
    outgoing = client.get(f"{LIST}?direction=outgoing", **EN).content.decode()
    assert "去函上海" in outgoing and "平台所在地通报" not in outgoing
    everything = client.get(LIST, **EN)
    assert everything.status_code == 200 and 'data-testid="notices-incoming"' in everything.content.decode()
    export = client.get(f"{LIST}?export=csv")
    assert export.status_code == 200


def test_the_list_page_costs_a_fixed_number_of_queries(world, signal, client, django_assert_max_num_queries):
    client.force_login(world.hq)
    services.notice_send(actor=world.gd_inspector, to_bureau="ZJ", subject="s", obj=signal)
    client.get(LIST, **EN)  # warm up
    with django_assert_max_num_queries(20) as few:
        assert client.get(LIST, **EN).status_code == 200
    for _ in range(15):
        services.notice_send(actor=world.gd_inspector, to_bureau="ZJ", subject="s", obj=signal)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LIST, **EN).status_code == 200


def test_navigation_and_the_home_page_count(world, notice, client):
    home = page(client, world.zj_inspector, reverse("home")).content.decode()
    assert "Notices to acknowledge" in home and 'data-testid="nav-notices"' in home
    assert "Notices to acknowledge" not in page(client, world.hq, reverse("home")).content.decode()
    assert 'data-testid="nav-notices"' not in page(client, world.alice, reverse("home")).content.decode()


def test_the_risk_dashboard_shows_overdue_notices_to_both_bureaus_and_headquarters(world, notice, client):
    from cbec_supervision.dashboard import risk_panels
    from risk_monitoring.dashboard import scope_for

    def overdue_panel(user, national=False):
        scope, _bureau = scope_for(user, national=national)
        panels = {panel.key: panel for panel in risk_panels(user, scope)}
        return [(str(item.label), item.figure.value, item.figure.url) for item in panels["overdue_notices"].items]

    # not overdue yet: nothing to count
    assert [value for _label, value, _url in overdue_panel(world.zj_inspector)] == [0, 0]
    InterBureauNotice.objects.filter(pk=notice.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    zj = overdue_panel(world.zj_inspector)  # Zhejiang received it
    gd = overdue_panel(world.gd_inspector)  # Guangdong sent it
    assert [value for _label, value, _url in zj] == [1, 0] and [value for _label, value, _url in gd] == [0, 1]
    assert [value for _label, value, _url in overdue_panel(world.hq)] == [1]
    # each figure opens the list that counts the same
    for user, figures in ((world.zj_inspector, zj), (world.gd_inspector, gd)):
        client.force_login(user)
        for _label, value, url in figures:
            assert client.get(url, **EN).content.decode().count('data-testid="notice-row"') == value, url
    page_html = page(client, world.zj_inspector, "/risks/dashboard/").content.decode()
    assert "Overdue: to acknowledge" in page_html
