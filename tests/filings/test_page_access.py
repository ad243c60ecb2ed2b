"""The filing pages: who sees which page (others get 404, the anonymous the login page)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ChangeRequestFactory, ProductFilingFactory
from tests.pages import ANON, browser_as, expected_status

pytestmark = pytest.mark.django_db


# --- who sees which page --------------------------------------------------------------------------


ROLES = ["alice", "bob", "zj_inspector", "zj_admin", "gd_inspector", "hq", ANON]


@pytest.mark.parametrize("role", ROLES)
def test_the_enterprise_page_is_seen_by_its_users_its_bureau_and_hq(world, role):
    user = getattr(world, role) if role else None
    response = browser_as(user).get(reverse("filings:enterprise_detail", args=[world.alice_co.pk]))
    assert response.status_code == expected_status(role, {"alice", "zj_inspector", "zj_admin", "hq"})


@pytest.mark.parametrize("role", ROLES)
def test_the_product_page_is_seen_by_its_enterprise_its_bureau_and_hq(world, toy, role):
    user = getattr(world, role) if role else None
    response = browser_as(user).get(reverse("filings:product_detail", args=[toy.pk]))
    assert response.status_code == expected_status(role, {"alice", "zj_inspector", "zj_admin", "hq"})


@pytest.mark.parametrize("role", ROLES)
def test_the_product_list_shows_only_what_the_role_may_see(world, toy, role):
    user = getattr(world, role) if role else None
    response = browser_as(user).get(reverse("filings:product_list"))
    if role is ANON:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    shown = {row.pk for row in response.context["rows"]}
    assert (toy.pk in shown) == (role in {"alice", "zj_inspector", "zj_admin", "hq"})


@pytest.mark.parametrize("role", ROLES)
def test_the_review_queue_is_for_bureau_staff_and_hq(world, role):
    user = getattr(world, role) if role else None
    response = browser_as(user).get(reverse("filings:review_queue"))
    assert response.status_code == expected_status(role, {"zj_inspector", "zj_admin", "gd_inspector", "hq"})


@pytest.mark.parametrize("role", ROLES)
def test_a_change_request_is_seen_like_its_filing(world, role):
    change = ChangeRequestFactory(enterprise=world.alice_co, submitted_by=world.alice)
    user = getattr(world, role) if role else None
    response = browser_as(user).get(reverse("filings:change_request_detail", args=[change.pk]))
    assert response.status_code == expected_status(role, {"alice", "zj_inspector", "zj_admin", "hq"})


@pytest.mark.parametrize(
    ("url_name", "needs"),
    [
        ("filings:enterprise_edit", "enterprise"),
        ("filings:enterprise_change_request", "enterprise"),
        ("filings:product_create", None),
        ("filings:product_bulk", None),
        ("filings:product_edit", "product"),
        ("filings:product_change_request", "product"),
    ],
)
@pytest.mark.parametrize("role", ROLES)
def test_enterprise_pages_are_for_the_enterprises_own_users(world, url_name, needs, role):
    product = ProductFilingFactory(enterprise=world.alice_co)
    args = {"enterprise": [world.alice_co.pk], "product": [product.pk], None: []}[needs]
    user = getattr(world, role) if role else None
    response = browser_as(user).get(reverse(url_name, args=args))
    if role == "bob" and needs is None:
        assert response.status_code == 200  # Bob files his own products on the same pages
    else:
        assert response.status_code == expected_status(role, {"alice"})


@pytest.mark.parametrize("role", ROLES)
def test_the_reason_pages_are_for_the_competent_bureau(world, role):
    user = getattr(world, role) if role else None
    client = browser_as(user)
    decide = client.get(reverse("filings:enterprise_decide", args=[world.alice_co.pk, "return"]))
    bureau = client.get(reverse("filings:enterprise_set_bureau", args=[world.alice_co.pk]))
    expected = expected_status(role, {"zj_inspector", "zj_admin"})
    assert decide.status_code == expected
    assert bureau.status_code == expected


@pytest.mark.parametrize("role", ["alice", "zj_inspector", "hq"])
def test_the_inbox_is_for_everyone_signed_in(world, role):
    assert browser_as(getattr(world, role)).get(reverse("notification_list")).status_code == 200
    assert browser_as(None).get(reverse("notification_list")).status_code == 302


def test_an_unknown_decision_is_404(world):
    client = browser_as(world.zj_inspector)
    assert client.post(reverse("filings:enterprise_decide", args=[world.alice_co.pk, "bless"])).status_code == 404
