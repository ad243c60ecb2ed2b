"""python manage.py import_overseas_notices --source safety_gate|cpsc FILE"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from cbec_supervision.management.base import ProjectCommand
from risk_monitoring.choices import OverseasFeed
from risk_monitoring.services.overseas import COMMAND_ACTOR, overseas_import


class Command(ProjectCommand):
    help = (
        "Import overseas notifications as risk signals: EU Safety Gate alerts (CSV or JSON) or US CPSC "
        "recalls (Recalls API JSON). Idempotent by source and reference; prints imported=N skipped=N matched=N."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", required=True, choices=OverseasFeed.values)
        parser.add_argument("file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        run = overseas_import(
            actor=COMMAND_ACTOR, feed=options["source"], content=path.read_bytes(), filename=path.name
        )
        for error in run.errors:
            reference = f" ({error['reference']})" if error.get("reference") else ""
            self.stderr.write(f"record {error['position']}{reference}: {error['message']}")
        self.stdout.write(run.summary)
