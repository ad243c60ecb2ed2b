"""Forms of the catalogue pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalogues.choices import CatalogueKind
from cbec_supervision.forms import ServiceErrorsMixin

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


class CatalogueUploadForm(ServiceErrorsMixin, forms.Form):
    """A new edition of a catalogue, from the authority's file."""

    kind = forms.ChoiceField(label=_("Catalogue"), choices=[("", "—"), *CatalogueKind.choices])
    edition = forms.CharField(
        label=_("Edition"), max_length=50, help_text=_("As the authority names it, e.g. 2015 or 2022 revision.")
    )
    effective_from = forms.DateField(label=_("Effective from"), widget=DATE_WIDGET)
    file = forms.FileField(label=_("File"), help_text=_("CSV (UTF-8 or GB18030) or XLSX, with the header row."))
