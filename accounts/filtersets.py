from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import BureauLevel, Role
from accounts.models import Bureau, User


class BureauFilterSet(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=BureauLevel.choices, label=_("Level"))
    parent = django_filters.CharFilter(field_name="parent__code", label=_("Parent bureau code"))
    region = django_filters.CharFilter(field_name="regions__prefix", label=_("Region code prefix"))

    class Meta:
        model = Bureau
        fields = ["level", "parent", "region"]

    def page_widgets(self):
        from accounts.pickers import bureau_picker_widget

        return {"parent": bureau_picker_widget()}


class UserFilterSet(django_filters.FilterSet):
    """The account list's filters (the page's only: accounts have no API route)."""

    q = django_filters.CharFilter(method="filter_q", label=_("Username or name"))
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("Role"))
    bureau = django_filters.CharFilter(field_name="bureau__code", lookup_expr="iexact", label=_("Bureau code"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = User
        fields = ["q", "role", "bureau", "is_active"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value) | Q(first_name__icontains=value) | Q(last_name__icontains=value)
        )

    def page_fields_for(self, user) -> list[str]:
        # An enterprise administrator's colleagues all have one role and no bureau.
        if user.is_enterprise_user:
            return ["q", "is_active"]
        return ["q", "role", "bureau", "is_active"]

    def page_widgets(self):
        from accounts.pickers import bureau_picker_widget

        return {"bureau": bureau_picker_widget()}
