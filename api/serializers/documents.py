"""Stock documents in the API: what a list and a document show, and what creating or
changing one takes (turned into the services' `Header` and `LineInput`)."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from accounts.catalogue import document_right
from accounts.permissions import warehouses_for
from api.serializers.fields import Money, Quantity, choice_of, no_such_product, text
from crm.models import Company
from inventory.access import UNPRICED_TYPES, shows_document_prices
from inventory.forms.documents import MAX_LINES, WAREHOUSE_GONE, default_price
from inventory.models import DeliveryStatus, DocumentStatus, DocumentType, Product, StockDocument, Warehouse
from inventory.models.documents import BACK_TYPES
from inventory.services.delivery import NOTE_LENGTH, DeliveryUpdate
from inventory.services.documents import Header, LineInput


class LineSerializer(serializers.Serializer):
    product = serializers.IntegerField(source="product_id")
    sku = serializers.CharField(source="product.sku")
    name = serializers.CharField(source="product.name")
    quantity = Quantity()
    price = Money(required=False)


class DocumentSerializer(serializers.Serializer):
    """A document as a list shows it; its total only to those who see the type's prices on
    the pages (`inventory.access.shows_document_prices`)."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    type = serializers.ChoiceField(source="doc_type", choices=DocumentType.choices)
    status = serializers.ChoiceField(choices=DocumentStatus.choices)
    date = serializers.DateField()
    warehouse = serializers.IntegerField(source="warehouse_id")
    destination = serializers.IntegerField(source="destination_id", allow_null=True)
    supplier = serializers.IntegerField(source="supplier_id", allow_null=True)
    client = serializers.IntegerField(source="client_id", allow_null=True)
    deal = serializers.IntegerField(source="deal_id", allow_null=True)
    returned_from = serializers.IntegerField(
        source="returned_from_id",
        allow_null=True,
        help_text=gettext_lazy("A return: the sales order it brings back; a transfer: the transfer it sends back."),
    )
    delivery_status = serializers.ChoiceField(
        choices=[("", "—"), *DeliveryStatus.choices],
        help_text=gettext_lazy("A processed sales order or transfer: where its goods are; otherwise empty."),
    )
    carrier = serializers.CharField(allow_blank=True)
    tracking_number = serializers.CharField(allow_blank=True)
    shipped_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    received_by = serializers.CharField(allow_blank=True)
    currency = serializers.CharField()
    comment = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)
    responsible = serializers.IntegerField(source="responsible_id")
    custom = serializers.DictField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    processed_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    line_count = serializers.IntegerField()
    total = Money(required=False, max_digits=None)

    def to_representation(self, document):
        data = super().to_representation(document)
        if not shows_document_prices(self.context["request"].user, document.doc_type):
            data.pop("total", None)
        return data


class DocumentDetailSerializer(DocumentSerializer):
    """One document, with its lines (`api_lines`, set by the view); prices as in the list."""

    lines = LineSerializer(many=True, source="api_lines")

    def to_representation(self, document):
        document.line_count = len(document.api_lines)
        document.total = sum((line.quantity * line.price for line in document.api_lines), Decimal(0))
        data = super().to_representation(document)
        if "total" not in data:
            for line in data["lines"]:
                line.pop("price", None)
        return data


class LineInputSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity = Quantity()
    price = Money(required=False, min_value=Decimal(0))


