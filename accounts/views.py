from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.filtersets import BureauFilterSet
from accounts.forms import SignupForm
from accounts.models import Bureau
from accounts.tables import BureauTable
from cbec_supervision.lists import list_page
from filings import services


@login_required
def bureau_list(request):
    queryset = Bureau.objects.visible_to(request.user).select_related("parent").prefetch_related("regions")
    return list_page(
        request,
        queryset=queryset,
        table_class=BureauTable,
        filterset_class=BureauFilterSet,
        context={"title": _("Bureaus")},
    )


@sensitive_post_parameters("password", "password_confirm")
@require_http_methods(["GET", "POST"])
def signup(request):
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
                % {"bureau": user.enterprise.bureau.name},
            )
            return redirect(user.enterprise)
    return render(request, "accounts/signup.html", {"form": form})
