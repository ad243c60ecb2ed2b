"""Batch outcomes and on-site verification on the pages: each button calls its service, refusals change nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from filings import services
from imports.choices import BatchStatus, Confirmation, VerificationStatus
from imports.models import ImportItem
from tests.imports.pages import CYANIDE, HAIR_DRYER, TOWEL, declare
from tests.pages import browser_as, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(world, alice_co):
    return declare(world, TOWEL)


# --- outcomes -------------------------------------------------------------------------------------


def test_a_batch_awaiting_verification_shows_the_suspected_match_and_what_it_rests_on(world, to_verify):
    assert to_verify.status == BatchStatus.VERIFICATION_REQUIRED
    response = browser_as(world.alice).get(to_verify.get_absolute_url())
    html = response.content.decode()
    assert 'data-testid="verification-required"' in html
    assert "suspected 0.8" in html and "4 甲醇" in html and "matched on name" in html
    assert "Compulsory certification (CCC) catalogue" in html and "8516" in html
    counts = response.context["counts"]
    assert (counts["tier1"], counts["tier2"], counts["pending"]) == (1, 2, 1)
    # The enterprise sees the outcome but no verification buttons.
    assert 'data-testid="confirm-form"' not in html and 'data-testid="pass-form"' not in html


def test_released_and_direct_mail_batches_say_so(world, alice_co, released):
    assert 'data-testid="released"' in browser_as(world.alice).get(released.get_absolute_url()).content.decode()
    postal = declare(world, CYANIDE, mode="direct_mail")
    html = browser_as(world.zj_inspector).get(postal.get_absolute_url()).content.decode()
    assert postal.status == BatchStatus.POSTAL and 'data-testid="postal"' in html


def test_lines_are_filtered_by_tier(world, to_verify):
    client = browser_as(world.zj_inspector)
    tiers = {item.tier for item in client.get(to_verify.get_absolute_url(), {"show": "2"}).context["rows"]}
    assert tiers == {2}
    pending = client.get(to_verify.get_absolute_url(), {"show": "pending"}).context["rows"]
    assert [item.confirmation for item in pending] == [Confirmation.PENDING]


# --- on-site verification -----------------------------------------------------------------------


def pending_item(batch) -> ImportItem:
    return batch.items.get(confirmation=Confirmation.PENDING)


def test_the_port_bureau_inspector_sees_the_verification_forms(world, to_verify):
    html = browser_as(world.zj_inspector).get(to_verify.get_absolute_url()).content.decode()
    assert 'data-testid="confirm-form"' in html and 'data-testid="pass-form"' in html
    hq = browser_as(world.hq).get(to_verify.get_absolute_url()).content.decode()
    assert 'data-testid="confirm-form"' not in hq and 'data-testid="pass-form"' not in hq


def test_confirming_a_suspected_match_keeps_the_tier(world, to_verify):
    item = pending_item(to_verify)
    url = reverse("imports:item_confirm", args=[to_verify.pk, item.pk])
    response = browser_as(world.zj_inspector).post(url, {"decision": "confirm", "back": "show=pending&page=1"})
    assert response.status_code == 302 and response["Location"].endswith(f"?show=pending&page=1#line-{item.line_no}")
    item.refresh_from_db()
    assert item.confirmation == Confirmation.CONFIRMED and item.tier == 1


def test_dismissing_a_suspected_match_classifies_the_line_again(world, to_verify):
    item = pending_item(to_verify)
    url = reverse("imports:item_confirm", args=[to_verify.pk, item.pk])
    client = browser_as(world.zj_inspector)
    refused = client.post(url, {"decision": "dismiss", "note": "  "}, follow=True)  # a reason is required
    assert "Say why the suspected match does not apply." in messages_of(refused)
    item.refresh_from_db()
    assert item.confirmation == Confirmation.PENDING
    client.post(url, {"decision": "dismiss", "note": "成分表不含甲醛"})
    item.refresh_from_db()
    to_verify.refresh_from_db()
    assert item.confirmation == Confirmation.DISMISSED and item.tier == 3 and item.reasons == []
    assert item.confirmation_note == "成分表不含甲醛"
    assert to_verify.tier == 2
    page = client.get(to_verify.get_absolute_url()).content.decode()
    assert 'data-testid="confirmation-note"' in page and "成分表不含甲醛" in page


@pytest.mark.parametrize("role", ["alice", "hq"])
def test_only_the_port_bureau_confirms(world, to_verify, role):
    item = pending_item(to_verify)
    url = reverse("imports:item_confirm", args=[to_verify.pk, item.pk])
    response = browser_as(getattr(world, role)).post(url, {"decision": "dismiss"}, follow=True)
    assert messages_of(response)  # refused, with the service's reason
    item.refresh_from_db()
    assert item.confirmation == Confirmation.PENDING


def test_outside_the_scope_the_actions_are_404(world, to_verify):
    item = pending_item(to_verify)
    client = browser_as(world.gd_inspector)
    assert (
        client.post(reverse("imports:item_confirm", args=[to_verify.pk, item.pk]), {"decision": "confirm"}).status_code
        == 404
    )
    assert client.post(reverse("imports:batch_verify", args=[to_verify.pk, "fail"]), {"note": "x"}).status_code == 404


def test_a_batch_cannot_pass_while_a_match_awaits_confirmation(world, to_verify):
    client = browser_as(world.zj_inspector)
    page = client.get(to_verify.get_absolute_url()).content.decode()
    # The pass button is disabled, with the reason beside it.
    assert 'data-testid="verify-pass" disabled' in page and 'data-testid="pass-blocked"' in page
    response = client.post(
        reverse("imports:batch_verify", args=[to_verify.pk, "pass"]), {"note": "货证相符"}, follow=True
    )
    assert "Confirm or dismiss every suspected match first." in messages_of(response)
    to_verify.refresh_from_db()
    assert to_verify.status == BatchStatus.VERIFICATION_REQUIRED
    # The findings typed are kept in the form.
    assert "货证相符" in response.content.decode()


def test_passing_with_accepted_third_party_results_releases_the_batch(world, to_verify, approved_toy):
    report = services.product_test_report_add(
        actor=world.alice,
        product=approved_toy,
        lab="SGS-CSTC Standards Technical Services (Shanghai)",
        report_no="SHTY2026001234",
        issued_on="2026-01-15",
        verdict="pass",
        standard="GB 6675.2-2014",
    )
    client = browser_as(world.zj_inspector)
    item = pending_item(to_verify)
    client.post(reverse("imports:item_confirm", args=[to_verify.pk, item.pk]), {"decision": "dismiss", "note": "误报"})
    page = client.get(to_verify.get_absolute_url())
    assert [r.pk for r in page.context["reports"]] == [report.pk]
    response = client.post(
        reverse("imports:batch_verify", args=[to_verify.pk, "pass"]),
        {"accepted_reports": [report.pk], "note": "现场核查货证相符。"},
        follow=True,
    )
    to_verify.refresh_from_db()
    task = to_verify.verification
    assert to_verify.status == BatchStatus.RELEASED and task.status == VerificationStatus.PASSED
    assert list(task.accepted_reports.all()) == [report]
    html = response.content.decode()
    assert "SHTY2026001234" in html and 'data-testid="released"' in html


def test_failing_needs_findings_and_refuses_entry(world, to_verify):
    client = browser_as(world.zj_inspector)
    url = reverse("imports:batch_verify", args=[to_verify.pk, "fail"])
    response = client.post(url, {"note": "  "}, follow=True)
    assert "Record the findings that fail the batch." in messages_of(response)
    to_verify.refresh_from_db()
    assert to_verify.status == BatchStatus.VERIFICATION_REQUIRED
    response = client.post(url, {"note": "电吹风机无CCC标志。"}, follow=True)
    to_verify.refresh_from_db()
    assert to_verify.status == BatchStatus.REFUSED
    html = response.content.decode()
    assert "Refused entry after on-site verification" in html and "电吹风机无CCC标志。" in html


def test_the_queue_lists_open_verifications_of_the_bureau_oldest_first(world, to_verify, approved_toy):
    second = declare(world, HAIR_DRYER)
    rows = list(browser_as(world.zj_inspector).get(reverse("imports:verification_queue")).context["rows"])
    assert [t.batch_id for t in rows] == [to_verify.pk, second.pk]
    assert (rows[0].key_lines, rows[0].pending_lines) == (2, 1)
    assert list(browser_as(world.gd_inspector).get(reverse("imports:verification_queue")).context["rows"]) == []


def test_after_a_verification_the_inspector_lands_on_the_next_open_one(world, to_verify, alice_co):
    """Issue 9, section 2: the next item of the queue, oldest first, not the batch just decided."""
    from tests.imports.filed import declare_filed
    from tests.imports.pages import HAIR_DRYER

    following = declare_filed(actor=world.alice, items=[dict(HAIR_DRYER)], port_bureau="ZJ")
    assert following.verification.status == VerificationStatus.OPEN
    client = browser_as(world.zj_inspector)
    response = client.post(
        reverse("imports:batch_verify", args=[to_verify.pk, "fail"]), {"note": "货证不符"}, follow=True
    )
    assert response.redirect_chain[-1][0] == following.get_absolute_url()
    assert any(following.batch_no in m for m in messages_of(response))
    # The last one of the queue leads back to itself.
    done = client.post(reverse("imports:batch_verify", args=[following.pk, "fail"]), {"note": "货证不符"})
    assert done["Location"] == following.get_absolute_url()


def test_a_batch_prohibited_only_on_a_suspicion_is_not_badged_prohibited(world, to_verify):
    """Issue 9, section 3: "suspected, awaiting verification" in the list and the header until decided."""
    to_verify.refresh_from_db()
    assert to_verify.tier == 1 and to_verify.status == BatchStatus.VERIFICATION_REQUIRED
    client = browser_as(world.zj_inspector)
    listed = client.get(reverse("imports:batch_list")).content.decode()
    page = client.get(to_verify.get_absolute_url()).content.decode()
    for html in (listed, page):
        assert 'data-testid="suspected-badge"' in html
    assert 'data-tier="1" data-testid="tier-badge"' not in listed
