"""Work has an owner: items waiting in a bureau queue are assigned, reassigned with a reason, and
listed on each person's "my work" page; the bureau administrator sees the workload per person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from cbec_supervision.assignment import (
    assign,
    assignable_users,
    current_assignment,
    my_work,
    unassign,
    workload,
)
from cbec_supervision.models import Assignment, AuditEvent
from imports.models import ImportBatch, VerificationTask
from tests.factories import (
    BranchBureauFactory,
    ChangeRequestFactory,
    EnterpriseFilingFactory,
    ProductFilingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """Pages read in English (the messages asserted are the source strings)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def days_ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def submitted_enterprise(world, days: float = 1, **kwargs):
    kwargs.setdefault("bureau", world.zj)
    return EnterpriseFilingFactory(status="submitted", submitted_at=days_ago(days), **kwargs)


def submitted_product(world, days: float = 1, enterprise=None, **kwargs):
    return ProductFilingFactory(
        enterprise=enterprise or world.alice_co, status="submitted", submitted_at=days_ago(days), **kwargs
    )


def open_verification(world, days: float = 1, bureau=None):
    number = ImportBatch.objects.count() + 1
    batch = ImportBatch.objects.create(
        batch_no=f"ZJ-T-{number:05d}",
        enterprise=world.alice_co,
        port_bureau=bureau or world.zj,
        status="verification_required",
        tier=2,
    )
    task = VerificationTask.objects.create(batch=batch, bureau=bureau or world.zj)
    VerificationTask.objects.filter(pk=task.pk).update(created_at=days_ago(days))
    task.refresh_from_db()
    return task


# --- the service -------------------------------------------------------------------------------


def test_an_inspector_takes_a_waiting_filing_and_the_assignment_is_audited_on_it(world):
    product = submitted_product(world)
    assign(actor=world.zj_inspector, obj=product, assignee=world.zj_inspector)
    assert current_assignment(product).assignee == world.zj_inspector
    event = AuditEvent.objects.for_object(product).get(action="assign")
    assert event.actor == world.zj_inspector
    assert event.after == {"assignee": "zj_inspector"}


def test_a_bureau_admin_assigns_anyone_of_the_bureau(world):
    filing = submitted_enterprise(world)
    assign(actor=world.zj_admin, obj=filing, assignee=world.zj_inspector)
    assert current_assignment(filing).assigned_by == world.zj_admin


def test_a_reassignment_needs_a_reason_and_keeps_the_history(world):
    filing = submitted_enterprise(world)
    other = UserFactory(username="zj_other", role=Role.INSPECTOR, bureau=world.zj)
    assign(actor=world.zj_admin, obj=filing, assignee=world.zj_inspector)
    with pytest.raises(ValidationError) as refused:
        assign(actor=world.zj_admin, obj=filing, assignee=other, reason=" ")
    assert "reason" in refused.value.message_dict
    assert current_assignment(filing).assignee == world.zj_inspector

    assign(actor=world.zj_admin, obj=filing, assignee=other, reason="zj_inspector is on leave")
    history = list(Assignment.objects.of(filing).order_by("pk"))
    assert [(a.assignee.username, a.active) for a in history] == [("zj_inspector", False), ("zj_other", True)]
    assert history[0].ended_at is not None
    event = AuditEvent.objects.for_object(filing).get(action="reassign")
    assert (event.before, event.after, event.reason) == (
        {"assignee": "zj_inspector"},
        {"assignee": "zj_other"},
        "zj_inspector is on leave",
    )


def test_an_inspector_may_not_assign_an_item_to_someone_else(world):
    other = UserFactory(username="zj_other", role=Role.INSPECTOR, bureau=world.zj)
    with pytest.raises(PermissionDenied):
        assign(actor=world.zj_inspector, obj=submitted_product(world), assignee=other)


