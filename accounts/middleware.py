"""Two rules on every signed-in request: a session ends after a time without activity, and an account
whose password someone else chose goes to the password change page until it is changed."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

#: the session key holding the time (epoch seconds) of the last request
LAST_ACTIVITY_KEY = "last_activity"
#: the session is written at most this often just to move the activity time on (seconds)
TOUCH_EVERY = 60


def idle_limit_seconds(user) -> int:
    """The inactivity after which ``user``'s session ends; 0 means never."""
    minutes = settings.SESSION_IDLE_MINUTES_ENTERPRISE if user.is_enterprise_user else settings.SESSION_IDLE_MINUTES
    return max(0, int(minutes)) * 60


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class IdleSessionMiddleware:
    """Signs a session out after ``SESSION_IDLE_MINUTES`` (staff) or ``SESSION_IDLE_MINUTES_ENTERPRISE``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            limit = idle_limit_seconds(user)
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_KEY)
            if limit and isinstance(last, (int, float)) and now - last > limit:
                logout(request)
                if not _is_api(request):
                    messages.info(
                        request, _("You were signed out after a time without activity. Please sign in again.")
                    )
                    return redirect_to_login(request.get_full_path())
            elif not isinstance(last, (int, float)) or now - last >= TOUCH_EVERY:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """While ``must_change_password`` is set, every page but the password change and sign-out leads there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password and not self._exempt(request):
            if _is_api(request):
                detail = _("Change your password at /accounts/password_change/ before using the API.")
                return JsonResponse({"detail": detail}, status=403)
            return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def _exempt(request) -> bool:
        path = request.path
        allowed = (
            reverse("accounts:password_change"),
            reverse("accounts:logout"),
            reverse("set_language"),
            settings.STATIC_URL or "/static/",
        )
        return any(path.startswith(prefix) for prefix in allowed)
