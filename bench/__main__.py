"""`make bench`: every figure as `name=value` beside its baseline, and all of them in var/bench.json.

Without DATABASE_URL the benchmarks use their own SQLite file (var/bench.sqlite3), not the demo database.
BENCH_SCALE (default 1.0) scales the generated data.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cbec_supervision.settings")
    os.environ.setdefault("DEBUG", "1")
    (ROOT / "var").mkdir(exist_ok=True)
    if not os.environ.get("DATABASE_URL") and not os.environ.get("DATABASE_URL_FILE"):
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    scale = float(os.environ.get("BENCH_SCALE", "1.0"))

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_reference_data", verbosity=0, stdout=quiet)

    from bench import classify as classify_bench
    from catalogues.services.editions import compiled_index

    figures: dict[str, float] = {"bench_scale": scale}
    index, _editions = compiled_index()
    figures.update(classify_bench.run(index, max(1000, int(100_000 * scale))))
    try:
        from bench import batch_api
    except ImportError:
        batch_api = None
    if batch_api is not None:
        figures.update(batch_api.run(max(100, int(10_000 * scale))))
    figures.update(__import__("bench.audit").audit.run(scale))  # 4 concurrent audit writers, PostgreSQL only

    for name, value in figures.items():
        print(f"{name}={value}")  # noqa: T201 - the benchmark's output
    (ROOT / "var" / "bench.json").write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
