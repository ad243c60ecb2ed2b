"""python manage.py import_catalogue --kind KIND --edition E --effective-from YYYY-MM-DD FILE"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import CommandError

from catalogues.choices import CatalogueKind
from catalogues.services.editions import catalogue_import
from cbec_supervision.management.base import ProjectCommand


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--effective-from must be a date as YYYY-MM-DD, not {value!r}") from None


class Command(ProjectCommand):
    help = "Load one edition of a catalogue from the authority's CSV (UTF-8 or GB18030) or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=CatalogueKind.values)
        parser.add_argument("--edition", required=True)
        parser.add_argument("--effective-from", required=True, dest="effective_from")
        parser.add_argument("file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        edition = catalogue_import(
            actor="command:import_catalogue",
            kind=options["kind"],
            edition=options["edition"],
            effective_from=_date(options["effective_from"]),
            content=path.read_bytes(),
            filename=path.name,
        )
        self.stdout.write(
            f"loaded {edition.kind} edition {edition.edition}: {edition.entry_count} entries, "
            f"in force from {edition.effective_from}"
        )
