"""Warehouses, categories and products in the API."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from accounts.catalogue import VIEW_PURCHASE_PRICE
from accounts.permissions import can
from api.serializers.fields import Money, Quantity, choice_of, text
from inventory.forms.documents import WAREHOUSE_GONE
from inventory.models import Category, Warehouse
from inventory.models.catalog import Unit
from inventory.services.catalog import ProductInput
from inventory.services.warehouses import WarehouseInput


class WarehouseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField()
    address = serializers.CharField(allow_blank=True)
    responsible = serializers.IntegerField(source="responsible_id", allow_null=True)
    is_active = serializers.BooleanField()
    is_default = serializers.BooleanField()
    custom = serializers.DictField()


class WarehouseInputSerializer(serializers.Serializer):
    """Creating a warehouse takes `name` and `code`; changing one, any field (the rest stays)."""

    name = serializers.CharField(max_length=200)
    code = serializers.CharField(max_length=20)
    address = text(max_length=10000)
    responsible = choice_of(get_user_model().objects.filter(is_active=True), required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)
    is_default = serializers.BooleanField(required=False)
    custom = serializers.DictField(required=False, allow_null=True)

    def to_input(self, current: Warehouse | None = None) -> WarehouseInput:
        data = self.validated_data

        def given(name, default):
            return data[name] if name in data else (getattr(current, name) if current is not None else default)

        return WarehouseInput(
            name=given("name", ""),
            code=given("code", ""),
            address=given("address", ""),
            responsible=given("responsible", None),
            is_active=given("is_active", True),
            is_default=given("is_default", False),
            custom=data.get("custom"),
        )


class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProductSerializer(serializers.Serializer):
    """A product; `purchase_price` only with "View purchase price"; `on_hand` summed over the
    warehouses the user may see."""

    id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.ChoiceField(choices=Unit.choices)
    category = serializers.IntegerField(source="category_id", allow_null=True)
    purchase_price = Money(required=False)
    selling_price = Money()
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    is_active = serializers.BooleanField()
    barcodes = serializers.ListField(child=serializers.CharField(), source="barcode_codes")
    on_hand = Quantity(max_digits=None)
    custom = serializers.DictField()
    created_at = serializers.DateTimeField()

    def to_representation(self, product):
        product.barcode_codes = [barcode.code for barcode in product.barcodes.all()]  # prefetched
        data = super().to_representation(product)
        if not can(self.context["request"].user, VIEW_PURCHASE_PRICE):
            del data["purchase_price"]
        return data


class MinimumSerializer(serializers.Serializer):
    warehouse = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity = Quantity(min_value=0, allow_null=True)


class ProductInputSerializer(serializers.Serializer):
    """Creating a product takes `sku` and `name`; changing one, any field (the rest stays).
    `barcodes` replaces all of the product's codes; `minimums` sets the level of the warehouses
    it names (0 or null removes it). A purchase price needs "View purchase price", a selling
    price "Change selling price" (else 403)."""

    sku = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=255)
    unit = serializers.ChoiceField(choices=Unit.choices, required=False)
    category = choice_of(Category.objects.all(), required=False, allow_null=True)
    purchase_price = Money(required=False, min_value=0)
    selling_price = Money(required=False, min_value=0)
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, min_value=0, max_value=100)
    is_active = serializers.BooleanField(required=False)
    barcodes = serializers.ListField(child=serializers.CharField(max_length=64), required=False, max_length=100)
    minimums = MinimumSerializer(many=True, required=False, max_length=1000)
    custom = serializers.DictField(required=False, allow_null=True)

    def __init__(self, *args, visible_warehouses=None, partial_update: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.visible_warehouses = visible_warehouses
        if partial_update:
            for field in self.fields.values():
                field.required = False

    def validate_minimums(self, minimums):
        ids = {entry["warehouse"] for entry in minimums}
        found = self.visible_warehouses.in_bulk(ids)
        errors = [{} if entry["warehouse"] in found else {"warehouse": [str(WAREHOUSE_GONE)]} for entry in minimums]
        if any(errors):
            raise serializers.ValidationError(errors)
        return {found[entry["warehouse"]]: entry["quantity"] for entry in minimums}

    def to_input(self, current=None) -> ProductInput:
        data = self.validated_data

        def given(name, default):
            return data[name] if name in data else (getattr(current, name) if current is not None else default)

        codes = list(current.barcodes.values_list("code", flat=True)) if current is not None else []
        return ProductInput(
            sku=given("sku", ""),
            name=given("name", ""),
            unit=given("unit", Unit.PIECE),
            category=given("category", None),
            purchase_price=data.get("purchase_price"),
            selling_price=data.get("selling_price"),
            vat_rate=given("vat_rate", 0),
            is_active=given("is_active", True),
            barcodes=data.get("barcodes", codes),
            minimums=data.get("minimums", {}),
            custom=data.get("custom"),
        )
