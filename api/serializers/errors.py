"""The shape of every error answer (`api.errors`), for the schema."""

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
    shortages = serializers.ListField(child=serializers.DictField(), required=False)
    retry_after = serializers.IntegerField(required=False)


def error_responses(*codes: int) -> dict:
    """`responses=` entries of `extend_schema` for these error statuses (and 401, 429 always)."""
    return {code: ErrorSerializer for code in sorted({*codes, 401, 429})}
