"""Rights holders (issue 12): recorded and corrected by bureau staff, matched by name, with their
authorisation documents as attachments (kind ``authorisation``).

A holder is reference data of the whole network: any bureau's staff holding the model permissions
records one (``anticounterfeit.add_rightsholder``) or corrects it (``change_rightsholder``). Names are
unique with case, width and spaces ignored (``name_key``), so "Nike Inc." and "ＮＩＫＥ　INC." are one.
Every write is audited in its transaction. ValidationError per field; PermissionDenied for the wrong
person.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_countries import countries

from anticounterfeit.grouping import name_key
from anticounterfeit.models import RightsHolder
from cbec_supervision.attachments import attachment_create
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from cbec_supervision.models import Attachment

#: the kind of a holder's authorisation documents (``Attachment.kind``)
AUTHORISATION_KIND = "authorisation"

_NAME_LIMIT = 200
_BRAND_LIMIT = 100
_BRANDS_MAX = 50
_TEXT_LIMIT = 10000
#: field -> its length limit, for the plain text fields
_TEXT_FIELDS = {
    "contact_name": 100,
    "contact_phone": 50,
    "address": 300,
    "authorised_agent": 200,
    "notes": _TEXT_LIMIT,
}
EDITABLE = (
    "name",
    "country",
    "brands",
    "contact_name",
    "contact_phone",
    "contact_email",
    "address",
    "authorised_agent",
    "authorisation_valid_until",
    "notes",
)


def _may(actor: Actor, permission: str) -> bool:
    if isinstance(actor, str):
        return True  # a task or command acting for the system
    return actor.is_active and actor.is_bureau_staff and actor.has_perm(f"anticounterfeit.{permission}")


def may_add(actor: Actor) -> bool:
    """Bureau staff holding ``anticounterfeit.add_rightsholder``."""
    return _may(actor, "add_rightsholder")


def may_change(actor: Actor) -> bool:
    """Bureau staff holding ``anticounterfeit.change_rightsholder``."""
    return _may(actor, "change_rightsholder")


def _brands(value: Any, errors: dict[str, list[str]]) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [part for line in value.splitlines() for part in line.split(",")]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors["brands"] = [_("Give the brands as a list of names.")]
        return []
    brands: list[str] = []
    for raw in value:
        brand = raw.strip()
        if brand and brand not in brands:
            brands.append(brand)
    if len(brands) > _BRANDS_MAX:
        errors["brands"] = [_("At most %(limit)d brands.") % {"limit": _BRANDS_MAX}]
    elif any(len(b) > _BRAND_LIMIT for b in brands):
        errors["brands"] = [_("A brand has at most %(limit)d characters.") % {"limit": _BRAND_LIMIT}]
    return brands


def _clean(data: dict[str, Any], errors: dict[str, list[str]], *, holder: RightsHolder | None) -> dict[str, Any]:
    """The valid values of ``data`` (only the keys given), errors per field."""
    clean: dict[str, Any] = {}
    unknown = sorted(set(data) - set(EDITABLE))
    if unknown:
        errors["non_field_errors"] = [_("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)}]
    if "name" in data:
        name = " ".join(str(data["name"] or "").split())
        key = name_key(name)
        if not name:
            errors["name"] = [_("Give the rights holder's name.")]
        elif len(name) > _NAME_LIMIT:
            errors["name"] = [_("At most %(limit)d characters.") % {"limit": _NAME_LIMIT}]
        else:
            clash = RightsHolder.objects.filter(name_key=key)
            if holder is not None:
                clash = clash.exclude(pk=holder.pk)
            if clash.exists():
                errors["name"] = [_("A rights holder of this name is already recorded.")]
        clean["name"] = name
        clean["name_key"] = key
    if "country" in data:
        country = str(data["country"] or "").strip().upper()
        if country and country not in dict(countries):
            errors["country"] = [_("Give a country code (ISO 3166, e.g. US).")]
        clean["country"] = country
    if "brands" in data:
        clean["brands"] = _brands(data["brands"], errors)
    for field, limit in _TEXT_FIELDS.items():
        if field in data:
            text = str(data[field] or "").strip()
            if len(text) > limit:
                errors[field] = [_("At most %(limit)d characters.") % {"limit": limit}]
            clean[field] = text
    if "contact_email" in data:
        email = str(data["contact_email"] or "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors["contact_email"] = [_("Give a valid email address.")]
        clean["contact_email"] = email
    if "authorisation_valid_until" in data:
        day = data["authorisation_valid_until"]
        if isinstance(day, str) and day:
            try:
                day = dt.date.fromisoformat(day)
            except ValueError:
                errors["authorisation_valid_until"] = [_("Give a date (YYYY-MM-DD).")]
                day = None
        if day is not None and day != "" and not isinstance(day, dt.date):
            errors["authorisation_valid_until"] = [_("Give a date (YYYY-MM-DD).")]
            day = None
        clean["authorisation_valid_until"] = day or None
    return clean


@transaction.atomic
def rights_holder_create(*, actor: Actor, name: str, **fields: Any) -> RightsHolder:
    """Record a rights holder (bureau staff with ``add_rightsholder``): a name unique with case, width
    and spaces ignored; ``brands`` a list of strings; contacts, agent, authorisation date. Audited."""
    if not may_add(actor):
        raise PermissionDenied(_("Only bureau staff record rights holders."))
    errors: dict[str, list[str]] = {}
    clean = _clean({"name": name, **fields}, errors, holder=None)
    if errors:
        raise ValidationError(errors)
    holder = RightsHolder.objects.create(created_by=None if isinstance(actor, str) else actor, **clean)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=holder, after=snapshot(holder))
    return holder


@transaction.atomic
def rights_holder_update(*, actor: Actor, holder: RightsHolder, **fields: Any) -> RightsHolder:
    """Correct a rights holder (bureau staff with ``change_rightsholder``): only the fields given.
    Audited with before and after."""
    if not may_change(actor):
        raise PermissionDenied(_("Only bureau staff correct rights holders."))
    holder = RightsHolder.objects.select_for_update().get(pk=holder.pk)
    errors: dict[str, list[str]] = {}
    clean = _clean(fields, errors, holder=holder)
    if errors:
        raise ValidationError(errors)
    before = snapshot(holder)
    for field, value in clean.items():
        setattr(holder, field, value)
    holder.save()
    after = snapshot(holder)
    if after != before:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=holder, before=before, after=after)
    return holder


def rights_holder_resolve(*, actor: Actor, value: RightsHolder | int | str | None) -> RightsHolder | None:
    """The rights holder ``value`` names: a holder, its id, or its name (matched by ``name_key``; a
    name not recorded yet is recorded, audited). None for an empty value. ValidationError
    ``{"rights_holder": [...]}`` for an unknown id or an invalid name."""
    if value is None or value == "":
        return None
    if isinstance(value, RightsHolder):
        return value
    if isinstance(value, bool):
        raise ValidationError({"rights_holder": [_("Give the rights holder's name or id.")]})
    if isinstance(value, int):
        holder = RightsHolder.objects.filter(pk=value).first() if 0 < value < 2**63 else None
        if holder is None:
            raise ValidationError({"rights_holder": [_("No such rights holder.")]})
        return holder
    text = " ".join(str(value).split())
    if not text:
        return None
    if text.isascii() and text.isdigit():
        holder = RightsHolder.objects.filter(pk=int(text)).first() if 0 < int(text) < 2**63 else None
        if holder is not None:
            return holder
    if len(text) > _NAME_LIMIT:
        raise ValidationError({"rights_holder": [_("At most %(limit)d characters.") % {"limit": _NAME_LIMIT}]})
    holder = RightsHolder.objects.filter(name_key=name_key(text)).first()
    if holder is not None:
        return holder
    try:
        with transaction.atomic():
            return rights_holder_create(actor=actor, name=text)
    except IntegrityError:  # recorded meanwhile by someone else
        holder = RightsHolder.objects.filter(name_key=name_key(text)).first()
        if holder is None:
            raise
        return holder
    except ValidationError as exc:
        raise ValidationError({"rights_holder": exc.messages}) from exc


def rights_holder_authorisations(holder: RightsHolder) -> QuerySet[Attachment]:
    """The holder's authorisation documents, oldest first."""
    return (
        Attachment.objects.for_object(holder)
        .filter(kind=AUTHORISATION_KIND)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )


@transaction.atomic
def rights_holder_attach(
    *, actor: Actor, holder: RightsHolder, upload: UploadedFile | None, description: str = ""
) -> Attachment:
    """Add an authorisation document to the holder (bureau staff with ``change_rightsholder``); type and
    size checked by content, its SHA-256 kept; audited on the holder's history."""
    if not may_change(actor):
        raise PermissionDenied(_("Only bureau staff add authorisation documents."))
    if upload is None:
        raise ValidationError({"file": [_("Choose a file.")]})
    description = (description or "").strip()
    if len(description) > 255:
        raise ValidationError({"description": [_("At most %(limit)d characters.") % {"limit": 255}]})
    holder = RightsHolder.objects.select_for_update().get(pk=holder.pk)
    return attachment_create(owner=holder, upload=upload, actor=actor, kind=AUTHORISATION_KIND, description=description)
