"""Half-yearly reports over the API: what a report reads as, and the body of a request for one."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from reports.choices import ReportFormat
from reports.models import HalfYearReport


class HalfYearReportSerializer(serializers.ModelSerializer):
    """A report revision: the bureau by code (null: national), who asked, its progress, and where to
    download it (once done)."""

    bureau: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True, default=None)
    downloads = serializers.SerializerMethodField()

    class Meta:
        model = HalfYearReport
        fields = [
            "id",
            "period",
            "bureau",
            "revision",
            "status",
            "progress",
            "error",
            "attempts",
            "requested_by",
            "requested_at",
            "started_at",
            "finished_at",
            "computed_at",
            "params",
            "downloads",
        ]
        read_only_fields = fields

    def get_downloads(self, obj: HalfYearReport) -> dict[str, str]:
        if obj.status != "done":
            return {}
        path = reverse("api:report-download", args=[obj.pk])
        request = self.context.get("request")
        links = {fmt: f"{path}?format={fmt}" for fmt in ReportFormat.values}
        return {k: request.build_absolute_uri(v) for k, v in links.items()} if request else links


class ReportRequestSerializer(serializers.Serializer):
    """Request a report: ``period`` (``2026H1``) and the bureau's code (omitted or null: national)."""

    period = serializers.CharField(max_length=20)
    bureau = serializers.CharField(max_length=16, required=False, allow_null=True, allow_blank=True)


class ReportQueuedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
