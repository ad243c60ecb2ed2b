"""Roles and bureau levels: the one source of truth for their values and labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HQ = "hq", _("Headquarters")
    BUREAU_ADMIN = "bureau_admin", _("Bureau administrator")
    INSPECTOR = "inspector", _("Inspector")
    ENTERPRISE = "enterprise", _("Enterprise")

    @classmethod
    def staff_roles(cls) -> tuple[str, ...]:
        return (cls.HQ, cls.BUREAU_ADMIN, cls.INSPECTOR)


class AccountRole(models.TextChoices):
    """The roles the account pages set: the four roles, with the enterprise administrator apart.

    ``enterprise_admin`` is stored as role ``enterprise`` with ``User.is_enterprise_admin`` set.
    """

    HQ = "hq", _("Headquarters")
    BUREAU_ADMIN = "bureau_admin", _("Bureau administrator")
    INSPECTOR = "inspector", _("Inspector")
    ENTERPRISE_ADMIN = "enterprise_admin", _("Enterprise administrator")
    ENTERPRISE = "enterprise", _("Enterprise")


class BureauLevel(models.TextChoices):
    HQ = "hq", _("Headquarters")
    DIRECT = "direct", _("Directly-affiliated bureau")
    BRANCH = "branch", _("Branch bureau")
