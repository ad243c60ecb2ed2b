"""Helpers of the page tests: a browser signed in as someone, the messages shown, who gets what status."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


ANON = None


def browser_as(user) -> Client:
    """A client that reads the pages in English, signed in as ``user`` (None: anonymous)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def expected_status(role, visible: set[str]) -> int:
    return 302 if role is ANON else 200 if role in visible else 404


def decide(user, filing, action, reason=None, follow=True):
    data = {} if reason is None else {"reason": reason}
    return browser_as(user).post(reverse("filings:enterprise_decide", args=[filing.pk, action]), data, follow=follow)
