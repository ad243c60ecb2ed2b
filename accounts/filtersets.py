from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.choices import BureauLevel
from accounts.models import Bureau


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
