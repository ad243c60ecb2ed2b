"""Issue 9 §1: accounts are managed in the app. Services, scope per role, audit, password policy,
idle sessions, the one-time password flow and the sign-in record."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import services
from accounts.choices import AccountRole, Role
from accounts.middleware import LAST_ACTIVITY_KEY
from accounts.models import LoginRecord, User
from accounts.passwords import ComplexityValidator, character_classes, one_time_password
from cbec_supervision.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Brand-new-pass-2027"


def _events(user):
    return AuditEvent.objects.filter(object_id=str(user.pk), content_type__model="user").order_by("pk")


def _sign_in(username: str, password: str) -> Client | None:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return client if response.status_code == 302 else None


def _no_password_in(event) -> None:
    text = repr(event.before) + repr(event.after)
    assert "pbkdf2" not in text and "argon2" not in text and "'password':" not in text


# --- services -----------------------------------------------------------------------------------


def test_a_bureau_admin_creates_an_inspector_with_a_one_time_password_to_change(world):
    created = services.account_create(
        actor=world.zj_admin, username="zj_new", role=AccountRole.INSPECTOR, bureau=world.zj, last_name="王"
    )
    user = created.user
    assert user.role == Role.INSPECTOR and user.bureau == world.zj and user.must_change_password
    assert created.one_time_password and user.check_password(created.one_time_password)
    assert list(user.groups.values_list("name", flat=True)) == [Role.INSPECTOR]
    event = _events(user).get()
    assert event.action == "create" and event.actor == world.zj_admin
    _no_password_in(event)
    assert created.one_time_password not in repr(event.after)


def test_a_bureau_admin_may_not_give_the_hq_role_nor_a_bureau_outside_their_jurisdiction(world):
    with pytest.raises(PermissionDenied):
        services.account_create(actor=world.zj_admin, username="x1", role=AccountRole.HQ)
    with pytest.raises(PermissionDenied):
        services.account_create(actor=world.zj_admin, username="x2", role=AccountRole.INSPECTOR, bureau=world.gd)
    assert not User.objects.filter(username__in=["x1", "x2"]).exists()


def test_inspectors_and_plain_enterprise_users_manage_no_account(world):
    colleague = UserFactory(username="alice2", role=Role.ENTERPRISE, bureau=None, enterprise=world.alice_co)
    assert not colleague.is_enterprise_admin and world.alice.is_enterprise_admin
    for actor in (world.zj_inspector, colleague):
        with pytest.raises(PermissionDenied):
            services.account_create(actor=actor, username="x3", role=AccountRole.ENTERPRISE)


def test_headquarters_creates_accounts_for_any_bureau_and_hq_accounts(world):
    gd = services.account_create(actor=world.hq, username="gd_admin", role=AccountRole.BUREAU_ADMIN, bureau=world.gd)
    boss = services.account_create(actor=world.hq, username="boss", role=AccountRole.HQ)
    assert gd.user.bureau == world.gd and boss.user.role == Role.HQ and boss.user.is_staff


def test_nobody_changes_their_own_role_or_access_and_others_are_out_of_reach(world):
    with pytest.raises(PermissionDenied):
        services.account_role_set(actor=world.zj_admin, user=world.zj_admin, role=AccountRole.INSPECTOR)
    with pytest.raises(PermissionDenied):
        services.account_active_set(actor=world.zj_admin, user=world.zj_admin, active=False, reason="x")
    with pytest.raises(Http404):  # another bureau's inspector
        services.account_role_set(actor=world.zj_admin, user=world.gd_inspector, role=AccountRole.BUREAU_ADMIN)
    with pytest.raises(Http404):  # headquarters
        services.account_password_reset(actor=world.zj_admin, user=world.hq)
    with pytest.raises(Http404):  # another enterprise
        services.account_active_set(actor=world.alice, user=world.bob, active=False, reason="x")


def test_a_role_change_is_audited_with_before_and_after(world):
    services.account_role_set(
        actor=world.zj_admin, user=world.zj_inspector, role=AccountRole.BUREAU_ADMIN, reason="new section head"
    )
    world.zj_inspector.refresh_from_db()
    assert world.zj_inspector.role == Role.BUREAU_ADMIN
    assert list(world.zj_inspector.groups.values_list("name", flat=True)) == [Role.BUREAU_ADMIN]
    event = _events(world.zj_inspector).last()
    assert event.before["role"] == Role.INSPECTOR and event.after["role"] == Role.BUREAU_ADMIN
    assert event.reason == "new section head"
    _no_password_in(event)


def test_deactivation_needs_a_reason_stops_sign_in_and_drops_the_token_and_reactivation_restores(world):
    Token.objects.create(user=world.zj_inspector)
    with pytest.raises(ValidationError):
        services.account_active_set(actor=world.zj_admin, user=world.zj_inspector, active=False, reason=" ")
    services.account_active_set(actor=world.zj_admin, user=world.zj_inspector, active=False, reason="left")
    world.zj_inspector.refresh_from_db()
    assert not world.zj_inspector.is_active and not Token.objects.filter(user=world.zj_inspector).exists()
    assert _sign_in("zj_inspector", DEFAULT_PASSWORD) is None
    services.account_active_set(actor=world.zj_admin, user=world.zj_inspector, active=True, reason="back")
    assert [e.action for e in _events(world.zj_inspector)] == ["suspend", "reinstate"]
    assert _sign_in("zj_inspector", DEFAULT_PASSWORD) is not None


def test_a_password_reset_gives_a_one_time_password_never_audited(world):
    password = services.account_password_reset(actor=world.zj_admin, user=world.zj_inspector)
    world.zj_inspector.refresh_from_db()
    assert world.zj_inspector.check_password(password) and world.zj_inspector.must_change_password
    event = _events(world.zj_inspector).last()
    assert event.after["password_reset"] is True and password not in repr(event.after)
    _no_password_in(event)


def test_an_enterprise_administrator_manages_colleagues_with_the_enterprise_roles_only(world):
    created = services.account_create(actor=world.alice, username="alice2", role=AccountRole.ENTERPRISE)
    assert created.user.enterprise == world.alice_co and not created.user.is_enterprise_admin
    with pytest.raises(PermissionDenied):
        services.account_create(actor=world.alice, username="alice3", role=AccountRole.INSPECTOR, bureau=world.zj)
    services.account_role_set(actor=world.alice, user=created.user, role=AccountRole.ENTERPRISE_ADMIN)
    created.user.refresh_from_db()
    assert created.user.is_enterprise_admin and created.user.manages_accounts
    assert set(User.objects.manageable_by(world.alice)) == {world.alice, created.user}


def test_the_first_account_of_an_enterprise_administers_it(world):
    from filings.services import enterprise_signup

    user = enterprise_signup(
        uscc="91330106MA2B3C4D5D",
        name="Carol Co",
        region_code="330106",
        contact_name="Carol",
        contact_phone="13800000000",
        email="",
        username="carol",
        password="Carol-pass-2026",
    )
    assert user.is_enterprise_admin and not user.must_change_password


def test_create_account_goes_through_the_same_service_and_needs_no_change(world):
    call_command(
        "create_account", "--username", "op", "--password", "pw-12345", "--role", "inspector", "--bureau", "ZJ"
    )
    user = User.objects.get(username="op")
    assert user.role == Role.INSPECTOR and not user.must_change_password
    assert _events(user).get().action == "create"


def test_scope_of_each_manager(world):
    assert set(User.objects.manageable_by(world.zj_admin)) == {world.zj_admin, world.zj_inspector}
    assert world.gd_inspector in User.objects.manageable_by(world.hq)
    assert world.alice not in User.objects.manageable_by(world.hq)
    assert not User.objects.manageable_by(world.zj_inspector).exists()


# --- password policy ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short-A1", False),
        ("alllowercaseletters", False),
        ("lowerUPPERonly", False),
        ("lowerUPPER123", True),
        ("lower-digits-123", True),
    ],
)
def test_passwords_need_ten_characters_from_three_classes(password, ok):
    validator = ComplexityValidator(min_length=10, min_classes=3)
    if ok:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError):
            validator.validate(password)


def test_the_rule_is_configurable_and_one_time_passwords_always_pass_it(settings):
    assert settings.AUTH_PASSWORD_VALIDATORS[-1]["OPTIONS"] == {"min_length": 10, "min_classes": 3}
    ComplexityValidator(min_length=4, min_classes=1).validate("abcd")
    for _ in range(50):
        password = one_time_password(14)
        assert len(password) == 14 and character_classes(password) == 4


# --- pages per role -----------------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("username", "expected"),
    [("hq", 200), ("zj_admin", 200), ("alice", 200), ("zj_inspector", 403), ("bob_colleague", 403)],
)
def test_the_account_list_is_for_administrators(world, username, expected):
    if username == "bob_colleague":
        user = UserFactory(username=username, role=Role.ENTERPRISE, bureau=None, enterprise=world.bob_co)
    else:
        user = getattr(world, username)
    assert _client(user).get("/accounts/users/").status_code == expected


@pytest.mark.parametrize(
    ("username", "expected"),
    [("hq", 200), ("zj_admin", 200), ("gd_admin", 404), ("zj_inspector", 403), ("alice", 404)],
)
def test_an_account_page_is_404_outside_scope(world, username, expected):
    if username == "gd_admin":
        user = UserFactory(username=username, role=Role.BUREAU_ADMIN, bureau=world.gd)
    else:
        user = getattr(world, username)
    client = _client(user)
    assert client.get(f"/accounts/users/{world.zj_inspector.pk}/").status_code == expected
    response = client.post(f"/accounts/users/{world.zj_inspector.pk}/password/")
    assert response.status_code == expected
    world.zj_inspector.refresh_from_db()
    assert world.zj_inspector.must_change_password == (expected == 200)


def test_raising_a_role_above_ones_own_is_refused(world):
    response = _client(world.zj_admin).post(
        f"/accounts/users/{world.zj_inspector.pk}/role/", {"role": "hq", "bureau": world.zj.pk}
    )
    assert response.status_code == 400
    world.zj_inspector.refresh_from_db()
    assert world.zj_inspector.role == Role.INSPECTOR
    own = _client(world.zj_admin).post(f"/accounts/users/{world.zj_admin.pk}/active/", {"reason": "bye"})
    assert own.status_code == 403


def test_the_create_page_shows_the_one_time_password_once(world):
    client = _client(world.zj_admin)
    response = client.post(
        "/accounts/users/new/", {"username": "zj_new", "role": "inspector", "bureau": world.zj.pk, "email": ""}
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    password = response.context["one_time_password"]
    assert User.objects.get(username="zj_new").check_password(password)
    assert password not in client.get(f"/accounts/users/{User.objects.get(username='zj_new').pk}/").content.decode()


def test_the_account_list_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    client = _client(world.hq)
    for n in range(30):
        UserFactory(username=f"zj_i{n}", role=Role.INSPECTOR, bureau=world.zj)
    with django_assert_max_num_queries(12):
        response = client.get("/accounts/users/")
    assert response.status_code == 200 and b"zj_i1" in response.content


# --- the one-time password flow, sign-ins, idle sessions ------------------------------------------


def test_an_account_with_a_one_time_password_must_change_it_before_anything_else(world):
    password = services.account_password_reset(actor=world.zj_admin, user=world.zj_inspector)
    client = _sign_in("zj_inspector", password)
    assert client is not None
    assert client.get("/").url == "/accounts/password_change/"
    assert client.get("/api/v1/enterprises/").status_code == 403
    token = Token.objects.create(user=world.zj_inspector)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    refused = api.get("/api/v1/enterprises/")
    assert refused.status_code == 403 and "password" in refused.json()["detail"]
    response = client.post(
        "/accounts/password_change/",
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    world.zj_inspector.refresh_from_db()
    assert not world.zj_inspector.must_change_password and world.zj_inspector.check_password(NEW_PASSWORD)
    assert client.get("/").status_code == 200  # still signed in
    assert api.get("/api/v1/enterprises/").status_code == 200
    assert _events(world.zj_inspector).last().after["password_changed"] is True


def test_a_new_password_must_follow_the_policy(world):
    client = _client(world.zj_inspector)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": DEFAULT_PASSWORD, "new_password1": "simple", "new_password2": "simple"},
    )
    assert response.status_code == 200 and response.context["form"].errors["new_password2"]


def test_sign_ins_are_recorded_with_the_proxys_client_address_and_shown(world, settings):
    settings.NUM_PROXIES = 1
    client = Client(HTTP_USER_AGENT="TestBrowser/1.0", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    response = client.post("/accounts/login/", {"username": "zj_inspector", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    record = LoginRecord.objects.get(user=world.zj_inspector)
    assert record.ip_address == "203.0.113.9" and record.user_agent == "TestBrowser/1.0"
    page = client.get("/accounts/me/").content.decode()
    assert "203.0.113.9" in page


def test_a_session_ends_after_the_idle_time_staff_sooner_than_enterprises(world, settings):
    settings.SESSION_IDLE_MINUTES = 30
    settings.SESSION_IDLE_MINUTES_ENTERPRISE = 120
    for user, idle_minutes, signed_out in (
        (world.zj_inspector, 31, True),
        (world.alice, 31, False),
        (world.alice, 121, True),
    ):
        client = _client(user)
        assert client.get("/").status_code == 200
        session = client.session
        session[LAST_ACTIVITY_KEY] = time.time() - idle_minutes * 60
        session.save()
        response = client.get("/")
        assert (response.status_code == 302 and "/accounts/login/" in response.url) == signed_out, (user, idle_minutes)


def test_only_the_enterprise_administrator_adds_colleagues_on_the_enterprise_page_and_the_api(world):
    colleague = UserFactory(username="alice2", role=Role.ENTERPRISE, bureau=None, enterprise=world.alice_co)
    page = _client(colleague).get(f"/filings/enterprises/{world.alice_co.pk}/").content.decode()
    assert 'data-testid="colleague-form"' not in page
    assert (
        'data-testid="colleague-form"'
        in _client(world.alice).get(f"/filings/enterprises/{world.alice_co.pk}/").content.decode()
    )
    api = APIClient()
    api.force_authenticate(colleague)
    body = {"username": "alice3", "password": "Another-pass-2026"}
    assert api.post(f"/api/v1/enterprises/{world.alice_co.pk}/users/", body, format="json").status_code == 403
    assert not User.objects.filter(username="alice3").exists()


@pytest.mark.parametrize(
    ("given", "family", "expected"),
    [("小明", "王", "王小明"), ("Anna", "Schmidt", "Anna Schmidt"), ("", "王", "王"), ("Anna", "", "Anna")],
)
def test_names_are_written_as_their_language_writes_them(given, family, expected):
    from accounts.models import User

    assert User(first_name=given, last_name=family).get_full_name() == expected
