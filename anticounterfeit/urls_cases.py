"""Pages of counterfeit cases (``/anticounterfeit/cases/``)."""

from django.urls import path

from anticounterfeit.views import cases as views

urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/assign/", views.case_assign, name="case_assign"),
    path("cases/<int:pk>/links/", views.case_links, name="case_links"),
    path("cases/<int:pk>/unassign/", views.case_unassign, name="case_unassign"),
    path(
        "cases/<int:pk>/documents/<int:document_pk>/download/",
        views.case_document_download,
        name="case_document_download",
    ),
    path("cases/<int:pk>/step/<slug:action>/", views.case_action, name="case_action"),
]
