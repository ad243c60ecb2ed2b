"""The enterprise picker: type-ahead over enterprise filings, by name prefix or credit code prefix.

Built for 100,000 enterprises: both lookups are prefix matches served by btree indexes with
``varchar_pattern_ops`` (migration ``enterprise_name_uscc_prefix_indexes``), at most PICKER_LIMIT
rows, and nothing is listed before something is typed.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from cbec_supervision.widgets import PICKER_LIMIT, PickerWidget, picker_query, picker_response, row_id
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling, ProductFiling

#: ``?type=`` for the partner fields of an import batch -> the flag the partner must have
PARTNER_FLAGS = {"platform": "is_platform", "logistics": "is_logistics"}


def enterprise_label(value, candidates) -> str:
    """The name (and filing number) of filing ``value`` among ``candidates``; the value itself otherwise.

    ``candidates`` is what the picker offers the reader, so a label never names a filing the
    reader may not see.
    """
    pk = row_id(value)
    filing = candidates.filter(pk=pk).only("name", "filing_no").first() if pk is not None else None
    if filing is None:
        return str(value)
    return f"{filing.name} ({filing.filing_no})" if filing.filing_no else filing.name


def enterprise_picker_widget(candidates, **query: str) -> PickerWidget:
    """The widget of an enterprise field or filter (its value is the filing id); ``type=`` as the endpoint takes it.

    ``candidates``: the filings the field offers this reader (``enterprise_candidates``, or the
    field's own queryset); the label of a value is looked up among them only.
    """

    def url() -> str:
        return reverse("filings:enterprise_picker") + (f"?{urlencode(query)}" if query else "")

    return PickerWidget(
        lazy(url, str)(),
        label_for=lambda value: enterprise_label(value, candidates),
        placeholder=_("Name or credit code"),
    )


def enterprise_candidates(user, kind: str = ""):
    """The filings a picker may offer ``user``.

    Filters offer what the user may see (``visible_to``). The platform and warehouse of an import
    batch may be any approved platform or logistics enterprise: approved filings are shared nationwide.
    """
    if user is None or not user.is_authenticated:
        return EnterpriseFiling.objects.none()
    if kind in PARTNER_FLAGS:
        return EnterpriseFiling.objects.filter(status=FilingStatus.APPROVED, **{PARTNER_FLAGS[kind]: True})
    return EnterpriseFiling.objects.visible_to(user)


def enterprise_search(queryset, q: str):
    q = q.strip()
    if not q:
        return queryset.none()
    condition = Q(name__startswith=q)
    if q.isascii() and q.isalnum():
        condition |= Q(uscc__startswith=q.upper())
    return queryset.filter(condition)


@login_required
@require_GET
def enterprise_picker(request):
    """``?q=`` -> at most PICKER_LIMIT enterprise filings (value: the filing id); ``type=platform|logistics``."""
    rows = enterprise_search(enterprise_candidates(request.user, request.GET.get("type", "")), picker_query(request))
    options = [
        {"value": pk, "label": f"{name} ({filing_no})" if filing_no else name, "detail": uscc}
        for pk, name, filing_no, uscc in rows.order_by("name", "pk").values_list("pk", "name", "filing_no", "uscc")[
            :PICKER_LIMIT
        ]
    ]
    return picker_response(request, options)


# --- products ---------------------------------------------------------------------------------------


def product_label(value, candidates) -> str:
    """The name, enterprise and filing number of product filing ``value`` among ``candidates``."""
    pk = row_id(value)
    product = (
        candidates.filter(pk=pk).select_related("enterprise").only("name", "filing_no", "enterprise__name").first()
        if pk is not None
        else None
    )
    if product is None:
        return str(value)
    return f"{product.name} · {product.enterprise.name} ({product.filing_no})"


def product_candidates(user, kind: str = ""):
    """The product filings a picker may offer ``user``: with ``kind=approved``, staff get every approved
    filing (they may name any approved product of any bureau on signals, samplings and plans: filings
    are shared nationally once approved); otherwise, and for enterprises always, those the user may see."""
    if user is None or not user.is_authenticated:
        return ProductFiling.objects.none()
    if kind == "approved" and (user.is_bureau_staff or user.is_hq):
        return ProductFiling.objects.filter(status=FilingStatus.APPROVED)
    return ProductFiling.objects.visible_to(user)


def product_search(queryset, q: str):
    """By a part of the Chinese or English name (the trigram indexes of migration ``search_indexes``
    serve it on PostgreSQL), the start of the filing number, the GTIN or the model."""
    q = q.strip()
    if not q:
        return queryset.none()
    condition = Q(name__icontains=q) | Q(name_en__icontains=q)
    if q.isascii():
        condition |= Q(filing_no__startswith=q.upper()) | Q(model__iexact=q)
        if q.isdigit() and 8 <= len(q) <= 14:
            condition |= Q(gtin=q)
    return queryset.filter(condition)


def product_picker_widget(candidates, **query: str) -> PickerWidget:
    """The widget of a product field (its value is the product filing id); ``kind=approved`` as the
    endpoint takes it."""

    def url() -> str:
        return reverse("filings:product_picker") + (f"?{urlencode(query)}" if query else "")

    return PickerWidget(
        lazy(url, str)(),
        label_for=lambda value: product_label(value, candidates),
        placeholder=_("Name, filing number, GTIN or model"),
    )


@login_required
@require_GET
def product_picker(request):
    """``?q=`` -> at most PICKER_LIMIT product filings (value: the filing id); ``kind=approved``."""
    rows = product_search(
        product_candidates(request.user, request.GET.get("kind", "")), picker_query(request)
    ).select_related("enterprise")
    options = [
        {
            "value": product.pk,
            "label": f"{product.name} ({product.filing_no})" if product.filing_no else product.name,
            "detail": product.enterprise.name,
        }
        for product in rows.order_by("name", "pk").only("name", "filing_no", "enterprise__name")[:PICKER_LIMIT]
    ]
    return picker_response(request, options)
