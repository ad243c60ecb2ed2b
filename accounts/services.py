"""Writes on bureaus and accounts. Every write is one transaction and leaves an audit event."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AccountRole, BureauLevel, Role
from accounts.jurisdiction import competent_bureau_code, is_region_code
from accounts.models import Bureau, BureauQuerySet, BureauRegion, LoginRecord, User
from accounts.passwords import one_time_password
from accounts.roles import ROLE_PERMISSIONS
from cbec_supervision.audit import Actor, audit_record, snapshot

if TYPE_CHECKING:
    from filings.models import EnterpriseFiling


def bureau_for_region(region_code: str) -> Bureau | None:
    """The competent bureau for a GB/T 2260 region code (territorial management)."""
    if not is_region_code(region_code):
        return None
    candidates = {region_code[:2], region_code[:4], region_code}
    prefixes = dict(BureauRegion.objects.filter(prefix__in=candidates).values_list("prefix", "bureau__code"))
    code = competent_bureau_code(region_code, prefixes)
    return Bureau.objects.filter(code=code).first() if code else None


@transaction.atomic
def role_groups_sync() -> dict[str, Group]:
    """Create one group per role holding exactly that role's model permissions."""
    groups = {}
    for role, perm_names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=str(role))
        perms = []
        for name in perm_names:
            app_label, codename = name.split(".", 1)
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is None:
                raise RuntimeError(f"role {role}: permission {name} does not exist")
            perms.append(perm)
        group.permissions.set(perms)
        groups[str(role)] = group
    return groups


@dataclass(frozen=True)
class BureauRow:
    code: str
    name: str
    name_en: str
    short_name: str
    level: str
    parent: str
    regions: list[tuple[str, str]]


def read_bureau_file(path: Path) -> list[BureauRow]:
    """Read data/bureaus.csv: code,name,name_en,short_name,level,parent,regions (prefix:name;...)."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            regions = []
            for part in filter(None, (row.get("regions") or "").split(";")):
                prefix, _sep, region_name = part.partition(":")
                regions.append((prefix.strip(), region_name.strip()))
            rows.append(
                BureauRow(
                    code=row["code"].strip(),
                    name=row["name"].strip(),
                    name_en=row["name_en"].strip(),
                    short_name=row["short_name"].strip(),
                    level=row["level"].strip(),
                    parent=row["parent"].strip(),
                    regions=regions,
                )
            )
    return rows


@transaction.atomic
def bureaus_load(*, rows: list[BureauRow], actor: Actor) -> tuple[int, int]:
    """Create or update bureaus and their region prefixes. Returns (created, updated)."""
    created = updated = 0
    by_code = {b.code: b for b in Bureau.objects.all()}
    for row in rows:  # parents come before their branches in the file
        parent = by_code.get(row.parent) if row.parent else None
        if row.parent and parent is None:
            raise ValidationError(f"bureau {row.code}: unknown parent {row.parent}")
        values = {
            "name": row.name,
            "name_en": row.name_en,
            "short_name": row.short_name,
            "level": row.level,
            "parent": parent,
        }
        bureau = by_code.get(row.code)
        if bureau is None:
            bureau = Bureau.objects.create(code=row.code, **values)
            audit_record(actor=actor, action="create", obj=bureau, after=snapshot(bureau))
            by_code[row.code] = bureau
            created += 1
        else:
            before = snapshot(bureau)
            for key, value in values.items():
                setattr(bureau, key, value)
            after = snapshot(bureau)
            if after != before:
                bureau.save()
                audit_record(actor=actor, action="update", obj=bureau, before=before, after=after)
                updated += 1
        for prefix, region_name in row.regions:
            BureauRegion.objects.update_or_create(prefix=prefix, defaults={"bureau": bureau, "name": region_name})
    return created, updated


def _account_error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def bureau_by_code(code: str) -> Bureau:
    """The bureau with this code (any case); a ``ValidationError`` on ``bureau`` when there is none."""
    bureau = Bureau.objects.filter(code=code.strip().upper()).first()
    if bureau is None:
        raise _account_error("bureau", _("Unknown bureau code %(code)s.") % {"code": code})
    return bureau


# --- accounts: one creation path for the account pages, the colleagues' form, sign-up and the command ----

#: what the audit keeps of an account: never its password, nor its login time (recorded apart)
_AUDIT_EXCLUDE = ("password", "last_login")


def _account_snapshot(user: User, **extra: bool) -> dict:
    return snapshot(user, exclude=_AUDIT_EXCLUDE, extra=extra or None)


def _person(actor: Actor) -> User | None:
    """The user acting, or None for the operator's command and the system (which are not scoped)."""
    return actor if isinstance(actor, User) else None


