"""Settings come from the environment; production refuses to start without a secret key."""

from __future__ import annotations

import json
import subprocess
import sys

from django.conf import settings

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
