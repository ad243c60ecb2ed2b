"""The web shell: login with lockout, home per role, language negotiation, admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username, password=DEFAULT_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_home_needs_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["hq", "zj_admin", "zj_inspector", "alice"])
def test_each_role_logs_in_and_sees_its_home(world, client, who):
    response = login(client, who)
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    # Staff see their work queues (and the bureau figures); an enterprise its panels (issue 9 section 4).
    shown = "panels" if who == "alice" else "queues"
    assert shown in page.context and page.context[shown]


def test_an_inspector_home_counts_only_its_bureau(world, client):
    from filings.choices import FilingStatus
    from tests.factories import EnterpriseFilingFactory

    EnterpriseFilingFactory(bureau=world.zj, status=FilingStatus.SUBMITTED)
    EnterpriseFilingFactory(bureau=world.gd, status=FilingStatus.SUBMITTED)
    client.force_login(world.zj_inspector)
    queues = {str(q.title): q.count for q in client.get("/", HTTP_ACCEPT_LANGUAGE="en").context["queues"]}
    assert queues["Filings awaiting review"] == 1
    assert queues["All enterprise filings"] == 2  # Alice Co and the submitted one


def test_repeated_failures_lock_the_account_out(world, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "zj_inspector", "wrong-password")
    response = login(client, "zj_inspector")  # the right password, too late
    assert response.status_code == 429
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_logout_is_a_post(world, client):
    client.force_login(world.zj_inspector)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("", "zh-hans"), ("en-US,en;q=0.9", "en"), ("zh-CN,zh;q=0.9", "zh-hans"), ("fr-FR", "zh-hans")],
)
def test_language_follows_the_browser_else_chinese(client, accept, expected):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    assert response.context["LANGUAGE_CODE"] == expected


def test_the_users_choice_beats_the_browser(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.context["LANGUAGE_CODE"] == "en"


def test_pages_are_translated(world, client):
    client.force_login(world.zj_inspector)
    zh = client.get(reverse("filings:enterprise_list"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    en = client.get(reverse("filings:enterprise_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "统一社会信用代码" in zh and "Unified social credit code".lower() in en.lower()


def test_staff_admins_reach_the_admin_but_enterprises_do_not(world, client):
    world.zj_admin.is_staff = True
    world.zj_admin.save()
    client.force_login(world.zj_admin)
    assert client.get("/admin/").status_code == 200
    client.force_login(world.alice)
    assert client.get("/admin/").status_code == 302


def test_the_html_list_runs_a_fixed_number_of_queries(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import EnterpriseFilingFactory

    client.force_login(world.hq)
    EnterpriseFilingFactory.create_batch(2, bureau=world.zj)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("filings:enterprise_list"))
    EnterpriseFilingFactory.create_batch(25, bureau=world.gd)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("filings:enterprise_list"))
    assert len(many) == len(few)


def test_pages_outside_scope_get_the_systems_own_404(world, client):
    client.force_login(world.alice)
    response = client.get(f"/filings/enterprises/{world.bob_co.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert b'data-testid="error-404"' in response.content and b"you may not see it" in response.content
