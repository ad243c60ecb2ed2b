"""The trace of one product with 1,000 import batches: ``trace_ms`` beside ``trace_floor_ms``.

Generated data, bulk loaded once per database and scale (kept and reused by later runs): at BENCH_SCALE
1.0 one approved operator (tagged ``TRB``) whose product went through 1,000 import batches (two more
lines of other goods on each), spread over five platforms, three warehouses and four port bureaus,
with the partnerships, 200 export declarations to ten countries, 60 samplings (one in six failed) and
30 risk signals about it.

``trace_ms`` is the real code path for a bureau inspector of the operator's bureau:
``traceability.trace.product_trace`` (ten queries, each through the reader's ``visible_to``, the lists
capped at the newest 200 rows, the totals aggregated) and the pure build of its timeline and graph of
parties, as the trace page draws them. ``trace_floor_ms`` is one hand-written SQL statement reading the
same rows (the product and operator, every line of the product with its batch, its export declarations,
samplings and signal links) and fetching them: no scoping, no capping, no grouping, no objects. The trace
keeps no cache of its own; the database's buffers are warm for both after the warm-up, as they are for
a page asked for twice.
"""

from __future__ import annotations

import random
from datetime import timedelta

from bench.timing import medians, seconds

TAG = "TRB"


def _sizes(scale: float) -> int:
    return max(10, int(1000 * scale))


