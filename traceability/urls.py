from django.urls import path

from traceability import trace_views, views

app_name = "traceability"
urlpatterns = [
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/<slug:object_type>/<int:object_id>/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/acknowledge/", views.notice_acknowledge, name="notice_acknowledge"),
    path("trace/product/<int:pk>/", trace_views.product_trace_page, name="product_trace"),
]
