from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Import batches, on-site verification and export declarations. Uses filings and catalogues."""

    name = "imports"
    verbose_name = _("Imports and exports")

    def ready(self) -> None:
        from cbec_supervision.home import register_queues
        from imports.selectors import home_queues

        register_queues(home_queues)
