"""Partnerships over the API: the operator asks (``POST``), the partner decides (``confirm/``,
``refuse/``, ``suspend/``, ``reinstate/``), the operator may ``withdraw/`` an unanswered request.

Every write calls a service; a refusal answers 400 (ValidationError) or 403 (PermissionDenied).
Partnerships outside ``visible_to(user)`` answer 404.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cbec_supervision.api import ScopedViewSetMixin
from partnerships import services
from partnerships.api.serializers import (
    PartnershipCreateSerializer,
    PartnershipReasonSerializer,
    PartnershipSerializer,
)
from partnerships.choices import PartnershipAction
from partnerships.filtersets import PartnershipFilterSet
from partnerships.models import Partnership

_ACTION_DOCS = {
    PartnershipAction.CONFIRM: "The platform or warehouse confirms a requested partnership: "
    "the operator's batches may name it.",
    PartnershipAction.REFUSE: "The platform or warehouse refuses a requested partnership, with a reason (required).",
    PartnershipAction.SUSPEND: "The platform or warehouse suspends a confirmed partnership, with a reason (required): "
    "the operator's batches may not name it meanwhile.",
    PartnershipAction.REINSTATE: "The platform or warehouse puts a suspended partnership back in force.",
    PartnershipAction.WITHDRAW: "The operator withdraws its request before the partner answers it.",
}


def _make_action(name: str):
    def act(self, request, pk=None):  # noqa: ARG001 - the router passes pk
        partnership = self.get_object()
        body = PartnershipReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        partnership = services.partnership_act(
            actor=request.user, partnership=partnership, action=name, reason=body.validated_data.get("reason", "")
        )
        return Response(PartnershipSerializer(partnership).data)

    act.__name__ = name
    act.__doc__ = _ACTION_DOCS[PartnershipAction(name)]
    decorated = action(detail=True, methods=["post"], url_path=name, url_name=name)(act)
    return extend_schema(request=PartnershipReasonSerializer, responses=PartnershipSerializer)(decorated)


class PartnershipViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Which operators sell on which platform, and store goods with which warehouse.

    Enterprise users see the partnerships their enterprise is a side of; a bureau's staff those
    whose operator or partner is in their jurisdiction; headquarters all. ``?mine=true``: an
    enterprise's own requests (as the operator), or a bureau's own operators.
    """

    queryset = Partnership.objects.all()
    serializer_class = PartnershipSerializer
    filterset_class = type("ApiPartnershipFilterSet", (PartnershipFilterSet,), {"ordering": None})
    list_select_related = ("operator", "partner")
    ordering_fields = ["requested_at", "decided_at", "status"]
    object_actions = ("history", *(str(a) for a in PartnershipAction))

    confirm = _make_action(PartnershipAction.CONFIRM)
    refuse = _make_action(PartnershipAction.REFUSE)
    suspend = _make_action(PartnershipAction.SUSPEND)
    reinstate = _make_action(PartnershipAction.REINSTATE)
    withdraw = _make_action(PartnershipAction.WITHDRAW)

    @extend_schema(request=PartnershipCreateSerializer, responses={201: PartnershipSerializer})
    def create(self, request, *args, **kwargs):
        """The operator asks a platform (``kind`` ``platform``) or a logistics enterprise (``warehouse``)
        to confirm it; ``operator`` is the caller's enterprise. 400 per field when the operator is not
        an approved operator, the partner not an approved enterprise of that type, or itself, or when a
        live partnership of that kind links them already."""
        body = PartnershipCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        partnership = services.partnership_request(actor=request.user, **body.validated_data)
        return Response(PartnershipSerializer(partnership).data, status=status.HTTP_201_CREATED)
