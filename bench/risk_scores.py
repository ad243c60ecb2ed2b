"""Risk scores recomputed for the whole country: ``risk_scores_full_s`` beside ``risk_scores_floor_s``.

Generated data, bulk loaded once per database (kept and reused by later runs; a larger scale adds
the difference): at
BENCH_SCALE 1.0, 10,000 approved enterprises and 100,000 approved products, skewed as trade is (a
Zipf draw: a few enterprises own thousands of products, most own a handful), spread over the
sub-categories; samplings (one per five products) and risk signals of every source (one per eight
products, linked to their goods) in proportion, over the last two years, with failures concentrated
on one enterprise in twenty (failing two samplings in five; the others one in thirty).

The full figure is the real code path: the nightly task ``risk_monitoring.recompute_risk_scores``
run eagerly in this process (the chunks of ``RISK_SCORES_CHUNK_SIZE`` as a Celery group, each
counting its evidence with the set-based aggregates, scoring it and writing the scores with their
history in one transaction, then the run recorded and audited). The floor is the least work that
gives the same counts: one SQL statement aggregating the same rows into the same recency-weighted
counts per subject (enterprises, products, sub-categories), fetched; no scoring, no writing. The
ratio is what scoring, explaining and storing the scores (and chunking) cost over counting.

Each run adds a score per subject to the history, as a nightly run does.
"""

from __future__ import annotations

import random
from datetime import timedelta
from itertools import accumulate

from bench.timing import medians, seconds

TAG = "RB"  # the generated enterprises' credit codes start with it
SUBCATEGORIES = (
    "toys children_products food_contact stationery footwear luggage furniture light_other childrens_clothing clothing"
).split()
SOURCES = (
    ("inspection", 3),
    ("complaint", 4),
    ("enterprise_report", 1),
    ("overseas_notification", 1),
    ("sampling", 2),
)


def _sizes(scale: float) -> tuple[int, int]:
    return max(100, int(10_000 * scale)), max(1000, int(100_000 * scale))


