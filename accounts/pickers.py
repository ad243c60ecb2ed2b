"""The bureau picker: type-ahead over the bureaus (a few dozen rows), by code or name."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.models import Bureau
from cbec_supervision.widgets import PICKER_LIMIT, PickerWidget, picker_query, picker_response


def bureau_picker_widget() -> PickerWidget:
    """The widget of a bureau filter (its value is the bureau's code, as the API takes it)."""
    return PickerWidget(reverse_lazy("accounts:bureau_picker"), label_for=bureau_label, placeholder=_("Code or name"))


def bureau_label(code: str) -> str:
    bureau = Bureau.objects.filter(code=code).only("code", "name", "short_name").first()
    return f"{bureau.code} {bureau.short_name or bureau.name}" if bureau else code


@login_required
@require_GET
def bureau_picker(request):
    """``?q=`` a code prefix or part of a name -> at most PICKER_LIMIT bureaus (value: the code)."""
    q = picker_query(request)
    bureaus = Bureau.objects.visible_to(request.user).filter(is_active=True)
    if q:
        bureaus = bureaus.filter(
            Q(code__istartswith=q) | Q(name__icontains=q) | Q(short_name__icontains=q) | Q(name_en__icontains=q)
        )
    options = [
        {"value": b.code, "label": f"{b.code} {b.short_name or b.name}", "detail": b.name if b.short_name else ""}
        for b in bureaus.order_by("code")[:PICKER_LIMIT]
    ]
    return picker_response(request, options)
