"""Companies, contacts and deals (with their product rows and reservations) in the API."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from accounts.catalogue import VIEW_WAREHOUSE
from accounts.permissions import warehouses_for
from api.serializers.fields import Money, Quantity, choice_of, no_such_product, text
from crm.models import Company, Contact, StageKind
from crm.services.companies import CompanyInput
from crm.services.contacts import ContactInput
from crm.services.deals import DealInput, RowInput
from inventory.forms.documents import WAREHOUSE_GONE
from inventory.models import Product, Warehouse


def _given(data, current, name, default):
    """A field as given, else the current object's (changing it), else `default` (creating)."""
    if name in data:
        return data[name]
    return getattr(current, name) if current is not None else default


class CompanySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    tax_id = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    is_supplier = serializers.BooleanField()
    is_client = serializers.BooleanField()
    custom = serializers.DictField()
    created_at = serializers.DateTimeField()


class CompanyInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    tax_id = text(max_length=50)
    address = text(max_length=10000)
    phone = text(max_length=50)
    email = text(max_length=254)
    is_supplier = serializers.BooleanField(required=False)
    is_client = serializers.BooleanField(required=False)
    custom = serializers.DictField(required=False, allow_null=True)

    def to_input(self, current: Company | None = None) -> CompanyInput:
        data = self.validated_data
        return CompanyInput(
            name=_given(data, current, "name", ""),
            tax_id=_given(data, current, "tax_id", ""),
            address=_given(data, current, "address", ""),
            phone=_given(data, current, "phone", ""),
            email=_given(data, current, "email", ""),
            is_supplier=_given(data, current, "is_supplier", False),
            is_client=_given(data, current, "is_client", True),
            custom=data.get("custom"),
        )


class ContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField(allow_blank=True)
    company = serializers.IntegerField(source="company_id", allow_null=True)
    position = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    custom = serializers.DictField()
    created_at = serializers.DateTimeField()


class ContactInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100)
    last_name = text(max_length=100)
    company = choice_of(Company.objects.all(), required=False, allow_null=True)
    position = text(max_length=100)
    phone = text(max_length=50)
    email = text(max_length=254)
    custom = serializers.DictField(required=False, allow_null=True)

    def to_input(self, current: Contact | None = None) -> ContactInput:
        data = self.validated_data
        return ContactInput(
            first_name=_given(data, current, "first_name", ""),
            last_name=_given(data, current, "last_name", ""),
            company=_given(data, current, "company", None),
            position=_given(data, current, "position", ""),
            phone=_given(data, current, "phone", ""),
            email=_given(data, current, "email", ""),
            custom=data.get("custom"),
        )


class ReservationSerializer(serializers.Serializer):
    warehouse = serializers.IntegerField(source="warehouse_id")
    quantity = Quantity()
    reserved_until = serializers.DateTimeField()
    is_counting = serializers.BooleanField(help_text="False once it has expired.")


class DealRowSerializer(serializers.Serializer):
    """A product row: `warehouse` its own (null: the default warehouse), `ships_from` the one it
    ships from, `available` there, and its active reservation (or null)."""

    id = serializers.IntegerField()
    product = serializers.IntegerField(source="product_id")
    sku = serializers.CharField(source="product.sku")
    name = serializers.CharField(source="product.name")
    quantity = Quantity()
    price = Money()
    discount = serializers.DecimalField(max_digits=5, decimal_places=2)
    amount = serializers.DecimalField(max_digits=None, decimal_places=2)
    warehouse = serializers.IntegerField(source="warehouse_id", allow_null=True)
    ships_from = serializers.IntegerField(source="shown_warehouse.pk", allow_null=True, default=None)
    available = Quantity(max_digits=None, allow_null=True)
    reservation = ReservationSerializer(source="active_reservation", allow_null=True)


class DealSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    company = serializers.IntegerField(source="company_id", allow_null=True)
    contact = serializers.IntegerField(source="contact_id", allow_null=True)
    pipeline = serializers.IntegerField(source="pipeline_id")
    stage = serializers.IntegerField(source="stage_id")
    stage_name = serializers.CharField(source="stage")
    state = serializers.ChoiceField(source="stage.kind", choices=StageKind.choices)
    responsible = serializers.IntegerField(source="responsible_id")
    currency = serializers.CharField()
    comment = serializers.CharField(allow_blank=True)
    custom = serializers.DictField()
    amount = serializers.DecimalField(max_digits=None, decimal_places=2)
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)


class DealDetailSerializer(DealSerializer):
    """A deal with its rows (`api_rows`, from `crm.selectors.deals.deal_rows`) and the ids of
    its sales orders (`api_orders`)."""

    rows = DealRowSerializer(many=True, source="api_rows")
    sales_orders = serializers.ListField(child=serializers.IntegerField(), source="api_orders")


class DealInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    company = choice_of(Company.objects.filter(is_client=True), required=False, allow_null=True)
    contact = choice_of(Contact.objects.select_related("company"), required=False, allow_null=True)
    responsible = choice_of(get_user_model().objects.filter(is_active=True), required=False, allow_null=True)
    currency = text(max_length=3)
    comment = text(max_length=10000)
    custom = serializers.DictField(required=False, allow_null=True)

    def to_input(self, current=None) -> DealInput:
        data = self.validated_data
        return DealInput(
            title=_given(data, current, "title", ""),
            company=_given(data, current, "company", None),
            contact=_given(data, current, "contact", None),
            responsible=_given(data, current, "responsible", None),
            currency=_given(data, current, "currency", ""),
            comment=_given(data, current, "comment", ""),
            custom=data.get("custom"),
        )


class RowInputSerializer(serializers.Serializer):
    """A row: `price` and `discount` only count with "Change price and discount in a deal" (as
    on the pages: without it the price is the product's selling price)."""

    product = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity = Quantity()
    price = Money(required=False, allow_null=True, min_value=0)
    discount = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, min_value=0, max_value=100
    )
    warehouse = choice_of(Warehouse.objects.none(), WAREHOUSE_GONE, required=False, allow_null=True)

    def __init__(self, *args, user=None, row=None, **kwargs):
        """`user`: whose warehouses the row may ship from (None only for the schema)."""
        super().__init__(*args, **kwargs)
        self.row = row
        if user is not None:
            self.fields["warehouse"].queryset = warehouses_for(user, VIEW_WAREHOUSE).filter(is_active=True)
        if row is not None:
            for field in self.fields.values():
                field.required = False

    def validate_product(self, product_id):
        product = Product.objects.filter(pk=product_id).first()
        if product is None:
            raise serializers.ValidationError(no_such_product(product_id))
        return product

    def to_input(self) -> RowInput:
        data, current = self.validated_data, self.row
        return RowInput(
            product=_given(data, current, "product", None),
            quantity=_given(data, current, "quantity", None),
            price=data.get("price", current.price if current is not None else None),
            discount=data.get("discount", current.discount if current is not None else None),
            warehouse=_given(data, current, "warehouse", None),
        )


class ReserveSerializer(serializers.Serializer):
    quantity = Quantity(required=False, help_text="Default: the row's quantity.")
    reserved_until = serializers.DateTimeField(required=False, help_text="Default: now + the reservation period.")
