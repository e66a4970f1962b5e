"""Filters of the API's lists that the pages have no filter set for."""

import django_filters
from django import forms

from inventory.models import StockMove


class IdFilter(django_filters.NumberFilter):
    """An object id: a whole number that fits a bigint."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class MovementFilter(django_filters.FilterSet):
    """Movements by warehouse, product and document (ids)."""

    warehouse = IdFilter(field_name="warehouse_id")
    product = IdFilter(field_name="product_id")
    document = IdFilter(field_name="document_id")

    class Meta:
        model = StockMove
        fields: list[str] = []
