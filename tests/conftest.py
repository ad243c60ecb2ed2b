"""Shared fixtures. Tests read like sentences because the people in them have names:

- ``world.zj_inspector`` and ``world.zj_admin`` work at the Zhejiang bureau (ZJ);
- ``world.gd_inspector`` works at the Guangdong bureau (GD);
- ``world.hq`` is headquarters;
- ``world.alice`` works for Alice Co (an enterprise filed with ZJ), ``world.bob`` for Bob Co (GD).
"""

from __future__ import annotations

import io
import os
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import translation
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.models import Bureau
from tests import builders
from tests.factories import EnterpriseFilingFactory, UserFactory, bureau

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


_DB_FIXTURES = {"db", "transactional_db", "live_server", "world", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def reference_data(request):
    """Bureaus and role groups as ``load_reference_data`` ships them, in every test that uses the database.

    Loaded once and kept by the rolled-back tests; loaded again after a transactional test flushed it.
    """
    if request.node.get_closest_marker("django_db") is None and not _DB_FIXTURES & set(request.fixturenames):
        return
    request.getfixturevalue("_django_db_helper")
    if not Bureau.objects.filter(code="ZJ").exists():
        call_command("load_reference_data", stdout=io.StringIO())


@pytest.fixture(autouse=True)
def eager_celery(request, settings):
    """Tasks run in-process unless a test asks for a real worker."""
    from cbec_supervision.celery import app

    eager = request.node.get_closest_marker("celery_worker") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def english():
    """Messages asserted in tests are the English source strings; pages negotiate per request."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db):
    zj, gd = bureau("ZJ"), bureau("GD")
    alice_co = EnterpriseFilingFactory(name="Alice Co", region_code="330106", bureau=zj)
    bob_co = EnterpriseFilingFactory(name="Bob Co", region_code="440104", bureau=gd)
    return SimpleNamespace(
        zj=zj,
        gd=gd,
        alice_co=alice_co,
        bob_co=bob_co,
        hq=UserFactory(username="hq", role=Role.HQ, bureau=bureau("HQ")),
        zj_admin=UserFactory(username="zj_admin", role=Role.BUREAU_ADMIN, bureau=zj),
        zj_inspector=UserFactory(username="zj_inspector", role=Role.INSPECTOR, bureau=zj),
        gd_inspector=UserFactory(username="gd_inspector", role=Role.INSPECTOR, bureau=gd),
        alice=UserFactory(username="alice", role=Role.ENTERPRISE, bureau=None, enterprise=alice_co),
        bob=UserFactory(username="bob", role=Role.ENTERPRISE, bureau=None, enterprise=bob_co),
    )


@pytest.fixture
def api():
    return APIClient()


def api_as(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data once into the test database, committed, for every test to share."""
    with django_db_blocker.unblock():
        call_command("load_reference_data", stdout=io.StringIO())


@pytest.fixture
def approved_alice_co(world):
    return builders.approve(world.alice_co, world.alice, world.zj_inspector)


@pytest.fixture
def toy(world, approved_alice_co):
    return builders.services.product_create(actor=world.alice, enterprise=approved_alice_co, **builders.TOY)
