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


class BureauLevel(models.TextChoices):
    HQ = "hq", _("Headquarters")
    DIRECT = "direct", _("Directly-affiliated bureau")
    BRANCH = "branch", _("Branch bureau")
