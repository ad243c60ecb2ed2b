from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services
from accounts.filtersets import BureauFilterSet, UserFilterSet
from accounts.forms import AccountCreateForm, AccountRoleForm, ReasonForm, StyledPasswordChangeForm
from accounts.models import Bureau, User
from accounts.tables import BureauTable, UserTable
from cbec_supervision.lists import list_page


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


# --- account management ---------------------------------------------------------------------------


def _require_manager(request) -> None:
    if not request.user.manages_accounts:
        raise PermissionDenied(_("Only administrators manage accounts."))


def _account_or_404(request, pk: int) -> User:
    return get_object_or_404(User.objects.manageable_by(request.user).select_related("bureau", "enterprise"), pk=pk)


@login_required
def user_list(request):
    _require_manager(request)
    queryset = (
        User.objects.manageable_by(request.user)
        .select_related("bureau", "enterprise")
        .order_by("-is_active", "username")
    )
    return list_page(
        request,
        queryset=queryset,
        table_class=UserTable,
        filterset_class=UserFilterSet,
        template="accounts/user_list.html",
        context={"title": _("Accounts")},
    )


@login_required
def user_create(request):
    _require_manager(request)
    form = AccountCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.account_create(
                actor=request.user,
                username=data["username"],
                role=data["role"],
                bureau=data.get("bureau"),
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            # Shown once, on this response only: it is stored nowhere but as the account's hash.
            return _one_time_password_page(request, created.user, created.one_time_password, created=True)
    return render(request, "accounts/user_form.html", {"form": form})


def _one_time_password_page(request, account: User, password: str | None, *, created: bool):
    response = render(
        request,
        "accounts/one_time_password.html",
        {"account": account, "one_time_password": password, "created": created},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def user_detail(request, pk: int):
    _require_manager(request)
    account = _account_or_404(request, pk)
    return render(request, "accounts/user_detail.html", _detail_context(request, account))


def _detail_context(request, account: User, **forms_given) -> dict:
    own = account.pk == request.user.pk
    return {
        "account": account,
        "own": own,
        "role_form": forms_given.get("role_form") or AccountRoleForm(actor=request.user, account=account),
        "active_form": forms_given.get("active_form") or ReasonForm(),
        "logins": list(account.login_records.all()[:10]),
    }


@login_required
@require_POST
def user_role(request, pk: int):
    _require_manager(request)
    account = _account_or_404(request, pk)
    form = AccountRoleForm(request.POST, actor=request.user, account=account)
    if form.is_valid():
        try:
            services.account_role_set(
                actor=request.user,
                user=account,
                role=form.cleaned_data["role"],
                bureau=form.cleaned_data.get("bureau"),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The role of %(username)s is saved.") % {"username": account.username})
            return redirect("accounts:user_detail", pk=account.pk)
    context = _detail_context(request, account, role_form=form)
    return render(request, "accounts/user_detail.html", context, status=400)


@login_required
@require_POST
def user_active(request, pk: int):
    _require_manager(request)
    account = _account_or_404(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.account_active_set(
                actor=request.user, user=account, active=not account.is_active, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if account.is_active:
                messages.success(request, _("%(username)s can no longer sign in.") % {"username": account.username})
            else:
                messages.success(request, _("%(username)s can sign in again.") % {"username": account.username})
            return redirect("accounts:user_detail", pk=account.pk)
    context = _detail_context(request, account, active_form=form)
    return render(request, "accounts/user_detail.html", context, status=400)


@login_required
@require_POST
def user_password_reset(request, pk: int):
    _require_manager(request)
    account = _account_or_404(request, pk)
    password = services.account_password_reset(actor=request.user, user=account)
    return _one_time_password_page(request, account, password, created=False)


# --- every user's own account ---------------------------------------------------------------------


@login_required
def my_account(request):
    return render(
        request,
        "accounts/my_account.html",
        {"logins": list(request.user.login_records.all()[:10])},
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page; the new password is saved through the service (audited, the one-time flag cleared)."""

    template_name = "accounts/password_change.html"
    form_class = StyledPasswordChangeForm
    success_url = reverse_lazy("accounts:my_account")

    def form_valid(self, form):
        user = services.account_password_change(user=self.request.user, new_password=form.cleaned_data["new_password1"])
        # Keep this session signed in: the new hash would otherwise end it.
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect(self.get_success_url())
