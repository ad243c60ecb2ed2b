"""Recompute every risk score now: python manage.py compute_risk_scores [--chunk-size N]

Synchronous, in this process (no worker needed): the same chunks the nightly task runs as a Celery
group, one transaction each; the run is recorded and audited once. Prints the counts and the time.
"""

from __future__ import annotations

from cbec_supervision.management.base import ProjectCommand
from risk_monitoring.services.scores import risk_scores_recompute_all


class Command(ProjectCommand):
    help = "Recompute every risk score (enterprises, products, product sub-categories) now."

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=None, help="subjects per chunk (RISK_SCORES_CHUNK_SIZE)")

    def handle(self, *args, **options):
        run = risk_scores_recompute_all(actor="command:compute_risk_scores", size=options["chunk_size"])
        counts = run.counts
        self.stdout.write(
            f"enterprises={counts.get('enterprise', 0)} products={counts.get('product', 0)} "
            f"subcategories={counts.get('subcategory', 0)} chunks={counts.get('chunks', 0)} "
            f"retired={counts.get('retired', 0)} seconds={counts.get('seconds', 0)}"
        )
