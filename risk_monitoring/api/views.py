"""Risk signals over the API: intake, the list (filtered), triage actions.

Every write calls a service; a service's ValidationError answers 400 and its PermissionDenied 403.
A signal outside ``visible_to(user)`` answers 404, whatever the method.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from cbec_supervision.api import ScopedViewSetMixin
from cbec_supervision.models import Attachment
from risk_monitoring import services
from risk_monitoring.api.serializers import (
    AssessSerializer,
    CloseSerializer,
    DuplicateSerializer,
    MatchProposalSerializer,
    ProposalDecisionSerializer,
    RiskSignalCreateSerializer,
    RiskSignalSerializer,
    SignalAttachmentSerializer,
    SignalFileUploadSerializer,
)
from risk_monitoring.filtersets import RiskSignalFilterSet
from risk_monitoring.models import RiskSignal, SignalMatchProposal
from risk_monitoring.services.matching import match_proposal_confirm, match_proposal_reject


class RiskSignalViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Risk signals: every bureau reads every signal (the national network); an enterprise reads the
    risks it reported. Staff enter signals from any source but ``enterprise_report``; an enterprise
    user's signals are ``enterprise_report``. ``?mine=true``: my bureau's queue."""

    queryset = RiskSignal.objects.all()
    serializer_class = RiskSignalSerializer
    filterset_class = RiskSignalFilterSet
    list_select_related = ("reported_by", "competent_bureau")
    list_prefetch_related = ("products",)
    ordering_fields = ["created_at", "status", "severity", "source"]
    object_actions = (
        "history",
        "assess",
        "close",
        "duplicate",
        "attachments",
        "proposals",
        "proposal_confirm",
        "proposal_reject",
    )

    def _respond(self, signal: RiskSignal, code: int = status.HTTP_200_OK) -> Response:
        signal = self.get_queryset().get(pk=signal.pk)
        return Response(RiskSignalSerializer(signal, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=RiskSignalCreateSerializer, responses={201: RiskSignalSerializer})
    def create(self, request, *args, **kwargs):
        """Enter a signal (staff) or report a risk about your own goods (enterprise users)."""
        body = RiskSignalCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        products = list(data.pop("products", []) or [])
        first = data.pop("product", None)
        if first is not None:
            products = [first, *(p for p in products if p != first)]
        user = request.user
        if user.is_enterprise_user:
            data.pop("source", None)
            data.pop("enterprise", None)
            signal = services.risk_signal_report(actor=user, products=products, **data)
        elif user.is_bureau_staff or user.is_hq:
            if "source" not in data:
                data["source"] = ""
            signal = services.risk_signal_create(actor=user, products=products, **data)
        else:
            raise PermissionDenied()
        return self._respond(signal, status.HTTP_201_CREATED)

    @extend_schema(request=AssessSerializer, responses={200: RiskSignalSerializer})
    @action(detail=True, methods=["post"])
    def assess(self, request, *args, **kwargs):
        """Assess a new signal: ``{"severity", "reason"}`` (staff of the competent bureau, headquarters)."""
        signal = self.get_object()
        body = AssessSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        signal = services.risk_signal_assess(actor=request.user, signal=signal, **body.validated_data)
        return self._respond(signal)

    @extend_schema(request=CloseSerializer, responses={200: RiskSignalSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        """Close a signal with no action: ``{"reason"}``."""
        signal = self.get_object()
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        signal = services.risk_signal_close(actor=request.user, signal=signal, reason=body.validated_data["reason"])
        return self._respond(signal)

    @extend_schema(request=DuplicateSerializer, responses={200: RiskSignalSerializer})
    @action(detail=True, methods=["post"])
    def duplicate(self, request, *args, **kwargs):
        """Group the signal under another one it repeats: ``{"duplicate_of", "reason"}``; it is closed."""
        signal = self.get_object()
        body = DuplicateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        original = self.get_queryset().filter(pk=body.validated_data["duplicate_of"]).first()
        if original is None:
            raise ValidationError({"duplicate_of": [_("No such signal.")]})
        signal = services.risk_signal_mark_duplicate(
            actor=request.user, signal=signal, original=original, reason=body.validated_data.get("reason", "")
        )
        return self._respond(signal)

    @extend_schema(
        methods=["GET"], responses={200: SignalAttachmentSerializer(many=True)}, description="The signal's files."
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": SignalFileUploadSerializer},
        responses={201: SignalAttachmentSerializer},
        description="Add a file to an open signal (the reporter, the competent bureau).",
    )
    @action(detail=True, methods=["get", "post"])
    def attachments(self, request, *args, **kwargs):
        """The signal's files; ``POST`` (multipart ``file``) adds one."""
        signal = self.get_object()
        if request.method == "GET":
            files = Attachment.objects.for_object(signal).select_related("uploaded_by")
            return Response(SignalAttachmentSerializer(files, many=True).data)
        body = SignalFileUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attachment = services.risk_signal_attach(actor=request.user, signal=signal, upload=body.validated_data["file"])
        return Response(SignalAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    # -- match proposals (brand-and-model and name matches, for an inspector to decide) --------------

    def _proposal(self, signal: RiskSignal, proposal_id: str) -> SignalMatchProposal:
        proposal = SignalMatchProposal.objects.filter(signal=signal, pk=int(proposal_id)).first()
        if proposal is None:
            raise NotFound()
        return proposal

    def _proposals_response(self, signal: RiskSignal, code: int = status.HTTP_200_OK) -> Response:
        rows = SignalMatchProposal.objects.filter(signal=signal).select_related(
            "product__enterprise__bureau", "decided_by"
        )
        return Response(MatchProposalSerializer(rows, many=True).data, status=code)

    @extend_schema(responses={200: MatchProposalSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def proposals(self, request, *args, **kwargs):
        """The filed products proposed as what the signal is about, each ``proposed``, ``confirmed`` or
        ``rejected`` (staff only; an enterprise reads none)."""
        signal = self.get_object()
        if request.user.is_enterprise_user:
            return Response([])
        return self._proposals_response(signal)

    @extend_schema(request=ProposalDecisionSerializer, responses={200: MatchProposalSerializer})
    @action(detail=True, methods=["post"], url_path=r"proposals/(?P<proposal_id>[0-9]{1,18})/confirm")
    def proposal_confirm(self, request, proposal_id: str, *args, **kwargs):
        """Confirm a proposal: the product is linked to the signal (``products``). ``{"reason"}`` optional."""
        signal = self.get_object()
        body = ProposalDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        proposal = match_proposal_confirm(
            actor=request.user,
            proposal=self._proposal(signal, proposal_id),
            reason=body.validated_data.get("reason", ""),
        )
        return Response(MatchProposalSerializer(proposal).data)

    @extend_schema(request=ProposalDecisionSerializer, responses={200: MatchProposalSerializer})
    @action(detail=True, methods=["post"], url_path=r"proposals/(?P<proposal_id>[0-9]{1,18})/reject")
    def proposal_reject(self, request, proposal_id: str, *args, **kwargs):
        """Reject a proposal: the signal is not about that product. ``{"reason"}`` optional."""
        signal = self.get_object()
        body = ProposalDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        proposal = match_proposal_reject(
            actor=request.user,
            proposal=self._proposal(signal, proposal_id),
            reason=body.validated_data.get("reason", ""),
        )
        return Response(MatchProposalSerializer(proposal).data)
