"""partnerships/ over the API: the contract's fields, who sees what, the operator asks, the partner acts."""

from __future__ import annotations

import pytest

from accounts.choices import Role
from partnerships.models import Partnership
from partnerships.services import partnership_confirm, partnership_request
from tests.builders import approve
from tests.conftest import api_as
from tests.factories import EnterpriseFilingFactory, UserFactory
from tests.scoping import ScopedAccessTests

URL = "/api/v1/partnerships/"
CONTRACT_FIELDS = {"id", "kind", "operator", "partner", "status"}


def _alice_co_approved(world):
    world.alice_co.refresh_from_db()
    if world.alice_co.status != "approved":
        approve(world.alice_co, world.alice, world.zj_inspector)
    return world.alice_co


class TestPartnershipScope(ScopedAccessTests):
    """Alice Co's partnership with a Zhejiang platform: seen by both sides, the Zhejiang bureau and
    headquarters; not by Bob Co nor the Guangdong bureau; changed only through its actions."""

    route = "partnerships"
    editable_by = None

    def make_object(self, world):
        _alice_co_approved(world)
        platform = EnterpriseFilingFactory(is_operator=False, is_platform=True, status="approved")
        return partnership_request(actor=world.alice, kind="platform", partner=platform.pk)


def test_the_partners_side_and_its_bureau_see_it_too(world, operator):
    platform = EnterpriseFilingFactory(
        name="GD platform",
        region_code="440104",
        bureau=world.gd,
        is_operator=False,
        is_platform=True,
        status="approved",
    )
    seller_desk = UserFactory(username="gdp", role=Role.ENTERPRISE, bureau=None, enterprise=platform)
    partnership = partnership_request(actor=world.alice, kind="platform", partner=platform.pk)
    for user in (seller_desk, world.gd_inspector, world.zj_inspector, world.hq):
        ids = [row["id"] for row in api_as(user).get(URL).json()["results"]]
        assert ids == [partnership.pk], user.username
    assert api_as(world.bob).get(f"{URL}{partnership.pk}/").status_code == 404


def test_the_operator_posts_the_request(world, operator, platform):
    response = api_as(world.alice).post(URL, {"kind": "platform", "partner": platform.pk}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= CONTRACT_FIELDS
    assert (body["kind"], body["operator"], body["partner"], body["status"]) == (
        "platform",
        operator.pk,
        platform.pk,
        "requested",
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "shop", "partner": 1}, "kind"),
        ({"kind": "platform"}, "partner"),
        ({"kind": "platform", "partner": "x"}, "partner"),
        ({"kind": "platform", "partner": 2**70}, "partner"),
        ({"kind": "warehouse", "partner": "PLATFORM"}, "partner"),
    ],
)
def test_a_bad_request_answers_400_per_field(world, operator, platform, payload, field):
    payload = {**payload, "partner": platform.pk} if payload.get("partner") == "PLATFORM" else payload
    response = api_as(world.alice).post(URL, payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Partnership.objects.exists()


def test_an_unapproved_operator_answers_400_on_operator(world, platform):
    response = api_as(world.alice).post(URL, {"kind": "platform", "partner": platform.pk}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"operator"}


@pytest.mark.parametrize("who", ["zj_inspector", "hq"])
def test_staff_do_not_post(world, platform, who):
    assert api_as(getattr(world, who)).post(URL, {"kind": "platform", "partner": platform.pk}).status_code == 403


def test_the_partner_acts_on_the_request(world, operator, platform):
    partnership = partnership_request(actor=world.alice, kind="platform", partner=platform.pk)
    detail = f"{URL}{partnership.pk}/"
    assert api_as(world.alice).post(f"{detail}confirm/").status_code == 403
    response = api_as(world.tmall).post(f"{detail}confirm/")
    assert (response.status_code, response.json()["status"]) == (200, "confirmed")
    # Suspending needs a reason: 400 on reason, nothing changes.
    response = api_as(world.tmall).post(f"{detail}suspend/", {}, format="json")
    assert (response.status_code, list(response.json())) == (400, ["reason"])
    response = api_as(world.tmall).post(f"{detail}suspend/", {"reason": "售假"}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "suspended")
    response = api_as(world.tmall).post(f"{detail}reinstate/")
    assert (response.status_code, response.json()["status"]) == (200, "confirmed")
    # An action the status does not allow answers 400 and changes nothing.
    response = api_as(world.tmall).post(f"{detail}refuse/", {"reason": "x"}, format="json")
    assert response.status_code == 400
    assert Partnership.objects.get().status == "confirmed"
    history = api_as(world.alice).get(f"{detail}history/").json()["results"]
    assert [event["action"] for event in history] == ["create", "approve", "suspend", "reinstate"]


def test_refuse_and_withdraw(world, operator, platform, warehouse):
    first = partnership_request(actor=world.alice, kind="platform", partner=platform.pk)
    second = partnership_request(actor=world.alice, kind="warehouse", partner=warehouse.pk)
    response = api_as(world.tmall).post(f"{URL}{first.pk}/refuse/", {"reason": "资质不全"}, format="json")
    assert (response.json()["status"], response.json()["reason"]) == ("refused", "资质不全")
    assert api_as(world.cainiao).post(f"{URL}{second.pk}/withdraw/").status_code == 403
    assert api_as(world.alice).post(f"{URL}{second.pk}/withdraw/").json()["status"] == "withdrawn"
    # Bob Co does not see it: 404, as if it did not exist.
    assert api_as(world.bob).post(f"{URL}{first.pk}/confirm/").status_code == 404


def test_filters(world, operator, platform, warehouse):
    first = partnership_request(actor=world.alice, kind="platform", partner=platform.pk)
    second = partnership_request(actor=world.alice, kind="warehouse", partner=warehouse.pk)
    partnership_confirm(actor=world.tmall, partnership=first)
    client = api_as(world.hq)

    def ids(query: str) -> set[int]:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids("kind=platform") == {first.pk}
    assert ids("status=requested") == {second.pk}
    assert ids(f"partner={warehouse.pk}") == {second.pk}
    assert ids(f"operator={operator.pk}") == {first.pk, second.pk}
    assert client.get(f"{URL}?operator=abc").status_code == 400
    # mine: the partnerships an enterprise asked for, not those it is asked in
    assert {row["id"] for row in api_as(world.tmall).get(f"{URL}?mine=true").json()["results"]} == set()
    assert {row["id"] for row in api_as(world.alice).get(f"{URL}?mine=true").json()["results"]} == {
        first.pk,
        second.pk,
    }


def test_the_schema_documents_the_route(world):
    schema = api_as(world.hq).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert "/api/v1/partnerships/" in paths
    for action in ("confirm", "refuse", "suspend", "reinstate", "withdraw"):
        assert f"/api/v1/partnerships/{{id}}/{action}/" in paths
