"""The form that asks for a half-yearly report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Bureau
from cbec_supervision.forms import ServiceErrorsMixin
from reports.periods import FIRST, Period


def recent_periods(count: int = 8) -> list[tuple[str, str]]:
    """The half-years that have begun, newest first (the current one first: a draft mid-way)."""
    period = Period.containing(timezone.now())
    choices = []
    while len(choices) < count and (period.year, period.half) >= FIRST:
        choices.append((str(period), str(period)))
        period = period.previous()
    return choices


class ReportRequestForm(ServiceErrorsMixin, forms.Form):
    period = forms.ChoiceField(label=_("Period"))
    bureau = forms.ChoiceField(label=_("Bureau"), required=False)

    def __init__(self, *args: Any, user, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = recent_periods()
        choices: list[tuple[str, str]] = [("", _("National"))] if user.is_hq else []
        bureaus = Bureau.objects.exclude(code="HQ") if user.is_hq else user.jurisdiction()
        choices += [(b.code, f"{b.code} {b.local_short_name}") for b in bureaus.order_by("code")]
        self.fields["bureau"].choices = choices