def assignable_roles(actor: User) -> list[str]:
    """The account roles ``actor`` may give: never one above their own."""
    if not actor.manages_accounts:
        return []
    if actor.is_hq:
        return [AccountRole.HQ, AccountRole.BUREAU_ADMIN, AccountRole.INSPECTOR]
    if actor.role == Role.BUREAU_ADMIN:
        return [AccountRole.BUREAU_ADMIN, AccountRole.INSPECTOR]
    return [AccountRole.ENTERPRISE_ADMIN, AccountRole.ENTERPRISE]


def assignable_bureaus(actor: User) -> BureauQuerySet:
    """The bureaus whose staff ``actor`` manages (headquarters: every bureau; enterprises: none)."""
    if actor.is_hq:
        return Bureau.objects.filter(is_active=True)
    if actor.role == Role.BUREAU_ADMIN:
        return Bureau.objects.jurisdiction_of(actor.bureau_id).filter(is_active=True)
    return Bureau.objects.none()


def _require_manager(actor: User) -> None:
    if not actor.manages_accounts:
        raise PermissionDenied(_("Only administrators manage accounts."))


def _require_in_scope(actor: User, user: User) -> None:
    """404 for an account outside the actor's scope, 403 for one's own account (no self-service here)."""
    if not User.objects.manageable_by(actor).filter(pk=user.pk).exists():
        raise Http404(_("No such account."))
    if actor.pk == user.pk:
        raise PermissionDenied(_("You cannot change your own role or access: ask another administrator."))


def _require_role(actor: User, role: str) -> None:
    if role not in AccountRole.values:
        raise ValidationError({"role": [_("Unknown role %(role)s.") % {"role": role}]})
    if role not in assignable_roles(actor):
        raise PermissionDenied(_("You may not give the role %(role)s.") % {"role": AccountRole(role).label})


def _staff_bureau(role: str, bureau: Bureau | None) -> Bureau | None:
    """The bureau a staff role is held at: bureau staff need a bureau below headquarters; hq, headquarters."""
    if role in (Role.BUREAU_ADMIN, Role.INSPECTOR):
        if bureau is None:
            raise _account_error("bureau", _("Bureau staff need a bureau code."))
        if bureau.level == BureauLevel.HQ:
            raise _account_error("bureau", _("Headquarters staff take the hq role."))
        return bureau
    if role == Role.HQ:
        return bureau or Bureau.objects.filter(level=BureauLevel.HQ).first()
    return None


def _role_groups(role: str) -> Group:
    group = Group.objects.filter(name=role).first()
    return group if group is not None else role_groups_sync()[role]


def _apply_role(user: User, account_role: str, *, bureau: Bureau | None, enterprise: EnterpriseFiling | None) -> None:
    """Set role, affiliation and the flags that follow from them (not saved)."""
    role = Role.ENTERPRISE if account_role == AccountRole.ENTERPRISE_ADMIN else account_role
    if role == Role.ENTERPRISE:
        if enterprise is None:
            raise _account_error("enterprise", _("An enterprise account needs the enterprise's credit code."))
        user.bureau = None  # enterprise users belong to their enterprise, not to a bureau
        user.enterprise = enterprise
        user.is_enterprise_admin = account_role == AccountRole.ENTERPRISE_ADMIN
    else:
        user.bureau = _staff_bureau(role, bureau)
        user.enterprise = None
        user.is_enterprise_admin = False
    user.role = role
    # Only headquarters opens /admin/ (national reference data): the admin is not scoped per bureau.
    user.is_staff = role == Role.HQ


@dataclass(frozen=True)
class NewAccount:
    """A created account, and the one-time password to hand its owner (None when a password was given)."""

    user: User
    one_time_password: str | None


def one_time_password_for_policy() -> str:
    return one_time_password(max(14, settings.PASSWORD_MIN_LENGTH + 2))


