"""Load the reference data the project ships: bureaus and their regions, role groups (idempotent)."""

from __future__ import annotations

from django.conf import settings

from accounts.services import bureaus_load, read_bureau_file, role_groups_sync
from catalogues.services import hs_codes_load
from catalogues.services.editions import shipped_catalogues_load
from cbec_supervision.management.base import ProjectCommand


class Command(ProjectCommand):
    help = "Load bureaus, region prefixes, role groups, HS codes and the shipped catalogues. Idempotent."

    def handle(self, *args, **options):
        rows = read_bureau_file(settings.BASE_DIR / "data" / "bureaus.csv")
        created, updated = bureaus_load(rows=rows, actor="command:load_reference_data")
        groups = role_groups_sync()
        data = settings.BASE_DIR / "data"
        hs_rows, hs_changed = hs_codes_load(
            zh_path=data / "hs8_2023_zh.csv", en_path=data / "hs8_2023_en.csv", actor="command:load_reference_data"
        )
        loaded = shipped_catalogues_load(directory=data / "catalogues", actor="command:load_reference_data")
        self.stdout.write(f"bureaus: {len(rows)} in file, {created} created, {updated} updated")
        self.stdout.write(f"catalogues: {', '.join(loaded) if loaded else 'already loaded'}")
        self.stdout.write(f"HS codes: {hs_rows} {'loaded' if hs_changed else 'already loaded'}")
        self.stdout.write(f"role groups: {', '.join(sorted(groups))}")
