"""Filters every app's FilterSets share."""

from __future__ import annotations

import django_filters


class IdFilter(django_filters.NumberFilter):
    """An id within the database's 64-bit range: anything larger is a 400, not a database error."""

    def __init__(self, *args, **kwargs):
        from django import forms

        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)
        self.field_class = forms.IntegerField
