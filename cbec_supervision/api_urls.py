"""/api/v1/: one router for every app, so the root lists every route.

Each app that has an API declares its routes in ``<app>/api/urls.py`` as ``ROUTES`` (prefix, viewset,
basename); they are collected here in INSTALLED_APPS order, the way the admin discovers
``admin.py``, so the project package names no domain app.
"""

from importlib import import_module

from django.apps import apps
from django.urls import path
from django.utils.module_loading import module_has_submodule
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter
from rest_framework.throttling import ScopedRateThrottle

from cbec_supervision.api_views import MyNotificationViewSet


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token. Throttled; lockouts as for the web login."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"


def _app_routes():
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "api") and module_has_submodule(
            import_module(f"{config.name}.api"), "urls"
        ):
            yield from import_module(f"{config.name}.api.urls").ROUTES


router = DefaultRouter()
for prefix, viewset, basename in _app_routes():
    router.register(prefix, viewset, basename=basename)
router.register("my-notifications", MyNotificationViewSet, basename="my-notification")

app_name = "api"
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    *router.urls,
]
