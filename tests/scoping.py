"""A reusable check of scoped access, for every route that exposes a model.

Subclass ``ScopedAccessTests`` in a test module, say which route and how to make an object that
belongs to Alice Co (an enterprise of the Zhejiang bureau), and which roles may see and change
it. The mixin then checks, for each of owner, same-bureau inspector, other-bureau inspector (the
Guangdong bureau: no part in the object's work), port-bureau inspector (the Ningbo bureau, port
bureau of an import batch involving the object, see ``put_on_a_batch``), other enterprise,
headquarters and anonymous: the API list, the API detail, an API update, the object's history,
the HTML detail page when there is one, and that a list page costs a fixed number of queries
whatever its length.

Declare one subclass per state that changes who sees the object: a draft filing stays with its
competent bureau, an approved one is read by every bureau (and changed by none of them).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

if TYPE_CHECKING:
    from collections.abc import Callable

ROLES = (
    "owner",
    "same_bureau_inspector",
    "other_bureau_inspector",
    "port_bureau_inspector",
    "other_enterprise",
    "hq",
    "anonymous",
)

_ROLE_USERS = {
    "owner": "alice",
    "same_bureau_inspector": "zj_inspector",
    "other_bureau_inspector": "gd_inspector",
    "port_bureau_inspector": "nb_inspector",
    "other_enterprise": "bob",
    "hq": "hq",
    "anonymous": None,
}


#: the port bureau of the batches ``put_on_a_batch`` declares: Ningbo, a direct bureau of its own
PORT_BUREAU = "NB"


def user_for(world, role: str):
    """The user playing ``role`` (None for anonymous); the port-bureau inspector is made on demand."""
    username = _ROLE_USERS[role]
    if username is None:
        return None
    if role == "port_bureau_inspector" and not hasattr(world, username):
        from accounts.choices import Role
        from tests.factories import UserFactory, bureau

        world.nb_inspector = UserFactory(username=username, role=Role.INSPECTOR, bureau=bureau(PORT_BUREAU))
    return getattr(world, username)


def client_for(world, role: str) -> APIClient:
    client = APIClient()
    user = user_for(world, role)
    if user is not None:
        client.force_authenticate(user)
    return client


def port_batch(world, *, enterprise=None, product=None, platform=None, warehouse=None):
    """A released import batch at the port bureau, with one line (naming ``product`` if given).

    Made directly, whatever the state of the filings it names: the mixin checks who sees what,
    not the declaration rules (``imports.services`` has its own tests).
    """
    from imports.models import ImportBatch, ImportItem
    from tests.factories import bureau

    enterprise = enterprise or (product.enterprise if product is not None else world.alice_co)
    number = ImportBatch.objects.count() + 1
    batch = ImportBatch.objects.create(
        batch_no=f"PORT-{dt.date.today():%Y%m%d}-{number:05d}",
        enterprise=enterprise,
        platform=platform,
        warehouse=warehouse,
        port_bureau=bureau(PORT_BUREAU),
        status="released",
        tier=3,
        item_count=1,
        total_value_cny=100,
    )
    ImportItem.objects.create(
        batch=batch,
        line_no=1,
        product=product,
        description="" if product is not None else "儿童积木玩具",
        hs_code="9503008900",
        quantity=1,
        value_cny=100,
        tier=3,
    )
    return batch


class ScopedAccessTests:
    #: API route under /api/v1/, e.g. "enterprises"
    route: str = ""
    #: roles that may see the object
    visible_to: frozenset[str] = frozenset({"owner", "same_bureau_inspector", "hq"})
    #: roles that may change it with PATCH (None: the route has no update)
    editable_by: frozenset[str] | None = frozenset({"owner"})
    #: a valid PATCH body for an editor
    update_payload: dict = {}
    #: the PATCH answer for a role where it is not the rule's (e.g. the owner of an approved
    #: filing: 400, it changes through a change request)
    update_status: dict[str, int] = {}

    def make_object(self, world):  # pragma: no cover - subclasses say how
        """An object that belongs to Alice Co, in the Zhejiang bureau's jurisdiction."""
        raise NotImplementedError

    def make_more_objects(self, world, count: int) -> None:
        """Extra rows visible to hq, for the query-count check; by default ``make_object`` repeated."""
        for _ in range(count):
            self.make_object(world)

    def put_on_a_batch(self, world, obj) -> None:
        """Make the port bureau part of the object's work: an import batch at the port naming it.

        By default a batch of Alice Co; a product filing's names it on a line. Override for a
        model whose rows reach a batch another way.
        """
        port_batch(world)

    def lookup(self, obj) -> str:
        return str(obj.pk)

    def object_for(self, world, role: str):
        """The object, put on a port batch when the port bureau's inspector is to look at it."""
        obj = self.make_object(world)
        if role == "port_bureau_inspector":
            self.put_on_a_batch(world, obj)
        return obj

    # --- the checks ---------------------------------------------------------------------------

    @pytest.mark.parametrize("role", ROLES)
    def test_list_shows_only_what_the_role_may_see(self, world, role):
        obj = self.object_for(world, role)
        response = client_for(world, role).get(f"/api/v1/{self.route}/")
        if role == "anonymous":
            assert response.status_code == 401
            return
        assert response.status_code == 200, response.content
        keys = {str(row.get("id", row.get("code"))) for row in response.json()["results"]}
        assert (self.lookup(obj) in keys) == (role in self.visible_to), (role, keys)

    @pytest.mark.parametrize("role", ROLES)
    def test_detail_is_404_outside_scope(self, world, role):
        obj = self.object_for(world, role)
        response = client_for(world, role).get(f"/api/v1/{self.route}/{self.lookup(obj)}/")
        expected = 401 if role == "anonymous" else 200 if role in self.visible_to else 404
        assert response.status_code == expected, (role, response.content)

    @pytest.mark.parametrize("role", ROLES)
    def test_history_follows_the_object_scope(self, world, role):
        obj = self.object_for(world, role)
        response = client_for(world, role).get(f"/api/v1/{self.route}/{self.lookup(obj)}/history/")
        expected = 401 if role == "anonymous" else 200 if role in self.visible_to else 404
        assert response.status_code == expected, (role, response.content)

    @pytest.mark.parametrize("role", ROLES)
    def test_update_needs_scope_and_permission(self, world, role):
        obj = self.object_for(world, role)
        response = client_for(world, role).patch(
            f"/api/v1/{self.route}/{self.lookup(obj)}/", self.update_payload, format="json"
        )
        if role in self.update_status:
            expected = {self.update_status[role]}
        elif self.editable_by is None:
            expected = {401} if role == "anonymous" else {405} if role in self.visible_to else {404, 405}
        elif role == "anonymous":
            expected = {401}
        elif role in self.editable_by:
            expected = {200}
        elif role in self.visible_to:
            expected = {403}
        else:
            expected = {404}
        assert response.status_code in expected, (role, response.status_code, response.content)

    @pytest.mark.parametrize("role", ["hq", "same_bureau_inspector"])
    def test_list_query_count_does_not_grow_with_rows(self, world, role):
        client = client_for(world, role)
        self.make_more_objects(world, 2)
        client.get(f"/api/v1/{self.route}/")  # warm up: permission caches, content types
        with CaptureQueriesContext(connection) as few:
            assert client.get(f"/api/v1/{self.route}/").status_code == 200
        self.make_more_objects(world, 20)
        with CaptureQueriesContext(connection) as many:
            assert client.get(f"/api/v1/{self.route}/").status_code == 200
        assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


class ScopedPageTests:
    """The same check for an object's HTML detail page; mix in beside ``ScopedAccessTests``."""

    #: URL name of the detail page, taking the object's pk
    html_detail_url_name: str = ""
    visible_to: frozenset[str]
    make_object: Callable
    object_for: Callable

    @pytest.mark.parametrize("role", ROLES)
    def test_html_detail_is_404_outside_scope(self, world, role, client):
        from django.urls import reverse

        obj = self.object_for(world, role)
        user = user_for(world, role)
        if user:
            client.force_login(user)
        response = client.get(reverse(self.html_detail_url_name, args=[obj.pk]))
        expected = 302 if role == "anonymous" else 200 if role in self.visible_to else 404
        assert response.status_code == expected, role
