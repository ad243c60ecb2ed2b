"""Catalogue editions and their entries over the API; bureau administrators and headquarters load editions."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

from catalogues.choices import CatalogueKind
from catalogues.filtersets import CatalogueEditionFilterSet, CatalogueEntryFilterSet
from catalogues.models import CatalogueEdition, CatalogueEntry
from catalogues.services import catalogue_import
from cbec_supervision.api import ScopedViewSetMixin
from cbec_supervision.drf import RolePermissions


class CatalogueEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = CatalogueEntry
        fields = [
            "id",
            "row",
            "seq",
            "name",
            "aliases",
            "cas",
            "un_number",
            "hs_prefix",
            "category",
            "remark",
            "highly_toxic",
        ]
        read_only_fields = fields


class CatalogueEditionSerializer(serializers.ModelSerializer):
    """One edition of a catalogue; in a list, ``entries`` is the address of its entries."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    tier = serializers.IntegerField(read_only=True)
    in_force = serializers.SerializerMethodField()
    entries = serializers.SerializerMethodField()

    class Meta:
        model = CatalogueEdition
        fields = [
            "id",
            "kind",
            "kind_display",
            "tier",
            "edition",
            "effective_from",
            "entry_count",
            "in_force",
            "loaded_at",
            "loaded_by",
            "source_name",
            "sha256",
            "entries",
        ]
        read_only_fields = fields

    def get_in_force(self, obj: CatalogueEdition) -> bool:
        """Whether this is the edition of its catalogue in force today."""
        in_force_ids = self.context.get("in_force_ids")
        if in_force_ids is None:
            in_force_ids = {e.pk for e in CatalogueEdition.objects.in_force()}
            self.context["in_force_ids"] = in_force_ids
        return obj.pk in in_force_ids

    def get_entries(self, obj: CatalogueEdition) -> str:
        return reverse("api:catalogue-entries", args=[obj.pk], request=self.context.get("request"))


class CatalogueEditionDetailSerializer(CatalogueEditionSerializer):
    """One edition with every entry."""

    entries = CatalogueEntrySerializer(many=True, read_only=True)


class CatalogueLoadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CatalogueKind.choices)
    edition = serializers.CharField(max_length=50)
    effective_from = serializers.DateField()
    file = serializers.FileField(
        allow_empty_file=True,
        help_text=gettext_lazy("The authority's file: CSV (UTF-8 or GB18030) or XLSX, in its published columns."),
    )


class CataloguePermissions(RolePermissions):
    """Anyone signed in reads catalogues; loading an edition takes ``catalogues.load_catalogueedition``."""

    perms_map = {**RolePermissions.perms_map, "POST": ["%(app_label)s.load_%(model_name)s"]}


class CatalogueEditionViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Catalogue editions and their entries; bureau administrators and headquarters load new editions."""

    queryset = CatalogueEdition.objects.all()
    serializer_class = CatalogueEditionSerializer
    permission_classes = [CataloguePermissions]
    filterset_class = CatalogueEditionFilterSet
    ordering_fields = ["kind", "effective_from", "loaded_at", "edition"]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CatalogueEditionDetailSerializer
        if self.action == "create":
            return CatalogueLoadSerializer
        return super().get_serializer_class()

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("entries")
        return queryset

    @extend_schema(
        request={"multipart/form-data": CatalogueLoadSerializer},
        responses={201: CatalogueEditionDetailSerializer, 400: OpenApiResponse(description="the faulty row")},
    )
    def create(self, request, *args, **kwargs):
        """Load a new edition from the authority's file, all or nothing; it takes effect from its date."""
        body = CatalogueLoadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        if upload.size is not None and upload.size > settings.ATTACHMENT_MAX_BYTES:
            raise ValidationError({"file": [_("The file is too large.")]})
        edition = catalogue_import(
            actor=request.user,
            kind=body.validated_data["kind"],
            edition=body.validated_data["edition"],
            effective_from=body.validated_data["effective_from"],
            content=upload.read(),
            filename=upload.name or "",
        )
        edition = CatalogueEdition.objects.prefetch_related("entries").get(pk=edition.pk)
        data = CatalogueEditionDetailSerializer(edition, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="name, alias, CAS number, UN number or HS code"),
            OpenApiParameter("highly_toxic", bool),
            OpenApiParameter("entry", int, description="one entry, by id"),
        ],
        responses=CatalogueEntrySerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"])
    def entries(self, request, pk=None):
        """The edition's entries, in file order; ``?q=`` searches them as the catalogue page does."""
        edition = self.get_object()
        entries = CatalogueEntryFilterSet(
            request.query_params, queryset=edition.entries.order_by("row", "id"), request=request
        )
        if not entries.is_valid():
            raise ValidationError(entries.errors)
        queryset = entries.qs
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(CatalogueEntrySerializer(page, many=True).data)
