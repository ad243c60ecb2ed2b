"""A batch declared through the API: a POST of N lines, parsed, checked, classified, stored and answered.

Runs against the current database with Django set up and the reference data loaded. Each run
declares fresh lines (bench.workload, a new seed per run) for a fresh approved enterprise and user
made through the services (outside the timing), and leaves them and the batch behind, so it can be
run again; nothing collides with a unique constraint. A bonded line names an approved product filing
of its operator (issue 8, rule 3): the operator's filings of the goods its lines carry are bulk
loaded outside the timing, and each line names one and keeps its listing's wording as description.

The floor is the least any implementation must do to store that answer: the same rows (read back
from the batch the API stored, reasons and tiers included) inserted with one bare ``bulk_create``
into a new batch, committed; no HTTP, no checks, no classification. The floor's batch is deleted
after it is timed.

Caches, per timed run: the compiled catalogue index is warm (it is built once per set of editions
and kept across requests); its per-code decision cache is emptied, as a first batch after a
catalogue load finds it. The known HS codes are read from the database by every request (the
service does not cache them), so that read is in the figure.
"""

from __future__ import annotations

import json
import random
import time

from bench import workload
from bench.timing import medians

COUNTRIES = ["DE", "JP", "US", "KR", "FR", "IT", "AU", "NZ", "GB", "DK"]
#: the stored fields of a line the floor inserts, as the API stored them
ITEM_FIELDS = (
    "line_no",
    "product_id",
    "description",
    "hs_code",
    "cas_numbers",
    "un_number",
    "used",
    "quantity",
    "unit",
    "value_cny",
    "origin_country",
    "tier",
    "reasons",
    "follow_up",
    "confirmation",
    "status",
)

COMPLETE_ENTERPRISE = {
    "legal_representative": "张三",
    "contact_name": "李四",
    "contact_phone": "13812345678",
    "address": "浙江省杭州市西湖区文三路 1 号",
    "main_categories": ["light_industry", "textile", "electrical"],
    "systems": ["quality_management", "risk_reporting_recall", "traceability", "consumer_protection"],
    "pledge_signed": True,
}


def lines(n_lines: int, seed: int = 2026, products: dict[tuple, int] | None = None) -> list[dict]:
    """N declared lines as the API takes them (bench.workload's lines, with amounts and origin).

    With ``products`` (the operator's approved filings by the goods they carry, see ``file_goods``)
    each line names the filing of its goods, as a bonded line must, and keeps its listing's wording
    as its description; the filing's identifiers are what is classified."""
    rng = random.Random(seed)
    items = []
    for line in workload.lines(n_lines, seed, materials=False):
        item = {
            "description": line.description,
            "quantity": rng.randint(1, 500),
            "unit": line.unit,
            "value_cny": f"{rng.randint(100, 5_000_000) / 100:.2f}",
            "origin_country": rng.choice(COUNTRIES),
        }
        if products is not None:
            item["product"] = products[_goods(line)]
        else:
            item["hs_code"] = line.hs_code
            if line.cas_numbers:
                item["cas_numbers"] = list(line.cas_numbers)
            if line.un_number:
                item["un_number"] = line.un_number
            if line.used:
                item["used"] = True
        items.append(item)
    return items


def _goods(line: workload.Line) -> tuple:
    return (line.hs_code, tuple(line.cas_numbers), line.un_number, line.used)


def file_goods(user, n_lines: int, seed: int) -> dict[tuple, int]:
    """The operator's approved product filings of every kind of goods its lines carry (one filing per
    HS code, CAS numbers, UN number and used flag, named after the first line carrying them), bulk
    loaded outside the timing as its filing history would have left them."""
    from filings.choices import FilingStatus
    from filings.models import ProductFiling

    first: dict[tuple, workload.Line] = {}
    for line in workload.lines(n_lines, seed, materials=False):
        first.setdefault(_goods(line), line)
    filings = ProductFiling.objects.bulk_create(
        [
            ProductFiling(
                enterprise_id=user.enterprise_id,
                name=line.description[:200],
                brand="Bench",
                model=f"B-{number}",
                hs_code=line.hs_code,
                cas_numbers=list(line.cas_numbers),
                un_number=line.un_number,
                used=line.used,
                origin_country="DE",
                category="light_industry",
                status=FilingStatus.APPROVED,
            )
            for number, line in enumerate(first.values())
        ],
        batch_size=2000,
    )
    return {key: filing.pk for key, filing in zip(first, filings, strict=True)}


