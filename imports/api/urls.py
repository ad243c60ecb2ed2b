"""API routes of imports, collected by ``cbec_supervision.api_urls``."""

from imports.api.views import ClassifyViewSet, ExportDeclarationViewSet, ImportBatchViewSet

ROUTES = [
    ("classify", ClassifyViewSet, "classify"),
    ("import-batches", ImportBatchViewSet, "import-batch"),
    ("export-declarations", ExportDeclarationViewSet, "export-declaration"),
]
