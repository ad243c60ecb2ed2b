"""API routes every app shares: the signed-in user's in-app inbox (``my-notifications/``).

The contract's ``notifications/`` route is kept for inter-bureau notices.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cbec_supervision.models import Notification
from cbec_supervision.notifications import notifications_mark_read

_MAX_ID = 2**63 - 1


class NotificationSerializer(serializers.ModelSerializer):
    """A message in the reader's language; ``url`` is the page it is about."""

    title = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=_MAX_ID),
        required=False,
        max_length=1000,
        help_text=_("The notifications to mark read; all of them when omitted."),
    )


class MarkReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(method="filter_unread", label=_("Unread"))

    class Meta:
        model = Notification
        fields = ["unread"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value)


class MyNotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in user's own notifications, newest first. Every user has an inbox."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    # The inbox is the user's own whatever their role: no model permission is needed to read it.
    permission_classes = [IsAuthenticated]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return Notification.objects.visible_to(self.request.user)

    @extend_schema(request=MarkReadSerializer, responses=MarkReadResultSerializer)
    @action(detail=False, methods=["post"], url_path="mark-read", url_name="mark-read")
    def mark_read(self, request):
        """Mark the given notifications read, or all of them when no ``ids`` are given."""
        body = MarkReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        marked = notifications_mark_read(user=request.user, ids=body.validated_data.get("ids"))
        return Response({"marked": marked, "unread": self.get_queryset().unread().count()})
