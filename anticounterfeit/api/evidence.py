"""The evidence of a case in the API: actions on ``counterfeit-cases/{id}/`` (``EvidenceActionsMixin``,
mixed into ``CounterfeitCaseViewSet``).

- ``evidence/`` GET every version (``?current=true``: the current ones), POST (multipart ``file``,
  optional ``collected_at``, ``place``, ``method``, ``description``, ``kind``, the physical fields) -> 201
- ``evidence/{evidence_id}/correct/`` POST a new version (``reason`` and the fields to change, optional
  ``file``) -> 201
- ``evidence/{evidence_id}/download/`` GET the file
- ``custody/`` GET the log with its verification, POST an event -> 201
- ``packs/`` GET the exported packs, POST export one -> 201; ``packs/{pack_id}/download/`` GET it

The case is found through ``visible_to`` (outside it: 404); an item or pack of another case is 404; the
services decide who may write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.models import User
from anticounterfeit import custody as custody_chain
from anticounterfeit.choices import CustodyAction, EvidenceKind
from anticounterfeit.models import CounterfeitCase, CustodyEvent, Evidence, EvidencePack
from anticounterfeit.services import custody as custody_services
from anticounterfeit.services import evidence as evidence_services


def _evidence_download_url(item: Evidence) -> str | None:
    if not item.file:
        return None
    return reverse("api:counterfeit-case-evidence-download", kwargs={"pk": item.case_id, "evidence_id": item.pk})


class EvidenceSerializer(serializers.ModelSerializer):
    """An item of evidence (one version). ``file`` is its download URL (null for a physical item)."""

    file = serializers.SerializerMethodField()
    collected_by = serializers.CharField(source="collected_by.username", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "file",
            "sha256",
            "collected_at",
            "collected_by",
            "place",
            "method",
            "description",
            "number",
            "version",
            "kind",
            "original_name",
            "size",
            "mime_type",
            "supersedes",
            "correction_reason",
            "is_current",
            "quantity",
            "unit",
            "storage_location",
            "seal_no",
            "witnesses",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_file(self, obj: Evidence) -> str | None:
        return _evidence_download_url(obj)

    def get_is_current(self, obj: Evidence) -> bool:
        current = self.context.get("current_ids")
        if current is not None:
            return obj.pk in current
        return obj.is_current


class InstantField(serializers.DateTimeField):
    """A date and time of evidence or custody: from 1 January 2000 on (the caller checks "not in the
    future"); a date out of range is a 400, never an OverflowError."""

    def to_internal_value(self, value):
        try:
            moment = super().to_internal_value(value)
        except OverflowError as exc:
            raise serializers.ValidationError(custody_chain.out_of_range()) from exc
        if problem := custody_chain.instant_problem(moment):
            raise serializers.ValidationError(problem)
        return moment


class _EvidenceFields(serializers.Serializer):
    collected_at = InstantField(required=False, allow_null=True, label=_("collected at"))
    place = serializers.CharField(required=False, allow_blank=True, max_length=300, label=_("place"))
    method = serializers.CharField(required=False, allow_blank=True, max_length=100, label=_("method"))
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000, label=_("description"))
    witnesses = serializers.CharField(required=False, allow_blank=True, max_length=300, label=_("others present"))
    quantity = serializers.IntegerField(required=False, allow_null=True, min_value=1, label=_("quantity"))
    unit = serializers.CharField(required=False, allow_blank=True, max_length=20, label=_("unit"))
    storage_location = serializers.CharField(
        required=False, allow_blank=True, max_length=200, label=_("storage location")
    )
    seal_no = serializers.CharField(required=False, allow_blank=True, max_length=60, label=_("seal number"))


class EvidenceAddSerializer(_EvidenceFields):
    file = serializers.FileField(required=False, allow_null=True, allow_empty_file=True, label=_("file"))
    kind = serializers.ChoiceField(choices=EvidenceKind.choices, required=False, label=_("kind"))


class EvidenceCorrectSerializer(_EvidenceFields):
    reason = serializers.CharField(max_length=10000, label=_("reason for the correction"))
    file = serializers.FileField(required=False, allow_null=True, allow_empty_file=True, label=_("file"))


