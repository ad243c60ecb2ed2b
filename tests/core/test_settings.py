"""Settings come from the environment; production refuses to start without a secret key."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.conf import settings

from cbec_supervision.env import ConfigurationError, env_secret

PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], 'name': str(settings.DATABASES['default']"
    "['NAME']), 'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'debug': settings.DEBUG, 'lang': settings.LANGUAGE_CODE, "
    "'tz': settings.TIME_ZONE, 'hosts': settings.ALLOWED_HOSTS, 'ssl': settings.SECURE_SSL_REDIRECT, "
    "'media': str(settings.MEDIA_ROOT)}))"
)


def probe(env: dict) -> subprocess.CompletedProcess:
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "cbec_supervision.settings"}
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env={**base, **env},
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_debug_off_without_a_secret_key_refuses_to_start_with_one_line():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "0"},
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "configuration error: SECRET_KEY is not set: refusing to start with DEBUG off (set SECRET_KEY or DEBUG=1)"
    ]


def test_the_deploy_check_with_only_the_required_settings_warns_of_nothing_but_tls_at_the_proxy():
    """The contract: DEBUG=0, a 50-character SECRET_KEY and ALLOWED_HOSTS, and only security.W008 remains."""
    import re
    import secrets

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50)[:50],
            "ALLOWED_HOSTS": "cbec.example.gov.cn",
        },
        check=False,
    )
    output = result.stdout + result.stderr
    assert re.findall(r"\(([\w.]+\.[EW]\d+)\)", output) == ["security.W008"], output


def test_defaults_are_sqlite_under_var_eager_tasks_chinese_and_shanghai_time():
    result = probe({"DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout)
    assert conf["engine"] == "django.db.backends.sqlite3" and conf["name"].endswith("var/cbec.sqlite3")
    assert conf["eager"] is True and conf["debug"] is True
    assert conf["lang"] == "zh-hans" and conf["tz"] == "Asia/Shanghai"
    assert conf["ssl"] is False


def test_the_environment_sets_database_broker_hosts_and_media():
    result = probe(
        {
            "SECRET_KEY": "k" * 50,
            "DEBUG": "0",
            "DATABASE_URL": "postgres://u:p@db.example:5432/cbec",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
            "ALLOWED_HOSTS": "cbec.example.gov.cn,127.0.0.1",
            "MEDIA_ROOT": "/srv/cbec/media",
            "SECURE_SSL_REDIRECT": "1",
        }
    )
    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout)
    assert conf["engine"] == "django.db.backends.postgresql" and conf["name"] == "cbec"
    assert conf["eager"] is False and conf["debug"] is False
    assert conf["hosts"] == ["cbec.example.gov.cn", "127.0.0.1"]
    assert conf["media"] == "/srv/cbec/media" and conf["ssl"] is True


def test_a_malformed_boolean_is_refused_with_its_name():
    result = probe({"DEBUG": "maybe"})
    assert result.returncode != 0 and "DEBUG must be one of" in result.stderr


# --- secrets from files (Docker secrets): <NAME>_FILE names a file holding the value -------------


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("CBEC_TEST_SECRET", "CBEC_TEST_SECRET_FILE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_a_secret_is_read_from_the_file_its_file_variable_names_without_the_trailing_newline(clean_env, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret value\n", encoding="utf-8")
    clean_env.setenv("CBEC_TEST_SECRET_FILE", str(secret))
    assert env_secret("CBEC_TEST_SECRET") == "s3cret value"


def test_a_secret_set_directly_is_read_as_before_and_the_default_applies_when_neither_is_set(clean_env):
    assert env_secret("CBEC_TEST_SECRET", "fallback") == "fallback"
    clean_env.setenv("CBEC_TEST_SECRET", "direct")
    assert env_secret("CBEC_TEST_SECRET", "fallback") == "direct"


def test_a_secret_given_both_ways_is_refused(clean_env, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from the file", encoding="utf-8")
    clean_env.setenv("CBEC_TEST_SECRET", "direct")
    clean_env.setenv("CBEC_TEST_SECRET_FILE", str(secret))
    with pytest.raises(ConfigurationError, match="CBEC_TEST_SECRET and CBEC_TEST_SECRET_FILE are both set"):
        env_secret("CBEC_TEST_SECRET")


def test_an_empty_direct_value_beside_a_file_counts_as_not_given(clean_env, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from the file\n", encoding="utf-8")
    clean_env.setenv("CBEC_TEST_SECRET", "")
    clean_env.setenv("CBEC_TEST_SECRET_FILE", str(secret))
    assert env_secret("CBEC_TEST_SECRET") == "from the file"


@pytest.mark.parametrize(("content", "message"), [(None, "cannot read"), ("\n", "is empty"), (b"\xff\xfe", "UTF-8")])
def test_a_missing_empty_or_binary_secret_file_is_refused_with_its_name(clean_env, tmp_path, content, message):
    secret = tmp_path / "secret"
    if isinstance(content, bytes):
        secret.write_bytes(content)
    elif content is not None:
        secret.write_text(content, encoding="utf-8")
    clean_env.setenv("CBEC_TEST_SECRET_FILE", str(secret))
    with pytest.raises(ConfigurationError, match=f"CBEC_TEST_SECRET_FILE: .*{message}"):
        env_secret("CBEC_TEST_SECRET")


def test_the_secret_key_database_and_broker_come_from_files(tmp_path):
    files = {
        "SECRET_KEY_FILE": "k" * 50 + "\n",
        "DATABASE_URL_FILE": "postgres://u:p@db.example:5432/cbec_from_file\n",
        "REDIS_URL_FILE": "redis://127.0.0.1:6379/4\n",
    }
    env = {"DEBUG": "0"}
    for name, content in files.items():
        path = tmp_path / name.lower()
        path.write_text(content, encoding="utf-8")
        env[name] = str(path)
    result = probe(env)
    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout)
    assert conf["engine"] == "django.db.backends.postgresql" and conf["name"] == "cbec_from_file"
    assert conf["eager"] is False and conf["debug"] is False


def test_a_secret_key_given_both_ways_refuses_to_start_with_one_line(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("k" * 50, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "0", "SECRET_KEY": "x" * 50, "SECRET_KEY_FILE": str(path)},
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "configuration error: SECRET_KEY and SECRET_KEY_FILE are both set; give one of them"
    ]
