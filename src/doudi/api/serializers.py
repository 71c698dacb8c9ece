"""The JSON shapes of the API. Serializers validate shape only; services decide the rest."""

from __future__ import annotations

from rest_framework import serializers

from doudi.accounts.models import User
from doudi.audit.models import AuditEvent
from doudi.regions.models import Region


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField()


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_id", allow_null=True, read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "classification"]


class RegionUpdateSerializer(serializers.Serializer):
    name = serializers.CharField()
    classification = serializers.CharField(allow_blank=True, default="")
    reason = serializers.CharField()


class UserSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)
    id_number = serializers.CharField(source="id_number_masked", read_only=True)

    class Meta:
        model = User
        fields = ["username", "full_name", "role", "region", "phone", "id_number", "is_active"]


class UserCreateSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(write_only=True)
    role = serializers.CharField()
    region = serializers.CharField()
    full_name = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    id_number = serializers.CharField(required=False, allow_blank=True, default="", write_only=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AuditEventSerializer(serializers.ModelSerializer):
    """``action`` is the code of the vocabulary (doudi.audit.actions), ``action_label`` its name
    in the caller's language; ``channel`` is web, api, cli or system (empty for events written
    before channels were recorded); ``places`` every place the event is filed under (its
    objects' and its actor's)."""

    action_label = serializers.CharField(read_only=True)
    places = serializers.ListField(
        child=serializers.CharField(), source="place_codes", read_only=True
    )
    channel_label = serializers.CharField(read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "occurred_at",
            "actor_username",
            "actor_role",
            "actor_region_code",
            "region_code",
            "places",
            "object_type",
            "object_id",
            "action",
            "action_label",
            "channel",
            "channel_label",
            "before",
            "after",
            "reason",
            "prev_hash",
            "hash",
        ]
