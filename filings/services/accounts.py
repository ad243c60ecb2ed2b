"""Accounts that need a filing: the operator's ``create_account``, which may draft the enterprise's filing.

``accounts`` sits below ``filings`` and never names it: ``accounts.services.account_upsert`` takes the
enterprise filing already resolved, and this module resolves (or drafts) it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Bureau, User
from accounts.services import account_upsert, bureau_by_code
from cbec_supervision.audit import Actor
from filings.models import EnterpriseFiling
from filings.services.enterprises import enterprise_create, enterprise_latest
from filings.validators import validate_uscc


def enterprise_for_account(
    *, actor: Actor, uscc: str | None, name: str | None = None, bureau: Bureau | None = None
) -> EnterpriseFiling:
    """The filing an enterprise account joins: the one filed under ``uscc``, else a new draft named ``name``.

    Of several filings under the code, the live one; when none is live, the last one filed (its
    users may file again from it, and the account moves with them).

    A new draft goes to ``bureau`` when given, else to the competent bureau of the region in the
    credit code (characters 3 to 8). Errors are ``ValidationError`` on ``enterprise``.
    """
    if not uscc:
        raise ValidationError({"enterprise": [_("An enterprise account needs the enterprise's credit code.")]})
    try:
        code = validate_uscc(uscc)
    except ValidationError as exc:
        raise ValidationError({"enterprise": exc.messages}) from None
    filing = enterprise_latest(code)
    if filing is not None:
        return filing
    if not name:
        raise ValidationError(
            {
                "enterprise": [
                    _("No enterprise is filed under %(uscc)s; give its name to create a draft filing.") % {"uscc": code}
                ]
            }
        )
    return enterprise_create(actor=actor, name=name, uscc=code, region_code=code[2:8], bureau=bureau)


@transaction.atomic
def account_provision(
    *,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    bureau_code: str | None = None,
    enterprise_uscc: str | None = None,
    enterprise_name: str | None = None,
) -> tuple[User, bool]:
    """Create or update an account of any role from codes, as ``create_account`` takes them.

    Staff roles take a bureau code (``hq`` may omit it). An enterprise account joins the filing with
    ``enterprise_uscc``, or drafts one named ``enterprise_name`` (with the bureau given, if any).
    One transaction: a refused account leaves no draft filing behind. Returns (user, created).
    """
    bureau = bureau_by_code(bureau_code) if bureau_code else None
    enterprise = None
    if role == Role.ENTERPRISE:
        enterprise = enterprise_for_account(actor=actor, uscc=enterprise_uscc, name=enterprise_name, bureau=bureau)
    return account_upsert(
        actor=actor, username=username, password=password, role=role, bureau=bureau, enterprise=enterprise
    )
