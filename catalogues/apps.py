from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CataloguesConfig(AppConfig):
    """Catalogue editions, HS codes and the pure three-tier classification engine.

    A layer below filings and imports, which both classify against it; it points at neither.
    """

    name = "catalogues"
    verbose_name = _("Catalogues")
