from django.urls import path

from filings import views

app_name = "filings"
urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
]
