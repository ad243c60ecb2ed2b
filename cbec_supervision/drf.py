"""Classes DRF's settings name (permissions, pagination): imported while DRF itself loads, so
this module imports nothing of DRF beyond the modules that define their bases."""

from __future__ import annotations

from rest_framework import permissions
from rest_framework.pagination import PageNumberPagination


class RolePermissions(permissions.DjangoModelPermissions):
    """Model permissions of the user's role group, for reads too.

    Writes on one object are decided after the object is found among those visible to the
    user, so an object outside the user's scope answers 404 whatever the method.
    """

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        if getattr(view, "queryset", None) is None and not hasattr(view, "get_queryset"):
            return True  # not a model view (the API root): signed-in users only
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", "pk")
        if lookup in view.kwargs:
            # Object routes: checked in has_object_permission, after scoping has found the object.
            return self._has_view_permission(request, view)
        if getattr(view, "action", None) in (getattr(view, "collection_actions", ()) or ()):
            return True
        return super().has_permission(request, view)

    def _has_view_permission(self, request, view) -> bool:
        queryset = self._queryset(view)
        opts = queryset.model._meta
        return request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}")

    def has_object_permission(self, request, view, obj):
        action_name = getattr(view, "action", None)
        if request.method in permissions.SAFE_METHODS or action_name in getattr(view, "object_actions", ()):
            # Custom workflow actions check roles and states in their service.
            return True
        queryset = self._queryset(view)
        perms = self.get_required_permissions(request.method, queryset.model)
        return request.user.has_perms(perms)


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
