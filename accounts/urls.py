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
    path("password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("me/", views.my_account, name="my_account"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/role/", views.user_role, name="user_role"),
    path("users/<int:pk>/active/", views.user_active, name="user_active"),
    path("users/<int:pk>/password/", views.user_password_reset, name="user_password_reset"),
    path("bureaus/", views.bureau_list, name="bureau_list"),
    path("pickers/bureaus/", pickers.bureau_picker, name="bureau_picker"),
]
