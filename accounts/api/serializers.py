from __future__ import annotations

from rest_framework import serializers

from accounts.models import Bureau


class BureauSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    regions = serializers.SlugRelatedField(slug_field="prefix", many=True, read_only=True)

    class Meta:
        model = Bureau
        fields = ["code", "name", "name_en", "short_name", "level", "parent", "regions"]
