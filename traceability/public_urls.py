"""Public pages of traceability (no login): the consumer risk notices and their Atom feed."""

from django.urls import path

from traceability import public_views

app_name = "public_notices"
urlpatterns = [
    path("", public_views.notice_list, name="list"),
    path("feed/", public_views.notice_feed, name="feed"),
    path("<int:pk>/", public_views.notice_detail, name="detail"),
    path("<int:pk>/image/", public_views.notice_image, name="image"),
]
