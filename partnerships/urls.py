from django.urls import path

from partnerships import views

app_name = "partnerships"
urlpatterns = [
    path("", views.partnership_list, name="partnership_list"),
    path("request/<slug:kind>/", views.partnership_request, name="partnership_request"),
    path("<int:pk>/<slug:action>/", views.partnership_act, name="partnership_act"),
]
