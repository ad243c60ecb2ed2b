"""The HS code picker: type-ahead over China Customs commodity codes, by code prefix or name."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from catalogues.models import HSCode
from cbec_supervision.widgets import PICKER_LIMIT, picker_query, picker_response


@login_required
@require_GET
def hs_code_picker(request):
    """``?q=`` digits (a code prefix, dots and spaces ignored) or part of a name -> at most PICKER_LIMIT codes."""
    q = picker_query(request)
    digits = q.replace(".", "").replace(" ", "")
    if not q:
        codes = HSCode.objects.none()
    elif digits.isascii() and digits.isdecimal():
        # Eight-digit codes: a ten-digit declared code finds the code it starts with.
        codes = HSCode.objects.filter(code__startswith=digits[:8])
    else:
        codes = HSCode.objects.filter(name__icontains=q)
    options = [
        {"value": code, "label": code, "detail": name}
        for code, name in codes.order_by("code").values_list("code", "name")[:PICKER_LIMIT]
    ]
    return picker_response(request, options)