class CustodyEventSerializer(serializers.ModelSerializer):
    evidence_number = serializers.IntegerField(source="evidence.number", read_only=True)
    evidence_version = serializers.IntegerField(source="evidence.version", read_only=True)
    from_user: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    to_user: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CustodyEvent
        fields = [
            "id",
            "seq",
            "evidence",
            "evidence_number",
            "evidence_version",
            "action",
            "from_party",
            "from_user",
            "to_party",
            "to_user",
            "at",
            "place",
            "note",
            "evidence_sha256",
            "recorded_label",
            "recorded_at",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields


class CustodyRecordSerializer(serializers.Serializer):
    evidence = serializers.IntegerField(label=_("evidence"))
    action = serializers.ChoiceField(
        choices=[c for c in CustodyAction.choices if c[0] not in custody_services.AUTOMATIC_ACTIONS], label=_("action")
    )
    at = InstantField(label=_("at"))
    from_party = serializers.CharField(required=False, allow_blank=True, max_length=200, label=_("from"))
    to_party = serializers.CharField(required=False, allow_blank=True, max_length=200, label=_("to"))
    from_user = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False, allow_null=True, label=_("from (account)")
    )
    to_user = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False, allow_null=True, label=_("to (account)")
    )
    place = serializers.CharField(required=False, allow_blank=True, max_length=300, label=_("place"))
    note = serializers.CharField(required=False, allow_blank=True, max_length=10000, label=_("note"))

    def __init__(self, *args, case: CounterfeitCase | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # only the officers who may be assigned to the case; anyone else reads as unknown (400)
        officers = custody_services.custody_officers(case) if case is not None else User.objects.none()
        self.fields["from_user"].queryset = officers  # type: ignore[attr-defined]
        self.fields["to_user"].queryset = officers  # type: ignore[attr-defined]


class EvidencePackSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()
    created_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = EvidencePack
        fields = [
            "id",
            "size",
            "sha256",
            "manifest_sha256",
            "evidence_count",
            "custody_seq",
            "custody_head_hash",
            "created_by",
            "created_at",
            "download",
        ]
        read_only_fields = fields

    def get_download(self, obj: EvidencePack) -> str:
        return reverse("api:counterfeit-case-pack-download", kwargs={"pk": obj.case_id, "pack_id": obj.pk})


def _file_response(fieldfile, *, filename: str, content_type: str) -> FileResponse:
    try:
        handle = fieldfile.open("rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def case_evidence(case: CounterfeitCase):
    return Evidence.objects.filter(case=case).select_related("collected_by", "created_by").order_by("number", "version")


if TYPE_CHECKING:
    _ViewSet = viewsets.GenericViewSet
else:
    _ViewSet = object


class EvidenceActionsMixin(_ViewSet):
    """The case's evidence actions (see the module's docstring)."""

    #: the object actions this mixin adds (for ``ScopedViewSetMixin.object_actions``)
    evidence_actions: tuple[str, ...] = (
        "evidence",
        "evidence_correct",
        "evidence_download",
        "custody",
        "packs",
        "pack_download",
    )

    def _evidence_list(self, request, case: CounterfeitCase) -> Response:
        items = list(case_evidence(case))
        superseded = {item.supersedes_id for item in items if item.supersedes_id}
        current = {item.pk for item in items if item.pk not in superseded}
        if request.query_params.get("current", "").lower() in ("true", "1", "yes"):
            items = [item for item in items if item.pk in current]
        page = self.paginate_queryset(items)
        data = EvidenceSerializer(page, many=True, context={"current_ids": current}).data
        return self.get_paginated_response(data)

    def _item(self, case: CounterfeitCase, evidence_id: str) -> Evidence:
        item: Evidence = get_object_or_404(case_evidence(case), pk=evidence_id)
        return item

    @extend_schema(
        request=EvidenceAddSerializer, responses={200: EvidenceSerializer(many=True), 201: EvidenceSerializer}
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def evidence(self, request, *args, **kwargs):
        """GET every version of every item (``?current=true``: the current versions); POST an item (a
        handler while the case is collecting): multipart ``file``, optional ``collected_at``, ``place``,
        ``method``, ``description``; ``kind=physical`` with ``quantity``, ``unit``, ``storage_location``,
        ``seal_no`` and no file."""
        case = self.get_object()
        if request.method == "GET":
            return self._evidence_list(request, case)
        body = EvidenceAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        item = evidence_services.evidence_add(
            actor=request.user,
            case=case,
            upload=data.pop("file", None),
            kind=data.pop("kind", EvidenceKind.FILE),
            **{k: v for k, v in data.items() if v is not None or k == "quantity"},
        )
        return Response(EvidenceSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EvidenceCorrectSerializer, responses={201: EvidenceSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path=r"evidence/(?P<evidence_id>[0-9]+)/correct",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def evidence_correct(self, request, *args, evidence_id: str, **kwargs):
        """Correct an item by a new version: ``reason`` and the fields that change (optional ``file``)."""
        case = self.get_object()
        item = self._item(case, evidence_id)
        body = EvidenceCorrectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        reason = data.pop("reason")
        upload = data.pop("file", None)
        new = evidence_services.evidence_correct(
            actor=request.user, evidence=item, reason=reason, upload=upload, **data
        )
        return Response(EvidenceSerializer(new).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"], url_path=r"evidence/(?P<evidence_id>[0-9]+)/download")
    def evidence_download(self, request, *args, evidence_id: str, **kwargs):
        """The item's file, as stored (its content type as detected on upload)."""
        case = self.get_object()
        item = self._item(case, evidence_id)
        if not item.file:
            raise Http404
        return _file_response(
            item.file,
            filename=item.original_name or "evidence",
            content_type=item.mime_type or "application/octet-stream",
        )

    @extend_schema(request=CustodyRecordSerializer, responses={200: CustodyEventSerializer(many=True)})
    @action(detail=True, methods=["get", "post"])
    def custody(self, request, *args, **kwargs):
        """GET the chain of custody with its verification (``{"verification": {...}, "events": [...]}``);
        POST an event (a handler or the bureau's administrator): ``evidence`` (id), ``action``, ``at``,
        ``from_party``/``from_user``, ``to_party``/``to_user``, ``place``, ``note``."""
        case = self.get_object()
        if request.method == "POST":
            body = CustodyRecordSerializer(data=request.data, case=case)
            body.is_valid(raise_exception=True)
            data = dict(body.validated_data)
            item = self._item(case, str(data.pop("evidence")))
            event = custody_services.custody_record(
                actor=request.user,
                evidence=item,
                action=data["action"],
                at=data["at"],
                from_party=data.get("from_party", ""),
                to_party=data.get("to_party", ""),
                from_user=data.get("from_user"),
                to_user=data.get("to_user"),
                place=data.get("place", ""),
                note=data.get("note", ""),
            )
            return Response(CustodyEventSerializer(event).data, status=status.HTTP_201_CREATED)
        report = custody_services.custody_verify(case)
        events = (
            CustodyEvent.objects.filter(case=case).select_related("evidence", "from_user", "to_user").order_by("seq")
        )
        return Response(
            {
                "verification": {
                    "ok": report.ok,
                    "checked": report.checked,
                    "broken_seq": report.broken_seq,
                    "problem": report.problem,
                },
                "head": {"seq": case.custody_seq, "hash": case.custody_head_hash},
                "events": CustodyEventSerializer(events, many=True).data,
            }
        )

    @extend_schema(request=None, responses={200: EvidencePackSerializer(many=True), 201: EvidencePackSerializer})
    @action(detail=True, methods=["get", "post"])
    def packs(self, request, *args, **kwargs):
        """GET the evidence packs exported from the case; POST export one now (anyone who reads the case)."""
        case = self.get_object()
        if request.method == "POST":
            pack = evidence_services.evidence_pack_export(actor=request.user, case=case)
            return Response(EvidencePackSerializer(pack).data, status=status.HTTP_201_CREATED)
        packs = EvidencePack.objects.filter(case=case).select_related("created_by")
        page = self.paginate_queryset(packs)
        return self.get_paginated_response(EvidencePackSerializer(page, many=True).data)

    @extend_schema(responses={(200, "application/zip"): bytes})
    @action(detail=True, methods=["get"], url_path=r"packs/(?P<pack_id>[0-9]+)/download")
    def pack_download(self, request, *args, pack_id: str, **kwargs):
        """The pack's ZIP."""
        case = self.get_object()
        pack = get_object_or_404(EvidencePack.objects.filter(case=case), pk=pack_id)
        return _file_response(
            pack.file, filename=f"{case.case_no}-evidence-{pack.pk}.zip", content_type="application/zip"
        )
