"""What every API viewset shares: pagination, permissions, scoping, errors and object history."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.views import exception_handler as drf_exception_handler

from cbec_supervision.models import AuditEvent


def validation_error_detail(exc: DjangoValidationError) -> dict | list:
    """A Django ValidationError as DRF's ``{field: [messages]}`` body."""
    if hasattr(exc, "error_dict"):
        return {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
    return {"non_field_errors": exc.messages}


def exception_handler(exc, context):
    """Services raise Django's exceptions; answer them as 400 and 403 like DRF's own."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(validation_error_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)


def _type_label(content_type_id: int | None) -> str | None:
    if content_type_id is None:
        return None
    content_type = ContentType.objects.get_for_id(content_type_id)  # cached: no query per row
    return f"{content_type.app_label}.{content_type.model}"


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label")
    object_type = serializers.SerializerMethodField()
    related_type = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "related_type",
            "related_object_id",
            "correlation_id",
            "reason",
            "before",
            "after",
            "changes",
            "hash",
        ]

    def get_object_type(self, obj: AuditEvent) -> str | None:
        return _type_label(obj.content_type_id)

    def get_related_type(self, obj: AuditEvent) -> str | None:
        return _type_label(obj.related_content_type_id)

    def get_changes(self, obj: AuditEvent) -> list[dict]:
        return [{"field": f, "before": b, "after": a} for f, b, a in obj.changed_fields]


class ScopedViewSetMixin:
    """Every API viewset's queryset is ``Model.objects.visible_to(request.user)``."""

    #: related objects fetched with the list, so a page costs a fixed number of queries
    list_select_related: tuple[str, ...] = ()
    list_prefetch_related: tuple[str, ...] = ()
    #: detail-route actions whose permission is checked by their service
    object_actions: tuple[str, ...] = ("history",)
    collection_actions: tuple[str, ...] = ()

    def get_queryset(self):
        model = self.queryset.model
        qs = model.objects.visible_to(self.request.user)
        if self.list_select_related:
            qs = qs.select_related(*self.list_select_related)
        if self.list_prefetch_related:
            qs = qs.prefetch_related(*self.list_prefetch_related)
        return qs

    @extend_schema(
        responses=AuditEventSerializer(many=True),
        parameters=[
            OpenApiParameter(
                "parts",
                bool,
                description="Include the events of the object's parts (default true); false: its own only.",
            )
        ],
    )
    @action(detail=True, methods=["get"])
    def history(self, request, *args, **kwargs):
        """The object's audit trail, oldest first, with the events of its parts (``?parts=false``: without)."""
        obj = self.get_object()
        parts = request.query_params.get("parts", "true").lower() not in ("false", "0", "no")
        events = AuditEvent.objects.for_object(obj, include_related=parts, user=request.user).order_by("id")
        page = self.paginate_queryset(events)
        serializer = AuditEventSerializer(page, many=True)
        return self.get_paginated_response(serializer.data)


#: the file formats of upload templates
TEMPLATE_FORMATS = ("xlsx", "csv")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class IgnoreFormatParameter(DefaultContentNegotiation):
    """``?format=`` names a download's file format, not a renderer; errors are JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