def generate(scale: float, seed: int = 2026) -> tuple[int, int]:
    """The product and the reader (their ids), generated on the first run at this scale."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Bureau, User
    from filings.models import EnterpriseFiling, ProductFiling
    from imports.models import ExportDeclaration, ImportBatch, ImportItem
    from partnerships.models import Partnership
    from risk_monitoring.models import RiskSignal, Sampling

    n_batches = _sizes(scale)
    model = f"{TAG}-{n_batches}"
    existing = ProductFiling.objects.filter(model=model).values_list("pk", "enterprise__bureau_id").first()
    if existing is not None:
        reader = User.objects.get(username=f"bench-trace-{n_batches}")
        return existing[0], reader.pk
    rng = random.Random(seed)
    now = timezone.now()
    bureaus = list(Bureau.objects.filter(is_active=True).exclude(code="HQ").order_by("code"))
    home, ports = bureaus[0], bureaus[:4]
    tag = f"{TAG}{n_batches:06d}"
    with transaction.atomic():
        parties = EnterpriseFiling.objects.bulk_create(
            [
                EnterpriseFiling(
                    name=f"追溯基准{kind}{i}有限公司",
                    uscc=f"{tag}{kind[0].upper()}{i:08d}"[:18],
                    is_operator=kind == "operator",
                    is_platform=kind == "platform",
                    is_logistics=kind == "warehouse",
                    region_code="330106",
                    bureau=rng.choice(bureaus),
                    status="approved",
                )
                for kind, count in (("operator", 1), ("platform", 5), ("warehouse", 3))
                for i in range(count)
            ]
        )
        operator, platforms, warehouses = parties[0], parties[1:6], parties[6:9]
        operator.bureau = home
        operator.save(update_fields=["bureau"])
        product = ProductFiling.objects.create(
            enterprise=operator,
            name="追溯基准商品",
            brand="Bench",
            model=model,
            manufacturer="Bench Manufacturing GmbH",
            origin_country="DE",
            category="light_industry",
            subcategory="toys",
            status="approved",
            filing_no=f"{tag}P",
            submitted_at=now - timedelta(days=800),
            decided_at=now - timedelta(days=790),
        )
        Partnership.objects.bulk_create(
            [
                Partnership(kind=kind, operator=operator, partner=partner, status="confirmed", decided_at=now)
                for kind, group in (("platform", platforms), ("warehouse", warehouses))
                for partner in group
            ]
        )
        statuses = ("released",) * 8 + ("refused", "verification_required")
        batches = ImportBatch.objects.bulk_create(
            [
                ImportBatch(
                    batch_no=f"{tag}-{i:07d}",
                    enterprise=operator,
                    platform=rng.choice(platforms),
                    warehouse=rng.choice(warehouses),
                    port_bureau=rng.choice(ports),
                    status=rng.choice(statuses),
                    tier=3,
                    item_count=3,
                    total_value_cny=300,
                    created_at=now - timedelta(days=rng.random() * 730),
                )
                for i in range(n_batches)
            ],
            batch_size=2000,
        )
        ImportItem.objects.bulk_create(
            [
                ImportItem(
                    batch=batch,
                    line_no=no,
                    product=product if no == 1 else None,
                    description="" if no == 1 else "其他货物",
                    quantity=rng.randint(1, 500),
                    unit="pcs",
                    value_cny=rng.randint(10, 10_000),
                    tier=3,
                    status="refused" if batch.status == "refused" else "released",
                )
                for batch in batches
                for no in (1, 2, 3)
            ],
            batch_size=5000,
        )
        countries = ["US", "DE", "JP", "KR", "FR", "GB", "AU", "SG", "MY", "TH"]
        ExportDeclaration.objects.bulk_create(
            [
                ExportDeclaration(
                    enterprise=operator,
                    product=product,
                    order_no=f"{tag}-EX{i:06d}",
                    destination_country=rng.choice(countries),
                    quantity=rng.randint(1, 20),
                    value_cny=rng.randint(10, 2000),
                    created_at=now - timedelta(days=rng.random() * 730),
                )
                for i in range(max(2, n_batches // 5))
            ]
        )
        Sampling.objects.bulk_create(
            [
                Sampling(
                    sampling_no=f"{tag}S{i:05d}",
                    channel=rng.choice(("online", "offline")),
                    bureau=rng.choice(bureaus),
                    product=product,
                    enterprise=operator,
                    platform=rng.choice(platforms),
                    status="closed",
                    verdict="fail" if i % 6 == 0 else "pass",
                    sampled_at=now - timedelta(days=rng.random() * 730),
                )
                for i in range(max(2, n_batches * 6 // 100))
            ]
        )
        signals = RiskSignal.objects.bulk_create(
            [
                RiskSignal(
                    source=rng.choice(("inspection", "complaint", "sampling")),
                    title="追溯基准风险信息",
                    enterprise=operator,
                    product=product,
                    competent_bureau=home,
                    created_at=now - timedelta(days=rng.random() * 730),
                )
                for _i in range(max(2, n_batches * 3 // 100))
            ]
        )
        through = RiskSignal.products.through
        through.objects.bulk_create([through(risksignal_id=s.pk, productfiling_id=product.pk) for s in signals])
        reader = User(username=f"bench-trace-{n_batches}", role="inspector", bureau=home)
        reader.set_unusable_password()
        reader.save()
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return product.pk, reader.pk


def floor_sql() -> str:
    """One statement: the rows the trace reads, unaggregated, as text columns of one shape."""
    from filings.models import EnterpriseFiling, ProductFiling
    from imports.models import ExportDeclaration, ImportBatch, ImportItem
    from risk_monitoring.models import RiskSignal, Sampling

    t = {
        "p": ProductFiling._meta.db_table,
        "e": EnterpriseFiling._meta.db_table,
        "i": ImportItem._meta.db_table,
        "b": ImportBatch._meta.db_table,
        "x": ExportDeclaration._meta.db_table,
        "s": Sampling._meta.db_table,
        "m": RiskSignal.products.through._meta.db_table,
        "g": RiskSignal._meta.db_table,
    }
    # kind, id, three texts, three ids, quantity, value, date: one shape for every kind of row
    return f"""
    SELECT 'p', p.id, p.name, e.name, p.status, CAST(NULL AS integer), CAST(NULL AS integer),
           CAST(NULL AS integer), CAST(NULL AS numeric), CAST(NULL AS numeric), p.decided_at
      FROM {t["p"]} p JOIN {t["e"]} e ON e.id = p.enterprise_id WHERE p.id = %(pk)s
    UNION ALL
    SELECT 'l', i.batch_id, b.batch_no, i.status, b.status, b.platform_id, b.warehouse_id, b.port_bureau_id,
           i.quantity, i.value_cny, b.created_at
      FROM {t["i"]} i JOIN {t["b"]} b ON b.id = i.batch_id WHERE i.product_id = %(pk)s
    UNION ALL
    SELECT 'x', x.id, x.order_no, x.destination_country, NULL, NULL, NULL, NULL, x.quantity, x.value_cny,
           x.created_at
      FROM {t["x"]} x WHERE x.product_id = %(pk)s
    UNION ALL
    SELECT 's', s.id, s.sampling_no, s.verdict, s.status, s.bureau_id, NULL, NULL, NULL, NULL, s.created_at
      FROM {t["s"]} s WHERE s.product_id = %(pk)s
    UNION ALL
    SELECT 'g', g.id, g.title, g.source, g.status, NULL, NULL, NULL, NULL, NULL, g.created_at
      FROM {t["m"]} m JOIN {t["g"]} g ON g.id = m.risksignal_id WHERE m.productfiling_id = %(pk)s
    """


def floor(statement: str, pk: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, {"pk": pk})
        return len(cursor.fetchall())


def full(pk: int, reader: object) -> int:
    from traceability.trace import product_trace

    trace = product_trace(pk, reader)  # type: ignore[arg-type]
    trace.timeline, trace.graph, trace.parties  # noqa: B018 - what the page draws
    return trace.totals.lines


def run(scale: float) -> dict[str, float]:
    from accounts.models import User

    pk, reader_id = generate(scale)
    reader = User.objects.select_related("bureau").get(pk=reader_id)
    statement = floor_sql()
    lines = full(pk, reader)

    def once() -> tuple[float, float]:
        return seconds(lambda: full(pk, reader)), seconds(lambda: floor(statement, pk))

    trace_s, floor_s = medians(once)
    return {
        "trace_batches": lines,
        "trace_ms": round(trace_s * 1000, 2),
        "trace_floor_ms": round(floor_s * 1000, 2),
        "trace_ratio": round(trace_s / floor_s, 2),
    }
