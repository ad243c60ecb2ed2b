"""Counterfeit leads (``counterfeit-leads/``) and rights holders (``rights-holders/``) over the API.

Staff only: an enterprise gets 403 on a list and 404 on an object, as for investigations. Every write
calls a service; a service's ValidationError answers 400 and its PermissionDenied 403. A lead outside
``visible_to(user)`` (another bureau's) answers 404.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from anticounterfeit.api.lead_serializers import (
    AuthorisationSerializer,
    AuthorisationUploadSerializer,
    CounterfeitLeadSerializer,
    LeadDismissSerializer,
    LeadMergeSerializer,
    LeadReopenSerializer,
    LeadWriteSerializer,
    RightsHolderSerializer,
    RightsHolderWriteSerializer,
)
from anticounterfeit.filtersets.leads import CounterfeitLeadFilterSet, RightsHolderFilterSet
from anticounterfeit.models import CounterfeitCase, CounterfeitLead, RightsHolder
from anticounterfeit.services import leads as lead_services
from anticounterfeit.services import rights_holders as holder_services
from cbec_supervision.api import ScopedViewSetMixin


class _StaffOnlyMixin:
    def permission_denied(self, request, message=None, code=None):
        # An object is never confirmed to exist for whoever may not read them (enterprises): 404.
        # Who reads it but may not change it (headquarters) is told so: 403.
        user = request.user
        if user.is_authenticated and (self.lookup_url_kwarg or self.lookup_field) in self.kwargs:
            opts = self.queryset.model._meta
            if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
                raise NotFound
        super().permission_denied(request, message=message, code=code)


class CounterfeitLeadViewSet(
    _StaffOnlyMixin,
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Counterfeit leads: read by the staff of the lead's bureau (and its parent direct bureau) and by
    headquarters. Staff file one for their bureau, headquarters for a bureau it names (``bureau``:
    code); the lead bureau's staff correct it while it awaits triage (PATCH), dismiss, reopen and merge
    it into a case. ``?status=``, ``?channel=``, ``?brand=``, ``?enterprise=<id>``, ``?bureau=ZJ``,
    ``?group=<group_key>``, ``?q=``, ``?received_after=`` / ``?received_before=`` (dates)."""

    queryset = CounterfeitLead.objects.all()
    serializer_class = CounterfeitLeadSerializer
    filterset_class = CounterfeitLeadFilterSet
    list_select_related = ("bureau", "rights_holder", "triaged_by", "created_by")
    ordering_fields = ["received_at", "created_at", "status", "channel"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    # PATCH is decided by the service (the lead bureau's staff, while the lead awaits triage)
    object_actions = ("history", "partial_update", "dismiss", "reopen", "merge", "duplicates", "attachments")
    # filing is decided by the service too: headquarters files for a bureau it names (no add permission)
    collection_actions = ("create",)

    def get_queryset(self):
        qs = lead_services.leads_visible_to(self.request.user).select_related(*self.list_select_related)
        return qs

    def _respond(self, lead: CounterfeitLead, code: int = status.HTTP_200_OK) -> Response:
        lead = self.get_queryset().get(pk=lead.pk)
        return Response(CounterfeitLeadSerializer(lead, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=LeadWriteSerializer, responses={201: CounterfeitLeadSerializer})
    def create(self, request, *args, **kwargs):
        """File a lead: ``channel``, ``title`` and what is known (bureau staff; headquarters names ``bureau``)."""
        body = LeadWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        lead = lead_services.lead_create(
            actor=request.user,
            channel=data.pop("channel"),
            title=data.pop("title"),
            bureau=data.pop("bureau", None),
            **data,
        )
        return self._respond(lead, status.HTTP_201_CREATED)

    @extend_schema(request=LeadWriteSerializer, responses={200: CounterfeitLeadSerializer})
    def partial_update(self, request, *args, **kwargs):
        """Correct a lead awaiting triage: the fields given (the lead bureau's staff)."""
        lead = self.get_object()
        body = LeadWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "bureau" in data:
            raise ValidationError({"bureau": [_("A lead stays with its bureau.")]})
        lead = lead_services.lead_update(actor=request.user, lead=lead, **data)
        return self._respond(lead)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().update(request, *args, **kwargs)

    @extend_schema(request=LeadDismissSerializer, responses={200: CounterfeitLeadSerializer})
    @action(detail=True, methods=["post"])
    def dismiss(self, request, *args, **kwargs):
        """Dismiss the lead: ``{"reason": <dismissal reason>, "note"}`` (a note is required for ``other``)."""
        lead = self.get_object()
        body = LeadDismissSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lead = lead_services.lead_dismiss(actor=request.user, lead=lead, **body.validated_data)
        return self._respond(lead)

    @extend_schema(request=LeadReopenSerializer, responses={200: CounterfeitLeadSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        """Reopen a dismissed lead: ``{"reason"}``."""
        lead = self.get_object()
        body = LeadReopenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lead = lead_services.lead_reopen(actor=request.user, lead=lead, reason=body.validated_data["reason"])
        return self._respond(lead)

    @extend_schema(request=LeadMergeSerializer, responses={200: CounterfeitLeadSerializer})
    @action(detail=True, methods=["post"])
    def merge(self, request, *args, **kwargs):
        """Merge the lead into a case still collecting evidence: ``{"case": id, "note",
        "with_duplicates": bool}`` (with its duplicates awaiting triage, in one go)."""
        lead = self.get_object()
        body = LeadMergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        case = CounterfeitCase.objects.visible_to(request.user).filter(pk=data["case"]).first()
        if case is None:
            raise ValidationError({"case": [_("No such case.")]})
        lead_services.lead_triage_merge(
            actor=request.user,
            lead=lead,
            case=case,
            note=data.get("note", ""),
            with_duplicates=data.get("with_duplicates", False),
        )
        return self._respond(lead)

    @extend_schema(responses={200: CounterfeitLeadSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def duplicates(self, request, *args, **kwargs):
        """The other leads of the lead's duplicate group that you may see, newest first."""
        lead = self.get_object()
        rows = self.get_queryset().filter(group_key=lead.group_key).exclude(pk=lead.pk)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(CounterfeitLeadSerializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": AuthorisationUploadSerializer},
        responses={200: AuthorisationSerializer(many=True), 201: AuthorisationSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def attachments(self, request, *args, **kwargs):
        """The lead's files (GET), or one more (POST multipart ``file``, optional ``description``: staff of
        the lead's bureau)."""
        lead = self.get_object()
        if request.method == "GET":
            return Response(AuthorisationSerializer(lead_services.lead_attachments(lead), many=True).data)
        body = AuthorisationUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attachment = lead_services.lead_attach(
            actor=request.user,
            lead=lead,
            upload=body.validated_data["file"],
            description=body.validated_data.get("description", ""),
        )
        return Response(AuthorisationSerializer(attachment).data, status=status.HTTP_201_CREATED)


class RightsHolderViewSet(
    _StaffOnlyMixin,
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Rights holders: read by every bureau's staff and headquarters; recorded and corrected by bureau
    staff. ``authorisations/``: the holder's authorisation documents (GET), one more (POST multipart
    ``file``, optional ``description``). ``?q=``, ``?country=``."""

    queryset = RightsHolder.objects.all()
    serializer_class = RightsHolderSerializer
    filterset_class = RightsHolderFilterSet
    list_select_related = ("created_by",)
    ordering_fields = ["name", "created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    object_actions = ("history", "authorisations")
    parser_classes = (JSONParser, MultiPartParser, FormParser)

    def _respond(self, holder: RightsHolder, code: int = status.HTTP_200_OK) -> Response:
        holder = self.get_queryset().get(pk=holder.pk)
        return Response(RightsHolderSerializer(holder, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=RightsHolderWriteSerializer, responses={201: RightsHolderSerializer})
    def create(self, request, *args, **kwargs):
        """Record a rights holder: ``name`` (unique, case, width and spaces ignored), ``brands`` (list)…"""
        body = RightsHolderWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        holder = holder_services.rights_holder_create(actor=request.user, name=data.pop("name"), **data)
        return self._respond(holder, status.HTTP_201_CREATED)

    @extend_schema(request=RightsHolderWriteSerializer, responses={200: RightsHolderSerializer})
    def partial_update(self, request, *args, **kwargs):
        """Correct a rights holder: the fields given."""
        holder = self.get_object()
        body = RightsHolderWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        holder = holder_services.rights_holder_update(actor=request.user, holder=holder, **body.validated_data)
        return self._respond(holder)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().update(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": AuthorisationUploadSerializer},
        responses={200: AuthorisationSerializer(many=True), 201: AuthorisationSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def authorisations(self, request, *args, **kwargs):
        """The holder's authorisation documents (GET), or one more (POST multipart ``file``)."""
        holder = self.get_object()
        if request.method == "GET":
            rows = holder_services.rights_holder_authorisations(holder)
            return Response(AuthorisationSerializer(rows, many=True).data)
        if not holder_services.may_change(request.user):
            raise PermissionDenied(_("Only bureau staff add authorisation documents."))
        body = AuthorisationUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attachment = holder_services.rights_holder_attach(
            actor=request.user,
            holder=holder,
            upload=body.validated_data["file"],
            description=body.validated_data.get("description", ""),
        )
        return Response(AuthorisationSerializer(attachment).data, status=status.HTTP_201_CREATED)
