from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingsConfig(AppConfig):
    name = "filings"
    verbose_name = _("Filings")

    def ready(self) -> None:
        from cbec_supervision.home import register_queues
        from filings.selectors import home_queues

        register_queues(home_queues)
