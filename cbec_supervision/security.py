"""The client's address, as the sign-in lockout sees it."""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or behind NUM_PROXIES trusted proxies the address the nearest of them saw.

    X-Forwarded-For is only read behind known proxies: without them a client could send any
    address and escape the lockout.
    """
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not proxies or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-proxies] if len(hops) >= proxies else remote
