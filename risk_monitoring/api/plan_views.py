"""Sampling plans over the API: the list and a plan with its items, generation, adjustment, publish, close.

Every write calls a service; a service's ValidationError answers 400 and its PermissionDenied 403.
A plan outside ``visible_to(user)`` (another bureau's, any plan for an enterprise) answers 404.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from cbec_supervision.api import ScopedViewSetMixin
from risk_monitoring import services
from risk_monitoring.api.serializers import (
    PlanCloseSerializer,
    PlanGenerateSerializer,
    PlanItemAddSerializer,
    PlanItemLabSerializer,
    PlanItemRemoveSerializer,
    SamplingPlanItemSerializer,
    SamplingPlanSerializer,
)
from risk_monitoring.filtersets import SamplingPlanFilterSet
from risk_monitoring.models import SamplingPlan, SamplingPlanItem


class SamplingPlanViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Monthly sampling plans: read by the staff of the plan's bureau and headquarters. ``POST`` draws a
    new draft plan for the caller's bureau (its staff only); a draft is adjusted, published, closed."""

    queryset = SamplingPlan.objects.all()
    serializer_class = SamplingPlanSerializer
    filterset_class = SamplingPlanFilterSet
    list_select_related = ("bureau",)
    ordering_fields = ["month", "created_at", "status"]
    object_actions = ("history", "items", "add_item", "remove_item", "change_lab", "publish", "close")

    def get_queryset(self):
        # the stored candidates (one row per product of the jurisdiction) are for plan_reproduce only
        return super().get_queryset().defer("candidates")

    def _respond(self, plan: SamplingPlan, code: int = status.HTTP_200_OK) -> Response:
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(SamplingPlanSerializer(plan, context=self.get_serializer_context()).data, status=code)

    def _item(self, plan: SamplingPlan, pk: int) -> SamplingPlanItem:
        item = SamplingPlanItem.objects.filter(plan=plan, pk=pk).first()
        if item is None:
            raise ValidationError({"item": [_("No such item in this plan.")]})
        item.plan = plan
        return item

    @extend_schema(request=PlanGenerateSerializer, responses={201: SamplingPlanSerializer})
    def create(self, request, *args, **kwargs):
        """Draw a plan: ``{"month", "size", "random_share", "seed", "channel", "labs": [{"lab", "capacity"}]}``."""
        user = request.user
        if not user.is_bureau_staff:
            raise PermissionDenied()
        body = PlanGenerateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        labs = [(row["lab"], row["capacity"]) for row in data.pop("labs")]
        plan = services.plan_generate(actor=user, labs=labs, **data)
        return self._respond(plan, status.HTTP_201_CREATED)

    @extend_schema(responses={200: SamplingPlanItemSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def items(self, request, *args, **kwargs):
        """The plan's items in draw order (removed ones included, marked)."""
        plan = self.get_object()
        rows = plan.items.select_related("sampling").order_by("position", "pk")
        return Response(SamplingPlanItemSerializer(rows, many=True).data)

    @extend_schema(request=PlanItemAddSerializer, responses={201: SamplingPlanItemSerializer})
    @action(detail=True, methods=["post"], url_path="add-item")
    def add_item(self, request, *args, **kwargs):
        """Add a product of the bureau's jurisdiction to a draft, with a reason: ``{"product", "lab", "reason"}``."""
        plan = self.get_object()
        body = PlanItemAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.plan_item_add(actor=request.user, plan=plan, **body.validated_data)
        return Response(SamplingPlanItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PlanItemRemoveSerializer, responses={200: SamplingPlanItemSerializer})
    @action(detail=True, methods=["post"], url_path="remove-item")
    def remove_item(self, request, *args, **kwargs):
        """Take an item out of a draft, with a reason: ``{"item", "reason"}``."""
        plan = self.get_object()
        body = PlanItemRemoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = self._item(plan, body.validated_data["item"])
        item = services.plan_item_remove(actor=request.user, item=item, reason=body.validated_data["reason"])
        return Response(SamplingPlanItemSerializer(item).data)

    @extend_schema(request=PlanItemLabSerializer, responses={200: SamplingPlanItemSerializer})
    @action(detail=True, methods=["post"], url_path="change-lab")
    def change_lab(self, request, *args, **kwargs):
        """Send a draft's item to another of the plan's labs, within its capacity: ``{"item", "lab", "note"}``."""
        plan = self.get_object()
        body = PlanItemLabSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = self._item(plan, body.validated_data["item"])
        item = services.plan_item_change_lab(
            actor=request.user, item=item, lab=body.validated_data["lab"], note=body.validated_data.get("note", "")
        )
        return Response(SamplingPlanItemSerializer(item).data)

    @extend_schema(request=None, responses={200: SamplingPlanSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, *args, **kwargs):
        """Publish a draft."""
        plan = services.plan_publish(actor=request.user, plan=self.get_object())
        return self._respond(plan)

    @extend_schema(request=PlanCloseSerializer, responses={200: SamplingPlanSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        """Close a plan (a draft with a reason): ``{"reason"}``."""
        plan = self.get_object()
        body = PlanCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.plan_close(actor=request.user, plan=plan, reason=body.validated_data.get("reason", ""))
        return self._respond(plan)
