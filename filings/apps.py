from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingsConfig(AppConfig):
    name = "filings"
    verbose_name = _("Filings")

    def ready(self) -> None:
        from cbec_supervision import handovers
        from cbec_supervision.dashboard import register_bureau_columns, register_panels
        from cbec_supervision.home import register_queues
        from filings.selectors import (
            dashboard_bureau_columns,
            dashboard_panels,
            home_queues,
            register_assignment_kinds,
            register_searchers,
        )
        from filings.services.prohibited import catalogue_edition_in_force

        register_queues(home_queues)
        register_bureau_columns(dashboard_bureau_columns)
        register_panels(dashboard_panels)
        register_assignment_kinds()
        register_searchers()
        # Rule 10: a catalogue edition in force re-checks submitted and approved product filings.
        handovers.connect(handovers.CATALOGUE_EDITION_IN_FORCE, catalogue_edition_in_force, asynchronous=True)
