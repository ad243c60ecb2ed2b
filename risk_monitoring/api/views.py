"""Risk signals over the API: intake, the list (filtered), triage actions; risk scores, read-only.

Every write calls a service; a service's ValidationError answers 400 and its PermissionDenied 403.
A signal outside ``visible_to(user)`` answers 404, whatever the method.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from cbec_supervision.api import ScopedViewSetMixin
from cbec_supervision.models import Attachment
from risk_monitoring import services
from risk_monitoring.api.serializers import (
    AssessSerializer,
    CloseSerializer,
    DuplicateSerializer,
    RiskScoreSerializer,
    RiskSignalCreateSerializer,
    RiskSignalSerializer,
    SignalAttachmentSerializer,
    SignalFileUploadSerializer,
)
from risk_monitoring.filtersets import RiskScoreFilterSet, RiskSignalFilterSet
from risk_monitoring.models import RiskScore, RiskSignal


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
    object_actions = ("history", "assess", "close", "duplicate", "attachments")

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
