"""A risk signal about Alice Co's goods (Zhejiang), and a notice about it from Guangdong to Zhejiang.

The Ningbo bureau's inspector (``world.nb_inspector``) is staff of neither bureau.
"""

from __future__ import annotations

import pytest

from accounts.choices import Role
from risk_monitoring.models import RiskSignal
from tests.factories import UserFactory, bureau
from traceability import services


@pytest.fixture
def signal(world):
    world.nb_inspector = UserFactory(username="nb_inspector", role=Role.INSPECTOR, bureau=bureau("NB"))
    return RiskSignal.objects.create(
        source="complaint", title="小零件脱落", enterprise=world.alice_co, competent_bureau=world.zj
    )


@pytest.fixture
def notice(world, signal):
    """Guangdong tells Zhejiang about the signal (sent by Guangdong's inspector)."""
    return services.notice_send(
        actor=world.gd_inspector, to_bureau="ZJ", subject="平台所在地通报", body="请核查", obj=signal
    )
