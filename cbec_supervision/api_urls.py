"""/api/v1/: one router for every app, so the root lists every route."""

from django.urls import path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter
from rest_framework.throttling import ScopedRateThrottle

from accounts.api.views import BureauViewSet
from cbec_supervision.api_views import MyNotificationViewSet
from filings.api.imports import (
    CatalogueEditionViewSet,
    ClassifyViewSet,
    ExportDeclarationViewSet,
    ImportBatchViewSet,
)
from filings.api.views import ChangeRequestViewSet, EnterpriseFilingViewSet, ProductFilingViewSet


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token. Throttled; lockouts as for the web login."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"


router = DefaultRouter()
router.register("bureaus", BureauViewSet, basename="bureau")
router.register("enterprises", EnterpriseFilingViewSet, basename="enterprise")
router.register("products", ProductFilingViewSet, basename="product")
router.register("change-requests", ChangeRequestViewSet, basename="change-request")
router.register("catalogues", CatalogueEditionViewSet, basename="catalogue")
router.register("classify", ClassifyViewSet, basename="classify")
router.register("import-batches", ImportBatchViewSet, basename="import-batch")
router.register("export-declarations", ExportDeclarationViewSet, basename="export-declaration")
router.register("my-notifications", MyNotificationViewSet, basename="my-notification")

app_name = "api"
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    *router.urls,
]
