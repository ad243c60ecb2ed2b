"""The demo data shows rule 8: the Hangzhou operator's warehouse confirmed it, and a batch names both partners."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from imports.models import ImportBatch
from partnerships.models import Partnership

pytestmark = pytest.mark.django_db


def test_the_demo_operator_has_a_confirmed_warehouse_once():
    for _ in range(2):
        call_command("seed_demo", stdout=io.StringIO())
    partnership = Partnership.objects.select_related("operator", "partner").get()
    assert (partnership.kind, partnership.status) == ("warehouse", "confirmed")
    assert partnership.operator.uscc == "91330100MA2CB7K3X8"
    assert partnership.partner.is_logistics and partnership.partner.status == "approved"
    named = ImportBatch.objects.filter(warehouse=partnership.partner, platform=partnership.operator)
    assert named.count() == 1
