"""Public intake: a consumer's complaint, sent through the public form (no login), becomes a
``complaint`` signal for the competent bureau's triage.

Who acts: no person. The write is recorded as ``public:complaint_form`` (the system acting on a
member of the public's behalf); the consumer's name and contact are on the ``ConsumerComplaint``
row beside the signal, read by bureau staff and headquarters only (an enterprise never reads a
``complaint`` signal: ``RiskSignalQuerySet``).

The competent bureau, in order:

1. the product named is one filed product, unambiguously (its Chinese or English name exactly,
   case ignored, among approved product filings): the signal is about that product and its
   operator, and the operator's bureau triages it, as for every signal about an enterprise;
2. else the platform was picked from the list of approved platforms: the platform's bureau
   triages it (the guidance: risks are passed to 「跨境电商平台企业所在地直属检验检疫机构」, and
   that bureau can ask the platform for the seller behind the listing and order);
3. else (a platform not in the list, or an operator unknown): headquarters' national triage queue,
   which finds the bureau concerned and passes the signal on. No bureau is better placed to, and
   the complaint is never left in no one's queue.

Every field is checked here (the form only shapes the input); problems come back together, per
field, and nothing is written: the signal, the complaint and the photos are one transaction, and
every photo is checked (image by its content, size) before any is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import re
import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import BureauLevel
from accounts.models import Bureau
from cbec_supervision.attachments import check_upload
from cbec_supervision.audit import audit_record, snapshot
from cbec_supervision.choices import AuditAction
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling, ProductFiling
from risk_monitoring.choices import SignalSource
from risk_monitoring.models import ConsumerComplaint
from risk_monitoring.services.signals import _clean, _save_new

#: the actor of every write made by the public form
PUBLIC_ACTOR = "public:complaint_form"
#: the kind of a consumer's photo among the signal's files
PHOTO_KIND = "complaint_photo"

PHONE, EMAIL = "phone", "email"
# a mainland mobile number: 11 digits from 13x to 19x, optionally after +86 / 0086 / 86
_MOBILE = re.compile(r"(?:\+?86|0086)?(1[3-9]\d{9})")
_PHONE_SEPARATORS = re.compile(r"[\s\-()]+")
# references avoid characters read one for another (0/O, 1/I/L)
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_LIMITS = {"name": 100, "platform_name": 200, "listing_url": 1000, "order_no": 100, "product": 300}


def normalise_contact(value: str) -> tuple[str, str] | None:
    """(kind, contact) for a mainland mobile number (as its 11 digits) or an e-mail address; else None."""
    text = (value or "").strip()
    if not text:
        return None
    phone = _MOBILE.fullmatch(_PHONE_SEPARATORS.sub("", text))
    if phone:
        return PHONE, phone.group(1)
    try:
        EmailValidator()(text)
    except ValidationError:
        return None
    return EMAIL, text


def client_network(ip: str | None) -> str:
    """The network of a client address, never the address: an IPv4 /24, an IPv6 /48."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def client_hash(ip: str | None) -> str:
    """A keyed hash of the client address (HMAC-SHA256 with the secret key): the same sender twice
    is seen as such, the address itself is not kept and cannot be recovered from a list of them."""
    if not ip:
        return ""
    key = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(key, f"complaint-client:{ip.strip()}".encode(), hashlib.sha256).hexdigest()


def new_reference() -> str:
    """``TS`` + today's date + 6 random characters (TS20261130-7KQ2MX): unguessable, easy to read out."""
    day = timezone.localdate().strftime("%Y%m%d")
    while True:
        code = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
        reference = f"TS{day}-{code}"
        if not ConsumerComplaint.objects.filter(reference=reference).exists():
            return reference


def _check_photos(photos: Sequence[UploadedFile], errors: dict[str, list[str]]) -> None:
    """Each photo an image by its content, within the size limit; at most the allowed number."""
    limit = settings.COMPLAINT_PHOTO_MAX_COUNT
    if len(photos) > limit:
        errors["photos"] = [_("At most %(count)d photos.") % {"count": limit}]
        return
    problems: list[str] = []
    for photo in photos:
        try:
            mime, _sha256 = check_upload(photo, max_bytes=settings.COMPLAINT_PHOTO_MAX_BYTES)
        except ValidationError as exc:
            problems += [f"{photo.name}: {message}" for message in exc.messages]
            continue
        if not mime.startswith("image/"):
            problems.append(
                _("%(name)s: add photos only (JPEG, PNG, WebP or GIF, at most %(limit)s each).")
                % {"name": photo.name, "limit": filesizeformat(settings.COMPLAINT_PHOTO_MAX_BYTES)}
            )
    if problems:
        errors["photos"] = problems


def _platform(value: EnterpriseFiling | int | None, errors: dict[str, list[str]]) -> EnterpriseFiling | None:
    if value is None:
        return None
    pk = value.pk if isinstance(value, EnterpriseFiling) else value
    platform = (
        EnterpriseFiling.objects.select_related("bureau")
        .filter(pk=pk, status=FilingStatus.APPROVED, is_platform=True)
        .first()
    )
    if platform is None:
        errors["platform"] = [_("Pick a platform from the list, or write its name below.")]
    return platform


