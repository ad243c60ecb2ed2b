"""The half-yearly figures: every number checked against data built here with known answers."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anticounterfeit.models import CounterfeitCase, CounterfeitLead
from cbec_supervision.audit import audit_record
from filings.choices import FilingStatus
from filings.models import ProductFiling
from imports.models import ExportDeclaration, ImportBatch, ImportItem
from reports.figures import compute
from reports.periods import SHANGHAI, Period
from risk_monitoring.models import Lab, RiskSignal, Sampling, SamplingResult
from tests.factories import BranchBureauFactory, EnterpriseFilingFactory
from traceability.models import Investigation, InvestigationEvent, Measure

pytestmark = pytest.mark.django_db

H1 = Period.parse("2026H1")
H2 = Period.parse("2026H1").next()
LAST_OF_H1 = dt.datetime(2026, 6, 30, 23, 59, 59, tzinfo=SHANGHAI)
FIRST_OF_H2 = dt.datetime(2026, 7, 1, 0, 0, tzinfo=SHANGHAI)
MARCH = dt.datetime(2026, 3, 15, 10, 0, tzinfo=SHANGHAI)
OCTOBER_2025 = dt.datetime(2025, 10, 10, 10, 0, tzinfo=SHANGHAI)
AS_OF = dt.datetime(2026, 11, 30, 12, 0, tzinfo=SHANGHAI)
_numbers = itertools.count(1)


def n() -> int:
    return next(_numbers)


def decide(filing, action: str, status: str, moment: dt.datetime) -> None:
    """What a decision leaves behind: the status, ``decided_at`` and the audit event at ``moment``."""
    filing.status = status
    filing.decided_at = moment
    filing.save()
    with mock.patch("django.utils.timezone.now", return_value=moment):
        audit_record(actor=None, action=action, obj=filing)


def product(enterprise, category: str = "light_industry") -> ProductFiling:
    return ProductFiling.objects.create(enterprise=enterprise, name=f"product {n()}", category=category)


def sampling(bureau, at, *, verdict="pass", channel="online", lab=None, goods=None, failing=()) -> Sampling:
    goods = goods or product(EnterpriseFilingFactory(bureau=bureau))
    taken = Sampling.objects.create(
        sampling_no=f"S{n()}",
        channel=channel,
        bureau=bureau,
        product=goods,
        enterprise=goods.enterprise,
        sampled_at=at,
        verdict=verdict,
        lab=lab,
    )
    for item in failing:
        SamplingResult.objects.create(sampling=taken, test_item=item, verdict="fail")
    return taken


def batch(enterprise, at, *, mode="bonded", lines=((1, "10.00"),)) -> ImportBatch:
    made = ImportBatch.objects.create(
        batch_no=f"B{n()}", enterprise=enterprise, port_bureau=enterprise.bureau, mode=mode, created_at=at
    )
    for line_no, (tier, value) in enumerate(lines, start=1):
        ImportItem.objects.create(batch=made, line_no=line_no, quantity=1, value_cny=Decimal(value), tier=tier)
    return made


def signal(bureau, at, *, source="complaint", severity="high") -> RiskSignal:
    return RiskSignal.objects.create(
        source=source, title=f"signal {n()}", competent_bureau=bureau, severity=severity, created_at=at
    )


def investigation(bureau, at, *, closed_at=None, major=False, reported_at=None) -> Investigation:
    return Investigation.objects.create(
        case_no=f"T{n()}",
        title=f"case {n()}",
        lead_bureau=bureau,
        notifying_bureau=bureau,
        created_at=at,
        closed_at=closed_at,
        major=major,
        major_reported_at=reported_at,
    )


def measure(case, at, *, type="recall", deadline=None, completed_at=None) -> Measure:
    return Measure.objects.create(
        investigation=case,
        type=type,
        enterprise=EnterpriseFilingFactory(bureau=case.lead_bureau),
        description="do it",
        deadline=deadline or at + dt.timedelta(days=10),
        created_at=at,
        completed_at=completed_at,
    )


def counterfeit_case(bureau, **moments) -> CounterfeitCase:
    return CounterfeitCase.objects.create(case_no=f"C{n()}", title=f"fake {n()}", bureau=bureau, **moments)


def lead(bureau, at, channel="complaint") -> CounterfeitLead:
    return CounterfeitLead.objects.create(
        bureau=bureau, channel=channel, title=f"lead {n()}", group_key=f"g{n()}", received_at=at
    )


@pytest.fixture
def branch(world):
    return BranchBureauFactory(parent=world.zj)


def figures(period=H1, bureau=None, **kwargs):
    return compute(period, bureau, as_of=AS_OF, **kwargs)


# --- shape -----------------------------------------------------------------------------------------


def test_the_figures_carry_the_contract_keys_and_say_what_they_were_computed_for(world):
    seen: list[int] = []
    result = figures(bureau=world.zj, progress=seen.append)
    for key in (
        "period",
        "bureau",
        "generated_at",
        "filings",
        "imports",
        "sampling",
        "risk_signals",
        "investigations",
        "measures",
        "counterfeit",
        "major_cases",
    ):
        assert key in result
    assert result["period"] == "2026H1"
    assert result["bureau"] == "ZJ"
    assert result["generated_at"] == AS_OF.isoformat()
    assert result["previous_period"] == "2025H2"
    assert seen == sorted(seen) and seen[-1] == 100
    assert figures()["bureau"] is None


# --- filings ---------------------------------------------------------------------------------------


def test_filings_count_by_their_approval_and_revocation_not_by_the_last_decision(world, branch):
    approved_then_revoked = EnterpriseFilingFactory(bureau=world.zj, is_platform=True)
    decide(approved_then_revoked, "approve", FilingStatus.APPROVED, MARCH)
    decide(approved_then_revoked, "revoke", FilingStatus.REVOKED, FIRST_OF_H2)
    at_branch = EnterpriseFilingFactory(bureau=branch)
    decide(at_branch, "approve", FilingStatus.APPROVED, LAST_OF_H1)
    decide(EnterpriseFilingFactory(bureau=world.gd), "approve", FilingStatus.APPROVED, MARCH)
    earlier = EnterpriseFilingFactory(bureau=world.zj)
    decide(earlier, "approve", FilingStatus.APPROVED, OCTOBER_2025)

    h1 = figures(bureau=world.zj)["filings"]["enterprises"]
    assert (h1["new"], h1["cumulative"], h1["revoked"]) == (2, 3, 0)
    assert h1["by_type"] == {"operator": 2, "platform": 1, "logistics": 0}
    h2 = figures(H2, world.zj)["filings"]["enterprises"]
    assert (h2["new"], h2["cumulative"], h2["revoked"]) == (0, 2, 1)
    national = figures()["filings"]["enterprises"]
    assert (national["new"], national["cumulative"]) == (3, 4)


def test_product_filings_by_category(world):
    toy, shirt, lamp = product(world.alice_co), product(world.alice_co, "textile"), product(world.bob_co)
    decide(toy, "approve", FilingStatus.APPROVED, MARCH)
    decide(shirt, "approve", FilingStatus.APPROVED, LAST_OF_H1)
    decide(lamp, "approve", FilingStatus.APPROVED, MARCH)
    product(world.alice_co)  # a draft: not counted

    products = figures(bureau=world.zj)["filings"]["products"]
    assert (products["new"], products["cumulative"]) == (2, 2)
    assert products["by_category"] == {
        "light_industry": {"new": 1, "cumulative": 1, "revoked": 0},
        "textile": {"new": 1, "cumulative": 1, "revoked": 0},
    }


def test_filings_loaded_without_the_services_count_by_their_status_and_decision_time(world):
    EnterpriseFilingFactory(bureau=world.zj, status=FilingStatus.APPROVED, decided_at=MARCH)
    EnterpriseFilingFactory(bureau=world.zj, status=FilingStatus.REJECTED, decided_at=MARCH)

    assert figures(bureau=world.zj)["filings"]["enterprises"]["new"] == 1


# --- imports ---------------------------------------------------------------------------------------


def test_imports_count_for_the_operators_competent_bureau_when_declared(world, branch):
    at_branch = EnterpriseFilingFactory(bureau=branch)
    batch(world.alice_co, MARCH, lines=((1, "10.50"), (2, "5.25"), (None, "1.00")))
    batch(at_branch, LAST_OF_H1, mode="direct_mail", lines=((3, "100.00"),))
    batch(world.alice_co, FIRST_OF_H2)
    batch(world.bob_co, MARCH)
    ExportDeclaration.objects.create(
        enterprise=world.alice_co, order_no="O1", destination_country="DE", value_cny=Decimal("7.5"), created_at=MARCH
    )

    imports = figures(bureau=world.zj)["imports"]
    assert imports["batches"]["total"] == 2
    assert imports["batches"]["by_mode"] == {"bonded": 1, "direct_mail": 1}
    assert sum(imports["batches"]["by_status"].values()) == 2
    assert imports["items"] == {
        "total": 4,
        "by_tier": {"1": 1, "2": 1, "3": 1},
        "unclassified": 1,
        "value_cny": "116.75",
    }
    assert imports["export_declarations"] == {"total": 1, "value_cny": "7.50"}
    assert figures()["imports"]["batches"]["total"] == 3


# --- sampling --------------------------------------------------------------------------------------


def test_sampling_rates_channels_labs_and_failing_items(world, branch):
    lab = Lab.objects.create(name="Lab A", name_key="lab a")
    sampling(world.zj, MARCH, verdict="fail", lab=lab, failing=("lead", "phthalates"))
    sampling(branch, LAST_OF_H1, verdict="fail", channel="offline", lab=lab, failing=("lead",))
    sampling(world.zj, MARCH, verdict="pass")
    sampling(world.zj, MARCH, verdict="pending")
    sampling(world.zj, FIRST_OF_H2, verdict="fail", failing=("lead",))
    sampling(world.gd, MARCH, verdict="fail", failing=("lead",))

    zj = figures(bureau=world.zj)["sampling"]
    assert (zj["total"], zj["failed"], zj["pending"]) == (4, 2, 1)
    assert zj["nonconformity_rate"] == 0.5
    assert zj["by_channel"] == {
        "online": {"total": 3, "failed": 1, "nonconformity_rate": 0.3333},
        "offline": {"total": 1, "failed": 1, "nonconformity_rate": 1.0},
    }
    assert zj["by_category"]["light_industry"]["total"] == 4
    assert {"lab_id": lab.pk, "lab": "Lab A", "total": 2, "failed": 2} in zj["by_lab"]
    assert zj["failing_test_items"] == [{"test_item": "lead", "count": 2}, {"test_item": "phthalates", "count": 1}]
    national = figures()["sampling"]
    assert (national["total"], national["failed"]) == (5, 3)
    assert figures(bureau=world.gd)["sampling"]["nonconformity_rate"] == 1.0


def test_no_sampling_is_a_rate_of_zero(world):
    assert figures(bureau=world.zj)["sampling"]["nonconformity_rate"] == 0


# --- risk signals, investigations, measures --------------------------------------------------------


def test_risk_signals_by_source_severity_and_status(world, branch):
    signal(world.zj, MARCH)
    signal(branch, LAST_OF_H1, source="inspection", severity="low")
    signal(world.zj, FIRST_OF_H2)
    signal(world.gd, MARCH)

    signals = figures(bureau=world.zj)["risk_signals"]
    assert signals["total"] == 2
    assert signals["by_source"] == {"complaint": 1, "inspection": 1}
    assert signals["by_severity"] == {"high": 1, "low": 1}
    assert signals["by_status"] == {"new": 2}
    assert figures()["risk_signals"]["total"] == 3


def test_investigations_opened_closed_transferred_and_days_to_close(world, branch):
    investigation(world.zj, MARCH, closed_at=MARCH + dt.timedelta(days=10))
    investigation(branch, MARCH - dt.timedelta(days=20), closed_at=MARCH + dt.timedelta(days=20))
    investigation(world.zj, MARCH, closed_at=MARCH + dt.timedelta(days=3))
    moved = investigation(world.gd, OCTOBER_2025)
    InvestigationEvent.objects.create(investigation=moved, kind="reassigned", at=MARCH, data={"from": "ZJ", "to": "GD"})
    investigation(world.zj, FIRST_OF_H2)

    cases = figures(bureau=world.zj)["investigations"]
    assert (cases["opened"], cases["closed"], cases["transferred"]) == (3, 3, 1)
    assert cases["mean_days_to_close"] == round((10 + 40 + 3) / 3, 4)
    assert cases["median_days_to_close"] == 10
    assert figures(bureau=world.gd)["investigations"]["transferred"] == 0


def test_measures_by_type_and_on_time_completion(world):
    case = investigation(world.zj, MARCH)
    deadline = MARCH + dt.timedelta(days=10)
    measure(case, MARCH, type="recall", deadline=deadline, completed_at=deadline - dt.timedelta(days=1))
    measure(case, MARCH, type="recall", deadline=deadline, completed_at=deadline + dt.timedelta(days=1))
    measure(case, MARCH, type="delisting", deadline=deadline)
    measure(case, FIRST_OF_H2, type="delisting")
    measure(investigation(world.gd, MARCH), MARCH, type="interview")

    zj = figures(bureau=world.zj)["measures"]
    assert (zj["issued"], zj["completed"], zj["completed_on_time"], zj["overdue"]) == (3, 2, 1, 2)
    assert zj["by_type"] == {"delisting": 1, "recall": 2}
    assert figures()["measures"]["by_type"] == {"delisting": 1, "interview": 1, "recall": 2}


# --- anti-counterfeit and major cases --------------------------------------------------------------


def test_counterfeit_leads_cases_and_penalties(world, branch):
    lead(world.zj, MARCH)
    lead(branch, LAST_OF_H1, channel="platform")
    lead(world.zj, FIRST_OF_H2)
    counterfeit_case(
        world.zj,
        opened_at=MARCH,
        decided_at=LAST_OF_H1,
        fine_amount_cny=Decimal("1000.5"),
        goods_value_cny=Decimal("20"),
        illegal_gains_cny=Decimal("3"),
    )
    counterfeit_case(branch, opened_at=OCTOBER_2025, transferred_at=MARCH, closed_at=MARCH)
    counterfeit_case(world.gd, opened_at=MARCH, decided_at=MARCH, fine_amount_cny=Decimal("99"))

    fakes = figures(bureau=world.zj)["counterfeit"]
    assert fakes["leads"] == 2 and fakes["leads_by_channel"] == {"complaint": 1, "platform": 1}
    assert (fakes["cases_opened"], fakes["cases_closed"], fakes["transferred"]) == (1, 1, 1)
    assert (fakes["fines_cny"], fakes["goods_value_cny"], fakes["illegal_gains_cny"]) == ("1000.50", "20.00", "3.00")
    assert figures()["counterfeit"]["fines_cny"] == "1099.50"


def test_major_cases_of_the_period_are_listed(world, branch):
    major = investigation(branch, MARCH, major=True, reported_at=LAST_OF_H1)
    investigation(world.zj, MARCH)  # not major
    investigation(world.zj, MARCH, major=True, reported_at=FIRST_OF_H2)  # reported in H2
    investigation(world.gd, MARCH, major=True, reported_at=MARCH)

    listed = figures(bureau=world.zj)["major_cases"]
    assert listed == [
        {
            "kind": "investigation",
            "id": major.pk,
            "case_no": major.case_no,
            "title": major.title,
            "bureau": branch.code,
            "reported_at": LAST_OF_H1.isoformat(),
        }
    ]
    assert len(figures()["major_cases"]) == 2


# --- comparison, links, query count ----------------------------------------------------------------


def test_the_previous_half_year_is_compared(world):
    sampling(world.zj, OCTOBER_2025, verdict="fail")
    sampling(world.zj, MARCH)
    signal(world.zj, OCTOBER_2025)
    investigation(world.zj, OCTOBER_2025)
    batch(world.alice_co, OCTOBER_2025, lines=((1, "1"), (2, "2")))
    counterfeit_case(world.zj, opened_at=OCTOBER_2025)

    comparison = figures(bureau=world.zj)["comparison"]
    assert comparison["previous"] == {
        "enterprise_filings_new": 0,
        "product_filings_new": 0,
        "import_batches": 1,
        "import_items": 2,
        "sampling_total": 1,
        "sampling_failed": 1,
        "risk_signals": 1,
        "investigations_opened": 1,
        "measures_issued": 0,
        "counterfeit_cases_opened": 1,
    }
    assert comparison["current"]["sampling_total"] == 1
    assert comparison["current"]["sampling_failed"] == 0


def test_links_lead_to_the_filtered_lists(world):
    links = figures(bureau=world.zj)["links"]
    assert links["sampling.failed"].endswith(
        "?jurisdiction=ZJ&verdict=fail&sampled_after=2026-01-01&sampled_before=2026-06-30"
    )
    assert links["risk_signals.by_source.complaint"].endswith(
        "?jurisdiction=ZJ&created_after=2026-01-01&created_before=2026-06-30&source=complaint"
    )
    assert "imports.batches.total" not in links
    assert "declared_before=2026-06-30" in figures()["links"]["imports.batches.total"]


def test_the_period_edges_in_shanghai_time(world):
    sampling(world.zj, LAST_OF_H1)
    sampling(world.zj, FIRST_OF_H2, verdict="fail")
    sampling(world.zj, FIRST_OF_H2 - dt.timedelta(microseconds=1))

    assert figures(H1, world.zj)["sampling"]["total"] == 2
    h2 = figures(H2, world.zj)["sampling"]
    assert (h2["total"], h2["failed"]) == (1, 1)
    assert figures(H2, world.zj)["comparison"]["previous"]["sampling_total"] == 2


def test_nothing_after_the_moment_of_computing_counts(world):
    sampling(world.zj, MARCH)
    sampling(world.zj, MARCH + dt.timedelta(days=2))

    early = compute(H1, world.zj, as_of=MARCH + dt.timedelta(days=1))
    assert early["sampling"]["total"] == 1
    assert early["window"]["end"] == (MARCH + dt.timedelta(days=1)).isoformat()


def _build(world, size: int) -> None:
    lab = Lab.objects.create(name=f"Lab {n()}", name_key=f"lab {n()}")
    for _ in range(size):
        filing = EnterpriseFilingFactory(bureau=world.zj)
        decide(filing, "approve", FilingStatus.APPROVED, MARCH)
        decide(product(filing), "approve", FilingStatus.APPROVED, MARCH)
        batch(filing, MARCH, lines=((1, "1"), (2, "2")))
        sampling(world.zj, MARCH, verdict="fail", lab=lab, failing=(f"item {n()}",))
        signal(world.zj, MARCH)
        case = investigation(world.zj, MARCH, closed_at=LAST_OF_H1, major=True)
        measure(case, MARCH)
        counterfeit_case(world.zj, opened_at=MARCH)
        lead(world.zj, MARCH)


def test_a_fixed_number_of_queries_whatever_the_data_size(world, django_assert_max_num_queries):
    _build(world, 1)
    with CaptureQueriesContext(connection) as small:
        figures(bureau=world.zj)
    _build(world, 6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        result = figures(bureau=world.zj)
    assert result["sampling"]["total"] == 7
    assert len(result["major_cases"]) == 7
    assert len(small.captured_queries) <= 26
