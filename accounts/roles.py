"""Model permissions granted to each role's group. Later issues extend these lists."""

from __future__ import annotations

from accounts.choices import Role

_READ_REFERENCE = ["accounts.view_bureau", "accounts.view_bureauregion"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.HQ: [
        *_READ_REFERENCE,
        "filings.view_enterprisefiling",
        "core.view_auditevent",
        "core.view_attachment",
    ],
    Role.BUREAU_ADMIN: [
        *_READ_REFERENCE,
        "accounts.view_user",
        "filings.view_enterprisefiling",
        "core.view_auditevent",
        "core.view_attachment",
    ],
    Role.INSPECTOR: [
        *_READ_REFERENCE,
        "filings.view_enterprisefiling",
        "core.view_auditevent",
        "core.view_attachment",
    ],
    Role.ENTERPRISE: [
        *_READ_REFERENCE,
        "filings.view_enterprisefiling",
        "filings.change_enterprisefiling",
        "core.view_auditevent",
        "core.view_attachment",
        "core.add_attachment",
    ],
}
