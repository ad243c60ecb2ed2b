from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Half-yearly statistics to headquarters, generated in the background (issue 13)."""

    name = "reports"
    verbose_name = _("Statistics reports")
