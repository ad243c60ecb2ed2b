"""The import pages: who sees which page, the navigation and the home queues per role.

Alice works for Alice Co (Zhejiang, approved, with an approved toy), Bob for Bob Co (Guangdong);
zj_inspector and zj_admin work at the Zhejiang bureau (the port bureau of Alice's batches),
gd_inspector at Guangdong; hq sees everything and decides nothing.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalogues.models import CatalogueEdition
from imports.services.declarations import export_declare
from tests.builders import approve, confirm_partners
from tests.imports.filed import declare_filed
from tests.imports.pages import TOWEL
from tests.pages import ANON, browser_as, expected_status

pytestmark = pytest.mark.django_db


ROLES = ["alice", "bob", "zj_inspector", "zj_admin", "gd_inspector", "hq", ANON]


STAFF = {"zj_inspector", "zj_admin", "gd_inspector", "hq"}


# --- who sees which page --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_catalogues_are_read_by_everyone_signed_in(world, role):
    user = getattr(world, role) if role else None
    edition = CatalogueEdition.objects.get(kind="hazardous_chemicals", edition="2015 (excerpt)")
    client = browser_as(user)
    expected = 302 if role is ANON else 200
    assert client.get(reverse("catalogues:catalogue_list")).status_code == expected
    assert client.get(edition.get_absolute_url()).status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_a_batch_is_seen_by_its_enterprise_its_bureaus_and_hq(world, refused, role):
    user = getattr(world, role) if role else None
    response = browser_as(user).get(refused.get_absolute_url())
    assert response.status_code == expected_status(role, {"alice", "zj_inspector", "zj_admin", "hq"})


def test_a_batch_is_seen_by_the_port_bureau_and_the_platform(world, alice_co):
    bob_co = approve(world.bob_co, world.bob, world.gd_inspector)
    bob_co.is_platform = True
    bob_co.save()
    confirm_partners(alice_co, platform=bob_co)
    batch = declare_filed(actor=world.alice, items=[dict(TOWEL)], port_bureau="GD", platform=bob_co.pk)
    for user in (world.gd_inspector, world.bob, world.zj_inspector):
        assert browser_as(user).get(batch.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_the_batch_list_shows_only_what_the_role_may_see(world, refused, role):
    user = getattr(world, role) if role else None
    response = browser_as(user).get(reverse("imports:batch_list"))
    if role is ANON:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    shown = {row.pk for row in response.context["rows"]}
    assert (refused.pk in shown) == (role in {"alice", "zj_inspector", "zj_admin", "hq"})


@pytest.mark.parametrize("role", ROLES)
def test_declaring_and_uploading_are_for_enterprise_users(world, role):
    user = getattr(world, role) if role else None
    client = browser_as(user)
    for name in ("imports:batch_create", "imports:export_upload"):
        assert client.get(reverse(name)).status_code == expected_status(role, {"alice", "bob"})


@pytest.mark.parametrize("role", ROLES)
def test_the_verification_queue_is_for_bureau_staff_and_hq(world, role):
    user = getattr(world, role) if role else None
    response = browser_as(user).get(reverse("imports:verification_queue"))
    assert response.status_code == expected_status(role, STAFF)


@pytest.mark.parametrize("role", ROLES)
def test_exports_and_the_dry_run_are_open_to_everyone_signed_in(world, role):
    user = getattr(world, role) if role else None
    client = browser_as(user)
    expected = 302 if role is ANON else 200
    assert client.get(reverse("imports:export_list")).status_code == expected
    assert client.get(reverse("imports:classify")).status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_exports_are_listed_within_scope(world, alice_co, role):
    export_declare(
        actor=world.alice,
        declarations=[
            {
                "order_no": "YG1",
                "description": "真丝围巾",
                "hs_code": "6214100090",
                "destination_country": "FR",
                "value_cny": 780,
            }
        ],
    )
    user = getattr(world, role) if role else None
    response = browser_as(user).get(reverse("imports:export_list"))
    if role is ANON:
        return
    shown = [row.order_no for row in response.context["rows"]]
    assert shown == (["YG1"] if role in {"alice", "zj_inspector", "zj_admin", "hq"} else [])


def test_navigation_per_role(world):
    def nav(user):
        return {item.testid for item in browser_as(user).get(reverse("home")).context["nav_links"]}

    assert {"nav-imports", "nav-exports"} <= nav(world.alice)
    assert {"nav-verifications", "nav-batches", "nav-catalogues", "nav-classify"} <= nav(world.zj_inspector)
    hq = nav(world.hq)
    assert {"nav-batches", "nav-catalogues"} <= hq and not {"nav-verifications", "nav-classify"} & hq


def test_home_queues_count_open_verifications_and_batches_awaiting_them(world, to_verify):
    def queues(user):
        return {str(q.title): q.count for q in browser_as(user).get(reverse("home")).context["queues"]}

    assert queues(world.zj_inspector)["Open on-site verifications"] == 1
    assert queues(world.gd_inspector)["Open on-site verifications"] == 0

    def action(user):
        panels = browser_as(user).get(reverse("home")).context["panels"]
        return {str(item.label): item.figure.value for panel in panels if panel.key == "action" for item in panel.items}

    assert action(world.alice)["Batches awaiting on-site verification"] == 1
    assert action(world.bob)["Batches awaiting on-site verification"] == 0
