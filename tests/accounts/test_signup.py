"""Enterprise self-registration at /accounts/signup/: a user, a draft filing, the competent bureau."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling
from tests.factories import EnterpriseFilingFactory, make_uscc

pytestmark = pytest.mark.django_db

URL = "/accounts/signup/"


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def signup_data(**overrides) -> dict:
    data = {
        "uscc": make_uscc("440104"),
        "name": "广州新跨境贸易有限公司",
        "region_code": "330106",
        "contact_name": "刘洋",
        "contact_phone": "13912345678",
        "email": "liu@example.cn",
        "username": "liuyang",
        "password": "Kuajing-2026!",
        "password_confirm": "Kuajing-2026!",
    }
    data.update(overrides)
    return data


def test_the_route_is_public_and_named(client):
    assert reverse("accounts:signup") == URL
    response = client.get(URL)
    assert response.status_code == 200
    assert 'data-testid="signup-form"' in response.content.decode()


def test_signup_creates_a_draft_filing_and_its_user_with_the_bureau_of_the_region_code(client):
    response = client.post(URL, signup_data(), follow=True)
    user = User.objects.get(username="liuyang")
    filing = user.enterprise
    assert user.is_enterprise_user and user.bureau is None and user.email == "liu@example.cn"
    assert filing.status == FilingStatus.DRAFT and filing.name == "广州新跨境贸易有限公司"
    # The region code given (Hangzhou) decides, not the one inside the credit code (Guangzhou).
    assert filing.region_code == "330106" and filing.bureau.code == "ZJ"
    assert filing.contact_name == "刘洋" and filing.contact_phone == "13912345678"
    # Signed in, on the filing to complete.
    assert response.redirect_chain[-1][0] == filing.get_absolute_url()
    assert response.context["user"] == user
    assert "complete it and submit it for review" in " ".join(str(m) for m in response.context["messages"])


def test_without_a_region_code_the_one_in_the_credit_code_is_used(client):
    client.post(URL, signup_data(region_code=""))
    filing = User.objects.get(username="liuyang").enterprise
    assert filing.region_code == "440104" and filing.bureau.code == "GD"


def test_a_credit_code_already_on_file_is_refused_pointing_to_colleagues(client, world):
    response = client.post(URL, signup_data(uscc=world.alice_co.uscc))
    assert response.status_code == 200
    errors = response.context["form"].errors["uscc"]
    assert "already registered" in errors[0] and "Colleagues" in errors[0]
    assert not User.objects.filter(username="liuyang").exists()
    assert EnterpriseFiling.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("uscc", "91330106ABCDEFGH", "18 characters"),
        ("uscc", "wrong check character", "check character"),
        ("contact_phone", "12345", "mainland phone number"),
        ("region_code", "33010", "six digits"),
        ("region_code", "990000", "No competent bureau"),
        ("password", "12345678", "entirely numeric"),
        ("email", "not-an-email", "valid email"),
    ],
)
def test_bad_input_is_refused_on_its_field(client, field, value, message):
    if value == "wrong check character":
        good = make_uscc("330106")
        value = good[:-1] + ("1" if good[-1] != "1" else "2")
    data = signup_data(**{field: value})
    if field == "password":
        data["password_confirm"] = value
    response = client.post(URL, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(message in e for e in errors[field]), errors[field]
    assert not User.objects.filter(username="liuyang").exists()
    assert not EnterpriseFiling.objects.exists()


def test_the_passwords_must_match(client):
    response = client.post(URL, signup_data(password_confirm="Something-else-1"))
    assert response.context["form"].errors["password_confirm"] == ["The two passwords differ."]


def test_a_taken_username_is_refused(client, world):
    response = client.post(URL, signup_data(username="alice"))
    assert "taken" in response.context["form"].errors["username"][0]
    assert EnterpriseFiling.objects.count() == 2


def test_several_errors_show_at_once(client):
    response = client.post(URL, signup_data(uscc="123", contact_phone="1", password="1", password_confirm="1"))
    assert {"uscc", "contact_phone"} <= set(response.context["form"].errors)


def test_a_signed_in_user_is_sent_home(world):
    client = Client()
    client.force_login(world.alice)
    assert client.get(URL)["Location"] == "/"


def test_the_login_page_links_here(client):
    assert f'href="{URL}"' in client.get(reverse("accounts:login")).content.decode()


def test_an_existing_enterprise_factory_filing_blocks_its_credit_code(client):
    filing = EnterpriseFilingFactory()
    response = client.post(URL, signup_data(uscc=filing.uscc.lower()))
    assert "uscc" in response.context["form"].errors
