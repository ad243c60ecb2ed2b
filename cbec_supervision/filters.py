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


class PageFiltersMixin:
    """Which filters of a FilterSet (shared with the API) the HTML page shows, and with which widgets.

    ``page_fields`` are shown to staff; ``staff_only`` ones are hidden from enterprise users (they
    see only their own rows anyway). Filters not on the page (``ordering``: the table sorts) are
    left to the API.
    """

    page_fields: tuple[str, ...] = ()
    staff_only: tuple[str, ...] = ()

    def page_fields_for(self, user) -> list[str]:
        hidden = self.staff_only if getattr(user, "is_enterprise_user", False) else ()
        return [name for name in self.page_fields if name not in hidden]

    def page_widgets(self) -> dict:
        """Widgets for the page form (pickers), by filter name."""
        return {}
