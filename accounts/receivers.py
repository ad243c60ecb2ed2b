"""Django's sign-in signal, handed to the service that records it."""

from __future__ import annotations

import time

from accounts.middleware import LAST_ACTIVITY_KEY
from accounts.services import login_record
from cbec_supervision.security import client_ip


def record_login(sender, request, user, **kwargs) -> None:  # noqa: ARG001 - the signal's signature
    if request is None:  # a sign-in without a request
        return
    session = getattr(request, "session", None)
    if session is not None:
        # The idle clock starts at sign-in (saved with the new session, so the first page writes nothing more).
        session[LAST_ACTIVITY_KEY] = time.time()
    login_record(user=user, ip_address=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""))
