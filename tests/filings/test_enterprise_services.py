"""Enterprise filing services: every transition allowed and refused, validation, audit, notifications."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.choices import Role
from cbec_supervision.models import AuditEvent, Notification
from filings import services
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling
from tests.builders import COMPLETE_ENTERPRISE, approve, complete
from tests.factories import BranchBureauFactory, EnterpriseFilingFactory, UserFactory, make_uscc

pytestmark = pytest.mark.django_db

ALL = list(FilingStatus.values)
ALLOWED = {
    ("draft", "submitted"),
    ("returned", "submitted"),
    ("submitted", "approved"),
    ("submitted", "returned"),
    ("submitted", "rejected"),
    ("approved", "suspended"),
    ("approved", "revoked"),
    ("suspended", "approved"),
    ("suspended", "revoked"),
}


def move(world, filing, target):
    """Ask the service for ``target`` as the right person would."""
    if target == FilingStatus.SUBMITTED:
        return services.enterprise_submit(actor=world.alice, filing=filing)
    return services.enterprise_decide(actor=world.zj_inspector, filing=filing, status=target, reason="理由")


@pytest.mark.parametrize("start", ALL)
@pytest.mark.parametrize("target", [s for s in ALL if s != "draft"])
def test_every_transition_is_allowed_or_refused_as_the_workflow_says(world, start, target):
    complete(world.alice_co, world.alice)
    EnterpriseFiling.objects.filter(pk=world.alice_co.pk).update(status=start)
    world.alice_co.refresh_from_db()
    events = AuditEvent.objects.count()
    if (start, target) in ALLOWED:
        assert move(world, world.alice_co, target).status == target
        assert AuditEvent.objects.count() == events + 1
    else:
        with pytest.raises(ValidationError) as info:
            move(world, world.alice_co, target)
        assert "status" in info.value.message_dict
        world.alice_co.refresh_from_db()
        assert world.alice_co.status == start and AuditEvent.objects.count() == events


def test_submit_lists_what_is_missing(world):
    with pytest.raises(ValidationError) as info:
        services.enterprise_submit(actor=world.alice, filing=world.alice_co)
    missing = info.value.message_dict
    assert {"main_categories", "systems", "pledge_signed"} <= set(missing)
    assert world.alice_co.status == FilingStatus.DRAFT


def test_a_platform_must_also_declare_its_platform_and_seller_rules(world):
    complete(world.alice_co, world.alice)
    services.enterprise_update(actor=world.alice, filing=world.alice_co, types=["platform"])
    missing = services.enterprise_missing(EnterpriseFiling.objects.get(pk=world.alice_co.pk))
    assert {"platform_name", "platform_url", "systems"} <= set(missing)


def test_approval_issues_a_filing_number_of_bureau_year_and_sequence(world):
    first = approve(world.alice_co, world.alice, world.zj_inspector)
    second_co = EnterpriseFilingFactory(bureau=world.zj)
    second_user = UserFactory(role=Role.ENTERPRISE, bureau=None, enterprise=second_co)
    second = approve(second_co, second_user, world.zj_inspector)

    assert re.fullmatch(r"ZJ\d{4}\d{6}", first.filing_no)
    assert int(second.filing_no[-6:]) == int(first.filing_no[-6:]) + 1
    assert first.decided_by == world.zj_inspector and first.decided_at


def test_a_filing_number_is_kept_through_suspension_and_never_reused(world):
    filing = approve(world.alice_co, world.alice, world.zj_inspector)
    number = filing.filing_no
    services.enterprise_suspend(actor=world.zj_inspector, filing=filing, reason="抽查不合格")
    filing = services.enterprise_reinstate(actor=world.zj_inspector, filing=filing)
    assert filing.filing_no == number
    services.enterprise_revoke(actor=world.zj_inspector, filing=filing, reason="虚假备案")
    other = EnterpriseFilingFactory(bureau=world.zj)
    other_user = UserFactory(role=Role.ENTERPRISE, bureau=None, enterprise=other)
    assert approve(other, other_user, world.zj_inspector).filing_no != number


@pytest.mark.parametrize("status", ["returned", "rejected"])
def test_return_and_reject_need_a_reason(world, status):
    complete(world.alice_co, world.alice)
    services.enterprise_submit(actor=world.alice, filing=world.alice_co)
    with pytest.raises(ValidationError) as info:
        services.enterprise_decide(actor=world.zj_inspector, filing=world.alice_co, status=status, reason="  ")
    assert "reason" in info.value.message_dict


def test_returned_filings_are_corrected_and_resubmitted(world):
    complete(world.alice_co, world.alice)
    services.enterprise_submit(actor=world.alice, filing=world.alice_co)
    services.enterprise_return(actor=world.zj_inspector, filing=world.alice_co, reason="承诺书未盖章")
    services.enterprise_update(actor=world.alice, filing=world.alice_co, address="浙江省杭州市滨江区 2 号")
    filing = services.enterprise_submit(actor=world.alice, filing=world.alice_co)
    assert filing.status == FilingStatus.SUBMITTED
    actions = list(AuditEvent.objects.for_object(filing).values_list("action", flat=True))
    assert actions[-4:] == ["submit", "return", "update", "submit"]
    assert AuditEvent.objects.for_object(filing).filter(action="return").get().reason == "承诺书未盖章"


def test_the_enterprise_is_notified_of_each_decision(world):
    complete(world.alice_co, world.alice)
    services.enterprise_submit(actor=world.alice, filing=world.alice_co)
    services.enterprise_return(actor=world.zj_inspector, filing=world.alice_co, reason="缺少联系人")
    inbox = Notification.objects.filter(recipient=world.alice)
    assert [n.kind for n in inbox] == ["enterprise_returned"]
    assert "缺少联系人" in inbox.get().body
    assert not Notification.objects.filter(recipient=world.bob).exists()


@pytest.mark.parametrize("who", ["gd_inspector", "hq", "alice", "bob"])
def test_only_the_competent_bureau_decides(world, who):
    complete(world.alice_co, world.alice)
    services.enterprise_submit(actor=world.alice, filing=world.alice_co)
    with pytest.raises(PermissionDenied):
        services.enterprise_approve(actor=getattr(world, who), filing=world.alice_co)
    world.alice_co.refresh_from_db()
    assert world.alice_co.status == FilingStatus.SUBMITTED


def test_the_parent_bureau_decides_for_its_branch(world):
    branch = BranchBureauFactory(parent=world.zj)
    filing = EnterpriseFilingFactory(bureau=branch)
    user = UserFactory(role=Role.ENTERPRISE, bureau=None, enterprise=filing)
    assert approve(filing, user, world.zj_inspector).filing_no.startswith(branch.code)


def test_only_its_own_users_edit_or_submit_a_filing(world):
    with pytest.raises(PermissionDenied):
        services.enterprise_update(actor=world.bob, filing=world.alice_co, contact_name="x")
    with pytest.raises(PermissionDenied):
        services.enterprise_update(actor=world.zj_inspector, filing=world.alice_co, contact_name="x")
    with pytest.raises(PermissionDenied):
        services.enterprise_submit(actor=world.bob, filing=world.alice_co)


def test_an_approved_filing_is_not_edited_directly(world):
    filing = approve(world.alice_co, world.alice, world.zj_inspector)
    with pytest.raises(ValidationError, match="change request"):
        services.enterprise_update(actor=world.alice, filing=filing, contact_name="x")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contact_phone", "12345"),
        ("email", "not-an-email"),
        ("platform_url", "ftp://example.com"),
        ("main_categories", ["food"]),
        ("systems", ["magic"]),
        ("region_code", "999999"),
        ("name", "  "),
    ],
)
def test_each_field_is_validated_with_its_own_message(world, field, value):
    with pytest.raises(ValidationError) as info:
        services.enterprise_update(actor=world.alice, filing=world.alice_co, **{field: value})
    assert list(info.value.message_dict) == [field]
    assert AuditEvent.objects.for_object(world.alice_co).filter(action="update").count() == 0


def test_unknown_types_are_refused(world):
    with pytest.raises(ValidationError) as info:
        services.enterprise_update(actor=world.alice, filing=world.alice_co, types=["bank"])
    assert "types" in info.value.message_dict


def test_changing_the_region_moves_the_filing_to_the_competent_bureau(world):
    filing = services.enterprise_update(actor=world.alice, filing=world.alice_co, region_code="330212")
    assert filing.bureau.code == "NB"


def test_one_filing_per_credit_code_nationally(world):
    with pytest.raises(ValidationError) as info:
        services.enterprise_create(actor="test", name="重复", uscc=world.alice_co.uscc)
    assert "already on file" in info.value.message_dict["uscc"][0]


def test_the_pledge_records_when_it_was_signed(world):
    filing = services.enterprise_update(actor=world.alice, filing=world.alice_co, pledge_signed=True)
    assert filing.pledge_signed_at is not None
    filing = services.enterprise_update(actor=world.alice, filing=filing, pledge_signed=False)
    assert filing.pledge_signed_at is None


def test_an_inspector_corrects_the_competent_bureau_with_a_reason(world):
    nb = world.zj.__class__.objects.get(code="NB")
    with pytest.raises(ValidationError):
        services.enterprise_set_bureau(actor=world.zj_inspector, filing=world.alice_co, bureau=nb, reason="")
    filing = services.enterprise_set_bureau(
        actor=world.zj_inspector, filing=world.alice_co, bureau=nb, reason="实际经营地在宁波"
    )
    assert filing.bureau == nb
    event = AuditEvent.objects.for_object(filing).last()
    assert event.reason == "实际经营地在宁波" and event.before["bureau"] == world.zj.pk
    with pytest.raises(PermissionDenied):
        services.enterprise_set_bureau(actor=world.zj_inspector, filing=world.bob_co, bureau=nb, reason="x")
    with pytest.raises(PermissionDenied):
        services.enterprise_set_bureau(actor=world.alice, filing=world.alice_co, bureau=world.zj, reason="x")


def test_signup_creates_a_draft_filing_and_its_first_user(world):
    uscc = make_uscc("440305")
    user = services.enterprise_signup(
        uscc=uscc,
        name="深圳跨境优选科技有限公司",
        region_code="440305",
        contact_name="周",
        contact_phone="0755-26001234",
        email="ops@example.cn",
        username="sz_shop",
        password="A-good-pass-2026",
    )
    assert user.role == Role.ENTERPRISE and user.enterprise.uscc == uscc
    assert user.enterprise.bureau.code == "SZ" and user.enterprise.status == FilingStatus.DRAFT
    assert user.groups.filter(name="enterprise").exists()


def test_signup_refuses_a_credit_code_already_on_file_and_points_to_colleagues(world):
    with pytest.raises(ValidationError) as info:
        services.enterprise_signup(
            uscc=world.alice_co.uscc,
            name="x",
            region_code="330106",
            contact_name="周",
            contact_phone="13812345678",
            email="",
            username="newcomer",
            password="A-good-pass-2026",
        )
    assert "Colleagues" in info.value.message_dict["uscc"][0]
    assert not world.alice.__class__.objects.filter(username="newcomer").exists()


def test_signup_reports_every_bad_field_at_once(world):
    with pytest.raises(ValidationError) as info:
        services.enterprise_signup(
            uscc="91330100MA2CB7K3X9",
            name="x",
            region_code="330106",
            contact_name="",
            contact_phone="",
            email="bad",
            username="alice",
            password="123",
        )
    assert {"uscc", "contact_name", "contact_phone", "email", "username", "password"} <= set(info.value.message_dict)


def test_colleagues_are_added_by_the_enterprises_own_users(world):
    colleague = services.enterprise_user_add(
        actor=world.alice, enterprise=world.alice_co, username="alice_colleague", password="A-good-pass-2026"
    )
    assert colleague.enterprise == world.alice_co
    with pytest.raises(PermissionDenied):
        services.enterprise_user_add(actor=world.bob, enterprise=world.alice_co, username="x", password="A-good-2026!")


def test_complete_enterprise_fixture_is_really_complete(world):
    filing = services.enterprise_update(
        actor=world.alice, filing=world.alice_co, types=["operator"], **COMPLETE_ENTERPRISE
    )
    assert services.enterprise_missing(filing) == {}
