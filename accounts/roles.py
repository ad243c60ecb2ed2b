"""Model permissions granted to each role's group. Later issues extend these lists."""

from __future__ import annotations

from accounts.choices import Role

_READ_REFERENCE = ["accounts.view_bureau", "accounts.view_bureauregion", "filings.view_hscode"]
_READ_FILINGS = [
    "filings.view_enterprisefiling",
    "filings.view_productfiling",
    "filings.view_producttestreport",
    "filings.view_changerequest",
]
_REVIEW_FILINGS = ["filings.review_enterprisefiling", "filings.review_productfiling"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.HQ: [
        *_READ_REFERENCE,
        *_READ_FILINGS,
        "core.view_auditevent",
        "core.view_attachment",
    ],
    Role.BUREAU_ADMIN: [
        *_READ_REFERENCE,
        *_READ_FILINGS,
        *_REVIEW_FILINGS,
        "accounts.view_user",
        "core.view_auditevent",
        "core.view_attachment",
    ],
    Role.INSPECTOR: [
        *_READ_REFERENCE,
        *_READ_FILINGS,
        *_REVIEW_FILINGS,
        "core.view_auditevent",
        "core.view_attachment",
    ],
    Role.ENTERPRISE: [
        *_READ_REFERENCE,
        *_READ_FILINGS,
        "filings.add_enterprisefiling",
        "filings.change_enterprisefiling",
        "filings.add_productfiling",
        "filings.change_productfiling",
        "filings.add_producttestreport",
        "filings.add_changerequest",
        "core.view_auditevent",
        "core.view_attachment",
        "core.add_attachment",
    ],
}
