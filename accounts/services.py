"""Writes on bureaus and accounts. Every write is one transaction and leaves an audit event."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.choices import BureauLevel, Role
from accounts.jurisdiction import competent_bureau_code, is_region_code
from accounts.models import Bureau, BureauRegion, User
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
    """Create an account, or update the password, role and affiliation of an existing one.

    Staff roles belong to a bureau (``hq`` may have none: headquarters then). Enterprise accounts
    belong to their enterprise's filing, resolved (or created) by the caller: filings sits above
    accounts, so ``filings.services.account_provision`` finds or drafts it and calls this.
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

    if role == Role.ENTERPRISE:
        if enterprise is None:
            raise _account_error("enterprise", _("An enterprise account needs the enterprise's credit code."))
        bureau = None  # enterprise users belong to their enterprise, not to a bureau
    else:
        enterprise = None
        if role in (Role.BUREAU_ADMIN, Role.INSPECTOR):
            if bureau is None:
                raise _account_error("bureau", _("Bureau staff need a bureau code."))
            if bureau.level == BureauLevel.HQ:
                raise _account_error("bureau", _("Headquarters staff take the hq role."))
        elif role == Role.HQ and bureau is None:
            bureau = Bureau.objects.filter(level=BureauLevel.HQ).first()

    existing = User.objects.filter(username=username).first()
    created = existing is None
    user = User(username=username) if existing is None else existing
    before = None if existing is None else snapshot(existing)
    user.role = role
    user.bureau = bureau
    user.enterprise = enterprise
    user.is_active = True
    # Only headquarters opens /admin/ (national reference data): the admin is not scoped per bureau.
    user.is_staff = role == Role.HQ
    user.set_password(password)
    user.save()
    groups = (
        role_groups_sync() if not Group.objects.filter(name=role).exists() else {role: Group.objects.get(name=role)}
    )
    user.groups.set([groups[role]])
    audit_record(
        actor=actor,
        action="create" if created else "update",
        obj=user,
        before=before,
        after=snapshot(user, extra={"password_changed": True}),
    )
    return user, created
