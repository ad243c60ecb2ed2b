from django.urls import path

from imports import views

app_name = "imports"
urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("new/", views.batch_create, name="batch_create"),
    path("template.<slug:fmt>", views.batch_template, name="batch_template"),
    path("<int:pk>/", views.batch_detail, name="batch_detail"),
    path("<int:pk>/lines/<int:item_pk>/confirm/", views.item_confirm, name="item_confirm"),
    path("<int:pk>/verify/<slug:outcome>/", views.batch_verify, name="batch_verify"),
    path("verifications/", views.verification_queue, name="verification_queue"),
    path("exports/", views.export_list, name="export_list"),
    path("exports/upload/", views.export_upload, name="export_upload"),
    path("exports/template.<slug:fmt>", views.export_template, name="export_template"),
    path("classify/", views.classify, name="classify"),
]
