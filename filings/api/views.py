"""Filings over the API: enterprises, products and change requests, with their workflow actions.

Every write calls a service; a service's ValidationError answers 400 and its PermissionDenied 403
(``cbec_supervision.api.exception_handler``). Objects outside ``visible_to(user)`` answer 404.
Workflow actions are listed in ``object_actions``: once the object is found, their service
decides whether the user's role may act.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from catalogues.services import certification_required
from cbec_supervision.api import TEMPLATE_FORMATS, XLSX_CONTENT_TYPE, IgnoreFormatParameter, ScopedViewSetMixin
from cbec_supervision.models import Attachment
from filings import services
from filings.api.serializers import (
    AttachmentSerializer,
    BulkImportResultSerializer,
    ChangeRequestCreateSerializer,
    ChangeRequestSerializer,
    EnterpriseFilingCreateSerializer,
    EnterpriseFilingSerializer,
    EnterpriseUserCreateSerializer,
    EnterpriseUserSerializer,
    FileUploadSerializer,
    ProductFilingSerializer,
    ReasonSerializer,
    RequiredReasonSerializer,
    SetBureauSerializer,
    TestReportCreateSerializer,
    TestReportSerializer,
)
from filings.choices import FILING_DECISIONS, ChangeRequestStatus, FilingAction
from filings.filtersets import ChangeRequestFilterSet, EnterpriseFilingFilterSet, ProductFilingFilterSet
from filings.models import ChangeRequest, EnterpriseFiling, ProductFiling
from filings.services.changes import ENTERPRISE_CHANGEABLE
from filings.services.enterprises import enterprise_create_own


def api_filterset(filterset_class: type) -> type:
    """The shared FilterSet, with its ``ordering`` left to DRF's OrderingFilter.

    The API ignores an unknown ``?ordering=`` instead of refusing it, and the viewset's
    ``ordering_fields`` name the same orderings; every other filter is the shared one.
    """
    return type(f"Api{filterset_class.__name__}", (filterset_class,), {"ordering": None})


def attachments_by_owner(model: type[models.Model], objects: Iterable[models.Model]) -> dict[str, list[Attachment]]:
    """The attachments of ``objects`` in one query, keyed by owner id (as stored: text)."""
    ids = [str(obj.pk) for obj in objects]
    grouped: dict[str, list[Attachment]] = defaultdict(list)
    if ids:
        content_type = ContentType.objects.get_for_model(model)
        for attachment in Attachment.objects.filter(content_type=content_type, object_id__in=ids):
            grouped[attachment.object_id].append(attachment)
    return dict(grouped)


def typed_changes(
    serializer_class: type[serializers.ModelSerializer],
    instance: models.Model,
    changes: dict[str, Any],
    changeable: Sequence[str],
    context: dict,
) -> dict[str, Any]:
    """Proposed values checked for type and length as an edit of ``instance`` would be.

    Names that may not be changed pass through untouched, so the service names them in its refusal.
    """
    known = {key: value for key, value in changes.items() if key in changeable}
    checker = serializer_class(instance, data=known, partial=True, context=context)
    checker.is_valid(raise_exception=True)
    typed = {key: value for key, value in changes.items() if key not in changeable}
    typed.update({key: checker.validated_data[key] for key in known if key in checker.validated_data})
    return typed


class WorkflowActionsMixin:
    """What the workflow actions share: the reason they take, and the answer they give."""

    def _reason(self, request) -> str:
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data.get("reason", "")

    def _respond(self, obj, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.serializer_class(obj, context=self.get_serializer_context()).data, status=code)


#: the action names ``decision_actions`` adds (list them in the viewset's ``object_actions``)
DECISIONS = tuple(f"{action}_" if action == FilingAction.RETURN else str(action) for action in FILING_DECISIONS)

_DECISION_DOCS = {
    FilingAction.APPROVE: "Approve a submitted %(noun)s; it gets its filing number.",
    FilingAction.RETURN: "Return a submitted %(noun)s for correction, with a reason.",
    FilingAction.REJECT: "Reject a submitted %(noun)s, with a reason.",
    FilingAction.SUSPEND: "Suspend an approved %(noun)s, with a reason.",
    FilingAction.REINSTATE: "Put a suspended %(noun)s back in force.",
    FilingAction.REVOKE: "Revoke an approved or suspended %(noun)s, with a reason.",
}


def decision_actions(serializer_class: type, noun: str) -> type:
    """The competent bureau's decisions on a filing (``FILING_DECISIONS``), as API actions calling
    ``filing_decide``; ``return`` is a Python keyword, so its method is ``return_``."""

    def _decide(self, request, action_name: str) -> Response:
        filing = self.get_object()
        reason = self._reason(request)
        return self._respond(
            services.filing_decide(actor=request.user, filing=filing, action=action_name, reason=reason)
        )

    def make(name: str, action_name: str):
        def decide(self, request, pk=None):  # noqa: ARG001 - the router passes pk
            return self._decide(request, action_name)

        decide.__name__ = name
        decide.__doc__ = _DECISION_DOCS[action_name] % {"noun": noun}
        decorated = action(detail=True, methods=["post"], url_path=action_name, url_name=action_name)(decide)
        return extend_schema(request=ReasonSerializer, responses=serializer_class)(decorated)

    return type(
        f"{serializer_class.__name__}Decisions",
        (),
        {
            "_decide": _decide,
            **{
                name: make(name, str(action_name))
                for name, action_name in zip(DECISIONS, FILING_DECISIONS, strict=True)
            },
        },
    )


# --- enterprises --------------------------------------------------------------------------------


class EnterpriseFilingViewSet(
    ScopedViewSetMixin,
    WorkflowActionsMixin,
    decision_actions(EnterpriseFilingSerializer, "enterprise filing"),
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Enterprise filings: an enterprise sees its own, a bureau those it is competent for."""

    queryset = EnterpriseFiling.objects.all()
    serializer_class = EnterpriseFilingSerializer
    filterset_class = api_filterset(EnterpriseFilingFilterSet)
    list_select_related = ("bureau",)
    ordering_fields = ["submitted_at", "created_at", "name", "status"]
    object_actions = (
        "history",
        "submit",
        *DECISIONS,
        "set_bureau",
        "strict_supervision",
        "lift_strict_supervision",
        "change_request",
        "users",
        "refile",
    )

    def get_serializer_class(self):
        if self.action == "create":
            return EnterpriseFilingCreateSerializer
        return super().get_serializer_class()

    @extend_schema(request=EnterpriseFilingCreateSerializer, responses={201: EnterpriseFilingSerializer})
    def create(self, request, *args, **kwargs):
        """File the enterprise of an enterprise user whose account has none yet; they join it."""
        user = request.user
        if not user.is_enterprise_user or user.enterprise_id is not None:
            raise PermissionDenied(_("Only an enterprise user whose account has no enterprise yet may file one."))
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        filing = enterprise_create_own(actor=user, **body.validated_data)
        return self._respond(filing, status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = services.enterprise_update(
            actor=self.request.user, filing=serializer.instance, **serializer.validated_data
        )

    @extend_schema(request=None, responses=EnterpriseFilingSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The enterprise sends its draft or returned filing for review."""
        return self._respond(services.enterprise_submit(actor=request.user, filing=self.get_object()))

    @extend_schema(request=None, responses={201: EnterpriseFilingSerializer})
    @action(detail=True, methods=["post"])
    def refile(self, request, pk=None):
        """File the enterprise again after this filing was rejected or revoked: a new draft follows it.

        Its own users only; the new draft copies the editable fields, their accounts move to it, and
        the old filing keeps its status, number, history and products.
        """
        return self._respond(
            services.enterprise_refile(actor=request.user, filing=self.get_object()), status.HTTP_201_CREATED
        )

    @extend_schema(request=SetBureauSerializer, responses=EnterpriseFilingSerializer)
    @action(detail=True, methods=["post"], url_path="set-bureau", url_name="set-bureau")
    def set_bureau(self, request, pk=None):
        """Correct the competent bureau derived from the region code, with a reason."""
        filing = self.get_object()
        body = SetBureauSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            services.enterprise_set_bureau(
                actor=request.user,
                filing=filing,
                bureau=body.validated_data["bureau"],
                reason=body.validated_data.get("reason", ""),
            )
        )

    def _required_reason(self, request) -> str:
        body = RequiredReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data["reason"]

    @extend_schema(request=RequiredReasonSerializer, responses=EnterpriseFilingSerializer)
    @action(detail=True, methods=["post"], url_path="strict-supervision", url_name="strict-supervision")
    def strict_supervision(self, request, pk=None):
        """Place an approved or suspended enterprise under strict supervision, with a reason (bureau
        administrators of its competent bureau). Every batch it declares is then verified on site."""
        filing = self.get_object()
        return self._respond(
            services.enterprise_strict_supervision_place(
                actor=request.user, filing=filing, reason=self._required_reason(request)
            )
        )

    @extend_schema(request=RequiredReasonSerializer, responses=EnterpriseFilingSerializer)
    @action(detail=True, methods=["post"], url_path="lift-strict-supervision", url_name="lift-strict-supervision")
    def lift_strict_supervision(self, request, pk=None):
        """Lift the enterprise's strict supervision, with a reason (bureau administrators of its competent bureau)."""
        filing = self.get_object()
        return self._respond(
            services.enterprise_strict_supervision_lift(
                actor=request.user, filing=filing, reason=self._required_reason(request)
            )
        )

    @extend_schema(request=ChangeRequestCreateSerializer, responses={201: ChangeRequestSerializer})
    @action(detail=True, methods=["post"], url_path="change-request", url_name="change-request")
    def change_request(self, request, pk=None):
        """Propose changes to the approved filing; they take effect once the bureau approves them."""
        filing = self.get_object()
        body = ChangeRequestCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changes = typed_changes(
            EnterpriseFilingSerializer,
            filing,
            body.validated_data["changes"],
            ENTERPRISE_CHANGEABLE,
            self.get_serializer_context(),
        )
        change = services.change_request_submit(
            actor=request.user,
            enterprise=filing,
            changes=changes,
            explanation=body.validated_data.get("explanation", ""),
        )
        return Response(ChangeRequestSerializer(change).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], request=None, responses=EnterpriseUserSerializer(many=True), filters=False)
    @extend_schema(methods=["POST"], request=EnterpriseUserCreateSerializer, responses={201: EnterpriseUserSerializer})
    @action(detail=True, methods=["get", "post"])
    def users(self, request, pk=None):
        """The enterprise's user accounts; its own users add colleagues."""
        filing = self.get_object()
        if request.method == "POST":
            body = EnterpriseUserCreateSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            user = services.enterprise_user_add(actor=request.user, enterprise=filing, **body.validated_data)
            return Response(EnterpriseUserSerializer(user).data, status=status.HTTP_201_CREATED)
        own = request.user.is_enterprise_user and request.user.enterprise_id == filing.pk
        staff = request.user.is_hq or request.user.has_jurisdiction_over(filing.bureau)
        if not (own or (staff and request.user.has_perm("accounts.view_user"))):
            raise PermissionDenied(_("Only the enterprise's own users and bureau administrators see its accounts."))
        page = self.paginate_queryset(filing.users.order_by("username", "id"))
        return self.get_paginated_response(EnterpriseUserSerializer(page, many=True).data)


# --- products -----------------------------------------------------------------------------------


class ProductFilingViewSet(
    ScopedViewSetMixin,
    WorkflowActionsMixin,
    decision_actions(ProductFilingSerializer, "product filing"),
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Product filings: never deleted; edited while draft or returned, later by change request."""

    queryset = ProductFiling.objects.all()
    serializer_class = ProductFilingSerializer
    filterset_class = api_filterset(ProductFilingFilterSet)
    list_select_related = ("enterprise",)
    list_prefetch_related = ("test_reports",)
    ordering_fields = ["submitted_at", "created_at", "name", "status"]
    object_actions = (
        "history",
        "submit",
        *DECISIONS,
        "confirm_suspicion",
        "dismiss_suspicion",
        "change_request",
        "test_reports",
        "label",
    )
    collection_actions = ("bulk", "template")

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        # Attachments are a generic relation: the page's are fetched in one query; so is which of
        # the page's HS codes need a CCC certificate.
        context = {
            **self.get_serializer_context(),
            "attachments": attachments_by_owner(ProductFiling, rows),
            "certified_codes": certification_required(row.hs_code for row in rows),
        }
        data = self.get_serializer_class()(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        enterprise = fields.pop("enterprise", None)
        if enterprise is None and self.request.user.enterprise_id:
            enterprise = EnterpriseFiling.objects.filter(pk=self.request.user.enterprise_id).first()
        if enterprise is None:
            raise ValidationError({"enterprise": [_("File your enterprise before its products.")]})
        serializer.instance = services.product_create(actor=self.request.user, enterprise=enterprise, **fields)

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        fields.pop("enterprise", None)  # unchanged: ``validate`` refuses any other
        serializer.instance = services.product_update(actor=self.request.user, product=serializer.instance, **fields)

    def _own_enterprise(self, request) -> EnterpriseFiling:
        user = request.user
        enterprise = EnterpriseFiling.objects.filter(pk=user.enterprise_id).first() if user.enterprise_id else None
        if not user.is_enterprise_user or enterprise is None:
            raise PermissionDenied(_("Only enterprise users upload products in bulk and download the template."))
        return enterprise

    @extend_schema(request=None, responses=ProductFilingSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The enterprise sends the product for review; its own filing must be approved."""
        return self._respond(services.product_submit(actor=request.user, product=self.get_object()))

    def _decide_suspicion(self, request, confirmed: bool) -> Response:
        product = self.get_object()
        body = RequiredReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            services.product_suspicion_decide(
                actor=request.user, product=product, confirmed=confirmed, reason=body.validated_data["reason"]
            )
        )

    @extend_schema(request=RequiredReasonSerializer, responses=ProductFilingSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-suspicion", url_name="confirm-suspicion")
    def confirm_suspicion(self, request, pk=None):
        """Confirm the suspected prohibited goods match of a submitted product, with a reason (its
        competent bureau's reviewers). The goods are then prohibited: the filing is to be rejected."""
        return self._decide_suspicion(request, confirmed=True)

    @extend_schema(request=RequiredReasonSerializer, responses=ProductFilingSerializer)
    @action(detail=True, methods=["post"], url_path="dismiss-suspicion", url_name="dismiss-suspicion")
    def dismiss_suspicion(self, request, pk=None):
        """Dismiss the suspected prohibited goods match, with a reason: the suspected reasons are
        dropped and the tier follows from the certain ones."""
        return self._decide_suspicion(request, confirmed=False)

    @extend_schema(request=ChangeRequestCreateSerializer, responses={201: ChangeRequestSerializer})
    @action(detail=True, methods=["post"], url_path="change-request", url_name="change-request")
    def change_request(self, request, pk=None):
        """Propose changes to the approved product; they take effect once the bureau approves them."""
        product = self.get_object()
        body = ChangeRequestCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changes = typed_changes(
            ProductFilingSerializer,
            product,
            body.validated_data["changes"],
            services.PRODUCT_FIELDS,
            self.get_serializer_context(),
        )
        change = services.change_request_submit(
            actor=request.user,
            enterprise=product.enterprise,
            product=product,
            changes=changes,
            explanation=body.validated_data.get("explanation", ""),
        )
        return Response(ChangeRequestSerializer(change).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TestReportCreateSerializer, responses={201: TestReportSerializer})
    @action(detail=True, methods=["post"], url_path="test-reports", url_name="test-reports")
    def test_reports(self, request, pk=None):
        """Record a third-party test report, with its file (multipart) if there is one."""
        product = self.get_object()
        body = TestReportCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        report = services.product_test_report_add(
            actor=request.user, product=product, upload=fields.pop("file", None), **fields
        )
        return Response(TestReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": FileUploadSerializer}, responses={201: AttachmentSerializer})
    @action(detail=True, methods=["post"])
    def label(self, request, pk=None):
        """Attach a photo or scan of the Chinese label and warnings (multipart ``file``)."""
        product = self.get_object()
        body = FileUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attachment = services.product_label_attach(
            actor=request.user, product=product, upload=body.validated_data["file"]
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": FileUploadSerializer},
        responses={201: BulkImportResultSerializer, 400: OpenApiResponse(description="errors per file or per row")},
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """File many draft products from the bulk template (multipart ``file``): all rows or none."""
        enterprise = self._own_enterprise(request)
        body = FileUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        from filings.services.bulk import bulk_row_errors, product_bulk_import

        try:
            result = product_bulk_import(actor=request.user, enterprise=enterprise, upload=body.validated_data["file"])
        except DjangoValidationError as exc:
            rows = bulk_row_errors(exc)
            if not rows:
                raise  # a problem with the file as a whole: {"file": [...]}
            return Response({"rows": rows}, status=status.HTTP_400_BAD_REQUEST)
        ids = [product.pk for product in result.created]
        return Response({"created": len(ids), "ids": ids}, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=[*TEMPLATE_FORMATS], default="xlsx")],
        responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY, (200, "text/csv"): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], content_negotiation_class=IgnoreFormatParameter)
    def template(self, request):
        """The bulk upload template, as ``xlsx`` (default) or ``csv``."""
        self._own_enterprise(request)
        file_format = request.query_params.get("format", "xlsx").lower()
        if file_format not in TEMPLATE_FORMATS:
            raise ValidationError({"format": [_("Choose xlsx or csv.")]})
        from filings.services.bulk import product_template

        content, content_type, filename = product_template(file_format)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# --- change requests ----------------------------------------------------------------------------


class ChangeRequestViewSet(ScopedViewSetMixin, WorkflowActionsMixin, viewsets.ReadOnlyModelViewSet):
    """Change requests to approved filings: made from the filing, decided here."""

    queryset = ChangeRequest.objects.all()
    serializer_class = ChangeRequestSerializer
    filterset_class = api_filterset(ChangeRequestFilterSet)
    list_select_related = ("enterprise", "product", "submitted_by", "decided_by")
    ordering_fields = ["created_at", "decided_at", "status"]
    object_actions = ("history", "approve", "reject", "withdraw")

    @extend_schema(request=ReasonSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """The competent bureau approves: the proposed values take effect now."""
        change = self.get_object()
        reason = self._reason(request)
        return self._respond(
            services.change_request_decide(
                actor=request.user, request=change, status=ChangeRequestStatus.APPROVED, reason=reason
            )
        )

    @extend_schema(request=ReasonSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """The competent bureau rejects, with a reason: the approved values stay in force."""
        change = self.get_object()
        reason = self._reason(request)
        return self._respond(
            services.change_request_decide(
                actor=request.user, request=change, status=ChangeRequestStatus.REJECTED, reason=reason
            )
        )

    @extend_schema(request=None, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The enterprise withdraws its pending change request."""
        return self._respond(services.change_request_withdraw(actor=request.user, request=self.get_object()))
