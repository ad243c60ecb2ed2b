"""/api/v1/: one router for every app, so the root lists every route."""

from django.urls import path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter
from rest_framework.throttling import ScopedRateThrottle

from accounts.api.views import BureauViewSet
from filings.api.views import EnterpriseFilingViewSet


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token. Throttled; lockouts as for the web login."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"


router = DefaultRouter()
router.register("bureaus", BureauViewSet, basename="bureau")
router.register("enterprises", EnterpriseFilingViewSet, basename="enterprise")

app_name = "api"
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    *router.urls,
]