def test_an_inspector_takes_over_an_item_of_a_colleague_with_a_reason(world):
    product = submitted_product(world)
    other = UserFactory(username="zj_other", role=Role.INSPECTOR, bureau=world.zj)
    assign(actor=world.zj_admin, obj=product, assignee=other)
    assign(actor=world.zj_inspector, obj=product, assignee=world.zj_inspector, reason="I know this importer")
    assert current_assignment(product).assignee == world.zj_inspector


def test_staff_of_another_bureau_and_enterprises_may_not_assign(world):
    product = submitted_product(world)
    for actor in (world.gd_inspector, world.alice, world.hq):
        with pytest.raises(PermissionDenied):
            assign(actor=actor, obj=product, assignee=actor)
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("who", ["gd_inspector", "alice", "inactive", "hq"])
def test_the_assignee_is_an_active_staff_member_who_may_decide_on_the_item(world, who):
    if who == "inactive":
        assignee = UserFactory(username="gone", role=Role.INSPECTOR, bureau=world.zj, is_active=False)
    else:
        assignee = getattr(world, who)
    with pytest.raises(ValidationError) as refused:
        assign(actor=world.zj_admin, obj=submitted_product(world), assignee=assignee)
    assert "assignee" in refused.value.message_dict


def test_only_a_waiting_item_is_assigned(world):
    draft = ProductFilingFactory(enterprise=world.alice_co)
    with pytest.raises(ValidationError):
        assign(actor=world.zj_admin, obj=draft, assignee=world.zj_inspector)


def test_assigning_to_the_current_owner_again_is_refused(world):
    product = submitted_product(world)
    assign(actor=world.zj_admin, obj=product, assignee=world.zj_inspector)
    with pytest.raises(ValidationError):
        assign(actor=world.zj_admin, obj=product, assignee=world.zj_inspector, reason="again")


def test_the_staff_of_the_parent_direct_bureau_and_of_the_branch_are_offered(world):
    branch = BranchBureauFactory(parent=world.zj)
    branch_inspector = UserFactory(username="branch_inspector", role=Role.INSPECTOR, bureau=branch)
    filing = submitted_enterprise(world, bureau=branch)
    people = {user.username for user in assignable_users(filing)}
    assert {"zj_admin", "zj_inspector", "branch_inspector"} <= people
    assert not people & {"gd_inspector", "hq", "alice"}
    # the branch's inspector is offered nothing of the parent bureau
    assert "branch_inspector" not in {user.username for user in assignable_users(submitted_enterprise(world))}
    assign(actor=world.zj_admin, obj=filing, assignee=branch_inspector)


def test_the_owner_or_the_admin_releases_an_item_and_others_may_not(world):
    product = submitted_product(world)
    other = UserFactory(username="zj_other", role=Role.INSPECTOR, bureau=world.zj)
    assign(actor=world.zj_admin, obj=product, assignee=world.zj_inspector)
    with pytest.raises(PermissionDenied):
        unassign(actor=other, obj=product)
    unassign(actor=world.zj_inspector, obj=product)
    assert current_assignment(product) is None
    assert AuditEvent.objects.for_object(product).filter(action="unassign").count() == 1


def test_change_requests_and_verifications_are_assigned_too(world):
    change = ChangeRequestFactory(enterprise=world.alice_co)
    task = open_verification(world)
    assign(actor=world.zj_inspector, obj=change, assignee=world.zj_inspector)
    assign(actor=world.zj_admin, obj=task, assignee=world.zj_inspector)
    assert {item.obj for item in my_work(world.zj_inspector)} == {change, task}


# --- my work -----------------------------------------------------------------------------------


def test_my_work_lists_overdue_items_first_then_the_oldest_first_across_kinds(world):
    inspector = world.zj_inspector
    fresh_product = submitted_product(world, days=1)
    late_filing = submitted_enterprise(world, days=10)  # review days: 5
    late_verification = open_verification(world, days=3)  # verification days: 2
    change = ChangeRequestFactory(enterprise=world.alice_co)
    ChangeRequestFactory._meta.model.objects.filter(pk=change.pk).update(created_at=days_ago(4))
    for item in (fresh_product, late_filing, late_verification, change):
        assign(actor=world.zj_admin, obj=item, assignee=inspector)
    someone_elses = submitted_product(world, days=20)
    assign(actor=world.zj_admin, obj=someone_elses, assignee=world.zj_admin)

    work = my_work(inspector)
    assert [item.obj for item in work] == [late_filing, late_verification, change, fresh_product]
    assert [item.overdue for item in work] == [True, True, False, False]


