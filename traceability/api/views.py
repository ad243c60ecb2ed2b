"""Inter-bureau notices over the API (``notifications/``): the list (filtered), a notice, sending one,
acknowledging one.

Every write calls a service; a service's ValidationError answers 400 and its PermissionDenied 403.
A notice outside ``visible_to(user)`` (neither bureau's staff, an enterprise) answers 404.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from cbec_supervision.api import ScopedViewSetMixin
from cbec_supervision.models import Attachment
from traceability import services
from traceability.api.serializers import (
    AcknowledgeSerializer,
    DelistingConfirmationSerializer,
    DelistingSerializer,
    InterBureauNoticeSerializer,
    InvestigationAdvanceSerializer,
    InvestigationCloseSerializer,
    InvestigationCreateSerializer,
    InvestigationLinkSerializer,
    InvestigationMajorSerializer,
    InvestigationNoteSerializer,
    InvestigationReassignSerializer,
    InvestigationSerializer,
    MeasureCreateSerializer,
    MeasureFileSerializer,
    MeasureReasonSerializer,
    MeasureRespondSerializer,
    MeasureSerializer,
    MeasureVerifySerializer,
    NoticeCreateSerializer,
    RecallProgressSerializer,
    ReviewSerializer,
)
from traceability.choices import MeasureType, ProofKind
from traceability.filtersets import InterBureauNoticeFilterSet, InvestigationFilterSet, MeasureFilterSet
from traceability.models import DelistingConfirmation, InterBureauNotice, Investigation, InvestigationEvent, Measure


class InterBureauNoticeViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Inter-bureau notices: staff of the sending and the receiving bureau read a notice, headquarters
    all of them. ``?direction=incoming|outgoing``, ``?overdue=true``, ``?acknowledged=false``,
    ``?object_type=risk_signal``."""

    queryset = InterBureauNotice.objects.all()
    serializer_class = InterBureauNoticeSerializer
    filterset_class = InterBureauNoticeFilterSet
    list_select_related = ("from_bureau", "to_bureau", "sent_by", "acknowledged_by")
    ordering_fields = ["sent_at", "due_at", "acknowledged_at"]
    object_actions = ("history", "acknowledge")

    def _respond(self, notice: InterBureauNotice, code: int = status.HTTP_200_OK) -> Response:
        notice = self.get_queryset().get(pk=notice.pk)
        return Response(InterBureauNoticeSerializer(notice, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=NoticeCreateSerializer, responses={201: InterBureauNoticeSerializer})
    def create(self, request, *args, **kwargs):
        """Send a notice to another bureau about an object you may see (bureau staff, headquarters)."""
        body = NoticeCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        notice = services.notice_send(
            actor=request.user,
            to_bureau=data["to_bureau"],
            subject=data["subject"],
            body=data.get("body", ""),
            object_type=data["object_type"],
            object_id=data["object_id"],
            due_at=data.get("due_at"),
        )
        return self._respond(notice, status.HTTP_201_CREATED)

    @extend_schema(request=AcknowledgeSerializer, responses={200: InterBureauNoticeSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, *args, **kwargs):
        """Acknowledge a notice to your bureau, once: ``{"note"}`` optional (the receiving bureau's staff)."""
        notice = self.get_object()
        body = AcknowledgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        notice = services.notice_acknowledge(
            actor=request.user, notice=notice, note=body.validated_data.get("note", "")
        )
        return self._respond(notice)


class InvestigationViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Traceability investigations: read by the staff of the lead and the notifying bureaus and by
    headquarters (enterprises: 403 on the list, 404 on a case). Any bureau's staff open one; the lead
    bureau advances and closes it; headquarters reassigns it. ``?status=``, ``?lead_bureau=``,
    ``?notifying_bureau=``, ``?major=true``, ``?enterprise=<id>``, ``?q=``."""

    queryset = Investigation.objects.all()
    serializer_class = InvestigationSerializer
    filterset_class = InvestigationFilterSet
    list_select_related = ("lead_bureau", "notifying_bureau", "opened_by")
    list_prefetch_related = (
        "signals",
        "samplings",
        "products",
        "measures",
        Prefetch("events", queryset=InvestigationEvent.objects.select_related("actor").order_by("at", "id")),
    )
    ordering_fields = ["created_at", "status", "case_no"]
    object_actions = ("history", "advance", "close", "reassign", "major", "notes", "signals")

    def permission_denied(self, request, message=None, code=None):
        # A case is never confirmed to exist for whoever may not read cases (enterprises): 404.
        if request.user.is_authenticated and (self.lookup_url_kwarg or self.lookup_field) in self.kwargs:
            raise NotFound
        super().permission_denied(request, message=message, code=code)

    def _respond(self, investigation: Investigation, code: int = status.HTTP_200_OK) -> Response:
        investigation = self.get_queryset().get(pk=investigation.pk)
        return Response(InvestigationSerializer(investigation, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=InvestigationCreateSerializer, responses={201: InvestigationSerializer})
    def create(self, request, *args, **kwargs):
        """Open an investigation (any bureau's staff): the lead bureau is the platform's competent bureau,
        else the operator's; a notice goes to it when it is another bureau."""
        body = InvestigationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        investigation = services.investigation_open(actor=request.user, **body.validated_data)
        return self._respond(investigation, status.HTTP_201_CREATED)

    @extend_schema(request=InvestigationAdvanceSerializer, responses={200: InvestigationSerializer})
    @action(detail=True, methods=["post"])
    def advance(self, request, *args, **kwargs):
        """Move the case on: ``{"status", "note"}`` (the lead bureau's staff)."""
        investigation = self.get_object()
        body = InvestigationAdvanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        investigation = services.investigation_advance(
            actor=request.user, investigation=investigation, **body.validated_data
        )
        return self._respond(investigation)

    @extend_schema(request=InvestigationCloseSerializer, responses={200: InvestigationSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        """Close with findings: ``{"root_cause", "responsible_party", "responsible_enterprise",
        "quality_problem_confirmed", "note"}`` (the lead bureau's staff)."""
        investigation = self.get_object()
        body = InvestigationCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        investigation = services.investigation_close(
            actor=request.user, investigation=investigation, **body.validated_data
        )
        return self._respond(investigation)

    @extend_schema(request=InvestigationReassignSerializer, responses={200: InvestigationSerializer})
    @action(detail=True, methods=["post"])
    def reassign(self, request, *args, **kwargs):
        """Give the case to another lead bureau: ``{"lead_bureau": CODE, "reason"}`` (headquarters)."""
        investigation = self.get_object()
        body = InvestigationReassignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        investigation = services.investigation_reassign(
            actor=request.user, investigation=investigation, **body.validated_data
        )
        return self._respond(investigation)

    @extend_schema(request=InvestigationMajorSerializer, responses={200: InvestigationSerializer})
    @action(detail=True, methods=["post"])
    def major(self, request, *args, **kwargs):
        """Flag a major case: ``{"reason"}``; reported to headquarters at once (lead bureau staff, headquarters)."""
        investigation = self.get_object()
        body = InvestigationMajorSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        investigation = services.investigation_flag_major(
            actor=request.user, investigation=investigation, reason=body.validated_data["reason"]
        )
        return self._respond(investigation)

    @extend_schema(request=InvestigationNoteSerializer, responses={201: InvestigationSerializer})
    @action(detail=True, methods=["post"])
    def notes(self, request, *args, **kwargs):
        """Add a note to the timeline: ``{"message"}`` (the lead and notifying bureaus' staff, headquarters)."""
        investigation = self.get_object()
        body = InvestigationNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.investigation_note(
            actor=request.user, investigation=investigation, message=body.validated_data["message"]
        )
        return self._respond(investigation, status.HTTP_201_CREATED)

    @extend_schema(request=InvestigationLinkSerializer, responses={200: InvestigationSerializer})
    @action(detail=True, methods=["post"])
    def signals(self, request, *args, **kwargs):
        """Link more assessed signals and failed samplings: ``{"signals": [ids], "samplings": [ids]}``."""
        investigation = self.get_object()
        body = InvestigationLinkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        investigation = services.investigation_add_signals(
            actor=request.user, investigation=investigation, **body.validated_data
        )
        return self._respond(investigation)


class MeasureViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Measures: an enterprise reads those addressed to it, a platform those naming it, staff those of the
    investigations they read (a voluntary recall: the enterprise's competent bureau). ``?type=``,
    ``?status=``, ``?enterprise=``, ``?investigation=``, ``?overdue=true``."""

    queryset = Measure.objects.all()
    serializer_class = MeasureSerializer
    filterset_class = MeasureFilterSet
    list_select_related = ("investigation__lead_bureau", "enterprise__bureau")
    list_prefetch_related = (
        Prefetch("delistings", queryset=DelistingConfirmation.objects.select_related("confirmed_by")),
        "progress_reports",
    )
    ordering_fields = ["deadline", "created_at", "status"]
    object_actions = (
        "history",
        "acknowledge",
        "respond",
        "verify",
        "reject",
        "progress",
        "delistings",
        "review",
        "files",
    )
    parser_classes = (JSONParser, MultiPartParser, FormParser)

    def _respond(self, measure: Measure, code: int = status.HTTP_200_OK) -> Response:
        measure = self.get_queryset().get(pk=measure.pk)
        return Response(MeasureSerializer(measure, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=MeasureCreateSerializer, responses={201: MeasureSerializer})
    def create(self, request, *args, **kwargs):
        """Staff issue a measure on an open investigation they lead; an enterprise opens a voluntary recall
        of its own product (no ``investigation``)."""
        body = MeasureCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        user = request.user
        if user.is_enterprise_user:
            if data.get("investigation") or data["type"] != MeasureType.RECALL:
                raise ValidationError({"type": [_("An enterprise opens voluntary recalls only (no investigation).")]})
            measure = services.measure_voluntary_open(
                actor=user,
                product=data.get("product"),
                platform=data.get("platform"),
                description=data["description"],
                legal_basis=data.get("legal_basis", ""),
                deadline=data["deadline"],
            )
            return self._respond(measure, status.HTTP_201_CREATED)
        investigation = None
        if data.get("investigation"):
            investigation = Investigation.objects.visible_to(user).filter(pk=data["investigation"]).first()
        if investigation is None:
            raise ValidationError({"investigation": [_("Name an investigation you may see.")]})
        measure = services.measure_issue(
            actor=user,
            investigation=investigation,
            type=data["type"],
            enterprise=data.get("enterprise"),
            product=data.get("product"),
            batch=data.get("batch"),
            platform=data.get("platform"),
            listing_urls=data.get("listing_urls") or [],
            description=data["description"],
            legal_basis=data.get("legal_basis", ""),
            deadline=data["deadline"],
        )
        return self._respond(measure, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: MeasureSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, *args, **kwargs):
        """The enterprise acknowledges the measure."""
        measure = services.measure_acknowledge(actor=request.user, measure=self.get_object())
        return self._respond(measure)

    @extend_schema(
        request={"application/json": MeasureRespondSerializer, "multipart/form-data": MeasureRespondSerializer},
        responses={200: MeasureSerializer},
    )
    @action(detail=True, methods=["post"])
    def respond(self, request, *args, **kwargs):
        """The enterprise completes the measure: ``{"response"}`` plus files, multipart parts named by
        proof kind (``photo``, ``warehouse_confirmation``, ``recall_plan``, …; ``files`` for others)."""
        measure = self.get_object()
        body = MeasureRespondSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        files: dict[str, list] = {}
        for name in request.FILES:
            kind = ProofKind.OTHER if name == "files" else name
            files.setdefault(kind, []).extend(request.FILES.getlist(name))
        measure = services.measure_respond(
            actor=request.user, measure=measure, response=body.validated_data["response"], files=files
        )
        return self._respond(measure)

    @extend_schema(request=MeasureVerifySerializer, responses={200: MeasureSerializer})
    @action(detail=True, methods=["post"])
    def verify(self, request, *args, **kwargs):
        """The lead bureau verifies a completed measure (a rectification: ``recheck_passed`` + ``recheck_note``)."""
        measure = self.get_object()
        body = MeasureVerifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        measure = services.measure_verify(actor=request.user, measure=measure, **body.validated_data)
        return self._respond(measure)

    @extend_schema(request=MeasureReasonSerializer, responses={200: MeasureSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, *args, **kwargs):
        """The lead bureau sends a completed measure back to the enterprise: ``{"reason"}``."""
        measure = self.get_object()
        body = MeasureReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        measure = services.measure_reject(actor=request.user, measure=measure, reason=body.validated_data["reason"])
        return self._respond(measure)

    @extend_schema(methods=["GET"], responses={200: RecallProgressSerializer(many=True)})
    @extend_schema(methods=["POST"], request=RecallProgressSerializer, responses={201: RecallProgressSerializer})
    @action(detail=True, methods=["get", "post"])
    def progress(self, request, *args, **kwargs):
        """A recall's progress reports; ``POST`` (the enterprise) reports units sold, units recovered so far
        and the channels used to reach buyers."""
        measure = self.get_object()
        if request.method == "GET":
            return Response(RecallProgressSerializer(measure.progress_reports.all(), many=True).data)
        body = RecallProgressSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        report = services.measure_report_progress(
            actor=request.user,
            measure=measure,
            reported_on=data.get("reported_on"),
            units_sold=data["units_sold"],
            units_recovered=data["units_recovered"],
            channels=data.get("channels", []),
            note=data.get("note", ""),
        )
        return Response(RecallProgressSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses={200: DelistingConfirmationSerializer(many=True)})
    @extend_schema(methods=["POST"], request=DelistingSerializer, responses={201: DelistingConfirmationSerializer})
    @action(detail=True, methods=["get", "post"])
    def delistings(self, request, *args, **kwargs):
        """A delisting's confirmations; ``POST {"url"}`` (the platform) confirms one listing taken down."""
        measure = self.get_object()
        if request.method == "GET":
            rows = measure.delistings.select_related("confirmed_by")
            return Response(DelistingConfirmationSerializer(rows, many=True).data)
        body = DelistingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        confirmation = services.measure_confirm_delisting(
            actor=request.user, measure=measure, url=body.validated_data["url"]
        )
        return Response(DelistingConfirmationSerializer(confirmation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReviewSerializer, responses={200: MeasureSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, *args, **kwargs):
        """The competent bureau reviews a voluntary recall: ``{"decision": "accept"|"return", "reason"}``."""
        measure = self.get_object()
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        measure = services.measure_review(
            actor=request.user,
            measure=measure,
            accept=body.validated_data["decision"] == "accept",
            reason=body.validated_data.get("reason", ""),
        )
        return self._respond(measure)

    @extend_schema(responses={200: MeasureFileSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def files(self, request, *args, **kwargs):
        """The measure's proof files, with their SHA-256 and download URL."""
        measure = self.get_object()
        rows = Attachment.objects.for_object(measure).order_by("uploaded_at", "pk")
        return Response(MeasureFileSerializer(rows, many=True).data)