def resolve_product(text: str) -> ProductFiling | None:
    """The one approved product filing named exactly (Chinese or English name, case ignored), or None
    when none or several are: a complaint is linked to filed goods only when there is no doubt."""
    text = (text or "").strip()
    if not text:
        return None
    found = list(
        ProductFiling.objects.select_related("enterprise__bureau")
        .filter(Q(name__iexact=text) | Q(name_en__iexact=text), status=FilingStatus.APPROVED)
        .order_by("pk")[:2]
    )
    return found[0] if len(found) == 1 else None


def _clean_complaint(data: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name in ("name", "contact", "platform_name", "listing_url", "order_no", "product", "what_happened"):
        cleaned[name] = str(data.get(name) or "").strip()
    if not cleaned["name"]:
        errors["name"] = [_("Give your name.")]
    contact = normalise_contact(cleaned["contact"])
    if contact is None:
        errors["contact"] = [_("Give a mainland mobile number (11 digits) or an e-mail address.")]
    else:
        cleaned["contact_kind"], cleaned["contact"] = contact
    if cleaned["listing_url"]:
        try:
            URLValidator(schemes=["http", "https"])(cleaned["listing_url"])
        except ValidationError:
            errors["listing_url"] = [_("Give the web address of the listing, starting with http:// or https://.")]
    if not cleaned["product"]:
        errors["product"] = [_("Name the product.")]
    if not cleaned["what_happened"]:
        errors["what_happened"] = [_("Tell us what happened.")]
    for name, limit in _LIMITS.items():
        if len(cleaned[name]) > limit:
            errors[name] = [_("At most %(limit)d characters.") % {"limit": limit}]
    occurred_on = data.get("occurred_on")
    if occurred_on and not isinstance(occurred_on, dt.date):
        errors["occurred_on"] = [_("Give a date.")]
        occurred_on = None
    if occurred_on and occurred_on > timezone.localdate():
        errors["occurred_on"] = [_("The date is in the future.")]
    cleaned["occurred_on"] = occurred_on or None
    if not data.get("consent"):
        errors["consent"] = [_("Agree that the bureau may use these details to handle your complaint.")]
    return cleaned


@transaction.atomic
def complaint_submit(
    *,
    name: str,
    contact: str,
    product: str,
    what_happened: str,
    platform: EnterpriseFiling | int | None = None,
    platform_name: str = "",
    listing_url: str = "",
    order_no: str = "",
    occurred_on: dt.date | None = None,
    consent: bool = False,
    photos: Sequence[UploadedFile] = (),
    language: str = "",
    client_ip: str | None = None,
) -> ConsumerComplaint:
    """A consumer's complaint from the public form: a ``complaint`` signal in the competent bureau's
    queue (see the module), the complaint beside it, the photos on the signal. ValidationError per
    field (every problem at once); nothing is written then."""
    errors: dict[str, list[str]] = {}
    data = {
        "name": name,
        "contact": contact,
        "product": product,
        "what_happened": what_happened,
        "platform_name": platform_name,
        "listing_url": listing_url,
        "order_no": order_no,
        "occurred_on": occurred_on,
        "consent": consent,
    }
    cleaned = _clean_complaint(data, errors)
    found_platform = _platform(platform, errors)
    if found_platform is None and "platform" not in errors and not cleaned["platform_name"]:
        errors["platform_name"] = [_("Pick the platform you bought on, or write its name.")]
    _check_photos(photos, errors)
    signal_fields = _clean({"title": cleaned["product"][:300] or "-", "description": cleaned["what_happened"]}, errors)
    resolved = resolve_product(cleaned["product"]) if not errors else None
    competent: Bureau | None = None
    if resolved is None:
        competent = (
            found_platform.bureau
            if found_platform is not None
            else Bureau.objects.filter(level=BureauLevel.HQ).order_by("pk").first()
        )
    signal = _save_new(
        actor=PUBLIC_ACTOR,
        source=SignalSource.COMPLAINT,
        cleaned=signal_fields,
        enterprise=None,
        products=[resolved] if resolved is not None else [],
        platform=found_platform,
        reported_by=None,
        errors=errors,
        uploads=photos,
        competent_bureau=competent,
        attachment_kind=PHOTO_KIND,
    )
    complaint = ConsumerComplaint.objects.create(
        reference=new_reference(),
        signal=signal,
        name=cleaned["name"],
        contact=cleaned["contact"],
        contact_kind=cleaned["contact_kind"],
        platform=found_platform,
        platform_name=cleaned["platform_name"],
        listing_url=cleaned["listing_url"],
        order_no=cleaned["order_no"],
        product_text=cleaned["product"],
        what_happened=cleaned["what_happened"],
        occurred_on=cleaned["occurred_on"],
        consent=True,
        language=(language or "")[:10],
        client_network=client_network(client_ip),
        client_hash=client_hash(client_ip),
    )
    audit_record(actor=PUBLIC_ACTOR, action=AuditAction.CREATE, obj=complaint, after=snapshot(complaint))
    return complaint
