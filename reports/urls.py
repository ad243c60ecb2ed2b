"""Pages of the half-yearly reports (``/reports/``)."""

from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("request/", views.report_request, name="report_request"),
]
