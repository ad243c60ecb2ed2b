"""Public pages of risk monitoring (no login): the consumer complaint form and its thank-you page."""

from django.urls import path

from risk_monitoring import public_views

app_name = "complaints"
urlpatterns = [
    path("new/", public_views.complaint_new, name="new"),
    path("thanks/<str:token>/", public_views.complaint_thanks, name="thanks"),
]
