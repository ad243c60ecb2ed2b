"""Accounts that need a filing: ``account_provision`` drafts or joins it; ``account_upsert`` takes it resolved."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.services import account_upsert, bureau_by_code
from filings.models import EnterpriseFiling
from filings.services import account_provision, enterprise_for_account
from tests.factories import make_uscc

pytestmark = pytest.mark.django_db


def test_a_refused_account_leaves_no_draft_filing_behind():
    uscc = make_uscc("330212")
    with pytest.raises(ValidationError) as caught:
        account_provision(
            actor="test", username="nb", password="", role="enterprise", enterprise_uscc=uscc, enterprise_name="某公司"
        )
    assert "password" in caught.value.message_dict
    assert not EnterpriseFiling.objects.filter(uscc=uscc).exists()


def test_an_enterprise_account_needs_its_filing(world):
    with pytest.raises(ValidationError) as caught:
        account_upsert(actor="test", username="u", password="pw-12345", role="enterprise")
    assert "enterprise" in caught.value.message_dict
    user, created = account_upsert(
        actor="test", username="u", password="pw-12345", role="enterprise", enterprise=world.alice_co, bureau=world.zj
    )
    assert created and user.enterprise == world.alice_co and user.bureau is None


def test_a_staff_account_drops_an_enterprise_given_to_it(world):
    user, _created = account_upsert(
        actor="test", username="s", password="pw-12345", role="inspector", bureau=world.zj, enterprise=world.alice_co
    )
    assert user.bureau == world.zj and user.enterprise is None


def test_the_filing_for_an_account_is_found_by_credit_code_or_drafted(world):
    assert enterprise_for_account(actor="test", uscc=world.alice_co.uscc) == world.alice_co
    uscc = make_uscc("440104")
    drafted = enterprise_for_account(actor="test", uscc=uscc, name="广州某公司", bureau=bureau_by_code("nb"))
    assert drafted.status == "draft" and drafted.bureau.code == "NB" and drafted.region_code == "440104"


def test_an_unknown_bureau_code_is_refused_on_the_bureau_field():
    with pytest.raises(ValidationError) as caught:
        bureau_by_code("XX")
    assert list(caught.value.message_dict) == ["bureau"]
