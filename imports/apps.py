from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Import batches, on-site verification and export declarations. Uses filings and catalogues."""

    name = "imports"
    verbose_name = _("Imports and exports")

    def ready(self) -> None:
        from cbec_supervision import handovers
        from cbec_supervision.dashboard import register_bureau_columns, register_panels, register_trend
        from cbec_supervision.home import register_queues
        from cbec_supervision.scoping import register_paths
        from imports.selectors import (
            dashboard_bureau_columns,
            dashboard_panels,
            dashboard_trend,
            home_queues,
            register_assignment_kinds,
            register_searchers,
        )
        from imports.services.recheck import catalogue_edition_in_force

        register_queues(home_queues)
        register_bureau_columns(dashboard_bureau_columns)
        register_trend(dashboard_trend)
        register_panels(dashboard_panels)
        register_assignment_kinds()
        register_searchers()
        # Rule 10: a catalogue edition in force re-checks the lines still awaiting verification.
        handovers.connect(handovers.CATALOGUE_EDITION_IN_FORCE, catalogue_edition_in_force, asynchronous=True)

        # The port bureau verifying a batch opens the filings on it: the products on its lines
        # (and so their test reports and report files) and the operator, platform and warehouse.
        register_paths("filings.ProductFiling", bureau_paths=["import_items__batch__port_bureau"])
        register_paths(
            "filings.EnterpriseFiling",
            bureau_paths=[
                "import_batches__port_bureau",
                "platform_import_batches__port_bureau",
                "warehouse_import_batches__port_bureau",
            ],
        )
