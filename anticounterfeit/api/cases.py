"""Counterfeit cases over the API (``counterfeit-cases/``): the list (filtered), a case, proposing one, and
the steps of the procedure as actions (``approve/``, ``refuse/``, ``assign/``, ``unassign/``,
``submit-for-review/``, ``review/``, ``return/``, ``notice/``, ``hearing/``, ``decide/``, ``serve/``,
``enforce/``, ``transfer/``, ``close/``, ``links/``), plus the evidence actions of
``EvidenceActionsMixin``.

Every write calls a service; a service's ValidationError answers 400 and its PermissionDenied 403. A case
outside ``visible_to(user)`` answers 404; enterprises get 403 on the list and 404 on a case.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from anticounterfeit import services
from anticounterfeit.api.case_serializers import (
    CaseApproveSerializer,
    CaseAssignSerializer,
    CaseCloseSerializer,
    CaseCreateSerializer,
    CaseDecideSerializer,
    CaseEnforceSerializer,
    CaseHearingSerializer,
    CaseLinkSerializer,
    CaseNoticeSerializer,
    CaseOpinionSerializer,
    CaseReasonSerializer,
    CaseReportSerializer,
    CaseServeSerializer,
    CaseTransferSerializer,
    CaseUnassignSerializer,
    CounterfeitCaseSerializer,
)
from anticounterfeit.api.evidence import EvidenceActionsMixin, _file_response
from anticounterfeit.filtersets.cases import CounterfeitCaseFilterSet
from anticounterfeit.models import CaseAssignment, CaseDocument, CounterfeitCase, Evidence
from cbec_supervision.api import ScopedViewSetMixin

_STEP_ACTIONS = (
    "approve",
    "refuse",
    "assign",
    "unassign",
    "submit_for_review",
    "review",
    "return_",
    "notice",
    "hearing",
    "decide",
    "serve",
    "enforce",
    "transfer",
    "close",
    "links",
)


def _with_blanks(act: Callable[..., Any], data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with every keyword the service requires and the body left out given as blank ("" for a text,
    None otherwise): the fields of a step's body are optional so that the service answers, per field,
    what is missing (400) — or that the caller may not take the step at all (403)."""
    blanks = dict(data)
    for name, parameter in inspect.signature(act).parameters.items():
        required = parameter.kind is parameter.KEYWORD_ONLY and parameter.default is parameter.empty
        if required and name not in blanks and name not in ("actor", "case"):
            blanks[name] = "" if parameter.annotation in ("str", str) else None
    return blanks


