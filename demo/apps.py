from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for every domain app (``seed_demo``): sits above them all, nothing imports it."""

    name = "demo"
    verbose_name = _("Demo data")
