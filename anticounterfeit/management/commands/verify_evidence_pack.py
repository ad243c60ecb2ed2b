"""``python manage.py verify_evidence_pack PACK.zip [--offline]``: check an exported evidence pack.

One line per problem, then ``ok files=N custody=M manifest=<sha256>`` (exit 0) or ``FAILED problems=N``
(exit 1). Without ``--offline`` the manifest's SHA-256 must also be one recorded when a pack was
exported (a pack whose hashes were all recomputed after a change is caught only so), and the whole ZIP's
SHA-256 that of the pack exported with it: "this exact pack was exported at …", else a problem (the
manifest was recorded but the ZIP differs: its summary, README or SHA256SUMS were changed, or it was
zipped again).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _

from anticounterfeit.models import EvidencePack
from anticounterfeit.packs import PackReport, verify_pack


class Command(BaseCommand):
    help = "Verify an evidence pack: its files, checksums and chain of custody (and, online, its recorded manifest)."

    def add_arguments(self, parser):
        parser.add_argument("pack", help="the pack's ZIP file")
        parser.add_argument(
            "--offline",
            action="store_true",
            help="do not check the manifest and the ZIP against the packs recorded in the database",
        )

    def handle(self, *args, **options):
        path = options["pack"]
        try:
            report = verify_pack(path)
        except Exception as exc:  # noqa: BLE001 - a clean FAILED line, never a traceback
            report = None
            problems = [_("The pack could not be read (%(error)s).") % {"error": exc}]
        else:
            problems = list(report.problems)
        notes: list[str] = []
        if report is not None and report.manifest_sha256 and not options["offline"]:
            try:
                self._check_recorded(report, problems, notes)
            except DatabaseError as exc:
                problems.append(
                    _("The database could not be reached to check the manifest (%(error)s).") % {"error": exc}
                )
        for problem in problems:
            self.stdout.write(problem)
        for note in notes:
            self.stdout.write(note)
        if problems:
            self.stdout.write(f"FAILED problems={len(problems)}")
            self.stdout.flush()
            raise SystemExit(1)
        assert report is not None
        self.stdout.write(f"ok files={report.files} custody={report.custody} manifest={report.manifest_sha256}")

    def _check_recorded(self, report: PackReport, problems: list[str], notes: list[str]) -> None:
        """Compare the pack with the packs recorded at export: its manifest's SHA-256, then the whole ZIP's."""
        recorded = list(
            EvidencePack.objects.filter(manifest_sha256=report.manifest_sha256)
            .select_related("case")
            .order_by("created_at")[:10]
        )
        case = (report.manifest or {}).get("case")
        case_no = case.get("case_no") if isinstance(case, dict) else None
        if not recorded:
            problems.append(
                _("The manifest matches no evidence pack recorded at export: the pack was changed or forged.")
            )
            return
        if all(pack.case.case_no != case_no for pack in recorded):
            problems.append(_("The manifest was recorded for another case."))
            return
        exact = next((pack for pack in recorded if pack.sha256 == report.sha256), None)
        if exact is None:
            problems.append(
                _(
                    "The manifest was recorded at export (%(when)s), but the ZIP differs from the pack exported "
                    "then: its summary, README or SHA256SUMS were changed, or it was zipped again."
                )
                % {"when": _local(recorded[0].created_at)}
            )
            return
        notes.append(
            _("recorded: this exact pack of %(case_no)s was exported at %(when)s")
            % {"case_no": case_no, "when": _local(exact.created_at)}
        )


def _local(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")
