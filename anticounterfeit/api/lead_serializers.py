"""Counterfeit leads and rights holders over the API: what a lead reads as, and the bodies of filing,
correcting and triaging one. Thin: the services validate and decide."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from anticounterfeit.choices import DismissalReason, LeadChannel
from anticounterfeit.models import CounterfeitLead, RightsHolder
from cbec_supervision.models import Attachment

_ID: dict[str, Any] = {"min_value": 1, "max_value": 2**63 - 1}


@extend_schema_field(OpenApiTypes.STR)
class IdOrNameField(serializers.Field):
    """A rights holder named by its id (a number) or its name (a string)."""

    default_error_messages = {"invalid": _("Give the rights holder's name or id.")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        if isinstance(data, int) and not 0 < data < 2**63:
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


class CounterfeitLeadSerializer(serializers.ModelSerializer):
    """A lead: ``rights_holder`` the holder's name (``rights_holder_id`` its id), ``bureau`` by code, people
    by username, ``duplicate_count`` the other leads of its group the reader may see."""

    rights_holder = serializers.CharField(source="rights_holder.name", read_only=True, default=None)
    rights_holder_id = serializers.IntegerField(read_only=True, allow_null=True)
    bureau: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    duplicate_count = serializers.IntegerField(read_only=True, default=0)
    triaged_by = serializers.CharField(source="triaged_by.username", read_only=True, default=None)
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None)

    class Meta:
        model = CounterfeitLead
        fields = [
            "id",
            "channel",
            "channel_display",
            "title",
            "description",
            "brand",
            "rights_holder",
            "rights_holder_id",
            "enterprise",
            "product",
            "urls",
            "status",
            "status_display",
            "bureau",
            "seller_name",
            "product_name",
            "reporter_name",
            "reporter_contact",
            "source_reference",
            "signal",
            "sampling",
            "received_at",
            "group_key",
            "duplicate_count",
            "dismissal_reason",
            "triage_note",
            "triaged_by",
            "triaged_at",
            "case",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class LeadWriteSerializer(serializers.Serializer):
    """File or correct a lead. Ids for the enterprise and product (approved filings), the risk signal
    and the sampling; the rights holder by name or id; ``bureau`` a code (headquarters names one)."""

    channel = serializers.ChoiceField(choices=LeadChannel.choices)
    title = serializers.CharField(max_length=300, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    brand = serializers.CharField(required=False, allow_blank=True, max_length=100)
    rights_holder = IdOrNameField(required=False, allow_null=True)
    enterprise = serializers.IntegerField(required=False, allow_null=True, **_ID)
    seller_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    product = serializers.IntegerField(required=False, allow_null=True, **_ID)
    product_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    urls = serializers.ListField(child=serializers.CharField(max_length=10000), required=False, max_length=100)
    reporter_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    reporter_contact = serializers.CharField(required=False, allow_blank=True, max_length=100)
    source_reference = serializers.CharField(required=False, allow_blank=True, max_length=100)
    signal = serializers.IntegerField(required=False, allow_null=True, **_ID)
    sampling = serializers.IntegerField(required=False, allow_null=True, **_ID)
    received_at = serializers.DateTimeField(required=False)
    bureau = serializers.CharField(required=False, allow_blank=True, max_length=16)


class LeadDismissSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=DismissalReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class LeadReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=10000)


class LeadMergeSerializer(serializers.Serializer):
    case = serializers.IntegerField(**_ID)
    note = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    with_duplicates = serializers.BooleanField(required=False, default=False)


class RightsHolderSerializer(serializers.ModelSerializer):
    """A rights holder; ``brands`` a list of names; ``country`` an ISO 3166 code."""

    country = serializers.CharField(source="country.code", read_only=True, default="")
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None)

    class Meta:
        model = RightsHolder
        fields = [
            "id",
            "name",
            "country",
            "brands",
            "contact_name",
            "contact_phone",
            "contact_email",
            "address",
            "authorised_agent",
            "authorisation_valid_until",
            "notes",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RightsHolderWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    country = serializers.CharField(required=False, allow_blank=True, max_length=2)
    brands = serializers.ListField(child=serializers.CharField(max_length=1000), required=False, max_length=500)
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=50)
    contact_email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    address = serializers.CharField(required=False, allow_blank=True, max_length=300)
    authorised_agent = serializers.CharField(required=False, allow_blank=True, max_length=200)
    authorisation_valid_until = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class AuthorisationUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    description = serializers.CharField(required=False, allow_blank=True, max_length=255)


class AuthorisationSerializer(serializers.ModelSerializer):
    """An authorisation document; ``url`` downloads it (for whoever may read the holder)."""

    url = serializers.SerializerMethodField()
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True, default=None)

    class Meta:
        model = Attachment
        fields = [
            "id",
            "original_name",
            "description",
            "mime_type",
            "size",
            "sha256",
            "uploaded_at",
            "uploaded_by",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, obj: Attachment) -> str:
        return reverse("attachment_download", args=[obj.pk])
