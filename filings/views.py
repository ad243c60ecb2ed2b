"""Filing pages: thin views over ``filings.services``.

Every object is looked up through ``visible_to(request.user)`` (outside it: 404). Writes are POSTs
that call one service; a refusal (ValidationError, PermissionDenied) is shown on the form it came
from or as a message, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_countries import countries

from catalogues.choices import TIER_COLOURS, Tier
from catalogues.models import HSCode
from cbec_supervision.attachments import attachment_create
from cbec_supervision.listing import render_list
from cbec_supervision.models import Attachment
from cbec_supervision.webui import show_refusal
from filings import services
from filings.choices import (
    FILING_EDITABLE,
    LABEL_KIND,
    PLATFORM_SYSTEMS,
    PLEDGE_KIND,
    REASON_REQUIRED,
    TEST_REPORT_KIND,
    TRANSITION_ACTIONS,
    ChangeRequestStatus,
    EnterpriseSystem,
    EnterpriseType,
    FilingStatus,
    GoodsCategory,
    ProductSubcategory,
)
from filings.filtersets import EnterpriseFilingFilterSet, IdFilter, ProductFilingFilterSet
from filings.forms import (
    BureauCorrectionForm,
    ColleagueForm,
    DecisionForm,
    EnterpriseChangeRequestForm,
    EnterpriseFilingForm,
    ProductChangeRequestForm,
    ProductFilingForm,
    TestReportForm,
    UploadForm,
)
from filings.models import ChangeRequest, EnterpriseFiling, ProductFiling

TIER_LABELS = dict(Tier.choices)
#: rows shown per section of the review queue; the lists hold the rest
REVIEW_QUEUE_LIMIT = 200


# --- helpers ------------------------------------------------------------------------------------


def _is_own(user, enterprise_id: int) -> bool:
    return user.is_enterprise_user and user.enterprise_id == enterprise_id


def _own_enterprise_or_404(request, pk: int) -> EnterpriseFiling:
    filing = get_object_or_404(EnterpriseFiling.objects.visible_to(request.user).select_related("bureau"), pk=pk)
    if not _is_own(request.user, filing.pk):
        raise Http404
    return filing


def _visible_product(request, pk: int) -> ProductFiling:
    queryset = ProductFiling.objects.visible_to(request.user).select_related("enterprise__bureau", "decided_by")
    return get_object_or_404(queryset, pk=pk)


def _own_product_or_404(request, pk: int) -> ProductFiling:
    product = _visible_product(request, pk)
    if not _is_own(request.user, product.enterprise_id):
        raise Http404
    return product


@dataclass(frozen=True)
class Decision:
    action: str
    status: str
    label: str
    colour: str
    icon: str
    needs_reason: bool


_DECISION_LOOK = {
    # action -> (label, button colour, icon)
    "approve": (gettext_lazy("Approve"), "success", "check-lg"),
    "return": (gettext_lazy("Return for correction"), "warning", "arrow-return-left"),
    "reject": (gettext_lazy("Reject"), "danger", "x-octagon"),
    "suspend": (gettext_lazy("Suspend"), "warning", "pause-circle"),
    "reinstate": (gettext_lazy("Reinstate"), "success", "play-circle"),
    "revoke": (gettext_lazy("Revoke"), "dark", "slash-circle"),
}
_DECISION_DONE = {
    "approve": gettext_lazy("Approved. Filing number: %(filing_no)s."),
    "return": gettext_lazy("Returned for correction; the enterprise has been notified."),
    "reject": gettext_lazy("Rejected; the enterprise has been notified."),
    "suspend": gettext_lazy("Suspended; the enterprise has been notified."),
    "reinstate": gettext_lazy("Reinstated; the filing is in force again."),
    "revoke": gettext_lazy("Revoked; the enterprise has been notified."),
}


def _decisions(obj) -> list[Decision]:
    """The decisions the review workflow allows from the object's current status."""
    found = []
    for (current, target), action in TRANSITION_ACTIONS.items():
        if current == obj.status and action in _DECISION_LOOK:
            label, colour, icon = _DECISION_LOOK[action]
            found.append(Decision(action, target, label, colour, icon, target in REASON_REQUIRED))
    return found


