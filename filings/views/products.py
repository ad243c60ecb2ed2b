"""Product filing pages: list, detail, create, edit, submit, decide, label, test reports, bulk upload.

Every object is looked up through ``visible_to(request.user)`` (outside it: 404). Writes are POSTs
that call one service; a refusal (ValidationError, PermissionDenied) is shown on the form it came
from or as a message, and changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalogues.choices import TIER_COLOURS
from catalogues.models import HSCode
from catalogues.presentation import reason_rows
from cbec_supervision.lists import BulkAction, bulk_page, list_page
from cbec_supervision.webui import show_refusal
from cbec_supervision.widgets import row_id
from cbec_supervision.workflow import may_review
from filings import services
from filings.choices import (
    FILING_EDITABLE,
    LABEL_KIND,
    ChangeRequestStatus,
    FilingStatus,
    Suspicion,
)
from filings.filtersets import ProductFilingFilterSet
from filings.forms import (
    DecisionForm,
    ProductChangeRequestForm,
    ProductFilingForm,
    TestReportForm,
    UploadForm,
)
from filings.models import EnterpriseFiling, ProductFiling
from filings.selectors import product_duplicates
from filings.tables import ProductFilingTable
from filings.views.common import (
    TIER_LABELS,
    _attachments,
    _change_requests,
    _checks_missing,
    _decisions,
    _display,
    _field_label,
    _is_own,
    _own_product_or_404,
    _visible_product,
)
from filings.views.enterprises import (
    _change_request,
    _decide,
    decision_bulk_actions,
)

# --- product filings ----------------------------------------------------------------------------


#: The label upload and the test report form both have a "file" field on the product page: ids apart.
LABEL_FORM_IDS = "id_label_%s"


def _is_enterprise_user(user) -> bool:
    return user.is_enterprise_user


def product_bulk_actions(user) -> list[BulkAction]:
    """Enterprises submit selected drafts; the competent bureau approves or returns selected submissions."""
    if user.is_enterprise_user:
        return [
            BulkAction(
                "submit",
                gettext_lazy("Submit selected for review"),
                reverse("filings:product_bulk_submit"),
                icon="send",
                allowed=_is_enterprise_user,
            )
        ]
    return decision_bulk_actions("product")


@login_required
def product_list(request):
    user = request.user
    queryset = ProductFiling.objects.visible_to(user).select_related("enterprise__bureau")
    enterprise = None
    wanted = row_id(request.GET.get("enterprise", ""))
    if wanted is not None:
        enterprise = EnterpriseFiling.objects.visible_to(user).filter(pk=wanted).first()
    mine = user.is_enterprise_user
    breadcrumbs = []
    if enterprise and not mine:
        breadcrumbs = [
            {"url": reverse("filings:enterprise_list"), "label": _("Enterprise filings")},
            {"url": enterprise.get_absolute_url(), "label": enterprise.name},
        ]
    return list_page(
        request,
        queryset=queryset,
        table_class=ProductFilingTable,
        filterset_class=ProductFilingFilterSet,
        template="filings/product_list.html",
        context={
            "title": _("My products") if mine else _("Product filings"),
            "breadcrumbs": breadcrumbs,
            "for_enterprise": enterprise,
            "search_placeholder": _("Name, brand, HS code, GTIN, filing number or credit code"),
        },
        bulk_actions=product_bulk_actions(user),
        for_enterprise_user=mine,
    )


@login_required
@require_POST
def product_bulk_submit(request):
    """Submit the selected products, each through ``product_submit``."""
    user = request.user
    [action] = [a for a in product_bulk_actions(user) if a.name == "submit"] or [None]
    if action is None:
        raise Http404
    return bulk_page(
        request,
        action=action,
        queryset=ProductFiling.objects.visible_to(user).select_related("enterprise__bureau"),
        table_class=ProductFilingTable,
        act=lambda product, _comment: services.product_submit(actor=user, product=product),
        back_url=reverse("filings:product_list"),
        title=str(action.label),
        for_enterprise_user=True,
    )


@login_required
@require_POST
def product_bulk_decide(request, action: str):
    """Approve or return the selected product filings, each through ``filing_decide``: a row whose
    status the decision does not accept (a suspended filing is not approved again) is refused."""
    actions = {a.name: a for a in decision_bulk_actions("product")}
    if action not in actions:
        raise Http404
    user = request.user
    return bulk_page(
        request,
        action=actions[action],
        queryset=ProductFiling.objects.visible_to(user).select_related("enterprise__bureau"),
        table_class=ProductFilingTable,
        act=lambda product, comment: services.filing_decide(actor=user, filing=product, action=action, reason=comment),
        back_url=reverse("filings:product_list"),
        title=str(actions[action].label),
    )


def _product_context(request, product: ProductFiling, **forms_given) -> dict:
    user = request.user
    own = _is_own(user, product.enterprise_id)
    reviewer = may_review(user, product.enterprise.bureau, ProductFiling.review_permission)
    editable = product.status in FILING_EDITABLE
    attachments = _attachments(product)
    reports = list(product.test_reports.select_related("attachment"))
    change_requests = list(_change_requests(product.change_requests.all(), user))
    hs = HSCode.objects.filter(code=product.hs_code[:8]).first() if len(product.hs_code) >= 8 else None
    others = (
        ProductFiling.objects.visible_to(user)
        .filter(enterprise_id=product.enterprise_id)
        .exclude(pk=product.pk)
        .count()
    )
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
        "reasons": reason_rows(product.classification.get("reasons"), None)
        if isinstance(product.classification, dict)
        else [],
        "flag_rows": reason_rows(product.prohibited_reasons, None) if product.prohibited_flagged_at else [],
        "dismissed_reasons": (
            product.classification.get("dismissed", []) if isinstance(product.classification, dict) else []
        ),
        "can_decide_suspicion": reviewer
        and product.status == FilingStatus.SUBMITTED
        and product.suspicion == Suspicion.PENDING,
        "editable": editable,
        "is_own": own,
        "can_review": reviewer,
        "in_charge": own or user.is_hq or user.has_jurisdiction_over(product.enterprise.bureau),
        "decisions": _decisions(product) if reviewer else [],
        "decision_form": DecisionForm(),
        "label_form": forms_given.get("label_form")
        or (UploadForm(auto_id=LABEL_FORM_IDS) if own and editable else None),
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
    duplicates = _duplicates_unconfirmed(form, enterprise) if request.method == "POST" else []
    if request.method == "POST" and form.is_valid() and not duplicates:
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
    return render(
        request,
        "filings/product_form.html",
        {"form": form, "product": None, "enterprise": enterprise, "duplicates": duplicates},
    )


def _duplicates_unconfirmed(form: ProductFilingForm, enterprise, exclude: int | None = None) -> list:
    """The enterprise's filings of what seem the same goods, unless the form confirms this is another
    product: the save waits for that confirmation, and nothing typed is lost."""
    if not form.is_valid() or form.cleaned_data.get("confirm_duplicate"):
        return []
    data = form.cleaned_data
    return product_duplicates(
        enterprise, brand=data.get("brand", ""), model=data.get("model", ""), gtin=data.get("gtin", ""), exclude=exclude
    )


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request, pk: int):
    product = _own_product_or_404(request, pk)
    if product.status not in FILING_EDITABLE:
        messages.info(request, _("An approved filing is changed by a change request."))
        return redirect(product)
    duplicates: list = []
    if request.method == "POST":
        form = ProductFilingForm(request.POST)
        duplicates = _duplicates_unconfirmed(form, product.enterprise_id, exclude=product.pk)
        if form.is_valid() and not duplicates:
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
        request,
        "filings/product_form.html",
        {"form": form, "product": product, "enterprise": product.enterprise, "duplicates": duplicates},
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
            _("The product was submitted to %(bureau)s for review.") % {"bureau": product.enterprise.bureau.local_name},
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
        lambda action, reason: services.filing_decide(actor=request.user, filing=product, action=action, reason=reason),
        _("Product filing"),
    )


@login_required
@require_POST
def product_suspicion(request, pk: int, decision: str):
    """The reviewer confirms or dismisses the product's suspected prohibited goods match, with a reason."""
    if decision not in ("confirm", "dismiss"):
        raise Http404
    product = _visible_product(request, pk)
    try:
        product = services.product_suspicion_decide(
            actor=request.user,
            product=product,
            confirmed=decision == "confirm",
            reason=request.POST.get("reason", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        show_refusal(request, exc)
    else:
        if product.suspicion == Suspicion.CONFIRMED:
            messages.warning(request, _("The suspicion is confirmed: the goods are prohibited; reject the filing."))
        else:
            messages.success(request, _("The suspicion is dismissed."))
    return redirect(product)


@login_required
@require_POST
def product_label(request, pk: int):
    product = _own_product_or_404(request, pk)
    form = UploadForm(request.POST, request.FILES, auto_id=LABEL_FORM_IDS)
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
