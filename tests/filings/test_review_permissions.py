"""The ``filings.review_*`` permissions the roles grant are what a decision needs, beside the jurisdiction."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.choices import Role
from filings import services
from filings.models import EnterpriseFiling
from tests.builders import complete
from tests.conftest import api_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted_alice_co(world):
    complete(world.alice_co, world.alice)
    return services.enterprise_submit(actor=world.alice, filing=world.alice_co)


def test_an_inspector_whose_group_lacks_the_review_permission_cannot_decide(world, submitted_alice_co, client):
    group = Group.objects.create(name="zj-readers")
    group.permissions.set(Group.objects.get(name=Role.INSPECTOR).permissions.exclude(codename__startswith="review_"))
    reader = UserFactory(username="zj_reader", role=Role.INSPECTOR, bureau=world.zj)
    reader.groups.set([group])

    response = api_as(reader).post(f"/api/v1/enterprises/{submitted_alice_co.pk}/approve/")
    assert response.status_code == 403, response.content
    assert EnterpriseFiling.objects.get(pk=submitted_alice_co.pk).status == "submitted"
    client.force_login(reader)
    page = client.get(reverse("filings:enterprise_detail", args=[submitted_alice_co.pk])).content.decode()
    assert 'data-testid="decisions"' not in page

    # The role's own group carries the permission: the same inspector may then decide.
    reader.groups.set([Group.objects.get(name=Role.INSPECTOR)])
    reader = type(reader).objects.get(pk=reader.pk)
    assert api_as(reader).post(f"/api/v1/enterprises/{submitted_alice_co.pk}/approve/").status_code == 200


def test_the_inspector_and_bureau_admin_roles_hold_the_review_permissions(world):
    for user in (world.zj_inspector, world.zj_admin):
        assert user.has_perm("filings.review_enterprisefiling") and user.has_perm("filings.review_productfiling")
    for user in (world.alice, world.hq):
        assert not user.has_perm("filings.review_enterprisefiling")
