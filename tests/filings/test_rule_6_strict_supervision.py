"""Rule 6: strict supervision is a decision about an enterprise, taken and lifted on the record.

「多次出现安全质量问题的跨境电商经营企业，应实施严格的检验监管措施」: a bureau administrator of the
competent bureau places an approved (or suspended) enterprise under strict supervision and lifts it,
each time with a reason, audited and notified to the enterprise's users.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.choices import Role
from cbec_supervision.choices import AuditAction
from cbec_supervision.models import AuditEvent, Notification
from cbec_supervision.notifications import TEXTS
from filings import services
from filings.models import EnterpriseFiling
from tests.conftest import api_as
from tests.factories import BranchBureauFactory, EnterpriseFilingFactory, UserFactory

REASON = "三次抽检不合格"


def _events(filing: EnterpriseFiling) -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.filter(object_id=str(filing.pk), action__contains="strict_supervision")
        .order_by("id")
        .values_list("action", "reason")
    )


def _kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("kind", flat=True))


@pytest.fixture
def gd_admin(world):
    return UserFactory(username="gd_admin", role=Role.BUREAU_ADMIN, bureau=world.gd)


def test_the_bureau_admin_places_an_enterprise_under_strict_supervision_with_a_reason(world, approved_alice_co):
    filing = services.enterprise_strict_supervision_place(actor=world.zj_admin, filing=approved_alice_co, reason=REASON)
    filing.refresh_from_db()
    assert (filing.supervision_level, filing.supervision_reason) == ("strict", REASON)
    assert filing.supervision_decided_by == world.zj_admin and filing.supervision_decided_at is not None
    assert _events(filing) == [(AuditAction.PLACE_UNDER_STRICT_SUPERVISION, REASON)]
    event = AuditEvent.objects.get(object_id=str(filing.pk), action=AuditAction.PLACE_UNDER_STRICT_SUPERVISION)
    assert (event.before["supervision_level"], event.after["supervision_level"]) == ("normal", "strict")
    assert _kinds(world.alice)[-1] == "enterprise_strict_supervision"
    notification = Notification.objects.filter(recipient=world.alice).latest("id")
    assert notification.params == {"name": "Alice Co", "reason": REASON}
    assert REASON in str(TEXTS["enterprise_strict_supervision"][1]) % notification.params


def test_lifting_it_is_recorded_the_same_way(world, approved_alice_co):
    services.enterprise_strict_supervision_place(actor=world.zj_admin, filing=approved_alice_co, reason=REASON)
    filing = services.enterprise_strict_supervision_lift(
        actor=world.zj_admin, filing=approved_alice_co, reason="整改完成，复查合格"
    )
    filing.refresh_from_db()
    assert (filing.supervision_level, filing.supervision_reason) == ("normal", "整改完成，复查合格")
    assert _events(filing) == [
        (AuditAction.PLACE_UNDER_STRICT_SUPERVISION, REASON),
        (AuditAction.LIFT_STRICT_SUPERVISION, "整改完成，复查合格"),
    ]
    assert _kinds(world.alice)[-2:] == ["enterprise_strict_supervision", "enterprise_strict_supervision_lifted"]


def test_the_admin_of_the_parent_direct_bureau_may_decide_and_a_suspended_enterprise_too(world):
    filing = EnterpriseFilingFactory(bureau=BranchBureauFactory())
    EnterpriseFiling.objects.filter(pk=filing.pk).update(status="suspended")
    filing = services.enterprise_strict_supervision_place(actor=world.zj_admin, filing=filing, reason=REASON)
    assert (filing.status, filing.supervision_level) == ("suspended", "strict")


@pytest.mark.parametrize("who", ["zj_inspector", "gd_admin", "gd_inspector", "alice", "hq"])
def test_inspectors_other_bureaus_and_enterprises_may_not(world, approved_alice_co, gd_admin, who):
    actor = gd_admin if who == "gd_admin" else getattr(world, who)
    with pytest.raises(PermissionDenied):
        services.enterprise_strict_supervision_place(actor=actor, filing=approved_alice_co, reason=REASON)
    approved_alice_co.refresh_from_db()
    assert approved_alice_co.supervision_level == "normal" and not _events(approved_alice_co)


def test_a_reason_is_required(world, approved_alice_co):
    with pytest.raises(ValidationError) as exc:
        services.enterprise_strict_supervision_place(actor=world.zj_admin, filing=approved_alice_co, reason="  ")
    assert "reason" in exc.value.message_dict
    approved_alice_co.refresh_from_db()
    assert approved_alice_co.supervision_level == "normal" and not _events(approved_alice_co)


def test_already_at_that_level_is_refused(world, approved_alice_co):
    with pytest.raises(ValidationError, match="not under strict supervision"):
        services.enterprise_strict_supervision_lift(actor=world.zj_admin, filing=approved_alice_co, reason=REASON)
    services.enterprise_strict_supervision_place(actor=world.zj_admin, filing=approved_alice_co, reason=REASON)
    with pytest.raises(ValidationError, match="already under strict supervision"):
        services.enterprise_strict_supervision_place(actor=world.zj_admin, filing=approved_alice_co, reason="再次")
    assert len(_events(approved_alice_co)) == 1


def test_only_an_enterprise_on_record_can_be_placed_under_it(world):
    with pytest.raises(ValidationError, match="approved or suspended"):
        services.enterprise_strict_supervision_place(actor=world.zj_admin, filing=world.alice_co, reason=REASON)
    with pytest.raises(ValidationError, match="supervision level is one of"):
        services.enterprise_supervision_set(actor=world.zj_admin, filing=world.alice_co, level="lenient", reason="x")


def test_the_history_reads_as_a_sentence(world, approved_alice_co, client):
    services.enterprise_strict_supervision_place(actor=world.zj_admin, filing=approved_alice_co, reason=REASON)
    client.force_login(world.zj_inspector)
    page = client.get(approved_alice_co.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "imposed strict supervision on" in page


# --- API ----------------------------------------------------------------------------------------


def _url(filing, action: str) -> str:
    return f"/api/v1/enterprises/{filing.pk}/{action}/"


def test_the_api_places_and_lifts_it(world, approved_alice_co):
    admin = api_as(world.zj_admin)
    response = admin.post(_url(approved_alice_co, "strict-supervision"), {"reason": REASON}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["supervision_level"], body["supervision_reason"]) == ("strict", REASON)
    assert body["supervision_decided_at"]
    again = admin.post(_url(approved_alice_co, "strict-supervision"), {"reason": REASON}, format="json")
    assert again.status_code == 400 and "supervision_level" in again.json()
    lifted = admin.post(_url(approved_alice_co, "lift-strict-supervision"), {"reason": "整改完成"}, format="json")
    assert lifted.status_code == 200 and lifted.json()["supervision_level"] == "normal"
    assert api_as(world.alice).get(f"/api/v1/enterprises/{approved_alice_co.pk}/").json()["supervision_reason"] == (
        "整改完成"
    )


def test_the_api_refuses_without_a_reason_and_to_others(world, approved_alice_co, gd_admin):
    url = _url(approved_alice_co, "strict-supervision")
    assert api_as(world.zj_admin).post(url, {}, format="json").status_code == 400
    assert api_as(world.zj_inspector).post(url, {"reason": REASON}, format="json").status_code == 403
    assert api_as(gd_admin).post(url, {"reason": REASON}, format="json").status_code == 403
    assert api_as(world.alice).post(url, {"reason": REASON}, format="json").status_code == 403
    assert api_as(world.bob).post(url, {"reason": REASON}, format="json").status_code in (403, 404)
    # The level is the bureau's decision: editing the filing does not change it.
    assert EnterpriseFiling.objects.get(pk=approved_alice_co.pk).supervision_level == "normal"


def test_the_actions_are_in_the_openapi_schema(world):
    schema = api_as(world.zj_admin).get("/api/schema/?format=json").json()
    for action in ("strict-supervision", "lift-strict-supervision"):
        operation = schema["paths"][f"/api/v1/enterprises/{{id}}/{action}/"]["post"]
        assert operation["description"]
        assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "RequiredReasonRequest"
        )
    assert schema["components"]["schemas"]["RequiredReasonRequest"]["required"] == ["reason"]


# --- the enterprise page -----------------------------------------------------------------------


def test_the_page_offers_the_button_to_the_bureau_admin_only(world, approved_alice_co, client):
    for user, shown in ((world.zj_admin, True), (world.zj_inspector, False), (world.alice, False)):
        client.force_login(user)
        page = client.get(approved_alice_co.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert ('data-testid="strict-supervision"' in page) is shown, user
        assert ('data-testid="confirm-supervision"' in page) is shown, user


def test_the_page_places_lifts_and_shows_the_decision_and_its_reason(world, approved_alice_co, client):
    client.force_login(world.zj_admin)
    url = reverse("filings:enterprise_supervision", args=[approved_alice_co.pk])
    response = client.post(url, {"level": "strict", "reason": REASON}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    page = response.content.decode()
    assert "is under strict supervision" in page
    assert 'data-testid="supervision-decision"' in page and REASON in page
    assert 'data-testid="lift-strict-supervision"' in page
    client.force_login(world.alice)
    own = client.get(approved_alice_co.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert REASON in own and "badge text-bg-danger" in own

    client.force_login(world.zj_admin)
    refused = client.post(url, {"level": "normal", "reason": ""}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "Give a reason." in refused.content.decode()
    client.post(url, {"level": "normal", "reason": "整改完成"})
    assert EnterpriseFiling.objects.get(pk=approved_alice_co.pk).supervision_level == "normal"


def test_the_page_refuses_an_inspector(world, approved_alice_co, client):
    client.force_login(world.zj_inspector)
    url = reverse("filings:enterprise_supervision", args=[approved_alice_co.pk])
    client.post(url, {"level": "strict", "reason": REASON})
    assert EnterpriseFiling.objects.get(pk=approved_alice_co.pk).supervision_level == "normal"
