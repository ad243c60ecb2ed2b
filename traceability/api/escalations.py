"""Strict-supervision proposals over the API (``strict-supervision-proposals/``): the list (filtered),
a proposal, and the bureau administrator's ``confirm/`` (``{"reason"}`` optional) and ``dismiss/``
(``{"reason"}``).

Every write calls a service; a service's ValidationError answers 400 and its PermissionDenied 403.
A proposal outside ``visible_to(user)`` (another jurisdiction, an enterprise) answers 404.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cbec_supervision.api import ScopedViewSetMixin
from traceability.escalation_pages import StrictSupervisionProposalFilterSet
from traceability.models import StrictSupervisionProposal
from traceability.services import escalation


class StrictSupervisionProposalSerializer(serializers.ModelSerializer):
    """A proposal: the enterprise (filing id), the investigations counted (ids), its status and decision."""

    investigations = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None)

    class Meta:
        model = StrictSupervisionProposal
        fields = ["id", "enterprise", "investigations", "proposed_at", "status", "decided_by", "decided_at", "reason"]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class StrictSupervisionProposalViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Proposals to place an enterprise under strict supervision: staff of the enterprise's jurisdiction
    and headquarters read them; the competent bureau's administrators decide. ``?status=proposed``."""

    queryset = StrictSupervisionProposal.objects.all()
    serializer_class = StrictSupervisionProposalSerializer
    filterset_class = StrictSupervisionProposalFilterSet
    list_select_related = ("decided_by",)
    list_prefetch_related = ("investigations",)
    ordering_fields = ["proposed_at", "decided_at"]
    object_actions = ("history", "confirm", "dismiss")

    def _respond(self, proposal: StrictSupervisionProposal) -> Response:
        proposal = self.get_queryset().get(pk=proposal.pk)
        return Response(StrictSupervisionProposalSerializer(proposal, context=self.get_serializer_context()).data)

    def _reason(self, request) -> str:
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return str(body.validated_data.get("reason", ""))

    @extend_schema(request=DecisionSerializer, responses={200: StrictSupervisionProposalSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, *args, **kwargs):
        """Confirm: the enterprise is placed under strict supervision (the competent bureau's administrator)."""
        proposal = self.get_object()
        return self._respond(
            escalation.proposal_confirm(actor=request.user, proposal=proposal, reason=self._reason(request))
        )

    @extend_schema(request=DecisionSerializer, responses={200: StrictSupervisionProposalSerializer})
    @action(detail=True, methods=["post"])
    def dismiss(self, request, *args, **kwargs):
        """Dismiss, with ``{"reason"}`` (the competent bureau's administrator)."""
        proposal = self.get_object()
        return self._respond(
            escalation.proposal_dismiss(actor=request.user, proposal=proposal, reason=self._reason(request))
        )