def _decision_or_404(action: str) -> Decision:
    """The decision named ``action`` (whatever the status: the service judges the transition)."""
    if action not in _DECISION_LOOK:
        raise Http404
    target = next(t for (_c, t), a in TRANSITION_ACTIONS.items() if a == action)
    label, colour, icon = _DECISION_LOOK[action]
    return Decision(action, target, label, colour, icon, target in REASON_REQUIRED)


def _display(field: str, value) -> str:
    """A stored filing value as people read it."""
    labels = {
        "types": EnterpriseType,
        "main_categories": GoodsCategory,
        "systems": EnterpriseSystem,
        "category": GoodsCategory,
        "subcategory": ProductSubcategory,
    }
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field in labels:
        choices = dict(labels[field].choices)
        items = value if isinstance(value, list) else [value]
        return "; ".join(str(choices.get(item, item)) for item in items)
    if field == "origin_country":
        return f"{countries.name(value) or value} ({value})"
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)


def _field_label(model, field: str) -> str:
    if field == "types":
        return _("Enterprise type")
    try:
        return capfirst(model._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field


_KIND_LABELS = {
    PLEDGE_KIND: gettext_lazy("Signed quality-integrity pledge"),
    LABEL_KIND: gettext_lazy("Chinese label"),
    TEST_REPORT_KIND: gettext_lazy("Test report"),
    **dict(EnterpriseSystem.choices),
}


def _attachments(obj) -> list[Attachment]:
    """The object's attachments in one query, each with a readable ``kind_label``."""
    rows = list(Attachment.objects.for_object(obj).select_related("uploaded_by"))
    for row in rows:
        row.kind_label = _KIND_LABELS.get(row.kind, row.kind)
    return rows


def _checks_missing(obj) -> bool:
    """The checklist matters while the enterprise completes the filing and while the bureau reviews it."""
    return obj.status in (*FILING_EDITABLE, FilingStatus.SUBMITTED)


def _days_waiting(since: dt.datetime | None) -> int | None:
    return None if since is None else (timezone.now() - since).days


def _change_requests(queryset):
    return queryset.select_related("submitted_by", "decided_by", "product").order_by("-created_at", "-id")


# --- enterprise filings -------------------------------------------------------------------------


class EnterpriseListFilterSet(EnterpriseFilingFilterSet):
    """The shared FilterSet, with the filters a person uses on the page."""

    uscc = None
    region_code = None

    class Meta(EnterpriseFilingFilterSet.Meta):
        fields = ["q", "status", "type", "bureau", "supervision_level"]


@login_required
def enterprise_list(request):
    if request.user.is_enterprise_user and request.user.enterprise_id:
        return redirect("filings:enterprise_detail", request.user.enterprise_id)
    queryset = EnterpriseFiling.objects.visible_to(request.user).select_related("bureau")
    return render_list(
        request, queryset=queryset, filterset_class=EnterpriseListFilterSet, template="filings/enterprise_list.html"
    )


def _enterprise_context(request, filing: EnterpriseFiling, **forms_given) -> dict:
    user = request.user
    own = _is_own(user, filing.pk)
    reviewer = user.is_bureau_staff
    attachments = _attachments(filing)
    by_kind: dict[str, list[Attachment]] = {}
    for attachment in attachments:
        by_kind.setdefault(attachment.kind, []).append(attachment)
    declared = set(filing.systems or [])
    systems = [
        {
            "value": value,
            "label": label,
            "declared": value in declared,
            "platform_only": value in PLATFORM_SYSTEMS,
            "documents": by_kind.get(value, []),
        }
        for value, label in EnterpriseSystem.choices
        if value in declared or value not in PLATFORM_SYSTEMS or filing.is_platform
    ]
    products = filing.products.aggregate(
        total=Count("pk"),
        approved=Count("pk", filter=Q(status=FilingStatus.APPROVED)),
        submitted=Count("pk", filter=Q(status=FilingStatus.SUBMITTED)),
    )
    editable = filing.status in FILING_EDITABLE
    change_requests = list(_change_requests(filing.change_requests.filter(product__isnull=True)))
    return {
        "filing": filing,
        "attachments": attachments,
        "systems": systems,
        "pledge_documents": by_kind.get(PLEDGE_KIND, []),
        "main_categories": _display("main_categories", filing.main_categories),
        "missing": services.enterprise_missing(filing) if _checks_missing(filing) else {},
        "show_missing": _checks_missing(filing),
        "editable": editable,
        "is_own": own,
        "can_review": reviewer,
        "decisions": _decisions(filing) if reviewer else [],
        "decision_form": DecisionForm(),
        "bureau_form": forms_given.get("bureau_form") or (BureauCorrectionForm(filing=filing) if reviewer else None),
        "colleagues": list(filing.users.order_by("date_joined", "pk")),
        "colleague_form": forms_given.get("colleague_form") or (ColleagueForm() if own else None),
        "change_requests": change_requests,
        "has_pending_change": any(c.status == ChangeRequestStatus.PENDING for c in change_requests),
        "products": products,
        "decision_url_name": "filings:enterprise_decide",
    }


@login_required
def enterprise_detail(request, pk: int):
    queryset = EnterpriseFiling.objects.visible_to(request.user).select_related("bureau", "decided_by")
    filing = get_object_or_404(queryset, pk=pk)
    return render(request, "filings/enterprise_detail.html", _enterprise_context(request, filing))


class _Rollback(Exception):
    """Undo the edit when one of its documents is refused."""


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk: int):
    filing = _own_enterprise_or_404(request, pk)
    if filing.status not in FILING_EDITABLE:
        messages.info(request, _("An approved filing is changed by a change request."))
        return redirect(filing)
    if request.method == "POST":
        form = EnterpriseFilingForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.enterprise_update(
                        actor=request.user, filing=filing, types=form.cleaned_data["types"], **form.service_fields()
                    )
                    for field, kind, upload in form.uploads():
                        try:
                            attachment_create(owner=filing, upload=upload, actor=request.user, kind=kind)
                        except ValidationError as exc:
                            form.add_error(field, exc.message_dict.get("file", exc.messages))
                    if form.errors:
                        raise _Rollback
            except _Rollback:
                pass
            except ValidationError as exc:
                form.add_service_errors(exc)
            except PermissionDenied as exc:
                show_refusal(request, exc)
                return redirect(filing)
            else:
                messages.success(request, _("The filing was saved."))
                return redirect(filing)
    else:
        form = EnterpriseFilingForm(initial=EnterpriseFilingForm.initial_for(filing))
    documents: dict[str, list[Attachment]] = {}
    for attachment in _attachments(filing):
        documents.setdefault(attachment.kind, []).append(attachment)
    systems = [
        {"value": value, "checkbox": box, "upload": upload, "documents": documents.get(value, [])}
        for value, box, upload in form.system_fields()
    ]
    return render(
        request,
        "filings/enterprise_form.html",
        {
            "filing": filing,
            "form": form,
            "systems": systems,
            "pledge_documents": documents.get(PLEDGE_KIND, []),
            "platform_systems": [str(s) for s in PLATFORM_SYSTEMS],
        },
    )


