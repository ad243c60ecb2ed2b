"""API routes of catalogues, collected by ``cbec_supervision.api_urls``."""

from catalogues.api.views import CatalogueEditionViewSet

ROUTES = [("catalogues", CatalogueEditionViewSet, "catalogue")]
