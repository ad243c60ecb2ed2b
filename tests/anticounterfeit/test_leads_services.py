"""Counterfeit lead services: filing, correcting, dismissing, reopening and merging, each audited;
bad input refused per field with nothing saved; refused transitions; who may triage."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anticounterfeit.choices import LeadStatus
from anticounterfeit.grouping import group_key
from anticounterfeit.models import CounterfeitLead, RightsHolder
from anticounterfeit.services.leads import (
    lead_create,
    lead_dismiss,
    lead_duplicates,
    lead_merge_group,
    lead_reopen,
    lead_triage_merge,
    lead_update,
    leads_visible_to,
    may_triage,
    merge_candidates,
)
from cbec_supervision.models import AuditEvent
from tests.anticounterfeit.leads_helpers import a_lead, approved_enterprise, approved_product, case_for
from tests.factories import BranchBureauFactory

pytestmark = pytest.mark.django_db


def _errors(exc) -> dict:
    return exc.value.message_dict


# --- filing ----------------------------------------------------------------------------------------


def test_an_inspector_files_a_lead_for_their_bureau_and_it_is_audited(world):
    shop = approved_enterprise(name="运动鞋旗舰店")
    shoe = approved_product(shop, brand="NIKE")
    lead = lead_create(
        actor=world.zj_inspector,
        channel="rights_holder",
        title="  店铺销售仿冒   运动鞋 ",
        brand="ＮＩＫＥ®",
        product=shoe.pk,
        urls=["https://shop.example.com/item/1", " http://shop.example.com/item/2 "],
        rights_holder="Nike, Inc.",
    )
    assert lead.bureau == world.zj
    assert lead.title == "店铺销售仿冒 运动鞋"
    assert lead.status == LeadStatus.NEW
    assert lead.enterprise == shop  # the product's enterprise
    assert lead.urls == ["https://shop.example.com/item/1", "http://shop.example.com/item/2"]
    assert lead.rights_holder.name == "Nike, Inc."
    assert lead.group_key == group_key("nike", shop.pk, shoe.pk)
    assert lead.created_by == world.zj_inspector
    event = AuditEvent.objects.for_object(lead).get()
    assert event.action == "create" and event.after["group_key"] == lead.group_key
    # the new rights holder is recorded and audited too
    assert AuditEvent.objects.for_object(lead.rights_holder).get().action == "create"


def test_a_rights_holder_is_matched_by_name_or_id(world):
    holder = RightsHolder.objects.create(name="Nike, Inc.", name_key="nike,inc.")
    by_name = a_lead(world.zj_inspector, rights_holder="ＮＩＫＥ,  inc.")
    by_id = a_lead(world.zj_inspector, rights_holder=holder.pk)
    by_digits = a_lead(world.zj_inspector, rights_holder=str(holder.pk))
    assert by_name.rights_holder == by_id.rights_holder == by_digits.rights_holder == holder
    assert RightsHolder.objects.count() == 1


def test_headquarters_files_for_a_bureau_it_names(world):
    lead = a_lead(world.hq, bureau="gd")
    assert lead.bureau == world.gd
    with pytest.raises(ValidationError) as exc:
        a_lead(world.hq)
    assert "bureau" in _errors(exc)


def test_staff_file_for_their_jurisdiction_only(world):
    branch = BranchBureauFactory()
    assert a_lead(world.zj_inspector, bureau=branch.code).bureau == branch
    with pytest.raises(ValidationError) as exc:
        a_lead(world.zj_inspector, bureau="GD")
    assert "bureau" in _errors(exc)


def test_enterprises_do_not_file_leads(world):
    with pytest.raises(PermissionDenied):
        a_lead(world.alice)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"channel": "carrier_pigeon"}, "channel"),
        ({"title": "  "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"urls": ["ftp://example.com/x"]}, "urls"),
        ({"urls": ["javascript:alert(1)"]}, "urls"),
        ({"urls": ["https://"]}, "urls"),
        ({"urls": ["https://example.com/" + "a" * 2000]}, "urls"),
        ({"urls": [f"https://example.com/{n}" for n in range(21)]}, "urls"),
        ({"urls": "https://example.com/a"}, None),  # a text of lines is accepted
        ({"urls": {"a": 1}}, "urls"),
        ({"enterprise": 999999}, "enterprise"),
        ({"enterprise": "abc"}, "enterprise"),
        ({"product": 999999}, "product"),
        ({"signal": 999999}, "signal"),
        ({"sampling": 999999}, "sampling"),
        ({"brand": "b" * 101}, "brand"),
        ({"rights_holder": "n" * 201}, "rights_holder"),
        ({"rights_holder": 999999}, "rights_holder"),
        ({"received_at": "yesterday"}, "received_at"),
        ({"received_at": "2999-01-01T00:00:00+08:00"}, "received_at"),
    ],
)
def test_bad_input_is_refused_per_field_and_nothing_is_saved(world, fields, field):
    data = {"channel": "platform", "title": "仿冒品", **fields}
    if field is None:
        assert lead_create(actor=world.zj_inspector, **data).urls == ["https://example.com/a"]
        return
    with pytest.raises(ValidationError) as exc:
        lead_create(actor=world.zj_inspector, **data)
    assert field in _errors(exc)
    assert not CounterfeitLead.objects.exists()
    assert not RightsHolder.objects.exists()


def test_an_unapproved_enterprise_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        a_lead(world.zj_inspector, enterprise=world.alice_co.pk)  # a draft filing
    assert "enterprise" in _errors(exc)


def test_leads_naming_nothing_are_not_duplicates_of_each_other(world):
    first, second = a_lead(world.zj_inspector), a_lead(world.zj_inspector)
    assert first.group_key != second.group_key


# --- duplicates ------------------------------------------------------------------------------------


def test_leads_about_the_same_brand_seller_and_goods_are_duplicates(world):
    first = a_lead(world.zj_inspector, brand="Nike", seller_name="潮鞋小店", product_name="Air Max")
    second = a_lead(world.zj_admin, brand="ＮＩＫＥ®", seller_name=" 潮鞋 小店", product_name="air max")
    other = a_lead(world.zj_inspector, brand="Nike", seller_name="别的店", product_name="Air Max")
    gd_lead = a_lead(world.gd_inspector, brand="Nike", seller_name="潮鞋小店", product_name="Air Max")
    assert first.group_key == second.group_key == gd_lead.group_key != other.group_key
    assert list(lead_duplicates(world.zj_inspector, first)) == [second]  # GD's is not visible to ZJ
    counts = dict(leads_visible_to(world.zj_inspector).values_list("pk", "duplicate_count"))
    assert counts == {first.pk: 1, second.pk: 1, other.pk: 0}
    assert dict(leads_visible_to(world.hq).values_list("pk", "duplicate_count"))[first.pk] == 2


# --- correcting ------------------------------------------------------------------------------------


def test_a_lead_awaiting_triage_is_corrected_and_regrouped(world):
    lead = a_lead(world.zj_inspector, brand="Nike")
    old_key = lead.group_key
    lead = lead_update(actor=world.zj_admin, lead=lead, brand="Adidas", urls=["https://e.example/1"])
    assert lead.brand == "Adidas" and lead.group_key != old_key
    event = AuditEvent.objects.for_object(lead).filter(action="update").get()
    assert event.before["brand"] == "Nike" and event.after["brand"] == "Adidas"


def test_only_the_lead_bureau_corrects_and_only_while_new(world):
    lead = a_lead(world.zj_inspector)
    for outsider in (world.gd_inspector, world.hq):
        with pytest.raises(PermissionDenied):
            lead_update(actor=outsider, lead=lead, title="x")
    lead_dismiss(actor=world.zj_inspector, lead=lead, reason="insufficient")
    with pytest.raises(ValidationError):
        lead_update(actor=world.zj_inspector, lead=lead, title="x")


def test_a_correction_needs_a_title(world):
    lead = a_lead(world.zj_inspector)
    with pytest.raises(ValidationError) as exc:
        lead_update(actor=world.zj_inspector, lead=lead, title="")
    assert "title" in _errors(exc)


# --- triage ----------------------------------------------------------------------------------------


def test_a_lead_is_dismissed_with_a_reason_and_reopened(world):
    lead = a_lead(world.zj_inspector)
    lead = lead_dismiss(actor=world.zj_inspector, lead=lead, reason="not_counterfeit", note="正品")
    assert (lead.status, lead.dismissal_reason, lead.triaged_by) == ("dismissed", "not_counterfeit", world.zj_inspector)
    event = AuditEvent.objects.for_object(lead).get(action="dismiss")
    assert event.reason == "正品" and event.after["status"] == "dismissed"
    lead = lead_reopen(actor=world.zj_admin, lead=lead, reason="新的投诉")
    assert (lead.status, lead.dismissal_reason, lead.triaged_by) == ("new", "", None)
    assert AuditEvent.objects.for_object(lead).get(action="reopen").reason == "新的投诉"


def test_dismissal_needs_a_reason_and_other_needs_a_note(world):
    lead = a_lead(world.zj_inspector)
    with pytest.raises(ValidationError) as exc:
        lead_dismiss(actor=world.zj_inspector, lead=lead, reason="")
    assert "reason" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        lead_dismiss(actor=world.zj_inspector, lead=lead, reason="bored")
    assert "reason" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        lead_dismiss(actor=world.zj_inspector, lead=lead, reason="other", note=" ")
    assert "note" in _errors(exc)
    lead.refresh_from_db()
    assert lead.status == "new"


def test_reopening_needs_a_reason_and_a_dismissed_lead(world):
    lead = a_lead(world.zj_inspector)
    with pytest.raises(ValidationError) as exc:
        lead_reopen(actor=world.zj_inspector, lead=lead, reason="新线索")  # not dismissed
    assert "status" in _errors(exc)
    lead_dismiss(actor=world.zj_inspector, lead=lead, reason="duplicate")
    with pytest.raises(ValidationError) as exc:
        lead_reopen(actor=world.zj_inspector, lead=lead, reason=" ")
    assert "reason" in _errors(exc)
    with pytest.raises(ValidationError):
        lead_dismiss(actor=world.zj_inspector, lead=lead, reason="duplicate")  # dismissed twice


def test_headquarters_and_other_bureaus_do_not_triage(world):
    lead = a_lead(world.zj_inspector)
    assert may_triage(world.zj_inspector, lead) and may_triage(world.zj_admin, lead)
    for outsider in (world.hq, world.gd_inspector, world.alice):
        assert not may_triage(outsider, lead)
        with pytest.raises(PermissionDenied):
            lead_dismiss(actor=outsider, lead=lead, reason="insufficient")


def test_a_merged_lead_is_neither_dismissed_nor_reopened(world):
    case = case_for(world.zj, world.zj_inspector)
    lead = a_lead(world.zj_inspector)
    lead_triage_merge(actor=world.zj_inspector, lead=lead, case=case)
    with pytest.raises(ValidationError):
        lead_dismiss(actor=world.zj_inspector, lead=lead, reason="insufficient")
    with pytest.raises(ValidationError):
        lead_reopen(actor=world.zj_inspector, lead=lead, reason="x")


# --- merging ---------------------------------------------------------------------------------------


def test_a_whole_group_is_merged_at_once(world):
    case = case_for(world.zj, world.zj_inspector)
    leads = [a_lead(world.zj_inspector, brand="Nike", seller_name="潮鞋小店") for _ in range(3)]
    dismissed = a_lead(world.zj_inspector, brand="Nike", seller_name="潮鞋小店")
    lead_dismiss(actor=world.zj_inspector, lead=dismissed, reason="insufficient")
    merged = lead_merge_group(actor=world.zj_inspector, lead=leads[1], case=case, note="同一店铺")
    assert [m.pk for m in merged] == [leads[1].pk, leads[0].pk, leads[2].pk]
    assert set(CounterfeitLead.objects.filter(case=case).values_list("pk", flat=True)) == {m.pk for m in leads}
    assert AuditEvent.objects.filter(action="merge").count() == 3
    dismissed.refresh_from_db()
    assert dismissed.status == "dismissed"


def test_a_group_merge_is_all_or_nothing(world):
    case = case_for(world.zj, world.zj_inspector, status="review")  # no longer collecting evidence
    leads = [a_lead(world.zj_inspector, brand="Nike") for _ in range(2)]
    with pytest.raises(ValidationError):
        lead_merge_group(actor=world.zj_inspector, lead=leads[0], case=case)
    assert not CounterfeitLead.objects.filter(status="merged").exists()


def test_merging_needs_the_lead_bureau_and_work_on_the_case(world):
    case = case_for(world.zj, world.zj_inspector)
    lead = a_lead(world.zj_inspector)
    with pytest.raises(PermissionDenied):
        lead_triage_merge(actor=world.hq, lead=lead, case=case)
    with pytest.raises(PermissionDenied):
        lead_triage_merge(actor=world.zj_inspector, lead=lead, case=case_for(world.zj, no="ZJ2026AC000002"))


def test_the_cases_offered_for_a_merge_are_those_one_works_on_still_collecting(world):
    mine = case_for(world.zj, world.zj_inspector)
    case_for(world.zj, world.zj_inspector, no="ZJ2026AC000002", status="review")
    unassigned = case_for(world.zj, no="ZJ2026AC000003", status="proposed")
    assert list(merge_candidates(world.zj_inspector)) == [mine]
    assert set(merge_candidates(world.zj_admin)) == {mine, unassigned}
    assert list(merge_candidates(world.gd_inspector)) == []
    assert list(merge_candidates(world.hq)) == []
