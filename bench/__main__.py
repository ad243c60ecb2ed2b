"""`make bench`: every figure as `name=value` beside its baseline, and all of them in var/bench.json.

Each benchmark is a module of this package with ``run(scale: float) -> dict[str, float]``, listed in
BENCHMARKS in the order they run and print. Each timed figure is the median of BENCH_RUNS (default 7,
at least 5) runs after a warm-up (bench.timing), its baseline timed in the same runs.

Without DATABASE_URL the benchmarks use their own SQLite file (var/bench.sqlite3), not the demo database.
BENCH_SCALE (default 1.0) scales the generated data. BENCH_ONLY (names without ``bench.``, comma-separated)
runs some of them; their figures are merged into an existing var/bench.json.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: the benchmark modules, in the order they run
BENCHMARKS = [
    "bench.classify",
    "bench.batch_api",
    "bench.audit",  # 4 concurrent audit writers; PostgreSQL only
    "bench.risk_scores",  # 100,000 products and 10,000 enterprises at scale 1; PostgreSQL only
    "bench.trace",  # a product with 1,000 import batches at scale 1
    "bench.evidence_pack",  # a case with 1,000 evidence files (100 MB) at scale 1
]


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cbec_supervision.settings")
    os.environ.setdefault("DEBUG", "1")
    # Only the figures on the terminal: not a log line per Celery task the benchmarks run in-process
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    (ROOT / "var").mkdir(exist_ok=True)
    if not os.environ.get("DATABASE_URL") and not os.environ.get("DATABASE_URL_FILE"):
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    scale = float(os.environ.get("BENCH_SCALE", "1.0"))

    import django

    django.setup()
    from django.core.management import call_command

    from bench.timing import RUNS

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_reference_data", verbosity=0, stdout=quiet)

    figures: dict[str, float] = {"bench_scale": scale, "bench_runs": RUNS}
    for name, value in figures.items():
        print(f"{name}={value}", flush=True)  # noqa: T201 - the benchmark's output
    # BENCH_ONLY=evidence_pack,trace runs those benchmarks alone; their figures replace theirs in bench.json.
    only = {name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip()}
    selected = [module for module in BENCHMARKS if not only or module.removeprefix("bench.") in only]
    output = ROOT / "var" / "bench.json"
    if only and output.exists():
        figures = {**json.loads(output.read_text()), **figures}
    for module in selected:
        measured = importlib.import_module(module).run(scale)
        for name, value in measured.items():
            print(f"{name}={value}", flush=True)  # noqa: T201 - the benchmark's output
        figures.update(measured)
    output.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
