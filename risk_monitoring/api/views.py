"""Risk signals over the API: intake, the list (filtered), triage actions.

Every write calls a service; a service's ValidationError answers 400 and its PermissionDenied 403.
A signal outside ``visible_to(user)`` answers 404, whatever the method.
"""

from __future__ import annotations

import json

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
    LabRestoreSerializer,
    LabSerializer,
    MatchProposalSerializer,
    ProposalDecisionSerializer,
    ResultsSerializer,
    RiskScoreSerializer,
    RiskSignalCreateSerializer,
    RiskSignalSerializer,
    SamplingCloseSerializer,
    SamplingCreateSerializer,
    SamplingSerializer,
    SendToLabSerializer,
    SignalAttachmentSerializer,
    SignalFileUploadSerializer,
    TakeSerializer,
)
from risk_monitoring.filtersets import LabFilterSet, RiskScoreFilterSet, RiskSignalFilterSet, SamplingFilterSet
from risk_monitoring.models import Lab, RiskScore, RiskSignal, Sampling, SignalMatchProposal
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


def _multipart_results(data):
    """The body as a dict; a multipart body (with a screenshot) sends ``results`` as a JSON string."""
    if not hasattr(data, "getlist"):
        return data
    body = {key: data.get(key) for key in data}
    raw = body.get("results")
    if isinstance(raw, str):
        try:
            body["results"] = json.loads(raw) if raw.strip() else []
        except ValueError as exc:
            raise ValidationError({"results": [_("Send the results as a JSON list.")]}) from exc
    return body


class SamplingViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Samplings: every bureau's staff read every sampling (the national network); an enterprise reads
    those of its own goods, and a platform or warehouse those taken on it. Staff of the sampling
    bureau move a sampling on: ``take/``, ``send-to-lab/``, ``results/`` (the results, replaced),
    ``close/``."""

    queryset = Sampling.objects.all()
    serializer_class = SamplingSerializer
    filterset_class = SamplingFilterSet
    list_select_related = ("bureau", "lab")
    list_prefetch_related = ("results",)
    ordering_fields = ["created_at", "sampled_at", "status", "verdict"]
    object_actions = ("history", "take", "send_to_lab", "results", "close", "attachments")

    def _respond(self, sampling: Sampling, code: int = status.HTTP_200_OK) -> Response:
        sampling = self.get_queryset().get(pk=sampling.pk)
        return Response(SamplingSerializer(sampling, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=SamplingCreateSerializer, responses={201: SamplingSerializer})
    def create(self, request, *args, **kwargs):
        """Record a sample taken (bureau staff): with its results, its verdict is derived at once."""
        if not request.user.is_bureau_staff:
            raise PermissionDenied(_("Only bureau staff take samples."))
        body = SamplingCreateSerializer(data=_multipart_results(request.data))
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data["results"] = [dict(row) for row in data.get("results") or []]
        sampling = services.sampling_create(actor=request.user, **data)
        return self._respond(sampling, status.HTTP_201_CREATED)

    @extend_schema(request=TakeSerializer, responses={200: SamplingSerializer})
    @action(detail=True, methods=["post"])
    def take(self, request, *args, **kwargs):
        """A planned sample is taken: ``{"sampled_at", "lab"}``."""
        sampling = self.get_object()
        body = TakeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(services.sampling_take(actor=request.user, sampling=sampling, **body.validated_data))

    @extend_schema(request=SendToLabSerializer, responses={200: SamplingSerializer})
    @action(detail=True, methods=["post"], url_path="send-to-lab")
    def send_to_lab(self, request, *args, **kwargs):
        """The sample goes to the lab: ``{"lab", "lab_report_no"}`` (both optional)."""
        sampling = self.get_object()
        body = SendToLabSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            services.sampling_send_to_lab(actor=request.user, sampling=sampling, **body.validated_data)
        )

    @extend_schema(request=ResultsSerializer, responses={200: SamplingSerializer})
    @action(detail=True, methods=["put", "post"])
    def results(self, request, *args, **kwargs):
        """Enter the results (they replace any before): ``{"results": [...], "lab_report_no"}``."""
        sampling = self.get_object()
        body = ResultsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sampling = services.sampling_enter_results(
            actor=request.user,
            sampling=sampling,
            results=[dict(row) for row in body.validated_data["results"]],
            lab_report_no=body.validated_data.get("lab_report_no", ""),
        )
        return self._respond(sampling)

    @extend_schema(request=SamplingCloseSerializer, responses={200: SamplingSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        """Close a sampling whose results are in: ``{"note"}`` (optional)."""
        sampling = self.get_object()
        body = SamplingCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(services.sampling_close(actor=request.user, sampling=sampling, **body.validated_data))

    @extend_schema(
        methods=["GET"], responses={200: SignalAttachmentSerializer(many=True)}, description="The sampling's files."
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": SignalFileUploadSerializer},
        responses={201: SignalAttachmentSerializer},
        description="Add the screenshot of an online purchase (image or PDF).",
    )
    @action(detail=True, methods=["get", "post"])
    def attachments(self, request, *args, **kwargs):
        """The sampling's files; ``POST`` (multipart ``file``) adds a screenshot."""
        sampling = self.get_object()
        if request.method == "GET":
            files = Attachment.objects.for_object(sampling).select_related("uploaded_by")
            return Response(SignalAttachmentSerializer(files, many=True).data)
        body = SignalFileUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attachment = services.sampling_attach_screenshot(
            actor=request.user, sampling=sampling, upload=body.validated_data["file"]
        )
        return Response(SignalAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class LabViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Labs and their trust record (bureau staff): reports accepted, verified, inconsistent; a lab with
    an inconsistent verification in the last 12 months is ``verify_only``. ``restore/``: a bureau
    administrator restores its trust with ``{"reason"}``."""

    queryset = Lab.objects.all()
    serializer_class = LabSerializer
    filterset_class = LabFilterSet
    object_actions = ("history", "restore")

    def get_queryset(self):
        return super().get_queryset().with_trust()

    @extend_schema(request=LabRestoreSerializer, responses={200: LabSerializer})
    @action(detail=True, methods=["post"])
    def restore(self, request, *args, **kwargs):
        lab = self.get_object()
        body = LabRestoreSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.lab_trust_restore(actor=request.user, lab=lab, reason=body.validated_data["reason"])
        lab = self.get_queryset().get(pk=lab.pk)
        return Response(LabSerializer(lab, context=self.get_serializer_context()).data)


class RiskScoreViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Risk scores, read-only and explained: staff read every score; an enterprise reads its own
    score and its products', no one else's; product sub-category scores are for staff only.
    Current scores unless ``?history=true``; ``/{id}/history/``: every score of the same subject."""

    queryset = RiskScore.objects.all()
    serializer_class = RiskScoreSerializer
    filterset_class = RiskScoreFilterSet
    ordering_fields = ["score", "computed_at", "subject_type"]
    ordering = ["-computed_at", "-id"]

    @extend_schema(responses=RiskScoreSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, *args, **kwargs):
        """Every score of this score's subject, newest first (the explained history)."""
        score = self.get_object()
        rows = self.get_queryset().filter(subject_type=score.subject_type, subject_id=score.subject_id)
        page = self.paginate_queryset(rows.order_by("-computed_at", "-id"))
        return self.get_paginated_response(RiskScoreSerializer(page, many=True).data)
