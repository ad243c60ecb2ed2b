"""Writes on filings. Each service is one transaction and leaves an audit event."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Bureau
from accounts.services import bureau_for_region
from cbec_supervision.audit import Actor, audit_record, snapshot
from filings.choices import FILING_EDITABLE, EnterpriseType
from filings.models import EnterpriseFiling
from filings.validators import validate_phone, validate_uscc

_TYPE_FIELDS = {
    EnterpriseType.OPERATOR: "is_operator",
    EnterpriseType.PLATFORM: "is_platform",
    EnterpriseType.LOGISTICS: "is_logistics",
}
#: fields an enterprise may edit on its own filing while it is a draft or returned
ENTERPRISE_EDITABLE_FIELDS = (
    "name",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "address",
    "region_code",
)


def _apply_types(filing: EnterpriseFiling, types: Iterable[str], errors: dict[str, list[str]]) -> None:
    types = list(types)
    unknown = [t for t in types if t not in _TYPE_FIELDS]
    if unknown:
        errors.setdefault("types", []).append(
            _("Unknown enterprise type: %(types)s.") % {"types": ", ".join(map(str, unknown))}
        )
        return
    for value, field in _TYPE_FIELDS.items():
        setattr(filing, field, value in types)


def _validate(filing: EnterpriseFiling, errors: dict[str, list[str]]) -> None:
    if not (filing.name or "").strip():
        errors.setdefault("name", []).append(_("The enterprise name is required."))
    if filing.contact_phone:
        try:
            filing.contact_phone = validate_phone(filing.contact_phone)
        except ValidationError as exc:
            errors.setdefault("contact_phone", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def enterprise_create(
    *,
    actor: Actor,
    name: str,
    uscc: str,
    region_code: str | None = None,
    bureau: Bureau | None = None,
    types: Iterable[str] = (),
    **fields: Any,
) -> EnterpriseFiling:
    """Create a draft enterprise filing. The competent bureau follows from the region code."""
    errors: dict[str, list[str]] = {}
    try:
        uscc = validate_uscc(uscc)
    except ValidationError as exc:
        errors["uscc"] = exc.messages
    else:
        if EnterpriseFiling.objects.filter(uscc=uscc).exists():
            errors["uscc"] = [_("An enterprise with this credit code is already on file.")]
    region_code = (region_code or (uscc[2:8] if len(uscc) == 18 else "")).strip()
    if bureau is None:
        bureau = bureau_for_region(region_code)
        if bureau is None:
            errors["region_code"] = [
                _("No competent bureau is known for region code %(code)s.") % {"code": region_code or "-"}
            ]
    filing = EnterpriseFiling(name=(name or "").strip(), uscc=uscc, region_code=region_code, bureau=bureau)
    for key, value in fields.items():
        if key not in ENTERPRISE_EDITABLE_FIELDS:
            raise TypeError(f"enterprise_create() got an unexpected field {key!r}")
        setattr(filing, key, value)
    _apply_types(filing, types, errors)
    if not isinstance(actor, str):
        filing.created_by = actor
    _validate(filing, errors)
    filing.save()
    audit_record(actor=actor, action="create", obj=filing, after=snapshot(filing))
    return filing


@transaction.atomic
def enterprise_update(
    *, actor: Actor, filing: EnterpriseFiling, types: Iterable[str] | None = None, **fields: Any
) -> EnterpriseFiling:
    """Edit a filing that is still a draft or returned for correction, by one of its own users."""
    filing = EnterpriseFiling.objects.select_for_update().get(pk=filing.pk)
    if isinstance(actor, str) or not actor.is_enterprise_user or actor.enterprise_id != filing.pk:
        raise PermissionDenied(_("Only the enterprise's own users may edit its filing."))
    if filing.status not in FILING_EDITABLE:
        raise ValidationError(
            {
                "status": [
                    _("A filing that is %(status)s cannot be edited directly.")
                    % {"status": filing.get_status_display()}
                ]
            }
        )
    before = snapshot(filing)
    errors: dict[str, list[str]] = {}
    for key, value in fields.items():
        if key not in ENTERPRISE_EDITABLE_FIELDS:
            raise TypeError(f"enterprise_update() got an unexpected field {key!r}")
        setattr(filing, key, value)
    if types is not None:
        _apply_types(filing, types, errors)
    if "region_code" in fields:
        bureau = bureau_for_region(filing.region_code)
        if bureau is None:
            errors["region_code"] = [
                _("No competent bureau is known for region code %(code)s.") % {"code": filing.region_code or "-"}
            ]
        else:
            filing.bureau = bureau
    _validate(filing, errors)
    filing.save()
    after = snapshot(filing)
    if after != before:
        audit_record(actor=actor, action="update", obj=filing, before=before, after=after)
    return filing
