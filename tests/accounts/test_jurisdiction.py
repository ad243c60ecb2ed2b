"""Territorial management, pure: the longest region prefix decides the competent bureau."""

from __future__ import annotations

import pytest

from accounts.jurisdiction import competent_bureau_code

PREFIXES = {"33": "ZJ", "3302": "NB", "44": "GD", "4403": "SZ", "4404": "ZH", "35": "FJ", "3502": "XM"}


@pytest.mark.parametrize(
    ("region", "bureau"),
    [
        ("330106", "ZJ"),  # Hangzhou, Xihu district
        ("330212", "NB"),  # Ningbo, Yinzhou district
        ("440104", "GD"),  # Guangzhou, Yuexiu district
        ("440305", "SZ"),  # Shenzhen, Nanshan district
        ("440402", "ZH"),  # Zhuhai, Xiangzhou district
        ("350203", "XM"),  # Xiamen, Siming district
        ("350102", "FJ"),  # Fuzhou
        ("110105", None),  # Beijing: not in this table
        ("33010", None),
        ("abcdef", None),
        ("", None),
    ],
)
def test_competent_bureau(region, bureau):
    assert competent_bureau_code(region, PREFIXES) == bureau