class CounterfeitCaseViewSet(
    EvidenceActionsMixin,
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Counterfeit cases: read by the people assigned to them, the administrators of the case's bureau
    and headquarters. ``?status=``, ``?open=true``, ``?bureau=ZJ``, ``?brand=``, ``?enterprise=<id>``,
    ``?q=``, ``?mine=true``, ``?duty=handler|reviewer|decider``."""

    queryset = CounterfeitCase.objects.all()
    serializer_class = CounterfeitCaseSerializer
    filterset_class = CounterfeitCaseFilterSet
    list_select_related = ("bureau",)
    list_prefetch_related: tuple[Any, ...] = (
        "leads",
        "rights_holders",
        "products",
        "enterprises",
        "signals",
        "investigations",
        Prefetch("assignments", queryset=CaseAssignment.objects.select_related("user").order_by("assigned_at", "id")),
        Prefetch("documents", queryset=CaseDocument.objects.select_related("written_by").order_by("written_at", "id")),
        Prefetch(
            "evidence",
            queryset=Evidence.objects.current().select_related("collected_by", "created_by"),
            to_attr="current_evidence",
        ),
    )
    ordering_fields = ["created_at", "status", "case_no", "opened_at"]
    object_actions = ("history", "document_download", *_STEP_ACTIONS, *EvidenceActionsMixin.evidence_actions)
    parser_classes = (JSONParser, MultiPartParser, FormParser)

    def permission_denied(self, request, message=None, code=None):
        # A case is never confirmed to exist for whoever may not read cases (enterprises): 404.
        if request.user.is_authenticated and (self.lookup_url_kwarg or self.lookup_field) in self.kwargs:
            raise NotFound
        super().permission_denied(request, message=message, code=code)

    def get_queryset(self):
        if self.action == "document_download":  # the case alone: nothing of it is serialized
            return CounterfeitCase.objects.visible_to(self.request.user)
        return super().get_queryset()

    def _respond(self, case: CounterfeitCase, code: int = status.HTTP_200_OK) -> Response:
        found = self.get_queryset().filter(pk=case.pk).first()
        if found is None:  # the actor no longer sees it (their own assignment ended)
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(CounterfeitCaseSerializer(found, context=self.get_serializer_context()).data, status=code)

    def _step(self, request, body_class, act: Callable[..., Any]) -> Response:
        case = self.get_object()
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        act(actor=request.user, case=case, **_with_blanks(act, body.validated_data))
        return self._respond(case)

    @extend_schema(request=CaseCreateSerializer, responses={201: CounterfeitCaseSerializer})
    def create(self, request, *args, **kwargs):
        """Propose a case (bureau staff): ``{"leads": [ids], "title", "brand", "enterprise", "party_name",
        "products", "signals", "investigations", "rights_holders", "goods_value_cny", "opening_text"}``. The
        proposer is its first handler and may add evidence at once."""
        body = CaseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = services.case_create(actor=request.user, **body.validated_data)
        return self._respond(case, status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document_id>[0-9]+)/download")
    def document_download(self, request, *args, document_id: str, **kwargs):
        """The signed copy of one of the case's procedure documents, as stored (its content type as detected
        on upload), as an attachment. 404 for a case the caller may not see, or a document of another case."""
        case = self.get_object()
        document = (
            CaseDocument.objects.filter(case=case, pk=int(document_id)).first() if len(document_id) < 19 else None
        )
        if document is None or not document.file:
            raise Http404
        return _file_response(
            document.file,
            filename=document.original_name or "document",
            content_type=document.mime_type or "application/octet-stream",
        )

    @extend_schema(request=CaseApproveSerializer, responses={200: CounterfeitCaseSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        """Approve the opening: ``{"text", "number", "handlers": [ids], "reviewer", "decider"}`` (an
        administrator of the case's bureau who neither proposed nor handles it)."""
        return self._step(request, CaseApproveSerializer, services.case_approve_opening)

    @extend_schema(request=CaseReasonSerializer, responses={200: CounterfeitCaseSerializer})
    @action(detail=True, methods=["post"])
    def refuse(self, request, *args, **kwargs):
        """Decide not to open the case: ``{"reason", "number"}``."""
        return self._step(request, CaseReasonSerializer, services.case_refuse_opening)

    @extend_schema(request=CaseAssignSerializer, responses={200: CounterfeitCaseSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request, *args, **kwargs):
        """Assign a duty: ``{"user", "duty": "handler"|"reviewer"|"decider", "reason", "replace"}`` (an
        administrator of the case's bureau; one person, one duty, now and ever)."""
        return self._step(request, CaseAssignSerializer, services.case_assign)

    @extend_schema(request=CaseUnassignSerializer, responses={200: CounterfeitCaseSerializer})
    @action(detail=True, methods=["post"])
    def unassign(self, request, *args, **kwargs):
        """End an assignment: ``{"assignment", "reason"}``."""
        case = self.get_object()
        body = CaseUnassignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assignment = case.assignments.filter(pk=body.validated_data["assignment"]).first()
        if assignment is None:
            raise ValidationError({"assignment": [_("No such assignment on this case.")]})
        services.case_unassign(actor=request.user, assignment=assignment, reason=body.validated_data.get("reason", ""))
        return self._respond(case)

    @extend_schema(request=CaseReportSerializer, responses={200: CounterfeitCaseSerializer})
    @action(detail=True, methods=["post"], url_path="submit-for-review")
    def submit_for_review(self, request, *args, **kwargs):
        """Submit the investigation report for review: ``{"report_text", "number"}`` (a handler)."""
        return self._step(request, CaseReportSerializer, services.case_submit_for_review)

    @extend_schema(request=CaseOpinionSerializer, responses={200: CounterfeitCaseSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, *args, **kwargs):
        """Complete the review: ``{"opinion", "number"}`` (the reviewer)."""
        return self._step(request, CaseOpinionSerializer, services.case_review)

    @extend_schema(request=CaseReasonSerializer, responses={200: CounterfeitCaseSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, *args, **kwargs):
        """Return for further investigation: ``{"reason"}`` (the reviewer)."""
        return self._step(request, CaseReasonSerializer, services.case_return)

    @extend_schema(request=CaseNoticeSerializer, responses={200: CounterfeitCaseSerializer})
    @action(detail=True, methods=["post"])
    def notice(self, request, *args, **kwargs):
        """Record the notice of the proposed penalty: ``{"served_at", "text", "hearing_requested",
        "hearing_waived"}`` (a handler)."""
        return self._step(request, CaseNoticeSerializer, services.case_record_notice)

    @extend_schema(request=CaseHearingSerializer, responses={200: CounterfeitCaseSerializer})
    @action(detail=True, methods=["post"])
    def hearing(self, request, *args, **kwargs):
        """Record the hearing: ``{"held_at", "text"}`` (a handler)."""
        return self._step(request, CaseHearingSerializer, services.case_record_hearing)

    @extend_schema(request=CaseDecideSerializer, responses={200: CounterfeitCaseSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, *args, **kwargs):
        """Record the decision: ``{"decision_kind": "penalty"|"no_penalty", "decision_no", "text",
        "fine_amount_cny", "illegal_gains_cny", "goods_value_cny", "confiscated_quantity"}`` (the deciding
        officer)."""
        return self._step(request, CaseDecideSerializer, services.case_decide)

    @extend_schema(request=CaseServeSerializer, responses={200: CounterfeitCaseSerializer})
    @action(detail=True, methods=["post"])
    def serve(self, request, *args, **kwargs):
        """Record the service of the decision: ``{"served_at", "method", "text"}`` (a handler)."""
        return self._step(request, CaseServeSerializer, services.case_record_service)

    @extend_schema(request=CaseEnforceSerializer, responses={200: CounterfeitCaseSerializer})
    @action(detail=True, methods=["post"])
    def enforce(self, request, *args, **kwargs):
        """Record the enforcement of a penalty: ``{"fine_paid_cny", "text"}`` (a handler)."""
        return self._step(request, CaseEnforceSerializer, services.case_record_enforcement)

    @extend_schema(request=CaseTransferSerializer, responses={200: CounterfeitCaseSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request, *args, **kwargs):
        """Transfer to the judiciary: ``{"transferred_to", "text"}`` (an administrator or the deciding officer)."""
        return self._step(request, CaseTransferSerializer, services.case_transfer)

    @extend_schema(request=CaseCloseSerializer, responses={200: CounterfeitCaseSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        """Close the case: ``{"summary"}`` (a handler or an administrator)."""
        return self._step(request, CaseCloseSerializer, services.case_close)

    @extend_schema(request=CaseLinkSerializer, responses={200: CounterfeitCaseSerializer})
    @action(detail=True, methods=["post"])
    def links(self, request, *args, **kwargs):
        """Link more records: ``{"products", "enterprises", "signals", "investigations", "rights_holders"}``."""
        return self._step(request, CaseLinkSerializer, services.case_link)
