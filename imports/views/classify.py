"""The classification dry run: lines classified as a declaration would be, nothing stored.

Thin views over ``imports.services``.

Every object is looked up through ``visible_to(request.user)`` (outside it: 404). Writes are POSTs
that call one service; a refusal (ValidationError, PermissionDenied) is shown on the form it came
from or as a message, and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from catalogues.choices import TIER_COLOURS, FollowUp
from catalogues.models import HSCode
from catalogues.presentation import TIER_LABELS, editions_rows, reason_rows
from catalogues.services.classify import classify_lines
from filings.choices import SupervisionLevel
from imports.forms import (
    ClassifyFormSet,
    ClassifyPasteForm,
)
from imports.services import files as import_files
from imports.services.declarations import clean_line

# --- the dry run --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def classify(request):
    """The classification engine on a few lines, nothing stored: for enterprises and inspectors."""
    user = request.user
    posted = request.method == "POST"
    formset = ClassifyFormSet(request.POST if posted else None, prefix="line")
    paste = ClassifyPasteForm(request.POST if posted else None)
    results = None
    editions: list[dict[str, Any]] = []
    if posted and formset.is_valid() and paste.is_valid():
        raw_lines = paste.lines() + formset.lines()
        if not raw_lines:
            paste.add_error(None, _("Enter or paste at least one line."))
        else:
            known_hs8 = set(HSCode.objects.values_list("code", flat=True))
            checked = []
            for raw in raw_lines:
                line, errors = clean_line(raw, known_hs8=known_hs8, require_amounts=False)
                # A declaration needs the HS code; the dry run classifies what it is given.
                missing_hs = errors.pop("description", None) is not None and not line.get("hs_code")
                checked.append((line, errors, missing_hs))
            good = [line for line, errors, _missing in checked if not errors]
            strict = bool(
                user.is_enterprise_user
                and user.enterprise_id
                and user.enterprise.supervision_level == SupervisionLevel.STRICT
            )
            decisions, applied = classify_lines(good, strict=strict) if good else ([], {})
            editions = editions_rows(applied)
            decided = iter(decisions)
            results = []
            for number, (raw, (line, errors, missing_hs)) in enumerate(zip(raw_lines, checked, strict=True), start=1):
                row: dict[str, Any] = {"number": number, "line": raw, "errors": [], "missing_hs": missing_hs}
                if errors:
                    row["errors"] = [
                        (import_files.FIELD_LABELS.get(field, field), message)
                        for field, field_messages in errors.items()
                        for message in field_messages
                    ]
                else:
                    decision = next(decided)
                    row.update(
                        tier=decision.tier,
                        tier_label=TIER_LABELS[decision.tier],
                        tier_colour=TIER_COLOURS[decision.tier],
                        follow_up=FollowUp(decision.follow_up).label,
                        needs_confirmation=decision.needs_confirmation,
                        strict=decision.strict_supervision,
                        reasons=reason_rows([r.as_dict() for r in decision.reasons], applied),
                    )
                    row["cas"] = "; ".join(line["cas_numbers"])
                results.append(row)
    return render(
        request,
        "imports/classify.html",
        {
            "formset": formset,
            "paste": paste,
            "results": results,
            "editions": editions,
        },
    )
