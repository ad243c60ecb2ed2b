"""Reads of filings that other parts of the project show: the filing queues and figures on the home page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogues.choices import CatalogueKind
from cbec_supervision.assignment import QueueKind, register_queue_kind
from cbec_supervision.dashboard import BureauColumn, BureauLabel, Figure, Panel, PanelItem, Period
from cbec_supervision.home import Queue
from cbec_supervision.search import Searcher, SearchQuery, contains, list_contains, register_searcher
from filings.choices import FILING_EDITABLE, FILING_STATUS_COLOURS, ChangeRequestStatus, FilingStatus
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


# --- dashboards (issue 9 section 4) ---------------------------------------------------------------


def dashboard_bureau_columns(user: User, period: Period) -> list[BureauColumn]:  # noqa: ARG001
    """Filings awaiting review and overdue, per competent bureau: one grouped aggregate per kind of
    filing. Counted as of now (a queue has no month); the period is the imports' columns'."""
    cutoff = timezone.now() - dt.timedelta(days=settings.FILING_REVIEW_DAYS)
    submitted = Q(status=FilingStatus.SUBMITTED)
    overdue = Q(status=FilingStatus.SUBMITTED, submitted_at__lt=cutoff)
    mine = "mine=true" if user.is_bureau_staff else ""
    group = _("Filings awaiting review")
    columns: list[BureauColumn] = []
    kinds = (
        (EnterpriseFiling.objects.visible_to(user), "bureau", reverse("filings:enterprise_list"), _("Enterprises")),
        (
            ProductFiling.objects.visible_to(user),
            "enterprise__bureau",
            reverse("filings:product_list"),
            _("Products"),
        ),
    )
    for rank, (queryset, path, url, title) in enumerate(kinds):
        if user.is_bureau_staff:
            queryset = queryset.filter(**{f"{path}__in": user.jurisdiction()})
        rows = list(
            queryset.filter(submitted)
            .values(f"{path}__code", f"{path}__name", f"{path}__name_en")
            .order_by()
            .annotate(pending=Count("pk"), overdue=Count("pk", filter=overdue))
        )
        labels = {
            row[f"{path}__code"]: BureauLabel(row[f"{path}__code"], row[f"{path}__name"], row[f"{path}__name_en"])
            for row in rows
        }
        for offset, (key, column_title, query, colour) in enumerate(
            (
                ("pending", title, f"status={FilingStatus.SUBMITTED}", "body"),
                ("overdue", _("of which overdue"), "overdue=true", "danger"),
            )
        ):
            by_bureau = {
                row[f"{path}__code"]: Figure(row[key], _with(f"{url}?{query}", f"bureau={row[f'{path}__code']}"))
                for row in rows
            }
            total = Figure(sum(row[key] for row in rows), _with(f"{url}?{query}", mine))
            hint = (
                _("submitted more than %(days)d days ago") % {"days": settings.FILING_REVIEW_DAYS}
                if key == "overdue"
                else ""
            )
            columns.append(
                BureauColumn(column_title, group, 200 + rank * 10 + offset, by_bureau, total, labels, colour, hint)
            )
    return columns


def dashboard_panels(user: User) -> list[Panel]:
    """An enterprise's filings by status and what of them needs its action: two aggregates and its filing."""
    enterprise = EnterpriseFiling.objects.visible_to(user).filter(pk=user.enterprise_id).first()
    pending_change = Exists(ChangeRequest.objects.filter(product=OuterRef("pk"), status=ChangeRequestStatus.PENDING))
    statuses = list(FilingStatus)
    counts = (
        ProductFiling.objects.visible_to(user)
        .order_by()
        .aggregate(
            changes=Count("pk", filter=Q(pending_change)),
            **{str(status): Count("pk", filter=Q(status=status)) for status in statuses},
        )
    )
    product_url = reverse("filings:product_list")
    by_status = []
    action = []
    if enterprise is not None:
        by_status.append(
            PanelItem(
                _("Enterprise filing"),
                Figure(1, enterprise.get_absolute_url()),
                FILING_STATUS_COLOURS.get(enterprise.status, "secondary"),
                enterprise.filing_no,
                display=enterprise.get_status_display(),
                rank=0,
            )
        )
        if enterprise.status in FILING_EDITABLE:
            action.append(
                PanelItem(
                    _("Your enterprise filing"),
                    Figure(1, enterprise.get_absolute_url()),
                    FILING_STATUS_COLOURS.get(enterprise.status, "secondary"),
                    _("complete and submit it"),
                    display=enterprise.get_status_display(),
                    rank=100,
                )
            )
    for rank, status in enumerate(statuses, start=1):
        by_status.append(
            PanelItem(
                _("Products: %(status)s") % {"status": status.label},
                Figure(counts[str(status)], f"{product_url}?status={status}"),
                FILING_STATUS_COLOURS.get(status, "secondary"),
                rank=rank,
            )
        )
    action += [
        PanelItem(
            _("Products returned for correction"),
            Figure(counts[str(FilingStatus.RETURNED)], f"{product_url}?status={FilingStatus.RETURNED}"),
            "warning",
            _("correct and submit them again"),
            rank=110,
        ),
        PanelItem(
            _("Product drafts"),
            Figure(counts[str(FilingStatus.DRAFT)], f"{product_url}?status={FilingStatus.DRAFT}"),
            "secondary",
            _("not yet submitted"),
            rank=120,
        ),
        PanelItem(
            _("Products with a change request pending"),
            Figure(counts["changes"], f"{product_url}?change_pending=true"),
            "info",
            _("the approved version stays in force until the bureau decides"),
            rank=130,
        ),
    ]
    return [
        Panel("action", _("What needs your action"), 100, action),
        Panel("filings", _("Your filings by status"), 200, by_status),
    ]


