"""Pages of counterfeit leads and rights holders (``anticounterfeit:lead_*``, ``anticounterfeit:rights_holder_*``)."""

from django.urls import path

from anticounterfeit.views import leads as views

urlpatterns = [
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/new/", views.lead_create, name="lead_create"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/edit/", views.lead_edit, name="lead_edit"),
    path("leads/<int:pk>/dismiss/", views.lead_dismiss, name="lead_dismiss"),
    path("leads/<int:pk>/reopen/", views.lead_reopen, name="lead_reopen"),
    path("leads/<int:pk>/merge/", views.lead_merge, name="lead_merge"),
    path("leads/<int:pk>/attachments/", views.lead_attachment, name="lead_attachment"),
    path("rights-holders/", views.rights_holder_list, name="rights_holder_list"),
    path("rights-holders/new/", views.rights_holder_create, name="rights_holder_create"),
    path("rights-holders/<int:pk>/", views.rights_holder_detail, name="rights_holder_detail"),
    path("rights-holders/<int:pk>/edit/", views.rights_holder_edit, name="rights_holder_edit"),
    path(
        "rights-holders/<int:pk>/authorisations/",
        views.rights_holder_authorisation,
        name="rights_holder_authorisation",
    ),
]
