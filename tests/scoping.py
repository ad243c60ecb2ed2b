"""A reusable check of scoped access, for every route that exposes a model.

Subclass ``ScopedAccessTests`` in a test module, say which route and how to make an object that
belongs to Alice Co (an enterprise of the Zhejiang bureau), and which roles may see and change
it. The mixin then checks, for each of owner, same-bureau inspector, other-bureau inspector,
other enterprise, headquarters and anonymous: the API list, the API detail, an API update, the
object's history, the HTML detail page when there is one, and that a list page costs a fixed
number of queries whatever its length.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

ROLES = (
    "owner",
    "same_bureau_inspector",
    "other_bureau_inspector",
    "other_enterprise",
    "hq",
    "anonymous",
)

_ROLE_USERS = {
    "owner": "alice",
    "same_bureau_inspector": "zj_inspector",
    "other_bureau_inspector": "gd_inspector",
    "other_enterprise": "bob",
    "hq": "hq",
    "anonymous": None,
}


def client_for(world, role: str) -> APIClient:
    client = APIClient()
    username = _ROLE_USERS[role]
    if username:
        client.force_authenticate(getattr(world, username))
    return client


class ScopedAccessTests:
    #: API route under /api/v1/, e.g. "enterprises"
    route: str = ""
    #: roles that may see the object
    visible_to: frozenset[str] = frozenset({"owner", "same_bureau_inspector", "hq"})
    #: roles that may change it with PATCH (None: the route has no update)
    editable_by: frozenset[str] | None = frozenset({"owner"})
    #: a valid PATCH body for an editor
    update_payload: dict = {}

    def make_object(self, world):  # pragma: no cover - subclasses say how
        """An object that belongs to Alice Co, in the Zhejiang bureau's jurisdiction."""
        raise NotImplementedError

    def make_more_objects(self, world, count: int) -> None:
        """Extra rows visible to hq, for the query-count check; by default ``make_object`` repeated."""
        for _ in range(count):
            self.make_object(world)

    def lookup(self, obj) -> str:
        return str(obj.pk)

    # --- the checks ---------------------------------------------------------------------------

    @pytest.mark.parametrize("role", ROLES)
    def test_list_shows_only_what_the_role_may_see(self, world, role):
        obj = self.make_object(world)
        response = client_for(world, role).get(f"/api/v1/{self.route}/")
        if role == "anonymous":
            assert response.status_code == 401
            return
        assert response.status_code == 200, response.content
        keys = {str(row.get("id", row.get("code"))) for row in response.json()["results"]}
        assert (self.lookup(obj) in keys) == (role in self.visible_to), (role, keys)

    @pytest.mark.parametrize("role", ROLES)
    def test_detail_is_404_outside_scope(self, world, role):
        obj = self.make_object(world)
        response = client_for(world, role).get(f"/api/v1/{self.route}/{self.lookup(obj)}/")
        expected = 401 if role == "anonymous" else 200 if role in self.visible_to else 404
        assert response.status_code == expected, (role, response.content)

    @pytest.mark.parametrize("role", ROLES)
    def test_history_follows_the_object_scope(self, world, role):
        obj = self.make_object(world)
        response = client_for(world, role).get(f"/api/v1/{self.route}/{self.lookup(obj)}/history/")
        expected = 401 if role == "anonymous" else 200 if role in self.visible_to else 404
        assert response.status_code == expected, (role, response.content)

    @pytest.mark.parametrize("role", ROLES)
    def test_update_needs_scope_and_permission(self, world, role):
        obj = self.make_object(world)
        response = client_for(world, role).patch(
            f"/api/v1/{self.route}/{self.lookup(obj)}/", self.update_payload, format="json"
        )
        if self.editable_by is None:
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

    def test_list_query_count_does_not_grow_with_rows(self, world):
        client = client_for(world, "hq")
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

    @pytest.mark.parametrize("role", ROLES)
    def test_html_detail_is_404_outside_scope(self, world, role, client):
        from django.urls import reverse

        obj = self.make_object(world)
        user = getattr(world, _ROLE_USERS[role]) if _ROLE_USERS[role] else None
        if user:
            client.force_login(user)
        response = client.get(reverse(self.html_detail_url_name, args=[obj.pk]))
        expected = 302 if role == "anonymous" else 200 if role in self.visible_to else 404
        assert response.status_code == expected, role
