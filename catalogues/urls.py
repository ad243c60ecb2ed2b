from django.urls import path

from catalogues import pickers, views

app_name = "catalogues"
urlpatterns = [
    path("", views.catalogue_list, name="catalogue_list"),
    path("upload/", views.catalogue_upload, name="catalogue_upload"),
    path("<int:pk>/", views.catalogue_detail, name="catalogue_detail"),
    path("pickers/hs-codes/", pickers.hs_code_picker, name="hs_code_picker"),
]
