"""Balances and movements in the API."""

from rest_framework import serializers

from api.serializers.fields import Quantity


class BalanceSerializer(serializers.Serializer):
    """A balance: on hand, reserved, available (on hand − reserved), the minimum level (or
    null) and whether what is available is below it; its value only with "View purchase price"."""

    warehouse = serializers.IntegerField(source="warehouse_id")
    product = serializers.IntegerField(source="product_id")
    sku = serializers.CharField(source="product.sku")
    name = serializers.CharField(source="product.name")
    on_hand = Quantity()
    reserved = Quantity(max_digits=None)
    available = Quantity(max_digits=None)
    minimum = Quantity(allow_null=True)
    is_below_minimum = serializers.BooleanField()
    value = serializers.DecimalField(max_digits=None, decimal_places=2, required=False)

    def __init__(self, *args, show_value: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_value:
            del self.fields["value"]


class MovementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    document = serializers.IntegerField(source="document_id")
    document_number = serializers.CharField(source="document.number")
    document_type = serializers.CharField(source="document.doc_type")
    warehouse = serializers.IntegerField(source="warehouse_id")
    product = serializers.IntegerField(source="product_id")
    quantity = Quantity()
    balance_after = Quantity()
    is_reversal = serializers.BooleanField()
    created_at = serializers.DateTimeField()
