from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models.quantities import money_field, quantity_field


class DocumentType(models.TextChoices):
    RECEIPT = "receipt", _("Stock receipt")
    ADJUSTMENT = "adjustment", _("Stock adjustment")
    TRANSFER = "transfer", _("Transfer")
    WRITE_OFF = "write_off", _("Write-off")
    SALES_ORDER = "sales_order", _("Sales order")
    STOCK_COUNT = "stock_count", _("Stock count")
    RETURN = "return", _("Return")


NUMBER_PREFIX: dict[str, str] = {
    DocumentType.RECEIPT: "RC",
    DocumentType.ADJUSTMENT: "AJ",
    DocumentType.TRANSFER: "TR",
    DocumentType.WRITE_OFF: "WO",
    DocumentType.SALES_ORDER: "SO",
    DocumentType.STOCK_COUNT: "SC",
    DocumentType.RETURN: "RT",
}


def layout_key(doc_type: str) -> str:
    """The key of a document type's form layout (`inventory.form_layouts`)."""
    return f"document_{doc_type}"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROCESSED = "processed", _("Processed")
    CANCELLED = "cancelled", _("Cancelled")


class DeliveryStatus(models.TextChoices):
    """Where the goods of a processed sales order or transfer are (`inventory.services.delivery`)."""

    TO_PICK = "to_pick", _("To pick")
    PICKED = "picked", _("Picked")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    RETURNED = "returned", _("Returned")


# The types whose processed documents carry a delivery status.
SHIPPING_TYPES = frozenset({DocumentType.SALES_ORDER, DocumentType.TRANSFER})
# The types whose processed documents count in the daily sales (`SalesDay`): what sales orders
# sell, less what returns bring back.
SOLD_TYPES = frozenset({DocumentType.SALES_ORDER, DocumentType.RETURN})
# The types whose documents may bring back the goods of another (`returned_from`): a return those
# of a sales order, a transfer those of a transfer the other way.
BACK_TYPES = frozenset({DocumentType.RETURN, DocumentType.TRANSFER})
# The statuses of goods that have left the warehouse: such a document is not cancelled (a sales
# order's goods come back with a return).
LEFT_STATUSES = frozenset({DeliveryStatus.SHIPPED, DeliveryStatus.DELIVERED, DeliveryStatus.RETURNED})


