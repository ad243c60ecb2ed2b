from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnticounterfeitConfig(AppConfig):
    name = "anticounterfeit"
    verbose_name = _("Anti-counterfeiting")
