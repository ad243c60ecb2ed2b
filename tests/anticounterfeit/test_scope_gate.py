"""The scoping gate with case assignments (issue 12): a counterfeit case is read by the people assigned
to it and the administrators of its bureau's jurisdiction (and headquarters); other inspectors of the
same bureau, other bureaus and enterprises do not see it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.choices import Role
from anticounterfeit.choices import CaseDuty
from anticounterfeit.models import CaseAssignment, CounterfeitCase, CounterfeitLead, Evidence, ImmutableError
from tests.factories import BranchBureauFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    return CounterfeitCase.objects.create(case_no="ZJ2026AC000001", title="仿冒品牌运动鞋", bureau=world.zj)


def _visible(user, model=CounterfeitCase):
    return set(model.objects.visible_to(user).values_list("pk", flat=True))


def test_unassigned_inspector_of_the_bureau_does_not_see_the_case(world, case):
    assert case.pk not in _visible(world.zj_inspector)


def test_bureau_admin_and_headquarters_see_the_case(world, case):
    assert case.pk in _visible(world.zj_admin)
    assert case.pk in _visible(world.hq)


def test_admin_of_a_parent_bureau_sees_a_branch_case(world):
    branch = BranchBureauFactory()  # a branch of Zhejiang
    case = CounterfeitCase.objects.create(case_no="NB2026AC000001", title="t", bureau=branch)
    assert case.pk in _visible(world.zj_admin)
    assert case.pk not in _visible(UserFactory(username="gd_admin", role=Role.BUREAU_ADMIN, bureau=world.gd))


def test_assigned_people_see_the_case_until_their_assignment_ends(world, case):
    assignment = CaseAssignment.objects.create(case=case, user=world.zj_inspector, duty=CaseDuty.HANDLER)
    assert case.pk in _visible(world.zj_inspector)
    # Even someone of another bureau, when assigned (a joint case).
    CaseAssignment.objects.create(case=case, user=world.gd_inspector, duty=CaseDuty.REVIEWER)
    assert case.pk in _visible(world.gd_inspector)
    CaseAssignment.objects.filter(pk=assignment.pk).update(ended_at=timezone.now())
    assert case.pk not in _visible(world.zj_inspector)


def test_enterprises_never_see_cases_or_leads(world, case):
    case.enterprise = world.alice_co
    case.save()
    CounterfeitLead.objects.create(bureau=world.zj, channel="platform", title="t", enterprise=world.alice_co)
    assert _visible(world.alice) == set()
    assert _visible(world.alice, CounterfeitLead) == set()


def test_leads_are_read_by_the_bureau_staff(world):
    lead = CounterfeitLead.objects.create(bureau=world.zj, channel="informant", title="t")
    assert lead.pk in _visible(world.zj_inspector, CounterfeitLead)
    assert lead.pk in _visible(world.hq, CounterfeitLead)
    assert lead.pk not in _visible(world.gd_inspector, CounterfeitLead)


def test_the_case_list_costs_the_same_queries_with_assignments(world, case, django_assert_max_num_queries):
    for n in range(5):
        other = CounterfeitCase.objects.create(case_no=f"ZJ2026AC00010{n}", title="t", bureau=world.zj)
        CaseAssignment.objects.create(case=other, user=world.zj_inspector, duty=CaseDuty.HANDLER)
    with django_assert_max_num_queries(1):
        assert len(list(CounterfeitCase.objects.visible_to(world.zj_inspector))) == 5


def test_evidence_is_never_changed_nor_deleted(world, case):
    evidence = Evidence.objects.create(
        case=case,
        number=1,
        kind="physical",
        description="鞋 20 双",
        collected_at=timezone.now(),
        collected_by=world.zj_inspector,
        created_by=world.zj_inspector,
    )
    with pytest.raises(ImmutableError):
        evidence.save()
    with pytest.raises(ImmutableError):
        evidence.delete()
    with pytest.raises(ImmutableError):
        Evidence.objects.filter(pk=evidence.pk).delete()


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_change_or_delete_evidence(world, case):
    from django.db import connection, transaction
    from django.db.utils import DatabaseError

    if connection.vendor != "postgresql":
        pytest.skip("the DELETE trigger is PostgreSQL's (SQLite refuses UPDATE only)")
    evidence = Evidence.objects.create(
        case=case,
        number=1,
        kind="physical",
        collected_at=timezone.now(),
        collected_by=world.zj_inspector,
        created_by=world.zj_inspector,
    )
    for sql in (
        "UPDATE anticounterfeit_evidence SET place = 'x' WHERE id = %s",
        "DELETE FROM anticounterfeit_evidence WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="never changed nor deleted"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [evidence.pk])
