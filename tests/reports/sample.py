"""A figures dict with the contract's keys and known numbers, standing in for ``reports.figures.compute``."""

from __future__ import annotations

import copy
from typing import Any

FIGURES: dict[str, Any] = {
    "period": "2026H1",
    "bureau": {"code": "ZJ", "name": "浙江检验检疫局"},
    "generated_at": "2026-07-01T08:30:00+08:00",
    "filings": {"new": 12, "cumulative": 340, "revoked": 2, "by_type": {"operator": 7, "platform": 3, "logistics": 2}},
    "imports": {"batches": 88, "items": 4321, "value_cny": 1234567.5, "by_mode": {"bonded": 60, "direct_mail": 28}},
    "sampling": {
        "total": 250,
        "failed": 17,
        "nonconformity_rate": 0.068,
        "by_channel": {"online": 150, "offline": 100},
        "by_lab": {"Lab A": {"total": 200, "failed": 15}, "Lab B": {"total": 50, "failed": 2}},
        "failing_items": [{"test_item": "甲醛", "count": 9}, {"test_item": "pH", "count": 8}],
    },
    "risk_signals": {"total": 41, "by_source": {"inspection": 20, "complaint": 15, "sampling": 6}},
    "investigations": {"opened": 9, "closed": 5, "transferred": 1, "median_days_to_close": 23.5},
    "measures": {"total": 30, "by_type": {"recall": 4, "interview": 26}, "on_time": {"completed": 20, "late": 3}},
    "counterfeit": {"leads": 14, "cases": 6, "fines_cny": 80000, "goods_value_cny": 150000.0},
    "major_cases": [
        {
            "kind": "investigation",
            "case_no": "TR-2026-0007",
            "title": "婴儿推车召回",
            "bureau": "ZJ",
            "reported_at": "2026-03-02T10:00:00+08:00",
        },
    ],
    "previous_period": "2025H2",
    "comparison": {"sampling_total": {"current": 250, "previous": 200, "change": 0.25}},
}


def figures() -> dict[str, Any]:
    return copy.deepcopy(FIGURES)
