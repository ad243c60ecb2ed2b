"""Reads of filings that other parts of the project show: the filing queues on the home page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogues.choices import CatalogueKind
from cbec_supervision.home import Queue
from filings.choices import FILING_STATUS_COLOURS, ChangeRequestStatus, FilingStatus
from filings.models import ChangeRequest, EnterpriseFiling, ProductFiling
from filings.services.products import ccc_certificate_valid

if TYPE_CHECKING:
    from accounts.models import User


def _status_counts(queryset: QuerySet[Any], statuses: Iterable[str]) -> dict[str, int]:
    """Counts per status, the total and the overdue submissions, in one query."""
    cutoff = timezone.now() - dt.timedelta(days=settings.FILING_REVIEW_DAYS)
    aggregates = {str(status): Count("pk", filter=Q(status=status)) for status in statuses}
    aggregates["total"] = Count("pk")
    aggregates["overdue"] = Count("pk", filter=Q(status=FilingStatus.SUBMITTED, submitted_at__lt=cutoff))
    return queryset.aggregate(**aggregates)


def _enterprise_queues(user: User) -> list[Queue]:
    filing = EnterpriseFiling.objects.visible_to(user).filter(pk=user.enterprise_id).first()
    queues = []
    if filing is not None:
        hint = filing.filing_no or (
            _("Complete and submit it") if filing.status in (FilingStatus.DRAFT, FilingStatus.RETURNED) else ""
        )
        queues.append(
            Queue(
                _("My enterprise filing"),
                1,
                filing.get_absolute_url(),
                FILING_STATUS_COLOURS.get(filing.status, "secondary"),
                hint,
                display=filing.get_status_display(),
                rank=100,
            )
        )
    list_url = reverse("filings:product_list")
    shown = (FilingStatus.DRAFT, FilingStatus.RETURNED, FilingStatus.SUBMITTED, FilingStatus.APPROVED)
    counts = _status_counts(ProductFiling.objects.visible_to(user), shown)
    hints = {
        FilingStatus.DRAFT: _("not yet submitted"),
        FilingStatus.RETURNED: _("to correct and resubmit"),
        FilingStatus.SUBMITTED: _("awaiting the bureau's review"),
        FilingStatus.APPROVED: _("with a filing number"),
    }
    for rank, status in enumerate(shown, start=110):
        queues.append(
            Queue(
                _("Products: %(status)s") % {"status": FilingStatus(status).label},
                counts[str(status)],
                f"{list_url}?status={status}",
                FILING_STATUS_COLOURS[status],
                hints[status],
                rank=rank,
            )
        )
    return queues


def _with(url: str, query: str) -> str:
    """``url`` with ``query`` added to its query string, if any."""
    if not query:
        return url
    return f"{url}{'&' if '?' in url else '?'}{query}"


def _staff_queues(user: User) -> list[Queue]:
    enterprise_url = reverse("filings:enterprise_list")
    product_url = reverse("filings:product_list")
    review_url = reverse("filings:review_queue")
    # Approved filings are shared nationally; a bureau's counts are of its own jurisdiction
    # (headquarters: national), and the lists they link to are narrowed the same way (``mine``).
    enterprise_qs = EnterpriseFiling.objects.visible_to(user)
    product_qs = ProductFiling.objects.visible_to(user)
    mine = ""
    if user.is_bureau_staff:
        enterprise_qs = enterprise_qs.filter(bureau__in=user.jurisdiction())
        product_qs = product_qs.filter(enterprise__bureau__in=user.jurisdiction())
        mine = "mine=true"
    enterprises = _status_counts(enterprise_qs, (FilingStatus.SUBMITTED, FilingStatus.APPROVED))
    products = _status_counts(product_qs, (FilingStatus.SUBMITTED, FilingStatus.APPROVED))
    changes = ChangeRequest.objects.visible_to(user).filter(status=ChangeRequestStatus.PENDING).count()
    overdue = enterprises["overdue"] + products["overdue"]
    submitted = str(FilingStatus.SUBMITTED)
    approved = str(FilingStatus.APPROVED)
    return [
        Queue(
            _("Filings awaiting review"),
            enterprises[submitted],
            f"{review_url}#enterprises",
            "primary",
            _("enterprise filings, oldest first"),
            rank=100,
        ),
        Queue(
            _("Products awaiting review"),
            products[submitted],
            f"{review_url}#products",
            "primary",
            _("product filings, oldest first"),
            rank=110,
        ),
        # rank 120: the port bureau's on-site verifications (imports)
        Queue(
            _("Change requests pending"),
            changes,
            f"{review_url}#changes",
            "info",
            _("changes to approved filings"),
            rank=130,
        ),
        Queue(
            _("Overdue reviews"),
            overdue,
            review_url,
            "danger" if overdue else "secondary",
            _("submitted more than %(days)d days ago") % {"days": settings.FILING_REVIEW_DAYS},
            rank=140,
        ),
        Queue(
            _("Approved enterprises"),
            enterprises[approved],
            _with(f"{enterprise_url}?status={approved}", mine),
            "success",
            rank=150,
        ),
        Queue(
            _("Approved products"),
            products[approved],
            _with(f"{product_url}?status={approved}", mine),
            "success",
            rank=160,
        ),
        Queue(_("All enterprise filings"), enterprises["total"], _with(enterprise_url, mine), "secondary", rank=170),
        Queue(_("All product filings"), products["total"], _with(product_url, mine), "secondary", rank=180),
    ]


def home_queues(user: User) -> list[Queue]:
    """The filing queues of the home page (ranks 100 to 180): the enterprise's own, or the reviewers'."""
    if user.is_enterprise_user:
        return _enterprise_queues(user)
    return _staff_queues(user)


def certificate_on_file(product: ProductFiling | None, tier: int | None, reasons: list[dict] | None) -> str:
    """The CCC certificate number that settles a declared line, or "" (rule 7).

    A line in tier 2 only because the compulsory certification catalogue lists it, whose filed
    product carries a valid CCC certificate number: the verifying officer sees the certificate on file.
    """
    if product is None or tier != 2 or not product.ccc_certificate or not reasons:
        return ""
    if any(r.get("catalogue") != CatalogueKind.COMPULSORY_CERTIFICATION for r in reasons if r.get("tier") == 2):
        return ""
    if not any(r.get("catalogue") == CatalogueKind.COMPULSORY_CERTIFICATION for r in reasons):
        return ""
    return product.ccc_certificate if ccc_certificate_valid(product.ccc_certificate) else ""


def next_in_review_queue(
    user: User, filing: EnterpriseFiling | ProductFiling
) -> EnterpriseFiling | ProductFiling | None:
    """The oldest filing of the same kind still awaiting the user's bureau's review, other than ``filing``:
    where a reviewer goes after deciding one (the review queue's order: oldest submission first)."""
    model = type(filing)
    bureau_path = "bureau" if model is EnterpriseFiling else "enterprise__bureau"
    queryset = model.objects.visible_to(user).filter(status=FilingStatus.SUBMITTED).exclude(pk=filing.pk)
    if not user.is_hq:
        queryset = queryset.filter(**{f"{bureau_path}__in": user.jurisdiction()})
    return queryset.order_by("submitted_at", "id").first()


def product_duplicates(
    enterprise: EnterpriseFiling | int, *, brand: str, model: str, gtin: str, exclude: int | None = None
) -> list[ProductFiling]:
    """The enterprise's other product filings with the same brand and model, or the same GTIN: what a
    second filing of the same goods looks like (at most five, newest first)."""
    brand, model, gtin = (brand or "").strip(), (model or "").strip(), (gtin or "").strip()
    same = Q()
    if brand and model:
        same |= Q(brand__iexact=brand, model__iexact=model)
    if gtin:
        same |= Q(gtin=gtin)
    if not same:
        return []
    found = ProductFiling.objects.filter(same, enterprise=enterprise)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return list(found.order_by("-created_at", "-pk")[:5])
