"""The one gate, ``visible_to``: bureau hierarchy, inactive users, and what each role sees."""

from __future__ import annotations

import pytest

from accounts.choices import Role
from filings.models import EnterpriseFiling
from tests.factories import BranchBureauFactory, EnterpriseFilingFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_direct_bureau_sees_its_branch_bureaus_filings_but_not_the_reverse(world):
    branch = BranchBureauFactory(parent=world.zj)
    at_branch = EnterpriseFilingFactory(bureau=branch)
    branch_inspector = UserFactory(role=Role.INSPECTOR, bureau=branch)

    zj_sees = set(EnterpriseFiling.objects.visible_to(world.zj_inspector))
    branch_sees = set(EnterpriseFiling.objects.visible_to(branch_inspector))

    assert at_branch in zj_sees and world.alice_co in zj_sees
    assert branch_sees == {at_branch}


def test_ningbo_is_not_zhejiang(world):
    ningbo = EnterpriseFilingFactory(region_code="330203", bureau=world.zj.__class__.objects.get(code="NB"))
    assert ningbo not in EnterpriseFiling.objects.visible_to(world.zj_inspector)


def test_inactive_and_anonymous_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    world.zj_inspector.is_active = False
    assert not EnterpriseFiling.objects.visible_to(world.zj_inspector).exists()
    assert not EnterpriseFiling.objects.visible_to(AnonymousUser()).exists()
    assert not EnterpriseFiling.objects.visible_to(None).exists()


def test_an_enterprise_user_without_an_enterprise_sees_nothing(world):
    orphan = UserFactory(role=Role.ENTERPRISE, bureau=None, enterprise=None)
    assert not EnterpriseFiling.objects.visible_to(orphan).exists()


def test_headquarters_sees_every_bureau(world):
    assert set(EnterpriseFiling.objects.visible_to(world.hq)) >= {world.alice_co, world.bob_co}


def test_visible_to_costs_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(EnterpriseFiling.objects.visible_to(world.zj_inspector))
