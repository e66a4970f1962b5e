"""Imports in the API: the upload, the matching, and an import's preview, progress and result."""

from rest_framework import serializers

from imports.models import ImportKind, ImportMode, MatchBy


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A CSV (UTF-8, comma, semicolon or tab) or XLSX file with a heading row.")
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    mode = serializers.ChoiceField(choices=ImportMode.choices, default=ImportMode.UPSERT)
    match_by = serializers.ChoiceField(
        choices=MatchBy.choices, required=False, help_text="Default: the first the kind offers (SKU, tax ID, e-mail)."
    )
    mapping = serializers.JSONField(
        required=False,
        help_text='The field each column fills, in the file\'s order ("" leaves a column out); default: matched '
        "by the headings. As JSON: a list of field keys.",
    )


class ImportMatchingSerializer(serializers.Serializer):
    mapping = serializers.ListField(child=serializers.CharField(allow_blank=True, max_length=60), required=False)
    mode = serializers.ChoiceField(choices=ImportMode.choices, required=False)
    match_by = serializers.ChoiceField(choices=MatchBy.choices, required=False)


class ImportColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    required = serializers.BooleanField()


class ImportRowSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="The row's number in the file (the heading row is 1).")
    outcome = serializers.CharField(help_text="new, updated, unchanged or failed.")
    cells = serializers.ListField(child=serializers.CharField(allow_blank=True))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Messages by field key ("" for the row as a whole).',
    )


class ImportCountsSerializer(serializers.Serializer):
    new = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    failed = serializers.IntegerField()
    total = serializers.IntegerField()


class ImportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    mode = serializers.CharField()
    match_by = serializers.CharField()
    status = serializers.CharField(help_text="uploaded, queued, running, done or failed.")
    filename = serializers.CharField()
    headers = serializers.ListField(child=serializers.CharField(allow_blank=True))
    mapping = serializers.ListField(child=serializers.CharField(allow_blank=True))
    columns = ImportColumnSerializer(many=True, help_text="The fields the columns can fill.")
    missing = serializers.ListField(child=serializers.CharField(), help_text="Required fields no column fills.")
    counts = ImportCountsSerializer(help_text="Of the preview until the import has run, then of the run.")
    rows = ImportRowSerializer(many=True, help_text="The first rows of the preview.")
    rows_done = serializers.IntegerField()
    percent = serializers.IntegerField()
    documents = serializers.ListField(child=serializers.IntegerField(), help_text="Stock adjustment drafts made.")
    error = serializers.CharField(allow_blank=True)
