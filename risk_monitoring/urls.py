from django.urls import path

from risk_monitoring import views

app_name = "risk_monitoring"
urlpatterns = [
    path("", views.signal_list, name="signal_list"),
    path("new/", views.signal_create, name="signal_create"),
    path("<int:pk>/", views.signal_detail, name="signal_detail"),
    path("<int:pk>/assess/", views.signal_assess, name="signal_assess"),
    path("<int:pk>/close/", views.signal_close, name="signal_close"),
    path("<int:pk>/attach/", views.signal_attach, name="signal_attach"),
    path("scores/", views.score_list, name="score_list"),
    path("scores/<str:subject_type>/<str:subject_id>/", views.score_detail, name="score_detail"),
]