class DocumentSequence(models.Model):
    """The last number issued per document type; bumped atomically by `create_document`."""

    doc_type = models.CharField(max_length=20, choices=DocumentType.choices, primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("document number sequence")
        verbose_name_plural = _("document number sequences")

    def __str__(self) -> str:
        return f"{self.doc_type}: {self.last_number}"


class StockDocument(models.Model):
    """A stock document. `warehouse` is the one stock enters or leaves (a transfer's source);
    `destination` is a transfer's target warehouse."""

    doc_type = models.CharField(_("type"), max_length=20, choices=DocumentType.choices)
    number = models.CharField(_("number"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    date = models.DateField(_("date"), default=timezone.localdate)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible employee"),
        on_delete=models.PROTECT,
        related_name="responsible_documents",
    )
    currency = models.CharField(_("currency"), max_length=3, default="IDR")
    comment = models.TextField(_("comment"), blank=True)
    warehouse = models.ForeignKey(
        "inventory.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="documents"
    )
    destination = models.ForeignKey(
        "inventory.Warehouse",
        verbose_name=_("destination warehouse"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_transfers",
    )
    supplier = models.ForeignKey(
        "crm.Company",
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipts",
    )
    client = models.ForeignKey(
        "crm.Company",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales_orders",
    )
    deal = models.ForeignKey(
        "crm.Deal",
        verbose_name=_("deal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales_orders",
        help_text=_("The deal this sales order ships; processing it consumes the deal's reservations."),
    )
    returned_from = models.ForeignKey(
        "self",
        verbose_name=_("sales order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="returns",
        help_text=_(
            "The sales order whose goods a return brings back, or the transfer whose goods a transfer sends back."
        ),
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    # Shipping (a processed sales order or transfer; `inventory.services.delivery`).
    delivery_status = models.CharField(
        _("delivery status"), max_length=20, choices=DeliveryStatus.choices, blank=True, default=""
    )
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    received_by = models.CharField(_("received by"), max_length=150, blank=True)
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Documents are never removed from the database once numbered: their movements point at them.
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("stock document")
        verbose_name_plural = _("stock documents")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["doc_type", "status", "-date", "-id"], name="document_list"),
            GinIndex(fields=["custom"], opclasses=["jsonb_path_ops"], name="document_custom"),
            # A warehouse's last document change, for the pages that update themselves
            # (`inventory.selectors.live`): one index probe per warehouse.
            models.Index(fields=["warehouse", "-updated_at"], name="document_changes"),
            models.Index(
                fields=["destination", "-updated_at"], condition=Q(destination__isnull=False), name="transfer_changes"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(doc_type=DocumentType.TRANSFER, destination__isnull=False)
                | (~Q(doc_type=DocumentType.TRANSFER) & Q(destination__isnull=True)),
                name="document_destination_only_on_transfer",
            ),
            models.CheckConstraint(
                condition=~Q(destination=models.F("warehouse")), name="document_transfer_between_two_warehouses"
            ),
            models.CheckConstraint(
                condition=~Q(doc_type=DocumentType.RECEIPT) | Q(supplier__isnull=False),
                name="document_receipt_has_supplier",
            ),
            models.CheckConstraint(
                condition=~Q(doc_type=DocumentType.SALES_ORDER) | Q(client__isnull=False),
                name="document_sales_order_has_client",
            ),
            models.CheckConstraint(condition=Q(status__in=DocumentStatus.values), name="document_status_known"),
            models.CheckConstraint(
                condition=Q(doc_type=DocumentType.RETURN, returned_from__isnull=False, client__isnull=False)
                | Q(doc_type=DocumentType.TRANSFER)
                | (~Q(doc_type__in=[DocumentType.RETURN, DocumentType.TRANSFER]) & Q(returned_from__isnull=True)),
                name="document_return_has_order",
            ),
            models.CheckConstraint(
                condition=Q(delivery_status="") | Q(doc_type__in=sorted(SHIPPING_TYPES)),
                name="document_delivery_only_when_shipping",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_editable(self) -> bool:
        return self.status != DocumentStatus.PROCESSED and self.deleted_at is None

    @property
    def can_be_processed(self) -> bool:
        return self.is_editable

    @property
    def can_be_cancelled(self) -> bool:
        """Processed, and its goods have not left (a shipped order comes back with a return)."""
        return (
            self.status == DocumentStatus.PROCESSED
            and self.deleted_at is None
            and self.delivery_status not in LEFT_STATUSES
        )

    @property
    def has_delivery(self) -> bool:
        """Whether the document shows a delivery status: a processed sales order or transfer."""
        return self.status == DocumentStatus.PROCESSED and self.doc_type in SHIPPING_TYPES

    @property
    def can_be_returned(self) -> bool:
        """A processed sales order (transfer) whose goods have left: a return (a transfer the
        other way) may bring them back."""
        return (
            self.doc_type in SHIPPING_TYPES
            and self.status == DocumentStatus.PROCESSED
            and self.deleted_at is None
            and self.delivery_status in LEFT_STATUSES
        )


class DeliveryEvent(models.Model):
    """One change of a document's delivery status: who, when, from → to, and its details (the
    carrier and tracking number, who received it, the return that brought goods back)."""

    document = models.ForeignKey(StockDocument, on_delete=models.PROTECT, related_name="delivery_events")
    from_status = models.CharField(_("from"), max_length=20, choices=DeliveryStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=DeliveryStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    details = models.CharField(_("details"), max_length=500, blank=True)
    return_document = models.ForeignKey(
        StockDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("return")
    )

    class Meta:
        verbose_name = _("delivery status change")
        verbose_name_plural = _("delivery status changes")
        ordering = ["document", "id"]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.from_status} → {self.to_status}"


class DocumentLine(models.Model):
    """One product on a document. For a stock count, `quantity` is the counted quantity."""

    document = models.ForeignKey(StockDocument, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "inventory.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = quantity_field(_("quantity"))
    price = money_field(_("price"), default=0)

    class Meta:
        verbose_name = _("document line")
        verbose_name_plural = _("document lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "product"], name="one_line_per_product"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="line_quantity_not_negative"),
            models.CheckConstraint(condition=Q(price__gte=0), name="line_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"

    @property
    def amount(self):
        return self.quantity * self.price