def _review_days() -> int:
    return settings.FILING_REVIEW_DAYS


def register_assignment_kinds() -> None:
    """Filing reviews and change requests wait in the competent bureau's queue: they are assigned."""
    submitted = str(FilingStatus.SUBMITTED)
    register_queue_kind(
        QueueKind(
            key="filings.enterprise_review",
            model_label="filings.EnterpriseFiling",
            label=_("Enterprise filing review"),
            waiting=Q(status=submitted),
            is_waiting=lambda filing: filing.status == submitted,
            bureau_path="bureau",
            waiting_since="submitted_at",
            due_days=_review_days,
            permission=EnterpriseFiling.review_permission,
        )
    )
    register_queue_kind(
        QueueKind(
            key="filings.product_review",
            model_label="filings.ProductFiling",
            label=_("Product filing review"),
            waiting=Q(status=submitted),
            is_waiting=lambda product: product.status == submitted,
            bureau_path="enterprise__bureau",
            waiting_since="submitted_at",
            due_days=_review_days,
            permission=ProductFiling.review_permission,
        )
    )
    pending = str(ChangeRequestStatus.PENDING)
    register_queue_kind(
        QueueKind(
            key="filings.change_request",
            model_label="filings.ChangeRequest",
            label=_("Change request"),
            waiting=Q(status=pending),
            is_waiting=lambda request: request.status == pending,
            bureau_path="enterprise__bureau",
            waiting_since="created_at",
            due_days=_review_days,
            permission=EnterpriseFiling.review_permission,
            related=("product",),
        )
    )


def _enterprise_search(user: User, query: SearchQuery) -> QuerySet[EnterpriseFiling] | None:
    parts = []
    if query.is_identifier:
        # a credit code (or its start) or a filing number: indexed identifier columns
        parts += [Q(uscc__startswith=query.upper), Q(filing_no=query.upper)]
    if query.is_words:
        parts.append(contains("name", query.text))
    if not parts:
        return None
    return (
        EnterpriseFiling.objects.visible_to(user)
        .filter(reduce(or_, parts))
        .select_related("bureau")
        .order_by("name", "pk")
    )


def _product_search(user: User, query: SearchQuery) -> QuerySet[ProductFiling] | None:
    parts = []
    if query.is_gtin:
        parts.append(Q(gtin=query.text))
    if query.is_hs_prefix:
        parts.append(Q(hs_code__startswith=query.text))
    if query.is_cas:
        parts.append(list_contains("cas_numbers", query.text))
    if query.is_identifier and not query.is_digits:
        parts.append(Q(filing_no=query.upper))
    if query.is_words:
        parts += [contains("name", query.text), contains("name_en", query.text)]
    if not parts:
        return None
    return (
        ProductFiling.objects.visible_to(user)
        .filter(reduce(or_, parts))
        .select_related("enterprise")
        .order_by("name", "pk")
    )


def _describe_enterprise(filing: EnterpriseFiling) -> str:
    return " · ".join(part for part in (filing.uscc, filing.filing_no or "", filing.get_status_display()) if part)


def _describe_product(product: ProductFiling) -> str:
    parts = (
        product.enterprise.name,
        product.hs_code,
        product.gtin,
        product.filing_no or "",
        product.get_status_display(),
    )
    return " · ".join(part for part in parts if part)


def register_searchers() -> None:
    """The search box finds enterprise filings (credit code, filing number, name) and product filings
    (name, GTIN, HS code, CAS number, filing number)."""
    register_searcher(
        Searcher("filings.enterprise", _("Enterprise filings"), _enterprise_search, _describe_enterprise, rank=100)
    )
    register_searcher(Searcher("filings.product", _("Product filings"), _product_search, _describe_product, rank=110))
