"""The counterfeit case pages (issue 12): the list, proposing a case from leads, the case page with the forms
of the steps the reader may take now, one POST per step, assignments; access per role; query budgets."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from anticounterfeit.models import CounterfeitCase, CounterfeitLead
from tests.anticounterfeit.test_cases_services import add_evidence, at_notice, in_review, opened, people, propose
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

__all__ = ["people"]  # the fixture, shared

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def page(client, user, url, **extra):
    client.force_login(user)
    return client.get(url, **EN, **extra)


def detail(case) -> str:
    return reverse("anticounterfeit:case_detail", args=[case.pk])


def step(case, action: str) -> str:
    return reverse("anticounterfeit:case_action", args=[case.pk, action])


def test_the_list_shows_the_cases_the_reader_may_see(client, people):
    case = opened(people)
    response = page(client, people.reviewer, reverse("anticounterfeit:case_list"))
    assert response.status_code == 200
    assert case.case_no in response.content.decode() and 'data-testid="case-status"' in response.content.decode()
    response = page(
        client, UserFactory(username="zj_other", bureau=people.world.zj), reverse("anticounterfeit:case_list")
    )
    assert case.case_no not in response.content.decode()
    assert page(client, people.world.alice, reverse("anticounterfeit:case_list")).status_code == 404


def test_the_list_costs_the_same_queries_whatever_the_rows(client, people, django_assert_max_num_queries):
    url = reverse("anticounterfeit:case_list")
    opened(people)
    client.force_login(people.admin)
    with django_assert_max_num_queries(60) as few:
        assert client.get(url, **EN).status_code == 200
    for _ in range(5):
        opened(people)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, {"mine": "false"}, **EN).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, **EN).status_code == 200


def test_a_case_is_proposed_from_leads(client, people):
    leads = [
        CounterfeitLead.objects.create(bureau=people.world.zj, channel="platform", title=f"仿冒手袋 {n}", brand="LV")
        for n in range(2)
    ]
    url = reverse("anticounterfeit:case_create") + f"?leads={leads[0].pk},{leads[1].pk}"
    response = page(client, people.handler, url)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="case-create-submit"' in body and body.count("checked") >= 2
    response = client.post(
        reverse("anticounterfeit:case_create"),
        {"leads": [leads[0].pk, leads[1].pk], "opening_text": "拟立案"},
        **EN,
    )
    case = CounterfeitCase.objects.get()
    assert response.status_code == 302 and response.url == detail(case)
    assert set(case.leads.values_list("pk", flat=True)) == {leads[0].pk, leads[1].pk}
    assert case.brand == "LV" and case.assignments.get().user == people.handler


def test_a_proposal_with_bad_figures_is_shown_again(client, people):
    client.force_login(people.handler)
    response = client.post(reverse("anticounterfeit:case_create"), {"title": "t", "goods_value_cny": "-3"}, **EN)
    assert response.status_code == 200 and "negative" in response.content.decode()
    assert not CounterfeitCase.objects.exists()


def test_the_case_page_offers_only_the_steps_the_reader_may_take(client, people):
    case = propose(people)
    admin_page = page(client, people.admin, detail(case)).content.decode()
    assert 'data-testid="case-step-approve-submit"' in admin_page
    assert 'data-testid="case-step-refuse-submit"' in admin_page
    assert 'data-testid="case-assign-submit"' in admin_page and 'data-testid="separation-rule"' in admin_page
    handler_page = page(client, people.handler, detail(case)).content.decode()
    assert "case-step-approve-submit" not in handler_page and "case-assign-submit" not in handler_page
    assert 'data-testid="case-status"' in handler_page and "opening_request" in handler_page
    case = in_review(people)
    reviewer_page = page(client, people.reviewer, detail(case)).content.decode()
    assert "case-step-review-submit" in reviewer_page and "case-step-return-submit" in reviewer_page
    assert "case-step-review-submit" not in page(client, people.handler, detail(case)).content.decode()
    hq_page = page(client, people.world.hq, detail(case)).content.decode()
    assert "case-step-" not in hq_page


def test_each_step_posts_to_its_endpoint(client, people):
    case = propose(people)
    client.force_login(people.admin)
    response = client.post(
        step(case, "approve"),
        {
            "approve-text": "同意立案",
            "approve-handlers": [people.handler2.pk],
            "approve-reviewer": people.reviewer.pk,
            "approve-decider": people.decider.pk,
        },
        **EN,
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "investigating" and case.assignments.count() == 4
    add_evidence(case, people.handler)
    client.force_login(people.handler)
    client.post(step(case, "submit-for-review"), {"submit-for-review-report_text": "调查报告"}, **EN)
    client.force_login(people.reviewer)
    client.post(step(case, "review"), {"review-opinion": "同意"}, **EN)
    client.force_login(people.handler)
    client.post(
        step(case, "notice"),
        {
            "notice-served_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "notice-text": "告知",
            "notice-hearing_waived": "on",
        },
        **EN,
    )
    client.force_login(people.decider)
    response = client.post(
        step(case, "decide"),
        {
            "decide-decision_kind": "penalty",
            "decide-decision_no": "N1",
            "decide-text": "罚款",
            "decide-fine_amount_cny": "300",
        },
        **EN,
    )
    case.refresh_from_db()
    assert case.status == "decided", response
    assert page(client, people.decider, detail(case)).status_code == 200


def test_a_refused_step_shows_the_reason_and_changes_nothing(client, people):
    case = opened(people)
    add_evidence(case, people.handler)
    client.force_login(people.handler)
    response = client.post(step(case, "review"), {"review-opinion": "自审"}, follow=True, **EN)
    case.refresh_from_db()
    assert case.status == "investigating"
    assert "reviewer" in response.content.decode()
    client.force_login(people.decider)
    client.post(
        step(case, "decide"),
        {
            "decide-decision_kind": "penalty",
            "decide-decision_no": "N",
            "decide-text": "t",
            "decide-fine_amount_cny": "1",
        },
        **EN,
    )
    case.refresh_from_db()
    assert case.status == "investigating"
    assert client.post(step(case, "nonsense"), {}, **EN).status_code == 404


def test_assigning_from_the_page(client, people):
    case = opened(people)
    newcomer = UserFactory(username="zj_newcomer", bureau=people.world.zj)
    client.force_login(people.admin)
    client.post(
        reverse("anticounterfeit:case_assign", args=[case.pk]),
        {"assign-user": newcomer.pk, "assign-duty": "handler", "assign-reason": "增派"},
        **EN,
    )
    assert case.assignments.filter(user=newcomer, duty="handler", ended_at__isnull=True).exists()
    response = client.post(
        reverse("anticounterfeit:case_assign", args=[case.pk]),
        {"assign-user": people.reviewer.pk, "assign-duty": "decider", "assign-reason": "x", "assign-replace": "on"},
        follow=True,
        **EN,
    )
    assert "another duty" in response.content.decode()
    assignment = case.assignments.get(user=newcomer)
    client.post(
        reverse("anticounterfeit:case_unassign", args=[case.pk]),
        {"unassign-assignment": assignment.pk, "unassign-reason": "调岗"},
        **EN,
    )
    assignment.refresh_from_db()
    assert assignment.ended_at is not None
    client.force_login(people.handler)
    client.post(
        reverse("anticounterfeit:case_assign", args=[case.pk]),
        {"assign-user": newcomer.pk, "assign-duty": "handler"},
        **EN,
    )
    assert not case.assignments.filter(user=newcomer, ended_at__isnull=True).exists()


def test_access_to_the_case_page_per_role(client, people):
    case = opened(people)
    world = people.world
    for user, code in (
        (people.handler2, 200),
        (world.zj_admin, 200),
        (world.hq, 200),
        (UserFactory(username="zj_other", bureau=world.zj), 404),
        (world.gd_inspector, 404),
        (world.alice, 404),
    ):
        assert page(client, user, detail(case)).status_code == code, user.username
    client.logout()
    assert client.get(detail(case)).status_code == 302  # to the sign-in page


def test_the_case_page_costs_a_fixed_number_of_queries(client, people, django_assert_max_num_queries):
    case = at_notice(people, served_at=timezone.now(), hearing_waived=True)
    client.force_login(people.decider)
    with django_assert_max_num_queries(60) as few:
        assert client.get(detail(case), **EN).status_code == 200
    for n in range(2, 6):
        add_evidence(case, people.handler, number=n)
    for _ in range(3):
        case.assignments.create(user=UserFactory(bureau=people.world.zj), duty="handler")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(detail(case), **EN).status_code == 200


def test_a_handler_links_more_from_the_case_page(people, client):
    from risk_monitoring.models import RiskSignal

    case = opened(people)
    signal = RiskSignal.objects.create(source="complaint", title="假冒投诉", competent_bureau=people.world.zj)
    client.force_login(people.handler)
    page = client.get(case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert b'data-testid="case-links-form"' in page.content
    response = client.post(f"/anticounterfeit/cases/{case.pk}/links/", {"links-signals": str(signal.pk)})
    assert response.status_code == 302
    assert list(case.signals.all()) == [signal]
    # Someone not on the case: 404, nothing linked.
    client.force_login(people.world.gd_inspector)
    other = RiskSignal.objects.create(source="complaint", title="另一投诉", competent_bureau=people.world.zj)
    assert client.post(f"/anticounterfeit/cases/{case.pk}/links/", {"links-signals": str(other.pk)}).status_code == 404
    assert list(case.signals.all()) == [signal]