def test_an_item_that_left_the_queue_leaves_my_work(world):
    product = submitted_product(world)
    assign(actor=world.zj_inspector, obj=product, assignee=world.zj_inspector)
    type(product).objects.filter(pk=product.pk).update(status="approved")
    assert my_work(world.zj_inspector) == []


def test_the_my_work_page_costs_a_fixed_number_of_queries(world, client):
    client.force_login(world.zj_inspector)
    assign(actor=world.zj_inspector, obj=submitted_product(world), assignee=world.zj_inspector)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("my_work")).status_code == 200
    for days in (2, 3, 4):
        assign(actor=world.zj_inspector, obj=submitted_product(world, days=days), assignee=world.zj_inspector)
        assign(actor=world.zj_inspector, obj=submitted_enterprise(world, days=days), assignee=world.zj_inspector)
        assign(actor=world.zj_inspector, obj=open_verification(world, days=days), assignee=world.zj_inspector)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("my_work"))
    assert response.content.decode().count('data-testid="work-item"') == 10
    assert len(many.captured_queries) == len(one.captured_queries)


def test_enterprises_have_no_my_work_page(world, client):
    client.force_login(world.alice)
    assert client.get(reverse("my_work")).status_code == 403


# --- workload ----------------------------------------------------------------------------------


def test_the_bureau_admin_sees_the_open_items_per_person_and_the_unassigned(world):
    other = UserFactory(username="zj_other", role=Role.INSPECTOR, bureau=world.zj)
    oldest = submitted_product(world, days=8)
    assign(actor=world.zj_admin, obj=oldest, assignee=world.zj_inspector)
    assign(actor=world.zj_admin, obj=submitted_enterprise(world, days=2), assignee=world.zj_inspector)
    assign(actor=world.zj_admin, obj=open_verification(world, days=1), assignee=other)
    submitted_product(world, days=3)  # nobody's
    submitted_product(world, days=3, enterprise=world.bob_co)  # Guangdong's: not counted
    done = submitted_product(world)
    assign(actor=world.zj_admin, obj=done, assignee=other)
    type(done).objects.filter(pk=done.pk).update(status="approved")  # left the queue: not counted

    people, unassigned = workload(world.zj_admin)
    table = {entry.person.username: (entry.open, entry.overdue) for entry in people}
    assert table == {"zj_inspector": (2, 1), "zj_other": (1, 0), "zj_admin": (0, 0)}
    assert people[0].person == world.zj_inspector
    assert people[0].oldest == oldest.submitted_at
    # the pre-existing submitted filings of the world (Alice Co is a draft) are none of ours
    assert (unassigned.open, unassigned.overdue) == (1, 0)


def test_the_workload_is_on_the_admins_page_only_at_a_fixed_cost(world, client):
    assign(actor=world.zj_admin, obj=submitted_product(world), assignee=world.zj_inspector)
    client.force_login(world.zj_inspector)
    assert 'data-testid="workload"' not in client.get(reverse("my_work")).content.decode()
    client.force_login(world.zj_admin)
    with CaptureQueriesContext(connection) as one:
        page = client.get(reverse("my_work")).content.decode()
    assert 'data-username="zj_inspector"' in page
    for _ in range(3):
        extra = UserFactory(role=Role.INSPECTOR, bureau=world.zj)
        assign(actor=world.zj_admin, obj=submitted_product(world), assignee=extra)
        assign(actor=world.zj_admin, obj=open_verification(world), assignee=extra)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("my_work"))
    assert len(many.captured_queries) == len(one.captured_queries)


# --- pages -------------------------------------------------------------------------------------


