"""Django's sign-in signal, handed to the service that records it."""

from __future__ import annotations

from accounts.services import login_record
from cbec_supervision.security import client_ip


def record_login(sender, request, user, **kwargs) -> None:  # noqa: ARG001 - the signal's signature
    if request is None:  # a test client's force_login, or a sign-in without a request
        return
    login_record(user=user, ip_address=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""))