class DocumentInputSerializer(serializers.Serializer):
    """What creating a document takes (changing one: any of it; what is left out stays).
    The header's choices are those of the pages' forms: the warehouses the user may put
    documents of the type in (active ones), suppliers for a receipt, clients for an order,
    for a return its sales order (the return's warehouse, client and currency are the order's)."""

    warehouse = choice_of(Warehouse.objects.none(), WAREHOUSE_GONE)
    destination = choice_of(Warehouse.objects.none(), WAREHOUSE_GONE, required=False, allow_null=True)
    supplier = choice_of(Company.objects.filter(is_supplier=True), required=False, allow_null=True)
    client = choice_of(Company.objects.filter(is_client=True), required=False, allow_null=True)
    returned_from = choice_of(StockDocument.objects.none(), required=False, allow_null=True)
    date = serializers.DateField(required=False, allow_null=True)
    currency = text(max_length=3)
    comment = text(max_length=10000)
    reason = text(max_length=255)
    responsible = choice_of(get_user_model().objects.filter(is_active=True), required=False, allow_null=True)
    custom = serializers.DictField(required=False, allow_null=True)
    lines = LineInputSerializer(
        many=True,
        max_length=MAX_LINES,
        allow_empty=False,
        error_messages={"empty": gettext_lazy("Add at least one line.")},
    )

    def __init__(self, *args, doc_type: str = "", document: StockDocument | None = None, **kwargs):
        """`doc_type`: the documents' type (empty only for the schema); `document`: the one
        being changed (None: a new one). The request is in the context."""
        super().__init__(*args, **kwargs)
        self.doc_type, self.document = doc_type, document
        if doc_type:
            user = self.context["request"].user
            allowed = Warehouse.objects.filter(is_active=True) & warehouses_for(user, document_right("edit", doc_type))
            self.fields["warehouse"].queryset = allowed
            self.fields["destination"].queryset = allowed
            # A return names its sales order (in a warehouse where the user may make returns);
            # its warehouse is the order's. A transfer sending goods back names the transfer it
            # sends back (into a warehouse of the user's); its warehouses are that one's, the
            # other way.
            if doc_type == DocumentType.TRANSFER:
                sent = Q(doc_type=DocumentType.TRANSFER, destination__in=allowed)
            else:
                sent = Q(doc_type=DocumentType.SALES_ORDER, warehouse__in=allowed)
            self.fields["returned_from"].queryset = StockDocument.objects.filter(sent, deleted_at__isnull=True)
            self.fields["warehouse"].required = doc_type not in BACK_TYPES
        if document is not None:
            for field in self.fields.values():
                field.required = False

    def validate_lines(self, lines):
        ids = {line["product"] for line in lines}
        products = Product.objects.in_bulk(ids)
        errors = [
            {"product": [no_such_product(line["product"])]} if line["product"] not in products else {} for line in lines
        ]
        if any(errors):
            raise serializers.ValidationError(errors)
        return [{**line, "product": products[line["product"]]} for line in lines]

    def to_input(self) -> tuple[Header, list[LineInput] | None]:
        """The service's `Header` and lines: a changed document keeps what is left out (its
        lines too, when `lines` is). A line's price: the one given, with the right to see the
        type's prices (else a 403); otherwise the line's current price or the product's."""
        data, document = self.validated_data, self.document

        def given(name, current=None):
            return data[name] if name in data else current

        order = given("returned_from", document and document.returned_from)
        back_to = order and (order.destination if order.doc_type == DocumentType.TRANSFER else order.warehouse)
        header = Header(
            warehouse=given("warehouse", document and document.warehouse) or back_to,
            returned_from=order,
            destination=given("destination", document and document.destination),
            supplier=given("supplier", document and document.supplier),
            client=given("client", document and document.client),
            date=given("date", document and document.date),
            currency=given("currency", document.currency if document else "") or "",
            comment=given("comment", document.comment if document else "") or "",
            reason=given("reason", document.reason if document else "") or "",
            responsible=given("responsible", document and document.responsible),
            custom=given("custom"),
        )
        return header, self._lines(data.get("lines"))

    def _lines(self, lines) -> list[LineInput] | None:
        if lines is None:
            return None
        may_price = shows_document_prices(self.context["request"].user, self.doc_type)
        if any("price" in line for line in lines) and self.doc_type not in UNPRICED_TYPES and not may_price:
            raise PermissionDenied(_("You do not have the right to see or set the prices of these documents."))
        kept = {}
        if self.document is not None:
            kept = dict(self.document.lines.values_list("product_id", "price"))
        result = []
        for line in lines:
            product = line["product"]
            if self.doc_type in UNPRICED_TYPES:
                price = Decimal(0)
            elif "price" in line:
                price = line["price"]
            else:
                price = kept.get(product.pk, default_price(self.doc_type, product))
            result.append(LineInput(product=product, quantity=line["quantity"], price=price))
        return result


class DeliverySerializer(serializers.Serializer):
    """A new delivery status of a processed sales order or transfer, with its details
    (`inventory.services.delivery`: which step is allowed from where)."""

    status = serializers.ChoiceField(
        choices=[(s, label) for s, label in DeliveryStatus.choices if s != DeliveryStatus.RETURNED],
        help_text=gettext_lazy("Returned is set by processing a return."),
    )
    carrier = text(max_length=100, help_text=gettext_lazy("Required when shipping."))
    tracking_number = text(max_length=100)
    received_by = text(max_length=150)
    note = text(max_length=NOTE_LENGTH)

    def to_input(self) -> DeliveryUpdate:
        return DeliveryUpdate(**self.validated_data)


class ProcessSerializer(serializers.Serializer):
    confirm_zero_prices = serializers.BooleanField(
        required=False,
        default=False,
        help_text=gettext_lazy(
            "A receipt with lines at zero price is processed only with this set (as the pages ask)."
        ),
    )
