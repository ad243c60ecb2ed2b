"""/accounts/signup/: included by the project's URLconf into the ``accounts`` namespace (``accounts:signup``)."""

from django.urls import path

from filings.views.signup import signup

urlpatterns = [
    path("signup/", signup, name="signup"),
]
