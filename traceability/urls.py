from django.urls import path

from traceability import views

app_name = "traceability"
urlpatterns = [
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/<slug:object_type>/<int:object_id>/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/acknowledge/", views.notice_acknowledge, name="notice_acknowledge"),
    path("measures/", views.measure_list, name="measure_list"),
    path("measures/voluntary/", views.measure_voluntary, name="measure_voluntary"),
    path("measures/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("measures/<int:pk>/acknowledge/", views.measure_acknowledge, name="measure_acknowledge"),
    path("measures/<int:pk>/respond/", views.measure_respond, name="measure_respond"),
    path("measures/<int:pk>/progress/", views.measure_progress, name="measure_progress"),
    path("measures/<int:pk>/delistings/", views.measure_delisting, name="measure_delisting"),
    path("measures/<int:pk>/verify/", views.measure_verify, name="measure_verify"),
    path("measures/<int:pk>/reject/", views.measure_reject, name="measure_reject"),
    path("measures/<int:pk>/review/", views.measure_review, name="measure_review"),
    path("investigations/<int:pk>/measures/new/", views.measure_issue, name="measure_issue"),
]
