"""``sampling-plans/`` (issue 10): read by the plan's bureau and headquarters only; generate, adjust,
publish, close; refusals answer 400 per field or 403, never 500."""

from __future__ import annotations

import pytest

from filings.choices import FilingStatus
from risk_monitoring import services
from risk_monitoring.models import Lab, SamplingPlan
from tests.conftest import api_as
from tests.factories import ProductFilingFactory
from tests.scoping import ROLES, ScopedAccessTests, ScopedPageTests, client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/sampling-plans/"


def _lab(name: str) -> Lab:
    return Lab.objects.get_or_create(name_key=Lab.key_of(name), defaults={"name": name})[0]


#: enterprises hold no permission on plans: the API refuses them outright (403), the pages too (404 on a plan)
ENTERPRISE_ROLES = frozenset({"owner", "other_enterprise"})


class TestAPlanIsReadByItsBureauAndHeadquartersOnly(ScopedAccessTests, ScopedPageTests):
    route = "sampling-plans"
    visible_to = frozenset({"same_bureau_inspector", "hq"})
    editable_by = None
    html_detail_url_name = "risk_monitoring:plan_detail"

    def _enterprise_refused(self, world, role, path: str) -> bool:
        if role not in ENTERPRISE_ROLES:
            return False
        obj = self.object_for(world, role)
        assert client_for(world, role).get(f"/api/v1/{self.route}/{path.format(pk=obj.pk)}").status_code == 403
        return True

    @pytest.mark.parametrize("role", ROLES)
    def test_list_shows_only_what_the_role_may_see(self, world, role):
        if not self._enterprise_refused(world, role, ""):
            super().test_list_shows_only_what_the_role_may_see(world, role)

    @pytest.mark.parametrize("role", ROLES)
    def test_detail_is_404_outside_scope(self, world, role):
        if not self._enterprise_refused(world, role, "{pk}/"):
            super().test_detail_is_404_outside_scope(world, role)

    @pytest.mark.parametrize("role", ROLES)
    def test_history_follows_the_object_scope(self, world, role):
        if not self._enterprise_refused(world, role, "{pk}/history/"):
            super().test_history_follows_the_object_scope(world, role)

    @pytest.mark.parametrize("role", ROLES)
    def test_update_needs_scope_and_permission(self, world, role):
        if not self._enterprise_refused(world, role, "{pk}/items/"):
            super().test_update_needs_scope_and_permission(world, role)

    def make_object(self, world):
        world.alice_co.status = FilingStatus.APPROVED
        world.alice_co.save()
        ProductFilingFactory(enterprise=world.alice_co, status=FilingStatus.APPROVED)
        return services.plan_generate(
            actor=world.zj_inspector, month="2026-12", size=2, labs=[(_lab("SGS Shanghai"), 5)], seed=1
        )


@pytest.fixture
def shelf(goods):
    goods.zj_goods = [goods.alice_toy] + [
        ProductFilingFactory(enterprise=goods.alice_co, status=FilingStatus.APPROVED) for _ in range(9)
    ]
    goods.lab_a = _lab("SGS Shanghai")
    goods.lab_b = _lab("CTI Hangzhou")
    return goods


def _generate(client, shelf, **body):
    payload = {
        "month": "2026-12",
        "size": 5,
        "seed": 7,
        "labs": [{"lab": shelf.lab_a.pk, "capacity": 3}, {"lab": shelf.lab_b.pk, "capacity": 3}],
    }
    payload.update(body)
    return client.post(URL, payload, format="json")


def test_staff_generate_and_read_a_plan_with_its_items(shelf):
    client = api_as(shelf.zj_inspector)
    response = _generate(client, shelf)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["bureau"], body["month"], body["status"], body["seed"], body["random_share"]) == (
        "ZJ",
        "2026-12",
        "draft",
        "7",
        "0.20",
    )
    assert body["parameters"]["random_count"] == 1 and body["parameters"]["risk_count"] == 4
    items = client.get(f"{URL}{body['id']}/items/").json()
    assert len(items) == 5 and {i["reason"] for i in items} == {"random", "risk"}
    assert all(i["sampling"] is None and i["sampling_status"] is None for i in items)
    again = _generate(client, shelf).json()
    assert [i["product"] for i in client.get(f"{URL}{again['id']}/items/").json()] == [i["product"] for i in items]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"month": "2026-13"}, "month"),
        ({"size": 0}, "size"),
        ({"random_share": "1.5"}, "random_share"),
        ({"labs": []}, "labs"),
        ({"labs": [{"lab": 99999999, "capacity": 3}]}, "labs"),
        ({"labs": [{"lab": 1, "capacity": 0}]}, "labs"),
        ({"seed": -5}, "seed"),
        ({"seed": 2**64}, "seed"),
        ({"channel": "x"}, "channel"),
    ],
)
def test_bad_bodies_answer_400_per_field(shelf, body, field):
    response = _generate(api_as(shelf.zj_inspector), shelf, **body)
    assert response.status_code == 400 and field in response.json(), response.content
    assert not SamplingPlan.objects.exists()


@pytest.mark.parametrize("user", ["hq", "alice"])
def test_headquarters_and_enterprises_do_not_generate(shelf, user):
    assert _generate(api_as(getattr(shelf, user)), shelf).status_code == 403


def test_adjusting_publishing_and_closing_over_the_api(shelf):
    client = api_as(shelf.zj_inspector)
    plan = _generate(client, shelf).json()
    base = f"{URL}{plan['id']}/"
    items = client.get(f"{base}items/").json()
    in_plan = {i["product"] for i in items}
    outside = next(p for p in shelf.zj_goods if p.pk not in in_plan)
    response = client.post(f"{base}remove-item/", {"item": items[0]["id"], "reason": "停售"}, format="json")
    assert response.status_code == 200 and response.json()["removed"] is True
    response = client.post(f"{base}add-item/", {"product": outside.pk, "reason": "投诉"}, format="json")
    assert response.status_code == 201 and response.json()["reason"] == "added"
    response = client.post(f"{base}add-item/", {"product": shelf.bob_kettle.pk, "reason": "x"}, format="json")
    assert response.status_code == 400 and "product" in response.json()
    response = client.post(f"{base}remove-item/", {"item": 99999999, "reason": "x"}, format="json")
    assert response.status_code == 400 and "item" in response.json()
    target = next(i for i in items[1:] if i["lab"] == shelf.lab_a.pk)
    response = client.post(f"{base}change-lab/", {"item": target["id"], "lab": shelf.lab_b.pk}, format="json")
    assert response.status_code in (200, 400)
    response = client.post(f"{base}change-lab/", {"item": target["id"], "lab": 99999999}, format="json")
    assert response.status_code == 400 and "lab" in response.json()
    assert api_as(shelf.gd_inspector).post(f"{base}publish/").status_code == 404
    assert api_as(shelf.hq).post(f"{base}publish/").status_code == 403
    assert client.post(f"{base}publish/").json()["status"] == "published"
    assert client.post(f"{base}publish/").status_code == 400
    response = client.post(f"{base}remove-item/", {"item": items[1]["id"], "reason": "x"}, format="json")
    assert response.status_code == 400
    assert client.post(f"{base}close/", {}, format="json").json()["status"] == "closed"
    history = client.get(f"{base}history/").json()["results"]
    assert len(history) >= 5