def assign_url(obj) -> str:
    from django.contrib.contenttypes.models import ContentType

    return reverse("assign_item", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])


def test_the_item_page_shows_the_owner_and_the_admin_can_choose_whom(world, client):
    product = submitted_product(world)
    client.force_login(world.zj_admin)
    page = client.get(product.get_absolute_url()).content.decode()
    assert 'data-testid="assignee-select"' in page
    response = client.post(
        assign_url(product), {"action": "assign", "assignee": world.zj_inspector.pk, "next": product.get_absolute_url()}
    )
    assert response.status_code == 302
    assert current_assignment(product).assignee == world.zj_inspector
    client.force_login(world.zj_inspector)
    page = client.get(product.get_absolute_url()).content.decode()
    assert 'data-testid="assignee"' in page and "zj_inspector" in page
    assert 'data-testid="assignee-select"' not in page


def test_an_inspector_takes_an_item_from_its_page(world, client):
    filing = submitted_enterprise(world)
    client.force_login(world.zj_inspector)
    assert 'data-testid="assign"' in client.get(filing.get_absolute_url()).content.decode()
    client.post(assign_url(filing), {"action": "assign", "assignee": world.zj_inspector.pk})
    assert current_assignment(filing).assignee == world.zj_inspector


def test_the_verification_card_of_a_batch_shows_its_owner(world, client):
    task = open_verification(world)
    assign(actor=world.zj_admin, obj=task, assignee=world.zj_inspector)
    client.force_login(world.zj_admin)
    page = client.get(task.batch.get_absolute_url()).content.decode()
    assert 'data-testid="assignment"' in page


def test_a_reassignment_without_reason_from_the_page_changes_nothing_and_says_why(world, client):
    product = submitted_product(world)
    other = UserFactory(username="zj_other", role=Role.INSPECTOR, bureau=world.zj)
    assign(actor=world.zj_admin, obj=product, assignee=world.zj_inspector)
    client.force_login(world.zj_admin)
    response = client.post(assign_url(product), {"action": "assign", "assignee": other.pk}, follow=True)
    assert "Give a reason." in response.content.decode()
    assert current_assignment(product).assignee == world.zj_inspector


def test_another_bureau_gets_404_for_an_item_it_may_not_see(world, client):
    product = submitted_product(world)
    client.force_login(world.gd_inspector)
    response = client.post(assign_url(product), {"action": "assign", "assignee": world.gd_inspector.pk})
    assert response.status_code == 404
    client.force_login(world.bob)
    assert client.post(assign_url(product), {"action": "assign", "assignee": world.bob.pk}).status_code == 404
    assert not Assignment.objects.exists()


def test_enterprises_do_not_see_who_owns_their_filing(world, client):
    product = submitted_product(world)
    assign(actor=world.zj_admin, obj=product, assignee=world.zj_inspector)
    client.force_login(world.alice)
    page = client.get(product.get_absolute_url()).content.decode()
    assert 'data-testid="assignment"' not in page


def test_staff_have_a_my_work_link_in_the_navigation(world, client):
    client.force_login(world.zj_inspector)
    assert 'data-testid="nav-my-work"' in client.get(reverse("home")).content.decode()
    client.force_login(world.alice)
    assert 'data-testid="nav-my-work"' not in client.get(reverse("home")).content.decode()


def test_the_queues_show_each_items_owner(world, client):
    product = submitted_product(world)
    task = open_verification(world)
    assign(actor=world.zj_admin, obj=product, assignee=world.zj_inspector)
    assign(actor=world.zj_admin, obj=task, assignee=world.zj_admin)
    submitted_enterprise(world)  # nobody's
    client.force_login(world.zj_inspector)
    review = client.get(reverse("filings:review_queue")).content.decode()
    assert '<td data-testid="owner">zj_inspector</td>' in review
    assert '<td data-testid="owner">—</td>' in review
    verifications = client.get(reverse("imports:verification_queue")).content.decode()
    assert '<td data-testid="owner">zj_admin</td>' in verifications
