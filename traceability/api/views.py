"""Inter-bureau notices over the API (``notifications/``): the list (filtered), a notice, sending one,
acknowledging one.

Every write calls a service; a service's ValidationError answers 400 and its PermissionDenied 403.
A notice outside ``visible_to(user)`` (neither bureau's staff, an enterprise) answers 404.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cbec_supervision.api import ScopedViewSetMixin
from traceability import services
from traceability.api.serializers import AcknowledgeSerializer, InterBureauNoticeSerializer, NoticeCreateSerializer
from traceability.filtersets import InterBureauNoticeFilterSet
from traceability.models import InterBureauNotice


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
