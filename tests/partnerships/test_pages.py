"""The partnerships page: the operator asks, the partner decides with a reason, staff read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partnerships.models import Partnership
from partnerships.services import partnership_request
from tests.factories import EnterpriseFilingFactory
from tests.pages import browser_as, messages_of

URL = "/partnerships/"


def test_the_url_and_the_nav_link(world):
    assert reverse("partnerships:partnership_list") == URL
    page = browser_as(world.alice).get(URL)
    assert page.status_code == 200
    assert b'data-testid="nav-partnerships"' in page.content


def test_anonymous_is_sent_to_log_in(world):
    assert browser_as(None).get(URL).status_code == 302


def test_the_operator_asks_a_platform_from_the_page(world, operator, platform):
    page = browser_as(world.alice).get(URL)
    assert b'data-testid="request-platform"' in page.content and b'data-testid="request-warehouse"' in page.content
    response = browser_as(world.alice).post(
        reverse("partnerships:partnership_request", args=["platform"]),
        {"platform-partner": platform.pk, "platform-note": "店铺 A"},
        follow=True,
    )
    assert messages_of(response) == ["Your request was sent to Tmall Global."]
    partnership = Partnership.objects.get()
    assert (partnership.operator, partnership.partner, partnership.note) == (operator, platform, "店铺 A")
    assert [row.pk for row in response.context["rows"]] == [partnership.pk]
    assert b'data-testid="partnership-withdraw"' in response.content


def test_the_picker_offers_only_approved_partners_of_the_kind(world, operator, platform, warehouse):
    response = browser_as(world.alice).post(
        reverse("partnerships:partnership_request", args=["warehouse"]), {"warehouse-partner": platform.pk}, follow=True
    )
    assert len(messages_of(response)) == 1 and not Partnership.objects.exists()


def test_an_enterprise_not_yet_approved_is_offered_no_request(world):
    page = browser_as(world.alice).get(URL)
    assert page.status_code == 200 and b'data-testid="request-platform"' not in page.content


def test_the_platform_sees_its_seller_and_refuses_with_a_reason(world, operator, platform):
    partnership = partnership_request(actor=world.alice, kind="platform", partner=platform.pk)
    page = browser_as(world.tmall).get(URL)
    assert b"Alice Co" in page.content
    assert b'data-testid="partnership-confirm"' in page.content
    assert b'data-testid="partnership-refuse"' in page.content
    assert b'data-testid="request-platform"' not in page.content  # a platform only is no operator
    act = reverse("partnerships:partnership_act", args=[partnership.pk, "refuse"])
    response = browser_as(world.tmall).post(act, {"reason": ""}, follow=True)
    assert messages_of(response) == ["Give a reason."]
    response = browser_as(world.tmall).post(act, {"reason": "资质不全"}, follow=True)
    assert messages_of(response) == ["Refused: Alice Co was told why."]
    partnership.refresh_from_db()
    assert (partnership.status, partnership.reason) == ("refused", "资质不全")


def test_the_platform_confirms_and_suspends(world, operator, platform):
    partnership = partnership_request(actor=world.alice, kind="platform", partner=platform.pk)
    browser_as(world.tmall).post(reverse("partnerships:partnership_act", args=[partnership.pk, "confirm"]))
    partnership.refresh_from_db()
    assert partnership.status == "confirmed"
    page = browser_as(world.tmall).get(URL)
    assert b'data-testid="partnership-suspend"' in page.content
    assert b'id="partnership-%d-suspend"' % partnership.pk in page.content  # the reason modal
    browser_as(world.tmall).post(
        reverse("partnerships:partnership_act", args=[partnership.pk, "suspend"]), {"reason": "售假投诉"}
    )
    partnership.refresh_from_db()
    assert partnership.status == "suspended"


def test_the_operator_cannot_confirm_its_own_request(world, operator, platform):
    partnership = partnership_request(actor=world.alice, kind="platform", partner=platform.pk)
    response = browser_as(world.alice).post(
        reverse("partnerships:partnership_act", args=[partnership.pk, "confirm"]), follow=True
    )
    assert len(messages_of(response)) == 1
    partnership.refresh_from_db()
    assert partnership.status == "requested"


def test_outside_scope_is_404(world, operator, platform):
    partnership = partnership_request(actor=world.alice, kind="platform", partner=platform.pk)
    for user in (world.bob, world.gd_inspector):
        url = reverse("partnerships:partnership_act", args=[partnership.pk, "confirm"])
        assert browser_as(user).post(url).status_code == 404
    assert browser_as(world.tmall).post(f"/partnerships/{partnership.pk}/nonsense/").status_code == 404


@pytest.mark.parametrize("who", ["zj_inspector", "hq"])
def test_staff_read_the_list_without_actions(world, operator, platform, who):
    partnership = partnership_request(actor=world.alice, kind="platform", partner=platform.pk)
    page = browser_as(getattr(world, who)).get(URL)
    assert [row.pk for row in page.context["rows"]] == [partnership.pk]
    assert b'data-testid="partnership-confirm"' not in page.content
    assert b'data-testid="request-platform"' not in page.content


def test_the_list_costs_a_fixed_number_of_queries(world, operator, platform, django_assert_max_num_queries):
    def add(count):
        for _ in range(count):
            partner = EnterpriseFilingFactory(is_operator=False, is_platform=True, status="approved")
            partnership_request(actor=world.alice, kind="platform", partner=partner.pk)

    add(2)
    alice, inspector = browser_as(world.alice), browser_as(world.zj_inspector)
    for client in (alice, inspector):
        client.get(URL)  # warm up: sessions, permission caches, content types
    with django_assert_max_num_queries(12) as few:
        alice.get(URL)
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = alice.get(URL)
    assert len(response.context["rows"]) == 22
    with django_assert_max_num_queries(12):
        inspector.get(URL)
