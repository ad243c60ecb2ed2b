"""Rule 9 of issue 8: an enterprise can file again after a rejection or a revocation."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.choices import Role
from accounts.models import User
from cbec_supervision.models import AuditEvent
from filings import services
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling
from tests.builders import approve, complete
from tests.conftest import api_as
from tests.factories import UserFactory


def rejected(world) -> EnterpriseFiling:
    complete(world.alice_co, world.alice)
    filing = services.enterprise_submit(actor=world.alice, filing=world.alice_co)
    return services.enterprise_reject(actor=world.zj_inspector, filing=filing, reason="材料虚假")


def revoked(world) -> EnterpriseFiling:
    filing = approve(world.alice_co, world.alice, world.zj_inspector)
    return services.enterprise_revoke(actor=world.zj_inspector, filing=filing, reason="虚假备案")


@pytest.mark.parametrize("end", [rejected, revoked])
def test_rule_9_an_ended_filing_is_filed_again_by_its_own_users(world, end):
    old = end(world)
    number, events = old.filing_no, list(AuditEvent.objects.for_object(old).values_list("pk", flat=True))
    colleague = User.objects.create(username="alice2", role=Role.ENTERPRISE, enterprise=old)

    new = services.enterprise_refile(actor=world.alice, filing=old)

    assert new.pk != old.pk and new.previous == old and new.uscc == old.uscc
    assert new.status == FilingStatus.DRAFT and new.filing_no is None
    assert (new.name, new.contact_phone, new.types, new.systems) == (
        old.name,
        old.contact_phone,
        old.types,
        old.systems,
    )
    assert not new.pledge_signed  # signed again for the new filing
    old.refresh_from_db()
    assert old.status == end.__name__ and old.filing_no == number and old.followed_by == new
    # the old history is kept, and one event records the refiling on it; the new one records its creation
    after = list(AuditEvent.objects.for_object(old).values_list("pk", flat=True))
    assert after[: len(events)] == events and len(after) == len(events) + 1
    assert AuditEvent.objects.for_object(old).last().after == {"followed_by": new.pk}
    assert AuditEvent.objects.for_object(new).get().action == "create"
    # the enterprise's accounts move to the new filing
    world.alice.refresh_from_db()
    colleague.refresh_from_db()
    assert world.alice.enterprise == new and colleague.enterprise == new


@pytest.mark.parametrize("end", [rejected, revoked])
def test_rule_9_the_new_filing_gets_a_new_number_and_the_old_keeps_its_own(world, end):
    old = end(world)
    new = services.enterprise_refile(actor=world.alice, filing=old)
    world.alice.refresh_from_db()
    new = approve(new, world.alice, world.zj_inspector)
    old.refresh_from_db()
    assert new.filing_no and new.filing_no != old.filing_no
    if old.filing_no:  # a revoked filing had one: the sequence went on past it
        assert int(new.filing_no[-6:]) == int(old.filing_no[-6:]) + 1


@pytest.mark.parametrize("status", ["draft", "submitted", "approved", "returned", "suspended"])
def test_rule_9_a_live_filing_is_not_filed_again(world, status):
    complete(world.alice_co, world.alice)
    EnterpriseFiling.objects.filter(pk=world.alice_co.pk).update(status=status)
    with pytest.raises(ValidationError) as info:
        services.enterprise_refile(actor=world.alice, filing=world.alice_co)
    assert "Only a rejected or revoked filing" in info.value.message_dict["status"][0]
    response = api_as(world.alice).post(f"/api/v1/enterprises/{world.alice_co.pk}/refile/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Only a rejected or revoked filing" in str(response.json())
    assert EnterpriseFiling.objects.filter(uscc=world.alice_co.uscc).count() == 1


def test_rule_9_only_its_own_users_file_again_and_only_once(world):
    old = rejected(world)
    for outsider in (world.bob, world.zj_inspector):
        with pytest.raises(PermissionDenied):
            services.enterprise_refile(actor=outsider, filing=old)
    services.enterprise_refile(actor=world.alice, filing=old)
    with pytest.raises(PermissionDenied):  # alice now belongs to the new filing
        services.enterprise_refile(actor=world.alice, filing=old)
    assert EnterpriseFiling.objects.filter(uscc=old.uscc).count() == 2


def test_rule_9_one_live_filing_per_credit_code_in_the_database_too(world):
    old = rejected(world)
    services.enterprise_refile(actor=world.alice, filing=old)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseFiling.objects.create(name="x", uscc=old.uscc, region_code="330106", bureau=world.zj)
    with pytest.raises(ValidationError) as info:
        services.enterprise_create(actor="test", name="重复", uscc=old.uscc)
    assert "already on file" in info.value.message_dict["uscc"][0]
    # several ended filings of one code may coexist
    EnterpriseFiling.objects.create(
        name="y", uscc=old.uscc, region_code="330106", bureau=world.zj, status=FilingStatus.REVOKED
    )


def test_rule_9_api_refile_and_previous_field(world):
    old = revoked(world)
    response = api_as(world.alice).post(f"/api/v1/enterprises/{old.pk}/refile/")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["previous"] == old.pk and body["status"] == "draft" and body["filing_no"] is None
    assert api_as(world.alice).get(f"/api/v1/enterprises/{old.pk}/").json()["previous"] is None
    schema = api_as(world.hq).get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "post" in schema["paths"]["/api/v1/enterprises/{id}/refile/"]
    previous = schema["components"]["schemas"]["EnterpriseFiling"]["properties"]["previous"]
    assert previous["readOnly"] and previous["nullable"] and "files again" in previous["description"]


def test_rule_9_the_enterprises_users_see_their_old_and_new_filings(world):
    old = rejected(world)
    new = services.enterprise_refile(actor=world.alice, filing=old)
    world.alice.refresh_from_db()
    visible = set(EnterpriseFiling.objects.visible_to(world.alice).values_list("pk", flat=True))
    assert visible == {old.pk, new.pk}
    assert not EnterpriseFiling.objects.visible_to(world.bob).filter(pk__in=[old.pk, new.pk]).exists()
    client = api_as(world.alice)
    ids = {row["id"] for row in client.get("/api/v1/enterprises/").json()["results"]}
    assert ids == {old.pk, new.pk}


def test_rule_9_pages_link_both_ways_and_offer_the_button(client, world):
    old = rejected(world)
    client.force_login(world.alice)
    page = client.get(reverse("filings:enterprise_detail", args=[old.pk])).content.decode()
    assert 'data-testid="refile"' in page
    response = client.post(reverse("filings:enterprise_refile", args=[old.pk]))
    new = EnterpriseFiling.objects.get(previous=old)
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    world.alice.refresh_from_db()
    client.force_login(world.alice)
    page = client.get(new.get_absolute_url()).content.decode()
    assert 'data-testid="previous-filing"' in page and old.get_absolute_url() in page
    page = client.get(old.get_absolute_url()).content.decode()
    assert 'data-testid="next-filing"' in page and new.get_absolute_url() in page
    assert 'data-testid="refile"' not in page
    # a live filing has no such button
    assert 'data-testid="refile"' not in client.get(new.get_absolute_url()).content.decode()


def test_rule_9_signup_and_create_account_join_the_live_filing(world):
    old = rejected(world)
    signup = {
        "uscc": old.uscc,
        "name": "x",
        "region_code": "330106",
        "contact_name": "周",
        "contact_phone": "13812345678",
        "email": "",
        "password": "A-good-pass-2026",
    }
    # the old filing still has its users: they file again, nobody signs up around them
    with pytest.raises(ValidationError):
        services.enterprise_signup(username="newcomer", **signup)
    new = services.enterprise_refile(actor=world.alice, filing=old)
    with pytest.raises(ValidationError) as info:
        services.enterprise_signup(username="newcomer", **signup)
    assert "Colleagues" in info.value.message_dict["uscc"][0]
    call_command(
        "create_account", "--username", "joiner", "--password", "A-good-pass-2026", "--role", "enterprise",
        "--enterprise", old.uscc, stdout=io.StringIO(),
    )  # fmt: skip
    assert User.objects.get(username="joiner").enterprise == new


def test_rule_9_signup_files_again_when_no_account_is_left(world):
    old = rejected(world)
    User.objects.filter(enterprise=old).update(is_active=False)
    user = services.enterprise_signup(
        uscc=old.uscc,
        name="Alice Co",
        region_code="330106",
        contact_name="周",
        contact_phone="13812345678",
        email="",
        username="newcomer",
        password="A-good-pass-2026",
    )
    assert user.enterprise.previous == old and user.enterprise.status == FilingStatus.DRAFT


def test_rule_9_create_account_joins_the_last_filing_when_none_is_live(world):
    old = revoked(world)
    call_command(
        "create_account", "--username", "joiner", "--password", "A-good-pass-2026", "--role", "enterprise",
        "--enterprise", old.uscc, stdout=io.StringIO(),
    )  # fmt: skip
    joiner = User.objects.get(username="joiner")
    assert joiner.enterprise == old
    new = services.enterprise_refile(actor=joiner, filing=old)
    joiner.refresh_from_db()
    world.alice.refresh_from_db()
    assert joiner.enterprise == new and world.alice.enterprise == new


def test_rule_9_products_of_a_revoked_filing_stay_with_it(world, approved_toy):
    old = services.enterprise_revoke(actor=world.zj_inspector, filing=approved_toy.enterprise, reason="虚假备案")
    new = services.enterprise_refile(actor=world.alice, filing=old)
    approved_toy.refresh_from_db()
    assert approved_toy.enterprise_id == old.pk and not new.products.exists()


def test_rule_9_an_account_without_enterprise_does_not_file_around_its_users(world):
    old = rejected(world)
    loner = UserFactory(username="loner", role=Role.ENTERPRISE, bureau=None, enterprise=None)
    body = {"name": "Alice Co", "uscc": old.uscc}
    response = api_as(loner).post("/api/v1/enterprises/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Colleagues" in response.json()["uscc"][0]
    User.objects.filter(enterprise=old).update(is_active=False)
    response = api_as(loner).post("/api/v1/enterprises/", {"name": "Alice Co", "uscc": old.uscc}, format="json")
    assert response.status_code == 201 and response.json()["previous"] == old.pk
