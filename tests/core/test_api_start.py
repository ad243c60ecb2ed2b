"""Issue 9, section 8: the API is easy to start with. A getting-started page in both languages, linked
from every signed-in user's navigation (enterprises too), and a schema whose titles are in the
language asked for."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.pages import browser_as

pytestmark = pytest.mark.django_db

SECTIONS = ("token", "list", "pages", "declare", "errors", "language")


@pytest.mark.parametrize(
    ("language", "heading", "foreign"), [("zh-hans", "获取令牌", "Get a token"), ("en", "Get a token", "获取令牌")]
)
def test_the_getting_started_page_is_written_in_each_language(language, heading, foreign):
    page = Client().get(reverse("api-start"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert heading in page and foreign not in page
    for section in SECTIONS:
        assert f'id="{section}"' in page
    assert "http://testserver/api/v1/auth/token/" in page and "/api/v1/import-batches/" in page
    assert reverse("api-docs") in page


@pytest.mark.parametrize("user", ["alice", "zj_inspector", "hq"])
def test_every_signed_in_user_has_the_api_in_the_navigation(world, user):
    page = browser_as(getattr(world, user)).get(reverse("home")).content.decode()
    assert 'data-testid="nav-api"' in page and reverse("api-start") in page


def test_schema_titles_come_in_the_language_asked_for():
    def titles(language: str) -> list[str]:
        schema = Client().get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE=language).json()
        found: list[str] = []

        def walk(node):
            if isinstance(node, dict):
                for key, value in node.items():
                    if key == "title" and isinstance(value, str):
                        found.append(value)
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(schema["components"])
        return found

    cjk = re.compile(r"[\u3400-\u9fff]")
    assert not [t for t in titles("en") if cjk.search(t)]
    # Chinese titles, but for names that are the same in both (SHA-256, GTIN, CAS …: no letters to translate)
    latin = [t for t in titles("zh-hans") if not cjk.search(t) and re.search(r"[a-z]{3}", t)]
    assert latin == []
