from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import pickers, views

# The project URLconf includes these in the `accounts` namespace, with the signup page of filings.
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("bureaus/", views.bureau_list, name="bureau_list"),
    path("pickers/bureaus/", pickers.bureau_picker, name="bureau_picker"),
]
