"""The public complaint form (no login) and its thank-you page.

The form is CSRF protected like every form, uses no script, and is throttled per client address
(``COMPLAINT_THROTTLE_RATE`` submissions, "5/hour" unless set; the address as the sign-in lockout
sees it, ``cbec_supervision.security.client_ip``, so behind ``NUM_PROXIES`` proxies the address the
nearest one saw). A robot that fills the hidden ``website`` field is thanked and nothing is saved.

The thank-you page shows the reference only. Its address carries the reference signed (Django's
signing with the secret key), so the page reads no data and a made-up address answers 404: nobody
learns anything about a complaint from it, not even whether a reference exists.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cbec_supervision.security import client_ip
from risk_monitoring import services
from risk_monitoring.forms import ComplaintForm
from risk_monitoring.services.complaints import client_hash, new_reference

logger = logging.getLogger(__name__)

_THANKS_SALT = "risk_monitoring.complaint_thanks"
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"5/hour"`` -> (5, 3600). A rate that does not parse falls back to 5 an hour."""
    try:
        count, _sep, period = rate.partition("/")
        return int(count), _PERIODS[period.strip()[:1].lower()]
    except (ValueError, KeyError):
        return 5, 3600


def over_the_limit(request) -> tuple[bool, int]:
    """Count this submission against the client's address; (over the limit, seconds until the next
    window). A fixed window in the cache shared by every web process."""
    limit, period = parse_rate(settings.COMPLAINT_THROTTLE_RATE)
    now = time.time()
    window = int(now // period)
    key = f"complaints:throttle:{client_hash(client_ip(request) or 'unknown')[:40]}:{window}"
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        count = 1
    return count > limit, int((window + 1) * period - now) + 1


def thanks_url(reference: str) -> str:
    """The thank-you page of a reference: the reference signed in its address."""
    return reverse("complaints:thanks", args=[signing.dumps(reference, salt=_THANKS_SALT)])


def _thanks(reference: str):
    return redirect(thanks_url(reference))


@require_http_methods(["GET", "POST"])
def complaint_new(request):
    photo_help = _("Up to %(count)d photos (JPEG, PNG, WebP or GIF), at most %(size)s each.") % {
        "count": settings.COMPLAINT_PHOTO_MAX_COUNT,
        "size": filesizeformat(settings.COMPLAINT_PHOTO_MAX_BYTES),
    }
    if request.method == "POST":
        limited, retry_after = over_the_limit(request)
        if limited:
            response = render(
                request,
                "risk_monitoring/complaint_throttled.html",
                {"minutes": max(1, retry_after // 60)},
                status=429,
            )
            response["Retry-After"] = str(retry_after)
            return response
        form = ComplaintForm(request.POST, request.FILES, photo_help=photo_help)
        if request.POST.get("website"):
            logger.info("complaint form: the hidden field was filled in; nothing saved")
            return _thanks(new_reference())
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("website", None)
            try:
                complaint = services.complaint_submit(
                    **data, language=request.LANGUAGE_CODE or "", client_ip=client_ip(request)
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                return _thanks(complaint.reference)
    else:
        form = ComplaintForm(photo_help=photo_help)
    return render(request, "risk_monitoring/complaint_form.html", {"form": form})


@require_GET
def complaint_thanks(request, token: str):
    try:
        reference = signing.loads(token, salt=_THANKS_SALT)
    except signing.BadSignature as exc:
        raise Http404 from exc
    if not isinstance(reference, str):
        raise Http404
    return render(request, "risk_monitoring/complaint_thanks.html", {"reference": reference})
