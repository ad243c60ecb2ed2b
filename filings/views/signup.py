"""Enterprise self-registration at /accounts/signup/: a user account and a draft filing of the enterprise.

The page sits with the accounts pages (``accounts:signup``, routed by the project's URLconf), but it
creates an enterprise filing, so it lives here: accounts, a layer below filings, never names filings.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from filings import services
from filings.forms import SignupForm


@sensitive_post_parameters("password", "password_confirm")
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Enterprise self-registration: a user account and a draft filing of the enterprise."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.enterprise_signup(**form.service_arguments())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _(
                    "Welcome. Your enterprise is registered as a draft filing with %(bureau)s: "
                    "complete it and submit it for review."
                )
                % {"bureau": user.enterprise.bureau.local_name},
            )
            return redirect(user.enterprise)
    return render(request, "filings/signup.html", {"form": form})
