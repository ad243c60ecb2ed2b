"""Enterprise filings: create, edit, submit, review, and the accounts of enterprise users."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Bureau, User
from accounts.services import account_create, bureau_for_region
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.notifications import notify
from cbec_supervision.workflow import check_transition, require_reason, require_reviewer
from filings.choices import (
    FILING_EDITABLE,
    FILING_ENDED,
    FILING_TRANSITIONS,
    PLATFORM_SYSTEMS,
    TRANSITION_ACTIONS,
    EnterpriseSystem,
    EnterpriseType,
    FilingAction,
    FilingStatus,
    GoodsCategory,
)
from filings.models import EnterpriseFiling
from filings.services.decisions import filing_decide, filing_decide_status
from filings.services.products import check_lengths
from filings.validators import validate_phone, validate_uscc

Errors = dict[str, list[str]]

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
    "email",
    "address",
    "region_code",
    "main_categories",
    "platform_name",
    "platform_url",
    "systems",
    "pledge_signed",
)
BASE_SYSTEMS = tuple(s for s in EnterpriseSystem.values if s not in PLATFORM_SYSTEMS)


def enterprise_live(uscc: str) -> EnterpriseFiling | None:
    """The live filing under credit code ``uscc`` (any status but rejected or revoked), if any.

    There is at most one (a conditional unique constraint); the rejected and revoked ones it may
    follow stay on file with their history and numbers.
    """
    return EnterpriseFiling.objects.exclude(status__in=FILING_ENDED).filter(uscc=uscc).first()


def enterprise_latest(uscc: str) -> EnterpriseFiling | None:
    """The live filing under ``uscc``, else the one filed last (rejected or revoked), if any."""
    return enterprise_live(uscc) or EnterpriseFiling.objects.filter(uscc=uscc).order_by("-created_at", "-id").first()


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _require_own_enterprise(actor: Actor, filing: EnterpriseFiling) -> None:
    if isinstance(actor, str) or not actor.is_enterprise_user or actor.enterprise_id != filing.pk:
        raise PermissionDenied(_("Only the enterprise's own users may do this."))


def _apply(filing: EnterpriseFiling, fields: dict[str, Any], types: Iterable[str] | None, errors: Errors) -> None:
    """Set and check the editable fields on ``filing`` (not saved)."""
    for key, value in fields.items():
        if key not in ENTERPRISE_EDITABLE_FIELDS:
            raise TypeError(f"unexpected enterprise filing field {key!r}")
        setattr(filing, key, value.strip() if isinstance(value, str) else value)
    if types is not None:
        types = list(types)
        unknown = [t for t in types if t not in _TYPE_FIELDS]
        if unknown:
            _add(errors, "types", _("Unknown enterprise type: %(types)s.") % {"types": ", ".join(map(str, unknown))})
        else:
            for value, field in _TYPE_FIELDS.items():
                setattr(filing, field, value in types)
    if "name" in fields and not filing.name:
        _add(errors, "name", _("The enterprise name is required."))
    check_lengths(EnterpriseFiling, {k: getattr(filing, k) for k in fields}, errors)
    if filing.contact_phone:
        try:
            filing.contact_phone = validate_phone(filing.contact_phone)
        except ValidationError as exc:
            errors.setdefault("contact_phone", []).extend(exc.messages)
    if filing.email:
        try:
            EmailValidator()(filing.email)
        except ValidationError:
            _add(errors, "email", _("Enter a valid email address."))
    if filing.platform_url:
        try:
            URLValidator(schemes=["http", "https"])(filing.platform_url)
        except ValidationError:
            _add(errors, "platform_url", _("Enter the platform's web address, starting with http:// or https://."))
    if not isinstance(filing.main_categories, list) or not set(filing.main_categories) <= set(GoodsCategory.values):
        _add(
            errors,
            "main_categories",
            _("Choose goods categories from: %(choices)s.") % {"choices": ", ".join(GoodsCategory.values)},
        )
    else:
        filing.main_categories = [c for c in GoodsCategory.values if c in filing.main_categories]
    if not isinstance(filing.systems, list) or not set(filing.systems) <= set(EnterpriseSystem.values):
        _add(
            errors,
            "systems",
            _("Choose declared systems from: %(choices)s.") % {"choices": ", ".join(EnterpriseSystem.values)},
        )
    else:
        filing.systems = [s for s in EnterpriseSystem.values if s in filing.systems]
    if fields.get("pledge_signed") and not filing.pledge_signed_at:
        filing.pledge_signed_at = timezone.now()
    elif "pledge_signed" in fields and not fields["pledge_signed"]:
        filing.pledge_signed_at = None
    if "region_code" in fields:
        bureau = bureau_for_region(filing.region_code)
        if bureau is None:
            _add(
                errors,
                "region_code",
                _("No competent bureau is known for region code %(code)s.") % {"code": filing.region_code or "-"},
            )
        else:
            filing.bureau = bureau


def enterprise_missing(filing: EnterpriseFiling) -> Errors:
    """What must still be filled in before the filing can be submitted, field by field."""
    missing: Errors = {}
    required = {
        "name": _("The enterprise name is required."),
        "legal_representative": _("The legal representative is required."),
        "contact_name": _("A contact person is required."),
        "contact_phone": _("A contact phone number is required."),
        "address": _("The registered address is required."),
    }
    for field, message in required.items():
        if not getattr(filing, field):
            _add(missing, field, message)
    if not filing.types:
        _add(missing, "types", _("Choose at least one enterprise type."))
    if not filing.main_categories:
        _add(missing, "main_categories", _("Choose the main goods categories."))
    declared = set(filing.systems or [])
    needed = list(BASE_SYSTEMS) + (list(PLATFORM_SYSTEMS) if filing.is_platform else [])
    lacking = [str(EnterpriseSystem(s).label) for s in needed if s not in declared]
    if lacking:
        _add(missing, "systems", _("Declare these systems: %(systems)s.") % {"systems": "; ".join(lacking)})
    if filing.is_platform:
        if not filing.platform_name:
            _add(missing, "platform_name", _("A platform gives its platform name."))
        if not filing.platform_url:
            _add(missing, "platform_url", _("A platform gives its platform's web address."))
    if not filing.pledge_signed:
        _add(missing, "pledge_signed", _("Sign the quality-integrity pledge."))
    return missing


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
    """Create a draft enterprise filing. The competent bureau follows from the region code.

    A credit code whose last filing was rejected or revoked may be filed again: the new draft
    follows that filing (``previous``), which keeps its history and number.
    """
    errors: Errors = {}
    previous = None
    try:
        uscc = validate_uscc(uscc)
    except ValidationError as exc:
        errors["uscc"] = exc.messages
    else:
        previous = enterprise_latest(uscc)
        if previous is not None and previous.status not in FILING_ENDED:
            errors["uscc"] = [_("An enterprise with this credit code is already on file.")]
    region_code = (region_code or (uscc[2:8] if len(uscc or "") == 18 else "")).strip()
    filing = EnterpriseFiling(uscc=uscc, region_code=region_code, bureau=bureau, previous=previous)
    if bureau is None:
        fields["region_code"] = region_code
    _apply(filing, {"name": name or "", **fields}, types, errors)
    if errors:
        raise ValidationError(errors)
    if not isinstance(actor, str):
        filing.created_by = actor
    try:
        with transaction.atomic():
            filing.save()
    except IntegrityError:  # the same credit code filed at the same moment by someone else
        raise ValidationError({"uscc": [_("An enterprise with this credit code is already on file.")]}) from None
    audit_record(actor=actor, action="create", obj=filing, after=snapshot(filing))
    return filing


@transaction.atomic
def enterprise_refile(*, actor: Actor, filing: EnterpriseFiling) -> EnterpriseFiling:
    """File the enterprise again after ``filing`` was rejected or revoked; its own users do it.

    The new draft copies the editable fields (the pledge is to be signed again), follows ``filing``
    and gets a number of its own once approved. The enterprise's user accounts move to it. The old
    filing keeps its status, number, history and products; both record the refiling.
    """
    filing = EnterpriseFiling.objects.select_for_update().get(pk=filing.pk)
    _require_own_enterprise(actor, filing)
    if filing.status not in FILING_ENDED:
        raise ValidationError(
            {
                "status": [
                    _("Only a rejected or revoked filing may be filed again; this one is %(status)s.")
                    % {"status": filing.get_status_display()}
                ]
            }
        )
    if filing.followed_by is not None:
        raise ValidationError({"status": [_("This filing has already been filed again.")]})
    fields = {f: getattr(filing, f) for f in ENTERPRISE_EDITABLE_FIELDS if f not in ("name", "pledge_signed")}
    new = enterprise_create(
        actor=actor, name=filing.name, uscc=filing.uscc, bureau=filing.bureau, types=filing.types, **fields
    )
    if new.previous_id != filing.pk:  # another filing of the code was made since
        raise ValidationError({"status": [_("This filing has already been filed again.")]})
    audit_record(
        actor=actor,
        action="update",
        obj=filing,
        before={"followed_by": None},
        after={"followed_by": new.pk},
        reason=_("Filed again as a new filing."),
    )
    for user in User.objects.select_for_update().filter(enterprise=filing).order_by("pk"):
        before = snapshot(user)
        user.enterprise = new
        user.save(update_fields=["enterprise"])
        audit_record(actor=actor, action="update", obj=user, before=before, after=snapshot(user))
    if not isinstance(actor, str):
        actor.enterprise = new
    return new


@transaction.atomic
def enterprise_update(
    *, actor: Actor, filing: EnterpriseFiling, types: Iterable[str] | None = None, **fields: Any
) -> EnterpriseFiling:
    """Edit a filing that is still a draft or returned for correction, by one of its own users.

    An approved filing is changed through a change request instead (``change_request_submit``).
    """
    filing = EnterpriseFiling.objects.select_for_update().get(pk=filing.pk)
    _require_own_enterprise(actor, filing)
    if filing.status not in FILING_EDITABLE:
        raise ValidationError(
            {
                "status": [
                    _("A filing that is %(status)s cannot be edited directly; submit a change request.")
                    % {"status": filing.get_status_display()}
                ]
            }
        )
    before = snapshot(filing)
    errors: Errors = {}
    _apply(filing, fields, types, errors)
    if errors:
        raise ValidationError(errors)
    filing.save()
    after = snapshot(filing)
    if after != before:
        audit_record(actor=actor, action="update", obj=filing, before=before, after=after)
    return filing


def _notify_enterprise(filing: EnterpriseFiling, kind: str, params: dict, url: str) -> None:
    notify(recipients=filing.users.filter(is_active=True), kind=kind, params=params, url=url)


@transaction.atomic
def enterprise_submit(*, actor: Actor, filing: EnterpriseFiling) -> EnterpriseFiling:
    """Send a draft or returned filing to the competent bureau for review."""
    filing = EnterpriseFiling.objects.select_for_update().get(pk=filing.pk)
    _require_own_enterprise(actor, filing)
    current = check_transition(filing, FilingStatus.SUBMITTED, FILING_TRANSITIONS)
    missing = enterprise_missing(filing)
    if missing:
        raise ValidationError(missing)
    before = snapshot(filing)
    filing.status = FilingStatus.SUBMITTED
    filing.submitted_at = timezone.now()
    filing.save()
    audit_record(
        actor=actor,
        action=TRANSITION_ACTIONS[(current, FilingStatus.SUBMITTED)],
        obj=filing,
        before=before,
        after=snapshot(filing),
    )
    return filing


def enterprise_decide(*, actor: Actor, filing: EnterpriseFiling, status: str, reason: str = "") -> EnterpriseFiling:
    """A decision of the competent bureau moving the filing to ``status`` (see ``filing_decide``)."""
    return filing_decide_status(actor=actor, filing=filing, status=status, reason=reason)


def enterprise_approve(*, actor: Actor, filing: EnterpriseFiling) -> EnterpriseFiling:
    return filing_decide(actor=actor, filing=filing, action=FilingAction.APPROVE)


def enterprise_return(*, actor: Actor, filing: EnterpriseFiling, reason: str) -> EnterpriseFiling:
    return filing_decide(actor=actor, filing=filing, action=FilingAction.RETURN, reason=reason)


def enterprise_reject(*, actor: Actor, filing: EnterpriseFiling, reason: str) -> EnterpriseFiling:
    return filing_decide(actor=actor, filing=filing, action=FilingAction.REJECT, reason=reason)


def enterprise_suspend(*, actor: Actor, filing: EnterpriseFiling, reason: str) -> EnterpriseFiling:
    return filing_decide(actor=actor, filing=filing, action=FilingAction.SUSPEND, reason=reason)


def enterprise_reinstate(*, actor: Actor, filing: EnterpriseFiling, reason: str = "") -> EnterpriseFiling:
    return filing_decide(actor=actor, filing=filing, action=FilingAction.REINSTATE, reason=reason)


def enterprise_revoke(*, actor: Actor, filing: EnterpriseFiling, reason: str) -> EnterpriseFiling:
    return filing_decide(actor=actor, filing=filing, action=FilingAction.REVOKE, reason=reason)


@transaction.atomic
def enterprise_set_bureau(*, actor: Actor, filing: EnterpriseFiling, bureau: Bureau, reason: str) -> EnterpriseFiling:
    """Correct the competent bureau derived from the region code (an inspector's decision, with a reason)."""
    filing = EnterpriseFiling.objects.select_for_update().select_related("bureau").get(pk=filing.pk)
    require_reviewer(actor, filing.bureau, EnterpriseFiling.review_permission)
    reason = require_reason(reason)
    if bureau.level == "hq":
        raise ValidationError({"bureau": [_("Headquarters is not a competent bureau.")]})
    if bureau.pk == filing.bureau_id:
        raise ValidationError({"bureau": [_("The filing is already with this bureau.")]})
    before = snapshot(filing)
    filing.bureau = bureau
    filing.save()
    audit_record(actor=actor, action="update", obj=filing, before=before, after=snapshot(filing), reason=reason)
    _notify_enterprise(
        filing,
        "enterprise_bureau_changed",
        {"name": filing.name, "bureau": bureau.name, "reason": reason},
        filing.get_absolute_url(),
    )
    return filing


def _taken(code: str) -> bool:
    """Whether credit code ``code`` is on file for someone signing up or filing it anew.

    It is joined from the portal, by a colleague; it is filed anew only when its last filing was
    rejected or revoked and no active account is left with it (else those users file again).
    """
    latest = enterprise_latest(code)
    return latest is not None and (latest.status not in FILING_ENDED or latest.users.filter(is_active=True).exists())


def _new_enterprise_user(
    *, username: str, password: str, email: str, enterprise: EnterpriseFiling | None, errors: Errors
) -> User:
    username = (username or "").strip()
    if not username:
        _add(errors, "username", _("A username is required."))
    elif User.objects.filter(username__iexact=username).exists():
        _add(errors, "username", _("This username is taken."))
    user = User(username=username, email=(email or "").strip(), role=Role.ENTERPRISE, enterprise=enterprise)
    if user.email:
        try:
            EmailValidator()(user.email)
        except ValidationError:
            _add(errors, "email", _("Enter a valid email address."))
    try:
        validate_password(password or "", user)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    user.set_password(password)
    return user


def _save_enterprise_user(user: User, password: str, actor: Actor) -> User:
    """Create the checked account through the one account-creation service (the first one administers)."""
    return account_create(
        actor=actor,
        username=user.username,
        role=Role.ENTERPRISE,
        enterprise=user.enterprise,
        email=user.email,
        password=password,
    ).user


@transaction.atomic
def enterprise_signup(
    *,
    uscc: str,
    name: str,
    region_code: str,
    contact_name: str,
    contact_phone: str,
    email: str,
    username: str,
    password: str,
) -> User:
    """Self-registration: a new enterprise user with a draft filing of their enterprise.

    A credit code already on file cannot register again: colleagues are added from the portal by
    the enterprise's existing users (who also file again after a rejection or revocation).
    """
    errors: Errors = {}
    try:
        code = validate_uscc(uscc)
    except ValidationError as exc:
        errors["uscc"] = exc.messages
        code = ""
    if code and _taken(code):
        errors["uscc"] = [
            _("This enterprise is already registered. Ask one of its users to add you from the portal (Colleagues).")
        ]
    if not (contact_name or "").strip():
        _add(errors, "contact_name", _("A contact person is required."))
    if not (contact_phone or "").strip():
        _add(errors, "contact_phone", _("A contact phone number is required."))
    else:
        try:
            validate_phone(contact_phone)
        except ValidationError as exc:
            errors.setdefault("contact_phone", []).extend(exc.messages)
    region_code = (region_code or "").strip() or (code[2:8] if code else "")
    if region_code and bureau_for_region(region_code) is None:
        _add(errors, "region_code", _("No competent bureau is known for region code %(code)s.") % {"code": region_code})
    user = _new_enterprise_user(username=username, password=password, email=email, enterprise=None, errors=errors)
    filing = None
    if not errors:
        try:
            filing = enterprise_create(
                actor=f"signup:{username}",
                name=name,
                uscc=code,
                region_code=region_code,
                contact_name=contact_name,
                contact_phone=contact_phone,
                email=email,
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    user.enterprise = filing
    return _save_enterprise_user(user, password, actor=f"signup:{username}")


@transaction.atomic
def enterprise_user_add(
    *, actor: Actor, enterprise: EnterpriseFiling, username: str, password: str, email: str = ""
) -> User:
    """The enterprise's administrator adds a colleague, with a password the colleague changes at first sign-in.

    The same service as the account pages (``accounts.services.account_create``); there the
    administrator may also let the system draw a one-time password.
    """
    _require_own_enterprise(actor, enterprise)
    errors: Errors = {}
    user = _new_enterprise_user(username=username, password=password, email=email, enterprise=enterprise, errors=errors)
    if errors:
        raise ValidationError(errors)
    return _save_enterprise_user(user, password, actor=actor)


@transaction.atomic
def enterprise_create_own(*, actor: User, name: str, uscc: str, **fields: Any) -> EnterpriseFiling:
    """An enterprise user whose account has no enterprise yet files it, and joins it.

    Accounts made by signing up or by a colleague already belong to an enterprise; this is for an
    account made without one (e.g. by an administrator), so that it can file through the API.
    """
    if isinstance(actor, str) or not actor.is_enterprise_user:
        raise PermissionDenied(_("Only enterprise users file an enterprise."))
    user = User.objects.select_for_update().get(pk=actor.pk)
    if user.enterprise_id is not None:
        raise PermissionDenied(_("Your account already belongs to an enterprise."))
    try:
        code = validate_uscc(uscc)
    except ValidationError:
        code = ""  # enterprise_create reports it
    latest = enterprise_latest(code) if code else None
    if latest is not None and latest.status in FILING_ENDED and latest.users.filter(is_active=True).exists():
        raise ValidationError(
            {
                "uscc": [
                    _(
                        "This enterprise is already registered. Ask one of its users to add you from the portal "
                        "(Colleagues)."
                    )
                ]
            }
        )
    filing = enterprise_create(actor=actor, name=name, uscc=uscc, **fields)
    before = snapshot(user, exclude=("password", "last_login"))
    user.enterprise = filing
    user.is_enterprise_admin = True  # the enterprise's first account administers it
    user.save(update_fields=["enterprise", "is_enterprise_admin"])
    actor.enterprise = filing
    actor.is_enterprise_admin = True
    audit_record(
        actor=actor, action="update", obj=user, before=before, after=snapshot(user, exclude=("password", "last_login"))
    )
    return filing
