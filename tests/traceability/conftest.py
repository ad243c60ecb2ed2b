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


@pytest.fixture
def case_world(world):
    """For investigations (issue 11): Alice Co (Zhejiang, approved) sells on Shop Platform (Guangdong,
    approved); an assessed signal and a failed sampling of its toy on that platform; Ningbo's inspector
    is staff of neither bureau, ``world.seller`` an approved operator of Guangdong with no platform."""
    from filings.choices import FilingStatus
    from filings.models import EnterpriseFiling
    from risk_monitoring.models import Sampling
    from tests.factories import EnterpriseFilingFactory, ProductFilingFactory

    world.nb_inspector = UserFactory(username="nb_inspector", role=Role.INSPECTOR, bureau=bureau("NB"))
    EnterpriseFiling.objects.filter(pk__in=[world.alice_co.pk, world.bob_co.pk]).update(status=FilingStatus.APPROVED)
    world.alice_co.refresh_from_db()
    world.bob_co.refresh_from_db()
    world.platform = EnterpriseFilingFactory(
        name="Shop Platform",
        region_code="440104",
        bureau=world.gd,
        is_operator=False,
        is_platform=True,
        status=FilingStatus.APPROVED,
    )
    world.toy = ProductFilingFactory(enterprise=world.alice_co, status=FilingStatus.APPROVED, name="积木玩具")
    world.case_signal = RiskSignal.objects.create(
        source="complaint",
        title="小零件脱落",
        enterprise=world.alice_co,
        product=world.toy,
        platform=world.platform,
        competent_bureau=world.zj,
        status="assessed",
        severity="high",
    )
    world.case_signal.products.add(world.toy)
    world.failed = Sampling.objects.create(
        sampling_no="ZJ2026S900001",
        channel="online",
        bureau=world.zj,
        product=world.toy,
        enterprise=world.alice_co,
        platform=world.platform,
        verdict="fail",
        status="results_entered",
    )
    return world


@pytest.fixture
def case(case_world):
    """Opened by Zhejiang from the signal: Guangdong (the platform's bureau) leads it."""
    return services.investigation_open(
        actor=case_world.zj_inspector, title="积木玩具小零件脱落", signals=[case_world.case_signal]
    )
