from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnticounterfeitConfig(AppConfig):
    """Counterfeit leads, cases run by the book and evidence that proves itself (issue 12)."""

    name = "anticounterfeit"
    verbose_name = _("Anti-counterfeiting")

    def ready(self) -> None:
        from anticounterfeit.selectors import home_queues, register_searchers
        from cbec_supervision.home import register_queues

        register_queues(home_queues)
        register_searchers()
