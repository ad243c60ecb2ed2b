"""``python manage.py verify_evidence_pack PACK.zip [--offline]``: check an exported evidence pack.

One line per problem, then ``ok files=N custody=M manifest=<sha256>`` (exit 0) or ``FAILED problems=N``
(exit 1). Without ``--offline`` the manifest's SHA-256 must also be one recorded when a pack was
exported (a pack whose hashes were all recomputed after a change is caught only so).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _

from anticounterfeit.models import EvidencePack
from anticounterfeit.packs import verify_pack


class Command(BaseCommand):
    help = "Verify an evidence pack: its files, checksums and chain of custody (and, online, its recorded manifest)."

    def add_arguments(self, parser):
        parser.add_argument("pack", help="the pack's ZIP file")
        parser.add_argument(
            "--offline",
            action="store_true",
            help="do not check the manifest against the packs recorded in the database",
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
                recorded = (
                    EvidencePack.objects.filter(manifest_sha256=report.manifest_sha256)
                    .select_related("case")
                    .order_by("created_at")
                    .first()
                )
            except DatabaseError as exc:
                problems.append(
                    _("The database could not be reached to check the manifest (%(error)s).") % {"error": exc}
                )
            else:
                case_no = ((report.manifest or {}).get("case") or {}).get("case_no")
                if recorded is None:
                    problems.append(
                        _("The manifest matches no evidence pack recorded at export: the pack was changed or forged.")
                    )
                elif recorded.case.case_no != case_no:
                    problems.append(_("The manifest was recorded for another case."))
                else:
                    notes.append(
                        _("recorded: the manifest is that of the pack of %(case_no)s exported at %(when)s")
                        % {
                            "case_no": case_no,
                            "when": timezone.localtime(recorded.created_at).isoformat(timespec="seconds"),
                        }
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