@login_required
@require_POST
def enterprise_submit(request, pk: int):
    filing = get_object_or_404(EnterpriseFiling.objects.visible_to(request.user), pk=pk)
    try:
        filing = services.enterprise_submit(actor=request.user, filing=filing)
    except (ValidationError, PermissionDenied) as exc:
        show_refusal(request, exc)
    else:
        messages.success(
            request,
            _("The filing was submitted to %(bureau)s for review.") % {"bureau": filing.bureau.name},
        )
    return redirect(filing)


def _decide(request, obj, action: str, decide, kind: str):
    """The decision page of a filing: GET shows the reason form (the modal's no-JS fallback), POST
    calls ``decide(status, reason)`` and returns to the filing."""
    decision = _decision_or_404(action)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "GET" and not request.user.is_bureau_staff:
        raise Http404
    if request.method == "POST" and form.is_valid():
        try:
            obj = decide(decision.status, form.cleaned_data["reason"])
        except PermissionDenied as exc:
            show_refusal(request, exc)
            return redirect(obj)
        except ValidationError as exc:
            if "reason" not in exc.message_dict:
                show_refusal(request, exc)
                return redirect(obj)
            form.add_service_errors(exc)
        else:
            messages.success(request, _DECISION_DONE[action] % {"filing_no": obj.filing_no or "—"})
            return redirect(obj)
    return render(
        request, "filings/decision_form.html", {"object": obj, "decision": decision, "form": form, "kind": kind}
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_decide(request, pk: int, action: str):
    """A decision of the competent bureau on an enterprise filing."""
    filing = get_object_or_404(EnterpriseFiling.objects.visible_to(request.user).select_related("bureau"), pk=pk)
    return _decide(
        request,
        filing,
        action,
        lambda status, reason: services.enterprise_decide(
            actor=request.user, filing=filing, status=status, reason=reason
        ),
        _("Enterprise filing"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_set_bureau(request, pk: int):
    filing = get_object_or_404(EnterpriseFiling.objects.visible_to(request.user).select_related("bureau"), pk=pk)
    if not request.user.is_bureau_staff:
        raise Http404
    form = BureauCorrectionForm(request.POST if request.method == "POST" else None, filing=filing)
    if request.method == "POST" and form.is_valid():
        try:
            filing = services.enterprise_set_bureau(
                actor=request.user,
                filing=filing,
                bureau=form.cleaned_data["bureau"],
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied as exc:
            show_refusal(request, exc)
            return redirect(filing)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("%(name)s is now under %(bureau)s.") % {"name": filing.name, "bureau": filing.bureau.name}
            )
            # The filing may have left this inspector's jurisdiction.
            if EnterpriseFiling.objects.visible_to(request.user).filter(pk=filing.pk).exists():
                return redirect(filing)
            return redirect("filings:review_queue")
    return render(request, "filings/bureau_form.html", {"filing": filing, "form": form})


@login_required
@require_POST
def colleague_add(request, pk: int):
    filing = _own_enterprise_or_404(request, pk)
    form = ColleagueForm(request.POST)
    if form.is_valid():
        try:
            user = services.enterprise_user_add(
                actor=request.user,
                enterprise=filing,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                email=form.cleaned_data["email"],
            )
        except PermissionDenied as exc:
            show_refusal(request, exc)
            return redirect(filing)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("%(username)s can now sign in for %(name)s.") % {"username": user.username, "name": filing.name},
            )
            return redirect(f"{filing.get_absolute_url()}#colleagues")
    context = _enterprise_context(request, filing, colleague_form=form)
    return render(request, "filings/enterprise_detail.html", context)


def _change_request(request, *, enterprise, product, form_class, edit_form_class):
    """Propose changes to an approved enterprise or product filing (the change request form)."""
    target = product or enterprise
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                services.change_request_submit(
                    actor=request.user,
                    enterprise=enterprise,
                    product=product,
                    changes=form.changes(),
                    explanation=form.cleaned_data["explanation"],
                )
            except PermissionDenied as exc:
                show_refusal(request, exc)
                return redirect(target)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Your change request was sent to the competent bureau."))
                return redirect(target)
    else:
        form = form_class(initial=edit_form_class.initial_for(target))
    return render(
        request,
        "filings/change_request_form.html",
        {"target": target, "enterprise": enterprise, "form": form, "is_product": product is not None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_change_request(request, pk: int):
    filing = _own_enterprise_or_404(request, pk)
    return _change_request(
        request,
        enterprise=filing,
        product=None,
        form_class=EnterpriseChangeRequestForm,
        edit_form_class=EnterpriseFilingForm,
    )


# --- product filings ----------------------------------------------------------------------------


class ProductListFilterSet(ProductFilingFilterSet):
    """The shared FilterSet, with the filters a person uses on the page (``q`` covers the rest)."""

    uscc = None
    hs_code = None
    brand = None
    gtin = None
    origin_country = None
    enterprise = IdFilter(field_name="enterprise_id", widget=forms.HiddenInput)
    tier = django_filters.ChoiceFilter(field_name="tier", choices=Tier.choices, label=gettext_lazy("Tier"))

    class Meta(ProductFilingFilterSet.Meta):
        fields = ["q", "status", "enterprise", "category", "subcategory"]


class EnterpriseProductListFilterSet(ProductListFilterSet):
    """What an enterprise filters its own products by."""

    bureau = None
    overdue = None
    tier = None


@login_required
def product_list(request):
    user = request.user
    queryset = ProductFiling.objects.visible_to(user).select_related("enterprise__bureau")
    filterset_class = EnterpriseProductListFilterSet if user.is_enterprise_user else ProductListFilterSet
    enterprise = None
    wanted = request.GET.get("enterprise", "")
    if wanted.isascii() and wanted.isdigit() and len(wanted) < 19:
        enterprise = EnterpriseFiling.objects.visible_to(user).filter(pk=request.GET["enterprise"]).first()
    return render_list(
        request,
        queryset=queryset,
        filterset_class=filterset_class,
        template="filings/product_list.html",
        context={"tier_labels": TIER_LABELS, "for_enterprise": enterprise},
    )


def _product_context(request, product: ProductFiling, **forms_given) -> dict:
    user = request.user
    own = _is_own(user, product.enterprise_id)
    reviewer = user.is_bureau_staff
    editable = product.status in FILING_EDITABLE
    attachments = _attachments(product)
    reports = list(product.test_reports.select_related("attachment"))
    change_requests = list(_change_requests(product.change_requests.all()))
    hs = HSCode.objects.filter(code=product.hs_code[:8]).first() if len(product.hs_code) >= 8 else None
    others = ProductFiling.objects.filter(enterprise_id=product.enterprise_id).exclude(pk=product.pk).count()
    open_for_reports = product.status not in (FilingStatus.REJECTED, FilingStatus.REVOKED)
    fields = [
        (_field_label(ProductFiling, name), _display(name, getattr(product, name)), name)
        for name in services.PRODUCT_FIELDS
        if name not in ("origin_country",)
    ]
    fields.insert(
        services.PRODUCT_FIELDS.index("origin_country"),
        (
            _field_label(ProductFiling, "origin_country"),
            _display("origin_country", product.origin_country.code if product.origin_country else ""),
            "origin_country",
        ),
    )
    return {
        "product": product,
        "enterprise": product.enterprise,
        "fields": fields,
        "hs": hs,
        "attachments": attachments,
        "labels": [a for a in attachments if a.kind == LABEL_KIND],
        "reports": reports,
        "others": others,
        "tier_label": TIER_LABELS.get(product.tier, "—"),
        "tier_colour": TIER_COLOURS.get(product.tier, "secondary"),
        "missing": services.product_missing(product, attachments=attachments) if _checks_missing(product) else {},
        "show_missing": _checks_missing(product),
        "reasons": product.classification.get("reasons", []) if isinstance(product.classification, dict) else [],
        "editable": editable,
        "is_own": own,
        "can_review": reviewer,
        "decisions": _decisions(product) if reviewer else [],
        "decision_form": DecisionForm(),
        "label_form": forms_given.get("label_form") or (UploadForm() if own and editable else None),
        "report_form": forms_given.get("report_form") or (TestReportForm() if own and open_for_reports else None),
        "change_requests": change_requests,
        "has_pending_change": any(c.status == ChangeRequestStatus.PENDING for c in change_requests),
        "enterprise_approved": product.enterprise.status == FilingStatus.APPROVED,
        "decision_url_name": "filings:product_decide",
    }


@login_required
def product_detail(request, pk: int):
    product = _visible_product(request, pk)
    return render(request, "filings/product_detail.html", _product_context(request, product))


@login_required
@require_http_methods(["GET", "POST"])
def product_create(request):
    user = request.user
    if not (user.is_enterprise_user and user.enterprise_id):
        raise Http404
    enterprise = user.enterprise
    form = ProductFilingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(actor=user, enterprise=enterprise, **form.service_fields())
        except PermissionDenied as exc:
            show_refusal(request, exc)
            return redirect("filings:product_list")
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The product was saved as a draft."))
            return redirect(product)
    return render(request, "filings/product_form.html", {"form": form, "product": None, "enterprise": enterprise})


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request, pk: int):
    product = _own_product_or_404(request, pk)
    if product.status not in FILING_EDITABLE:
        messages.info(request, _("An approved filing is changed by a change request."))
        return redirect(product)
    if request.method == "POST":
        form = ProductFilingForm(request.POST)
        if form.is_valid():
            try:
                product = services.product_update(actor=request.user, product=product, **form.service_fields())
            except PermissionDenied as exc:
                show_refusal(request, exc)
                return redirect(product)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The product was saved."))
                return redirect(product)
    else:
        form = ProductFilingForm(initial=ProductFilingForm.initial_for(product))
    return render(
        request, "filings/product_form.html", {"form": form, "product": product, "enterprise": product.enterprise}
    )


@login_required
@require_POST
def product_submit(request, pk: int):
    product = _visible_product(request, pk)
    try:
        product = services.product_submit(actor=request.user, product=product)
    except (ValidationError, PermissionDenied) as exc:
        show_refusal(request, exc)
    else:
        messages.success(
            request,
            _("The product was submitted to %(bureau)s for review.") % {"bureau": product.enterprise.bureau.name},
        )
    return redirect(product)


@login_required
@require_http_methods(["GET", "POST"])
def product_decide(request, pk: int, action: str):
    """A decision of the competent bureau on a product filing."""
    product = _visible_product(request, pk)
    return _decide(
        request,
        product,
        action,
        lambda status, reason: services.product_decide(
            actor=request.user, product=product, status=status, reason=reason
        ),
        _("Product filing"),
    )


@login_required
@require_POST
def product_label(request, pk: int):
    product = _own_product_or_404(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.product_label_attach(actor=request.user, product=product, upload=form.cleaned_data["file"])
        except PermissionDenied as exc:
            show_refusal(request, exc)
            return redirect(product)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The label file was attached."))
            return redirect(product)
    return render(request, "filings/product_detail.html", _product_context(request, product, label_form=form))


@login_required
@require_POST
def product_test_report_add(request, pk: int):
    product = _own_product_or_404(request, pk)
    form = TestReportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.product_test_report_add(
                actor=request.user,
                product=product,
                lab=data["lab"],
                report_no=data["report_no"],
                issued_on=data["issued_on"],
                standard=data["standard"],
                verdict=data["verdict"],
                upload=data["file"],
            )
        except PermissionDenied as exc:
            show_refusal(request, exc)
            return redirect(product)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The test report was recorded."))
            return redirect(f"{product.get_absolute_url()}#test-reports")
    return render(request, "filings/product_detail.html", _product_context(request, product, report_form=form))


@login_required
@require_http_methods(["GET", "POST"])
def product_change_request(request, pk: int):
    product = _own_product_or_404(request, pk)
    return _change_request(
        request,
        enterprise=product.enterprise,
        product=product,
        form_class=ProductChangeRequestForm,
        edit_form_class=ProductFilingForm,
    )


# --- bulk upload --------------------------------------------------------------------------------


def _bulk_module():
    try:
        from filings.services import bulk
    except ImportError:
        return None
    return bulk


def _bulk_row_errors(bulk, exc: ValidationError) -> list[dict] | None:
    """A refused bulk upload's row report as rows of (row, field, message); None for a file-level refusal."""
    if not (hasattr(exc, "error_dict") and "rows" in exc.error_dict):
        return None
    rows = []
    for report in bulk.bulk_row_errors(exc):
        for field, field_messages in (report.get("errors") or {}).items():
            for message in field_messages:
                rows.append(
                    {
                        "row": report.get("row"),
                        "field": field,
                        "label": _field_label(ProductFiling, field) if field else "",
                        # The heading the user sees in the spreadsheet.
                        "column": bulk.column_heading(field) if field in bulk.COLUMN_ZH else field,
                        "message": str(message),
                    }
                )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def product_bulk(request):
    user = request.user
    if not (user.is_enterprise_user and user.enterprise_id):
        raise Http404
    bulk = _bulk_module()
    form = UploadForm(request.POST if request.method == "POST" else None, request.FILES or None)
    row_errors = None
    if request.method == "POST" and bulk is not None and form.is_valid():
        try:
            result = bulk.product_bulk_import(actor=user, enterprise=user.enterprise, upload=form.cleaned_data["file"])
        except PermissionDenied as exc:
            show_refusal(request, exc)
        except ValidationError as exc:
            row_errors = _bulk_row_errors(bulk, exc)
            if row_errors is None:
                form.add_service_errors(exc)
            else:
                form.add_error(None, _("Nothing was imported: correct the rows below and upload the file again."))
        else:
            count = len(result.created)
            messages.success(
                request,
                ngettext("%(count)d product was saved as a draft.", "%(count)d products were saved as drafts.", count)
                % {"count": count},
            )
            return redirect(f"{reverse('filings:product_list')}?status={FilingStatus.DRAFT}")
    return render(
        request,
        "filings/product_bulk.html",
        {"form": form, "row_errors": row_errors, "available": bulk is not None, "enterprise": user.enterprise},
    )


@login_required
@require_GET
def product_bulk_template(request, fmt: str):
    if not request.user.is_enterprise_user or fmt not in ("xlsx", "csv"):
        raise Http404
    bulk = _bulk_module()
    if bulk is None:
        raise Http404
    content, content_type, filename = bulk.product_template(fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- review queue and change requests -----------------------------------------------------------


@login_required
def review_queue(request):
    """What the competent bureau has to decide, oldest first; overdue rows stand out."""
    user = request.user
    if not (user.is_bureau_staff or user.is_hq):
        raise Http404
    enterprises = list(
        EnterpriseFiling.objects.visible_to(user)
        .filter(status=FilingStatus.SUBMITTED)
        .select_related("bureau")
        .order_by("submitted_at", "id")[:REVIEW_QUEUE_LIMIT]
    )
    products = list(
        ProductFiling.objects.visible_to(user)
        .filter(status=FilingStatus.SUBMITTED)
        .select_related("enterprise__bureau")
        .order_by("submitted_at", "id")[:REVIEW_QUEUE_LIMIT]
    )
    changes = list(
        ChangeRequest.objects.visible_to(user)
        .filter(status=ChangeRequestStatus.PENDING)
        .select_related("enterprise__bureau", "product", "submitted_by")
        .order_by("created_at", "id")[:REVIEW_QUEUE_LIMIT]
    )
    review_days = dt.timedelta(days=settings.FILING_REVIEW_DAYS)
    now = timezone.now()
    for row in enterprises + products:
        row.days_waiting = _days_waiting(row.submitted_at)
    for row in changes:
        row.days_waiting = _days_waiting(row.created_at)
        # The same deadline as for filings, counted from the request.
        row.is_overdue = row.created_at + review_days < now
    return render(
        request,
        "filings/review_queue.html",
        {
            "enterprises": enterprises,
            "products": products,
            "changes": changes,
            "review_days": settings.FILING_REVIEW_DAYS,
            "limit": REVIEW_QUEUE_LIMIT,
            "tier_labels": TIER_LABELS,
        },
    )


@login_required
def change_request_detail(request, pk: int):
    queryset = ChangeRequest.objects.visible_to(request.user).select_related(
        "enterprise__bureau", "product", "submitted_by", "decided_by"
    )
    change = get_object_or_404(queryset, pk=pk)
    model = ProductFiling if change.product_id else EnterpriseFiling
    rows = [
        {
            "field": field,
            "label": _field_label(model, field),
            "original": _display(field, (change.original or {}).get(field)),
            "proposed": _display(field, value),
        }
        for field, value in change.changes.items()
    ]
    pending = change.status == ChangeRequestStatus.PENDING
    return render(
        request,
        "filings/change_request_detail.html",
        {
            "change": change,
            "rows": rows,
            "can_review": pending and request.user.is_bureau_staff,
            "can_withdraw": pending and _is_own(request.user, change.enterprise_id),
            "form": DecisionForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_request_decide(request, pk: int, action: str):
    change = get_object_or_404(ChangeRequest.objects.visible_to(request.user).select_related("enterprise"), pk=pk)
    statuses = {"approve": ChangeRequestStatus.APPROVED, "reject": ChangeRequestStatus.REJECTED}
    if action not in statuses:
        raise Http404
    if request.method == "GET" and not request.user.is_bureau_staff:
        raise Http404
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_request_decide(
                actor=request.user, request=change, status=statuses[action], reason=form.cleaned_data["reason"]
            )
        except PermissionDenied as exc:
            show_refusal(request, exc)
            return redirect(change)
        except ValidationError as exc:
            if "reason" not in exc.message_dict:
                show_refusal(request, exc)
                return redirect(change)
            form.add_service_errors(exc)
        else:
            done = {
                "approve": _("The change request was approved; the changes are in force."),
                "reject": _("The change request was rejected; the enterprise has been notified."),
            }
            messages.success(request, done[action])
            return redirect(change)
    label, colour, icon = _DECISION_LOOK[action]
    decision = Decision(action, statuses[action], label, colour, icon, action == "reject")
    return render(
        request,
        "filings/decision_form.html",
        {"object": change, "decision": decision, "form": form, "kind": _("Change request")},
    )


@login_required
@require_POST
def change_request_withdraw(request, pk: int):
    change = get_object_or_404(ChangeRequest.objects.visible_to(request.user), pk=pk)
    try:
        services.change_request_withdraw(actor=request.user, request=change)
    except (ValidationError, PermissionDenied) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The change request was withdrawn."))
    return redirect(change)