@transaction.atomic
def account_create(
    *,
    actor: Actor,
    username: str,
    role: str,
    bureau: Bureau | None = None,
    enterprise: EnterpriseFiling | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    password: str | None = None,
    validate: bool = True,
) -> NewAccount:
    """Create an account: the one path for the account pages, the colleagues' form, sign-up and ``create_account``.

    ``role`` is an ``AccountRole`` (``enterprise_admin`` is an enterprise account that manages its
    colleagues). A person creating an account (``actor`` a user) must manage accounts, give a role no
    higher than theirs, and a bureau of their jurisdiction (hq: any); an enterprise administrator
    creates accounts of their own enterprise only. The operator's command and sign-up (``actor`` a
    string) are not scoped. Without ``password`` a one-time password is drawn; a password chosen by
    someone else than the account's owner must be changed at the first sign-in (the operator's
    command excepted, as the contract says). The first account of an enterprise administers it.
    """
    person = _person(actor)
    if person is not None:
        _require_manager(person)
        _require_role(person, role)
        if role in (AccountRole.ENTERPRISE, AccountRole.ENTERPRISE_ADMIN):
            enterprise = person.enterprise
        elif bureau is not None and not assignable_bureaus(person).filter(pk=bureau.pk).exists():
            raise PermissionDenied(_("You manage no account of %(bureau)s.") % {"bureau": bureau.name})
    elif role not in AccountRole.values:
        raise _account_error(
            "role", _("Unknown role %(role)s; use one of %(roles)s.") % {"role": role, "roles": ", ".join(Role.values)}
        )
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    if not username:
        errors.setdefault("username", []).append(_("A username is required."))
    elif User.objects.filter(username__iexact=username).exists():
        errors.setdefault("username", []).append(_("This username is taken."))
    user = User(
        username=username,
        first_name=(first_name or "").strip(),
        last_name=(last_name or "").strip(),
        email=(email or "").strip(),
    )
    if user.email:
        try:
            EmailValidator()(user.email)
        except ValidationError:
            errors.setdefault("email", []).append(_("Enter a valid email address."))
    try:
        _apply_role(user, role, bureau=bureau, enterprise=enterprise)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    given = password
    if password is None:
        password = one_time_password_for_policy()
    elif validate:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors.setdefault("password", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    if (
        user.enterprise is not None
        and not user.enterprise.users.filter(is_enterprise_admin=True, is_active=True).exists()
    ):
        user.is_enterprise_admin = True
    user.set_password(password)
    # The operator's command and sign-up set the owner's own password; anyone else's must be replaced.
    user.must_change_password = person is not None
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same username taken at the same moment by someone else
        raise ValidationError({"username": [_("This username is taken.")]}) from None
    user.groups.set([_role_groups(user.role)])
    audit_record(actor=actor, action="create", obj=user, after=_account_snapshot(user, password_set=True))
    return NewAccount(user=user, one_time_password=None if given is not None else password)


@transaction.atomic
def account_upsert(
    *,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    bureau: Bureau | None = None,
    enterprise: EnterpriseFiling | None = None,
) -> tuple[User, bool]:
    """The operator's command: create an account (through ``account_create``), or update the password,
    role and affiliation of an existing one, and reactivate it.

    Staff roles belong to a bureau (``hq`` may have none: headquarters then). Enterprise accounts
    belong to their enterprise's filing, resolved (or created) by the caller: filings sits above
    accounts, so ``filings.services.account_provision`` finds or drafts it and calls this.
    The operator's passwords are not checked against the policy and need no change at first sign-in.
    Returns (user, created).
    """
    username = (username or "").strip()
    if not username:
        raise _account_error("username", _("A username is required."))
    if not password:
        raise _account_error("password", _("A password is required."))
    if role not in Role.values:
        raise _account_error(
            "role", _("Unknown role %(role)s; use one of %(roles)s.") % {"role": role, "roles": ", ".join(Role.values)}
        )
    existing = User.objects.filter(username=username).first()
    if existing is None:
        created = account_create(
            actor=actor,
            username=username,
            role=role,
            bureau=bureau,
            enterprise=enterprise,
            password=password,
            validate=False,
        )
        return created.user, True
    user = existing
    before = _account_snapshot(existing)
    account_role = role
    if role == Role.ENTERPRISE and user.is_enterprise_admin and user.enterprise_id == getattr(enterprise, "pk", None):
        account_role = AccountRole.ENTERPRISE_ADMIN  # the administrator stays one
    _apply_role(user, account_role, bureau=bureau, enterprise=enterprise)
    if enterprise is not None and not enterprise.users.filter(is_enterprise_admin=True, is_active=True).exists():
        user.is_enterprise_admin = True  # the enterprise's first account administers it
    user.is_active = True
    user.must_change_password = False
    user.set_password(password)
    user.save()
    user.groups.set([_role_groups(user.role)])
    audit_record(
        actor=actor, action="update", obj=user, before=before, after=_account_snapshot(user, password_changed=True)
    )
    return user, False


@transaction.atomic
def account_role_set(*, actor: User, user: User, role: str, bureau: Bureau | None = None, reason: str = "") -> User:
    """Give ``user`` another role (and for staff, another bureau of the actor's jurisdiction).

    Nobody changes their own role; nobody gives a role above their own (403); an account outside
    the actor's scope is 404.
    """
    _require_manager(actor)
    _require_in_scope(actor, user)
    _require_role(actor, role)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = _account_snapshot(user)
    if role in (AccountRole.ENTERPRISE, AccountRole.ENTERPRISE_ADMIN):
        if user.role != Role.ENTERPRISE:
            raise PermissionDenied(_("A staff account cannot become an enterprise account."))
        enterprise = user.enterprise
    else:
        enterprise = None
        if user.role == Role.ENTERPRISE:
            raise PermissionDenied(_("An enterprise account cannot become a staff account."))
        bureau = bureau or user.bureau
        if role != Role.HQ and bureau is not None and not assignable_bureaus(actor).filter(pk=bureau.pk).exists():
            raise PermissionDenied(_("You manage no account of %(bureau)s.") % {"bureau": bureau.name})
    _apply_role(user, role, bureau=bureau, enterprise=enterprise)
    after = _account_snapshot(user)
    if after == before:
        return user
    user.save()
    user.groups.set([_role_groups(user.role)])
    audit_record(actor=actor, action="update", obj=user, before=before, after=after, reason=reason)
    return user


@transaction.atomic
def account_active_set(*, actor: User, user: User, active: bool, reason: str) -> User:
    """Deactivate (the account can no longer sign in, its API token goes) or reactivate an account.

    A reason is required; nobody changes their own active flag.
    """
    _require_manager(actor)
    _require_in_scope(actor, user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give a reason.")]})
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        raise ValidationError(
            {"reason": [_("This account is already active.") if active else _("This account is already inactive.")]}
        )
    before = _account_snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        _drop_api_token(user)
    audit_record(
        actor=actor,
        action="reinstate" if active else "suspend",
        obj=user,
        before=before,
        after=_account_snapshot(user),
        reason=reason,
    )
    return user


def _drop_api_token(user: User) -> None:
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()


@transaction.atomic
def account_password_reset(*, actor: User, user: User, reason: str = "") -> str:
    """Give ``user`` a one-time password, returned to be shown once; it must be changed at the next sign-in.

    The account's API token goes with the old password. The audit records that it was reset, never the password.
    """
    _require_manager(actor)
    _require_in_scope(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = _account_snapshot(user)
    password = one_time_password_for_policy()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    _drop_api_token(user)
    audit_record(
        actor=actor,
        action="update",
        obj=user,
        before=before,
        after=_account_snapshot(user, password_reset=True),
        reason=reason or _("Password reset to a one-time password."),
    )
    return password


@transaction.atomic
def account_password_change(*, user: User, new_password: str) -> User:
    """The account's owner sets a new password (already checked by the form): the one-time password is gone."""
    user = User.objects.select_for_update().get(pk=user.pk)
    validate_password(new_password, user)
    before = _account_snapshot(user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit_record(
        actor=user, action="update", obj=user, before=before, after=_account_snapshot(user, password_changed=True)
    )
    return user


def login_record(*, user: User, ip_address: str | None, user_agent: str) -> LoginRecord:
    """Record one successful sign-in (not audited: it changes nothing of the account)."""
    return LoginRecord.objects.create(
        user=user, at=timezone.now(), ip_address=ip_address or None, user_agent=(user_agent or "")[:300]
    )