def _new_uscc(rng: random.Random) -> str:
    from stdnum.cn import uscc

    from filings.validators import USCC_ALPHABET

    body = "91330106" + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def declaring_user():
    """A fresh enterprise user of a fresh approved operator filed with the Zhejiang bureau."""
    from filings.models import EnterpriseFiling
    from filings.services import account_provision, enterprise_approve, enterprise_submit, enterprise_update

    rng = random.SystemRandom()
    uscc = _new_uscc(rng)
    while EnterpriseFiling.objects.filter(uscc=uscc).exists():
        uscc = _new_uscc(rng)
    tag = uscc[-6:]
    user, _created = account_provision(
        actor="bench",
        username=f"bench-{uscc.lower()}",
        password=f"Bench-{tag}-{rng.randint(10**6, 10**7)}",
        role="enterprise",
        enterprise_uscc=uscc,
        enterprise_name=f"基准测试跨境电商企业{tag}有限公司",
    )
    filing = enterprise_update(actor=user, filing=user.enterprise, types=["operator"], **COMPLETE_ENTERPRISE)
    enterprise_submit(actor=user, filing=filing)
    enterprise_approve(actor="bench", filing=filing)
    user.refresh_from_db()
    return user


def _client(user):
    from django.conf import settings
    from rest_framework.test import APIClient

    allowed = settings.ALLOWED_HOSTS
    host = "testserver" if "testserver" in allowed or "*" in allowed else allowed[0].lstrip(".")
    client = APIClient(HTTP_HOST=host)
    client.force_authenticate(user)
    return client


def bench_batch_api(n_lines: int, user=None, seed: int = 2026) -> tuple[float, int]:
    """Seconds to declare an ``n_lines`` batch through ``POST /api/v1/import-batches/`` (201 with every
    line), and the batch's id. ``user`` declares it: by default a fresh user of a fresh approved enterprise."""
    from django.conf import settings

    from catalogues.services.editions import compiled_index

    user = user or declaring_user()
    client = _client(user)
    items = lines(n_lines, seed, file_goods(user, n_lines, seed))
    body = json.dumps({"port_bureau": "ZJ", "mode": "bonded", "items": items}, ensure_ascii=False)
    compiled_index()[0].forget_decisions()
    start = time.perf_counter()
    response = client.post(
        "/api/v1/import-batches/",
        data=body.encode(),
        content_type="application/json",
        secure=settings.SECURE_SSL_REDIRECT,
    )
    elapsed = time.perf_counter() - start
    if response.status_code != 201:
        raise RuntimeError(f"declaring the batch answered {response.status_code}: {response.content[:500]!r}")
    answer = response.json()
    if len(answer["items"]) != n_lines or any(item["tier"] is None for item in answer["items"]):
        raise RuntimeError("the answer does not classify every line")
    return elapsed, answer["id"]


def bench_bulk_floor(batch_id: int) -> float:
    """Seconds to store the rows the API stored for batch ``batch_id`` again, with one bare bulk_create
    into a new batch, committed (the new batch is deleted afterwards, untimed)."""
    from django.db import transaction

    from imports.models import ImportBatch, ImportItem

    source = ImportBatch.objects.get(pk=batch_id)
    rows = list(ImportItem.objects.filter(batch=source).order_by("line_no").values(*ITEM_FIELDS))
    start = time.perf_counter()
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            batch_no=f"FLOOR-{time.time_ns()}",
            enterprise_id=source.enterprise_id,
            port_bureau_id=source.port_bureau_id,
            item_count=len(rows),
        )
        ImportItem.objects.bulk_create([ImportItem(batch=batch, **row) for row in rows], batch_size=2000)
    elapsed = time.perf_counter() - start
    batch.delete()
    return elapsed


def run(scale: float) -> dict[str, float]:
    """The figures for ``make bench``: the API time, its floor, and their ratio (medians of paired runs)."""
    n_lines = max(100, int(10_000 * scale))
    seeds = iter(range(2026, 2026 + 1000))

    def once() -> tuple[float, float]:
        user = declaring_user()
        api_s, batch_id = bench_batch_api(n_lines, user=user, seed=next(seeds))
        return api_s, bench_bulk_floor(batch_id)

    api_s, floor_s = medians(once)
    return {
        "batch_10k_lines": n_lines,
        "batch_10k_api_s": round(api_s, 3),
        "batch_10k_floor_s": round(floor_s, 3),
        "batch_10k_api_ratio": round(api_s / floor_s, 2),
    }
