"""Walk the audit trail's hash chains, one by one, and report the first broken link."""

from __future__ import annotations

from django.core.management.base import CommandError

from cbec_supervision.audit import verify_chain
from cbec_supervision.management.base import ProjectCommand


class Command(ProjectCommand):
    help = "Verify the audit trail's hash chains; exits non-zero at the first broken link."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"audit chain {report.chain} broken at event {report.broken_event_id}: {report.problem} "
                f"({report.checked} events before it verified)"
            )
        self.stdout.write(f"audit chain intact: {report.checked} events verified in {report.chains} chain(s)")
