"""create_account, load_reference_data and seed_demo, as the contract states them."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.models import Bureau, BureauRegion, User
from cbec_supervision.models import AuditEvent
from filings.models import EnterpriseFiling
from tests.factories import make_uscc

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_reference_data_has_headquarters_and_the_35_direct_bureaus():
    assert Bureau.objects.filter(level="hq").count() == 1
    direct = Bureau.objects.filter(level="direct")
    assert direct.count() == 35
    assert set(direct.values_list("parent__code", flat=True)) == {"HQ"}
    assert Bureau.objects.get(code="NB").name == "宁波出入境检验检疫局"


def test_every_province_and_the_four_city_bureaus_have_regions():
    provinces = {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
    }
    assert provinces <= set(BureauRegion.objects.values_list("prefix", flat=True))
    cities = dict(
        BureauRegion.objects.filter(prefix__in=["3302", "3502", "4403", "4404"]).values_list("prefix", "bureau__code")
    )
    assert cities == {"3302": "NB", "3502": "XM", "4403": "SZ", "4404": "ZH"}


def test_loading_reference_data_again_changes_nothing():
    events = AuditEvent.objects.count()
    out = run("load_reference_data")
    assert "0 created, 0 updated" in out
    assert Bureau.objects.count() == 36 and AuditEvent.objects.count() == events


def test_create_account_makes_an_inspector_of_a_bureau():
    out = run("create_account", "--username", "li", "--password", "pw-12345", "--role", "inspector", "--bureau", "SZ")
    user = User.objects.get(username="li")
    assert "created li" in out
    assert user.role == "inspector" and user.bureau.code == "SZ" and user.check_password("pw-12345")
    assert list(user.groups.values_list("name", flat=True)) == ["inspector"]
    assert AuditEvent.objects.for_object(user).get().actor_label == "command:create_account"


def test_create_account_again_updates_password_and_role():
    run("create_account", "--username", "li", "--password", "first-pass", "--role", "inspector", "--bureau", "SZ")
    out = run(
        "create_account", "--username", "li", "--password", "second-pass", "--role", "bureau_admin", "--bureau", "SZ"
    )
    user = User.objects.get(username="li")
    assert "updated li" in out and User.objects.filter(username="li").count() == 1
    assert user.role == "bureau_admin" and user.check_password("second-pass")
    assert list(user.groups.values_list("name", flat=True)) == ["bureau_admin"]


def test_hq_may_omit_the_bureau():
    run("create_account", "--username", "boss", "--password", "pw-12345", "--role", "hq")
    assert User.objects.get(username="boss").bureau.code == "HQ"


def test_an_enterprise_account_creates_a_draft_filing_with_the_bureau_of_its_region():
    uscc = make_uscc("330212")  # Ningbo
    run(
        "create_account",
        "--username",
        "nb",
        "--password",
        "pw-12345",
        "--role",
        "enterprise",
        "--enterprise",
        uscc,
        "--enterprise-name",
        "宁波测试贸易有限公司",
    )
    filing = EnterpriseFiling.objects.get(uscc=uscc)
    assert filing.status == "draft" and filing.bureau.code == "NB" and filing.region_code == "330212"
    assert User.objects.get(username="nb").enterprise == filing


def test_an_enterprise_account_joins_an_existing_filing(world):
    run(
        "create_account",
        "--username",
        "alice2",
        "--password",
        "pw-12345",
        "--role",
        "enterprise",
        "--enterprise",
        world.alice_co.uscc,
    )
    assert User.objects.get(username="alice2").enterprise == world.alice_co
    assert EnterpriseFiling.objects.filter(uscc=world.alice_co.uscc).count() == 1


def test_the_bureau_given_overrides_the_region_for_a_new_filing():
    uscc = make_uscc("330106")
    run(
        "create_account",
        "--username",
        "x",
        "--password",
        "pw-12345",
        "--role",
        "enterprise",
        "--enterprise",
        uscc,
        "--enterprise-name",
        "某公司",
        "--bureau",
        "NB",
    )
    assert EnterpriseFiling.objects.get(uscc=uscc).bureau.code == "NB"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "inspector"], "need a bureau"),
        (["--role", "inspector", "--bureau", "XX"], "Unknown bureau"),
        (["--role", "inspector", "--bureau", "HQ"], "hq role"),
        (["--role", "enterprise"], "credit code"),
        (["--role", "enterprise", "--enterprise", "91330106MA2CB7K3X9"], "check character"),
        (["--role", "enterprise", "--enterprise", "91330100MA2CB7K3X8"], "give its name"),
    ],
)
def test_create_account_refuses_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_account", "--username", "u", "--password", "pw-12345", *args)
    assert not User.objects.filter(username="u").exists()


def test_bad_input_on_the_command_line_is_one_line_and_no_traceback():
    result = subprocess.run(
        [sys.executable, "manage.py", "create_account", "--username", "u", "--password", "p", "--role", "pilot"],
        capture_output=True,
        text=True,
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin"},
        check=False,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert "pilot" in result.stderr


def test_seed_demo_is_idempotent():
    run("seed_demo")
    counts = (User.objects.count(), EnterpriseFiling.objects.count(), AuditEvent.objects.count())
    out = run("seed_demo")
    assert (User.objects.count(), EnterpriseFiling.objects.count(), AuditEvent.objects.count()) == counts
    assert "Demo-2026!" in out and "zj_inspector" in out
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {"hq", "bureau_admin", "inspector", "enterprise"}
    staff_bureaus = set(User.objects.filter(role="inspector").values_list("bureau__code", flat=True))
    assert staff_bureaus == {"ZJ", "GD"}
