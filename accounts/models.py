"""Bureaus (headquarters, directly-affiliated and branch bureaus) and the people who use the system."""

from __future__ import annotations

import re
from functools import cached_property
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.choices import AccountRole, BureauLevel, Role
from cbec_supervision.scoping import ScopedQuerySet

#: a character of a Chinese (CJK) name
_CJK = re.compile(r"[\u3400-\u9fff]")


class BureauQuerySet(ScopedQuerySet):
    # Bureaus are public reference data: every signed-in user may read them.
    def visible_to(self, user):
        if not user or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.all()

    def jurisdiction_of(self, bureau: Bureau | int | None) -> BureauQuerySet:
        """The bureaus whose work the staff of ``bureau`` answer for: itself and its branch bureaus.

        The one jurisdiction rule in SQL; ``Bureau.is_in_jurisdiction_of`` is its twin for a row
        already loaded. Use it as a subquery (``bureau__in=...``): it costs no round trip.
        """
        bureau_id = bureau.pk if isinstance(bureau, Bureau) else bureau
        if bureau_id is None:
            return self.none()
        return self.filter(Q(pk=bureau_id) | Q(parent_id=bureau_id))


class Bureau(models.Model):
    """An inspection authority: headquarters, one of the 35 direct bureaus, or a branch bureau."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150)
    short_name = models.CharField(_("short name"), max_length=20, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=BureauLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent bureau"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = BureauQuerySet.as_manager()

    class Meta:
        verbose_name = _("bureau")
        verbose_name_plural = _("bureaus")
        ordering = ["code"]

    def __str__(self) -> str:
        # The audit trail keeps this as the object's name: the same whatever the writer's language.
        return self.name

    @property
    def local_name(self) -> str:
        """The name in the reader's language: ``name_en`` in English, the Chinese name otherwise."""
        english = not (get_language() or "").lower().startswith("zh")
        return (self.name_en or self.name) if english else self.name

    @property
    def local_short_name(self) -> str:
        """The short name for tight places (the navigation bar): the English name in English."""
        english = not (get_language() or "").lower().startswith("zh")
        return (self.name_en or self.name) if english else (self.short_name or self.name)

    def is_in_jurisdiction_of(self, bureau_id: int | None) -> bool:
        """Whether the staff of bureau ``bureau_id`` answer for this bureau (itself or its parent).

        The same rule as ``Bureau.objects.jurisdiction_of``, without a query.
        """
        return bureau_id is not None and bureau_id in (self.pk, self.parent_id)


class BureauRegion(models.Model):
    """A GB/T 2260 region prefix for which a bureau is competent (territorial management)."""

    bureau = models.ForeignKey(Bureau, verbose_name=_("bureau"), on_delete=models.CASCADE, related_name="regions")
    prefix = models.CharField(_("region code prefix"), max_length=6, unique=True)
    name = models.CharField(_("region name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("bureau region")
        verbose_name_plural = _("bureau regions")
        ordering = ["prefix"]

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"


class UserQuerySet(models.QuerySet):
    def manageable_by(self, user) -> UserQuerySet:
        """The accounts ``user`` manages: the one scope of the account pages (outside it, 404).

        Headquarters: every staff account (superusers only by a superuser). A bureau administrator:
        the inspectors and administrators of their bureau and its branch bureaus. An enterprise
        administrator: the accounts of their enterprise. Everyone else: none.
        """
        if not user or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_hq:
            rows = self.filter(role__in=Role.staff_roles())
            return rows if user.is_superuser else rows.filter(is_superuser=False)
        if user.role == Role.BUREAU_ADMIN and user.bureau_id is not None:
            return self.filter(
                role__in=(Role.BUREAU_ADMIN, Role.INSPECTOR),
                bureau__in=Bureau.objects.jurisdiction_of(user.bureau_id),
                is_superuser=False,
            )
        if user.is_enterprise_admin and user.role == Role.ENTERPRISE and user.enterprise_id is not None:
            return self.filter(role=Role.ENTERPRISE, enterprise_id=user.enterprise_id, is_superuser=False)
        return self.none()


class AccountManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A person using the system. Staff belong to a bureau; enterprise users to an enterprise filing.

    The first account of an enterprise is its administrator (``is_enterprise_admin``): it manages its
    colleagues' accounts as a bureau administrator manages the bureau's. An account whose password
    someone else chose (a reset, a new account) must change it before doing anything else.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ENTERPRISE)
    bureau = models.ForeignKey(
        Bureau, verbose_name=_("bureau"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    enterprise = models.ForeignKey(
        "filings.EnterpriseFiling",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_enterprise_admin = models.BooleanField(
        _("enterprise administrator"),
        default=False,
        help_text=_("Manages the accounts of the enterprise's colleagues."),
    )
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when someone else chose the password: it must be changed at the next sign-in."),
    )

    objects: ClassVar[AccountManager] = AccountManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="enterprise_users_have_no_bureau",
                condition=~Q(role="enterprise") | Q(bureau__isnull=True),
            ),
        ]

    def get_full_name(self) -> str:
        """The person's name as it is written: a Chinese name family name first, with no space (王小明);
        other names given name first (Anna Schmidt)."""
        given, family = self.first_name.strip(), self.last_name.strip()
        if _CJK.search(given + family):
            return f"{family}{given}"
        return " ".join(part for part in (given, family) if part)

    @property
    def is_hq(self) -> bool:
        return self.is_superuser or self.role == Role.HQ

    @property
    def is_bureau_staff(self) -> bool:
        return self.role in (Role.BUREAU_ADMIN, Role.INSPECTOR) and self.bureau_id is not None

    @property
    def is_enterprise_user(self) -> bool:
        return self.role == Role.ENTERPRISE and not self.is_superuser

    def jurisdiction(self) -> BureauQuerySet:
        """The bureaus this user answers for, as a lazy queryset (a subquery where it is used).

        Staff of a bureau: that bureau and its branch bureaus. Everyone else, headquarters included
        (which oversees rather than decides): none.
        """
        if not self.is_bureau_staff:
            return Bureau.objects.none()
        return Bureau.objects.jurisdiction_of(self.bureau_id)

    def has_jurisdiction_over(self, bureau: Bureau | None) -> bool:
        """Whether this user is staff of ``bureau`` or of its parent direct bureau (no query)."""
        return self.is_bureau_staff and bureau is not None and bureau.is_in_jurisdiction_of(self.bureau_id)

    @property
    def manages_accounts(self) -> bool:
        """Whether the account pages are open to this user (headquarters, bureau and enterprise administrators)."""
        if not self.is_active:
            return False
        if self.is_hq:
            return True
        if self.role == Role.BUREAU_ADMIN:
            return self.bureau_id is not None
        return self.role == Role.ENTERPRISE and self.is_enterprise_admin and self.enterprise_id is not None

    @property
    def account_role(self) -> str:
        """The role as the account pages set it: an enterprise administrator is a role of its own there."""
        if self.role == Role.ENTERPRISE and self.is_enterprise_admin:
            return AccountRole.ENTERPRISE_ADMIN
        return self.role

    @cached_property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role

    @property
    def account_role_label(self) -> str:
        role = self.account_role
        return str(AccountRole(role).label) if role in AccountRole.values else role


class LoginRecord(models.Model):
    """One successful sign-in: when, from which address (as the lockout sees it) and with which browser."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="login_records")
    at = models.DateTimeField(_("signed in at"), db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="login_user_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%Y-%m-%d %H:%M}"
