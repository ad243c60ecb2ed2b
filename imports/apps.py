from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Import batches, on-site verification and export declarations. Uses filings and catalogues."""

    name = "imports"
    verbose_name = _("Imports and exports")
