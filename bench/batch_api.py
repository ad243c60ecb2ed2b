"""A batch declared through the API: a POST of N lines, parsed, checked, classified, stored and answered.

Runs against the current database with Django set up and the reference data loaded. Each run makes
its own approved enterprise and user through the services and leaves them (and the batch) behind,
so it can be run again. The baseline is the floor under any implementation: the same lines stored
with one bare ``bulk_create``, no checks, no classification, no HTTP.
"""

from __future__ import annotations

import json
import random
import time
from decimal import Decimal

#: consumer goods as an operator declares them: (description, HS code, unit)
GOODS = [
    ("儿童益智积木玩具", "9503008900", "套"),
    ("婴儿纯棉连体衣", "6111200000", "件"),
    ("女士真丝围巾", "6214100000", "条"),
    ("家用电吹风 2000W", "8516310000", "个"),
    ("不锈钢真空保温杯 500ml", "9617001900", "个"),
    ("移动电源 10000mAh", "8507600090", "个"),
    ("蓝牙无线耳机", "8518300000", "副"),
    ("硅胶婴儿奶嘴", "3926909090", "个"),
    ("陶瓷餐具套装", "6911101900", "套"),
    ("男士运动跑鞋", "6404110000", "双"),
    ("儿童书包", "4202129000", "个"),
    ("LED 台灯", "9405210000", "个"),
    ("手机充电器 20W", "8504401400", "个"),
    ("羊毛混纺毛衣", "6110110000", "件"),
    ("木制拼图", "9503006000", "盒"),
    ("Organic cotton baby blanket", "6301300000", "条"),
]
#: a few lines name substances: a CAS number or a UN number from the shipped catalogues
CAS_LINES = [["64-17-5"], ["9002-88-4"], ["50-00-0"]]
UN_LINES = ["3480", "1266"]
COUNTRIES = ["DE", "JP", "US", "KR", "FR", "IT", "AU", "NZ", "GB", "DK"]

COMPLETE_ENTERPRISE = {
    "legal_representative": "张三",
    "contact_name": "李四",
    "contact_phone": "13812345678",
    "address": "浙江省杭州市西湖区文三路 1 号",
    "main_categories": ["light_industry", "textile", "electrical"],
    "systems": ["quality_management", "risk_reporting_recall", "traceability", "consumer_protection"],
    "pledge_signed": True,
}


def lines(n_lines: int, seed: int = 2026) -> list[dict]:
    """N declared lines: HS code and description on each, a CAS or UN number on about one in 200."""
    rng = random.Random(seed)
    items = []
    for i in range(n_lines):
        description, hs_code, unit = rng.choice(GOODS)
        line = {
            "description": f"{description} 款式{i % 97}",
            "hs_code": hs_code,
            "quantity": rng.randint(1, 500),
            "unit": unit,
            "value_cny": f"{rng.randint(100, 5_000_000) / 100:.2f}",
            "origin_country": rng.choice(COUNTRIES),
        }
        if i % 200 == 7:
            line["cas_numbers"] = rng.choice(CAS_LINES)
        elif i % 200 == 107:
            line["un_number"] = rng.choice(UN_LINES)
        items.append(line)
    return items


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


def bench_batch_api(n_lines: int, user=None) -> float:
    """Seconds to declare an ``n_lines`` batch through ``POST /api/v1/import-batches/`` (201 with every line).

    ``user`` declares it: by default a fresh user of a fresh approved enterprise."""
    from django.conf import settings

    from catalogues.services.editions import compiled_index

    client = _client(user or declaring_user())
    body = json.dumps({"port_bureau": "ZJ", "mode": "bonded", "items": lines(n_lines)}, ensure_ascii=False)
    compiled_index()  # the catalogue index is compiled once per process, not per batch
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
    return elapsed


def bench_bulk_floor(n_lines: int, enterprise=None) -> float:
    """Seconds to store the same lines with one bare bulk_create, in a transaction rolled back."""
    from django.db import transaction

    from accounts.models import Bureau
    from filings.models import EnterpriseFiling
    from imports.models import ImportBatch, ImportItem

    class _Rollback(Exception):
        pass

    items = lines(n_lines)
    enterprise = enterprise or EnterpriseFiling.objects.order_by("id").first() or declaring_user().enterprise
    bureau = Bureau.objects.get(code="ZJ")
    start = time.perf_counter()
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                batch_no=f"FLOOR-{time.time_ns()}", enterprise=enterprise, port_bureau=bureau, item_count=n_lines
            )
            ImportItem.objects.bulk_create(
                [
                    ImportItem(
                        batch=batch,
                        line_no=number,
                        description=line["description"],
                        hs_code=line["hs_code"],
                        cas_numbers=line.get("cas_numbers", []),
                        un_number=line.get("un_number", ""),
                        quantity=Decimal(line["quantity"]),
                        unit=line["unit"],
                        value_cny=Decimal(line["value_cny"]),
                        origin_country=line["origin_country"],
                        tier=3,
                    )
                    for number, line in enumerate(items, start=1)
                ],
                batch_size=2000,
            )
            elapsed = time.perf_counter() - start
            raise _Rollback
    except _Rollback:
        pass
    return elapsed


def run(n_lines: int = 10_000) -> dict[str, float]:
    """The figures for ``make bench``: the API time, its floor, and their ratio."""
    user = declaring_user()
    api_s = bench_batch_api(n_lines, user=user)
    floor_s = bench_bulk_floor(n_lines, enterprise=user.enterprise)
    return {
        "batch_10k_api_s": round(api_s, 3),
        "batch_10k_floor_s": round(floor_s, 3),
        "batch_10k_api_ratio": round(api_s / floor_s, 2) if floor_s else 0.0,
    }
