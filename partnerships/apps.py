from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    """Which operators sell on which platform, and which warehouse holds their goods (rule 8).

    A layer between filings (the enterprises it links) and the domain apps that check it
    (imports: a batch names only a platform and a warehouse that confirmed its operator).
    """

    name = "partnerships"
    verbose_name = _("Partnerships")
