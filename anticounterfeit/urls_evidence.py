"""Evidence pages (see ``anticounterfeit.views.evidence``)."""

from django.urls import path

from anticounterfeit.views import evidence as views

urlpatterns = [
    path("cases/<int:pk>/evidence/add/", views.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/", views.evidence_detail, name="evidence_detail"),
    path("evidence/<int:pk>/correct/", views.evidence_correct, name="evidence_correct"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("cases/<int:pk>/custody/", views.custody_log, name="custody_log"),
    path("cases/<int:pk>/custody/add/", views.custody_add, name="custody_add"),
    path("cases/<int:pk>/packs/export/", views.pack_export, name="pack_export"),
    path("packs/<int:pk>/download/", views.pack_download, name="pack_download"),
]