def generate(scale: float, seed: int = 2026) -> None:
    """Load the generated enterprises, products, samplings and signals (once per scale)."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Bureau
    from filings.choices import FilingStatus
    from filings.models import EnterpriseFiling, ProductFiling
    from risk_monitoring.models import RiskSignal, Sampling

    n_enterprises, n_products = _sizes(scale)
    first = EnterpriseFiling.objects.filter(uscc__startswith=TAG).count()
    if first >= n_enterprises:
        return  # loaded by an earlier run (at this scale or a larger one)
    # Loaded at a smaller scale before: add the difference, drawn the same way.
    first_product = ProductFiling.objects.filter(model__startswith=f"{TAG}-").count()
    n_products -= first_product
    rng = random.Random(seed + first)
    now = timezone.now()
    bureaus = list(Bureau.objects.filter(is_active=True).exclude(code="HQ").values_list("pk", flat=True))
    with transaction.atomic():
        enterprises = EnterpriseFiling.objects.bulk_create(
            [
                EnterpriseFiling(
                    name=f"风险基准企业{i:07d}有限公司",
                    uscc=f"{TAG}{i:016d}",
                    is_operator=True,
                    region_code="330106",
                    bureau_id=rng.choice(bureaus),
                    status=FilingStatus.APPROVED,
                    supervision_level="strict" if rng.random() < 0.02 else "normal",
                )
                for i in range(first, n_enterprises)
            ],
            batch_size=5000,
        )
        # Zipf: the enterprise of rank r owns products in proportion to 1 / r.
        weights = list(accumulate(1.0 / (r + 1) ** 1.05 for r in range(len(enterprises))))
        owners = rng.choices(enterprises, cum_weights=weights, k=n_products)
        bad = {e.pk for e in enterprises if rng.random() < 0.05}
        tiers = (None, 3, 3, 3, 3, 3, 2, 2, 1)
        products = ProductFiling.objects.bulk_create(
            [
                ProductFiling(
                    enterprise_id=owner.pk,
                    name=f"基准商品{first_product + i}",
                    brand="Bench",
                    model=f"{TAG}-{first_product + i}",
                    category="light_industry",
                    subcategory=rng.choice(SUBCATEGORIES),
                    tier=rng.choice(tiers),
                    status=FilingStatus.APPROVED,
                )
                for i, owner in enumerate(owners)
            ],
            batch_size=5000,
        )
        samplings = []
        for i in range(n_products // 5):
            product = rng.choice(products)
            failing = 0.4 if product.enterprise_id in bad else 1 / 30
            at = now - timedelta(days=rng.random() * 730)
            samplings.append(
                Sampling(
                    sampling_no=f"{TAG}{first_product + i:010d}",
                    channel=rng.choice(("online", "offline")),
                    bureau_id=rng.choice(bureaus),
                    product_id=product.pk,
                    enterprise_id=product.enterprise_id,
                    status="closed",
                    verdict="fail" if rng.random() < failing else ("pass" if rng.random() < 0.95 else "pending"),
                    sampled_at=at,
                    results_entered_at=at + timedelta(days=10),
                )
            )
        Sampling.objects.bulk_create(samplings, batch_size=5000)
        kinds, kind_weights = zip(*SOURCES, strict=True)
        signals, links = [], []
        for _i in range(n_products // 8):
            product = rng.choice(products)
            if product.enterprise_id not in bad and rng.random() < 0.5:
                product = rng.choice(products)
            source = rng.choices(kinds, weights=kind_weights)[0]
            assessed = rng.random() < 0.6
            signals.append(
                RiskSignal(
                    source=source,
                    title="基准风险信息",
                    enterprise_id=product.enterprise_id,
                    product_id=product.pk,
                    status=rng.choice(("assessed", "handed_over", "closed")) if assessed else "new",
                    severity=rng.choice(("high", "medium", "low")) if assessed else "",
                    created_at=now - timedelta(days=rng.random() * 730),
                )
            )
            links.append([product.pk] + ([rng.choice(products).pk] if source == "overseas_notification" else []))
        signals = RiskSignal.objects.bulk_create(signals, batch_size=5000)
        through = RiskSignal.products.through
        through.objects.bulk_create(
            [
                through(risksignal_id=signal.pk, productfiling_id=pk)
                for signal, pks in zip(signals, links, strict=True)
                for pk in dict.fromkeys(pks)
            ],
            batch_size=5000,
        )
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def floor_sql() -> tuple[str, dict]:
    """One statement: the same recency-weighted counts per subject as the chunks' aggregates."""
    from django.utils import timezone

    from risk_monitoring import scoring
    from risk_monitoring.services import scores as s

    sql = s._Sql(timezone.now(), scoring.DEFAULT_CONFIG)
    t = sql.t
    ws = sql.weight("COALESCE(sa.results_entered_at, sa.sampled_at, sa.created_at)")
    wg = sql.weight("s.created_at")
    wl = sql.weight("b.created_at")
    zeros = lambda n: ", ".join(["0"] * n)  # noqa: E731
    failure = f"s.source IN {s._FAILURE_SOURCES}"
    sig_cols = f"""
        CASE WHEN {failure} AND s.severity = 'high' THEN {wg} ELSE 0 END,
        CASE WHEN {failure} AND s.severity = 'medium' THEN {wg} ELSE 0 END,
        CASE WHEN {failure} AND s.severity NOT IN ('high', 'medium') THEN {wg} ELSE 0 END,
        CASE WHEN s.source = {s._COMPLAINT} THEN {wg} ELSE 0 END,
        CASE WHEN s.source = {s._NOTICE} THEN {wg} ELSE 0 END,
        CASE WHEN s.source = {s._REPORT} THEN {wg} ELSE 0 END"""
    first_p = s._first_on_product(sql, "m.productfiling_id")
    first_e = s._first_for_enterprise(sql)
    report_first = lambda first: f"CASE WHEN s.source = {s._REPORT} AND {first} THEN {wg} ELSE 0 END"  # noqa: E731
    scored_p = f"p.status IN {s._SCORED}"
    samp = f"""
        SELECT {{kind}}, {{key}}, {ws}, CASE WHEN sa.verdict = {s._FAIL} THEN {ws} ELSE 0 END, {zeros(10)}
        FROM {t["sa"]} sa {{join}} WHERE sa.verdict IN {s._VERDICTS}"""
    join_p = f"JOIN {t['p']} p ON p.id = sa.product_id AND {scored_p}"
    join_e = f"JOIN {t['e']} e ON e.id = sa.enterprise_id AND e.status IN {s._SCORED}"
    filings = f"""
        SELECT {{kind}}, {{key}}, {zeros(9)}, 1, CASE WHEN p.tier = 1 THEN 1 ELSE 0 END,
            CASE WHEN p.tier = 2 THEN 1 ELSE 0 END
        FROM {t["p"]} p WHERE {scored_p}"""
    lines = f"""
        SELECT {{kind}}, {{key}}, {zeros(9)}, {wl},
            CASE WHEN i.status = {s._REFUSED} THEN {wl} ELSE 0 END,
            CASE WHEN i.tier = 2 AND i.status <> {s._REFUSED} THEN {wl} ELSE 0 END
        FROM {t["i"]} i JOIN {t["b"]} b ON b.id = i.batch_id {{join}}"""
    join_lp = f"JOIN {t['p']} p ON p.id = i.product_id AND {scored_p}"
    params = sql.params([])[1]
    statement = f"""
    SELECT kind, k, SUM(c0), SUM(c1), SUM(c2), SUM(c3), SUM(c4), SUM(c5), SUM(c6), SUM(c7), SUM(c8),
           SUM(c9), SUM(c10), SUM(c11)
    FROM (
        {samp.format(kind="'e'", key="CAST(sa.enterprise_id AS TEXT)", join=join_e)}
        UNION ALL {samp.format(kind="'p'", key="CAST(sa.product_id AS TEXT)", join=join_p)}
        UNION ALL {samp.format(kind="'s'", key="p.subcategory", join=join_p)}
        UNION ALL
        SELECT 'p', CAST(m.productfiling_id AS TEXT), 0, 0, {sig_cols}, {report_first(first_p)}, 0, 0, 0
        FROM {t["m"]} m JOIN {t["s"]} s ON s.id = m.risksignal_id
        JOIN {t["p"]} p ON p.id = m.productfiling_id AND {scored_p} WHERE {s._COUNTING}
        UNION ALL
        SELECT 's', p.subcategory, 0, 0, {sig_cols}, {report_first(first_p)}, 0, 0, 0
        FROM {t["m"]} m JOIN {t["s"]} s ON s.id = m.risksignal_id
        JOIN {t["p"]} p ON p.id = m.productfiling_id AND {scored_p} WHERE {s._COUNTING} AND p.subcategory <> ''
        UNION ALL
        SELECT 'e', CAST(y.enterprise_id AS TEXT), 0, 0, {sig_cols}, {report_first(first_e)}, 0, 0, 0
        FROM (
            SELECT s.enterprise_id, s.id AS sid FROM {t["s"]} s WHERE s.enterprise_id IS NOT NULL
            UNION
            SELECT p.enterprise_id, m.risksignal_id AS sid FROM {t["m"]} m
            JOIN {t["p"]} p ON p.id = m.productfiling_id
            JOIN {t["s"]} n ON n.id = m.risksignal_id AND n.source = {s._NOTICE}
        ) y JOIN {t["s"]} s ON s.id = y.sid
        JOIN {t["e"]} e ON e.id = y.enterprise_id AND e.status IN {s._SCORED}
        WHERE {s._COUNTING}
        UNION ALL {filings.format(kind="'e'", key="CAST(p.enterprise_id AS TEXT)")}
        UNION ALL {filings.format(kind="'p'", key="CAST(p.id AS TEXT)")}
        UNION ALL {filings.format(kind="'s'", key="p.subcategory")}
        UNION ALL {lines.format(kind="'e'", key="CAST(b.enterprise_id AS TEXT)", join="")}
        UNION ALL {lines.format(kind="'p'", key="CAST(i.product_id AS TEXT)", join=join_lp)}
        UNION ALL {lines.format(kind="'s'", key="p.subcategory", join=join_lp)}
    ) AS x (kind, k, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11)
    GROUP BY kind, k"""
    return statement, params


def floor(statement: str, params: dict) -> int:
    """Run the floor's statement and fetch its rows (one per subject)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return len(cursor.fetchall())


def full() -> None:
    from cbec_supervision.celery import app
    from risk_monitoring.tasks import recompute_risk_scores

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the group's chunks in this process, one after the other
    try:
        recompute_risk_scores.apply().get()
    finally:
        app.conf.task_always_eager = eager


def run(scale: float) -> dict[str, float]:
    from django.db import connection

    from risk_monitoring.models import RiskScore

    if connection.vendor != "postgresql":
        print("risk_scores_full_s skipped: it needs PostgreSQL (set DATABASE_URL)")  # noqa: T201
        return {}
    generate(scale)
    statement, params = floor_sql()

    def once() -> tuple[float, float]:
        return seconds(full), seconds(lambda: floor(statement, params))

    full_s, floor_s = medians(once)
    return {
        "risk_scores_subjects": RiskScore.objects.filter(is_current=True).count(),
        "risk_scores_full_s": round(full_s, 3),
        "risk_scores_floor_s": round(floor_s, 3),
        "risk_scores_ratio": round(full_s / floor_s, 2),
    }
