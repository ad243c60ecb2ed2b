"""Catalogue pages: the editions of each catalogue, their entries, and loading a new edition."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from catalogues.choices import CATALOGUE_TIER, TIER_COLOURS, CatalogueKind
from catalogues.files import HEADERS, LAYOUT_OF_KIND
from catalogues.filtersets import CatalogueEntryFilterSet
from catalogues.forms import CatalogueUploadForm
from catalogues.models import CatalogueEdition
from catalogues.presentation import TIER_LABELS
from catalogues.services import catalogue_import
from catalogues.tables import TABLE_OF_LAYOUT, CatalogueEntryTable
from cbec_supervision.attachments import check_upload
from cbec_supervision.lists import list_page
from cbec_supervision.webui import show_refusal


def can_load_catalogues(user) -> bool:
    """Bureau administrators and headquarters load catalogue editions (accounts.roles grants it)."""
    return user.has_perm("catalogues.load_catalogueedition")


@login_required
@require_GET
def catalogue_list(request):
    editions = list(CatalogueEdition.objects.visible_to(request.user).order_by("kind", "-effective_from", "-id"))
    in_force = {e.pk for e in CatalogueEdition.objects.in_force()}
    by_kind: dict[str, list[CatalogueEdition]] = {}
    for edition in editions:
        edition.is_in_force = edition.pk in in_force
        by_kind.setdefault(edition.kind, []).append(edition)
    groups = [
        {
            "kind": kind,
            "label": label,
            "tier": CATALOGUE_TIER[kind],
            "tier_label": TIER_LABELS[CATALOGUE_TIER[kind]],
            "tier_colour": TIER_COLOURS[CATALOGUE_TIER[kind]],
            "editions": by_kind.get(kind, []),
        }
        for kind, label in CatalogueKind.choices
    ]
    return render(
        request,
        "catalogues/catalogue_list.html",
        {"groups": groups, "can_load": can_load_catalogues(request.user), "today": timezone.localdate()},
    )


@login_required
@require_GET
def catalogue_detail(request, pk: int):
    edition = get_object_or_404(CatalogueEdition.objects.visible_to(request.user), pk=pk)
    layout = LAYOUT_OF_KIND.get(edition.kind, "hs")
    in_force = any(e.pk == edition.pk for e in CatalogueEdition.objects.in_force())
    search_placeholder = {
        "chemical": _("Name, alias, CAS number or serial number"),
        "dangerous": _("Name or UN number"),
    }.get(layout, _("Name or HS code"))
    return list_page(
        request,
        queryset=edition.entries.order_by("row", "pk"),
        table_class=TABLE_OF_LAYOUT.get(layout, CatalogueEntryTable),
        filterset_class=CatalogueEntryFilterSet.for_layout(layout),
        template="catalogues/catalogue_detail.html",
        context={
            "title": str(edition),
            "breadcrumbs": [{"url": reverse("catalogues:catalogue_list"), "label": _("Catalogues")}],
            "search_placeholder": search_placeholder,
            "edition": edition,
            "layout": layout,
            "in_force": in_force,
            "tier_label": TIER_LABELS[edition.tier],
            "tier_colour": TIER_COLOURS[edition.tier],
            "can_load": can_load_catalogues(request.user),
        },
    )


def _catalogue_layouts() -> list[dict[str, Any]]:
    """The header row each catalogue's file must have, for the upload page."""
    return [
        {"kind": kind, "label": label, "header": ",".join(names[0] for names in HEADERS[LAYOUT_OF_KIND[kind]].values())}
        for kind, label in CatalogueKind.choices
    ]


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_upload(request):
    if not can_load_catalogues(request.user):
        raise Http404
    form = CatalogueUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            if PurePath(upload.name or "").suffix.lower() not in (".csv", ".xlsx"):
                raise ValidationError({"file": [_("Upload the catalogue as an .xlsx or .csv file.")]})
            check_upload(upload)
            upload.seek(0)
            edition = catalogue_import(
                actor=request.user,
                kind=data["kind"],
                edition=data["edition"],
                effective_from=data["effective_from"],
                content=upload.read(),
                filename=upload.name or "",
            )
        except PermissionDenied as exc:
            show_refusal(request, exc)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(edition)s was loaded with %(count)d entry.",
                    "%(edition)s was loaded with %(count)d entries.",
                    edition.entry_count,
                )
                % {"edition": edition, "count": edition.entry_count},
            )
            return redirect(edition)
    return render(request, "catalogues/catalogue_upload.html", {"form": form, "layouts": _catalogue_layouts()})
