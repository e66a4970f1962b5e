"""Django admin for the inventory. The admin never writes stock: balances and movements are
read-only, documents cannot be added or deleted here (only through the services), and a
processed or deleted document cannot be changed."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.permissions import warehouse_scope
from inventory.access import VIEW_WAREHOUSE, document_right, shows_document_prices, shows_purchase_price
from inventory.models import (
    Barcode,
    Category,
    DocumentLine,
    DocumentSequence,
    DocumentStatus,
    DocumentType,
    InventorySettings,
    MinimumStock,
    Product,
    Reservation,
    StockBalance,
    StockDocument,
    StockMove,
    Warehouse,
)
from inventory.selectors.stock import with_reserved


class WarehouseScopedMixin:
    """Rows of the warehouses the user may see only (`warehouse_field` names the warehouse)."""

    warehouse_field = "warehouse_id"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = warehouse_scope(request.user, VIEW_WAREHOUSE)
        return queryset if scope is None else queryset.filter(**{f"{self.warehouse_field}__in": scope})


class ReadOnlyAdminMixin:
    """View only: no add, change or delete, for anyone."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Warehouse)
class WarehouseAdmin(WarehouseScopedMixin, admin.ModelAdmin):
    warehouse_field = "pk"
    list_display = ["name", "code", "responsible", "is_active", "is_default"]
    list_filter = ["is_active", "is_default"]
    search_fields = ["name", "code", "address"]
    list_select_related = ["responsible"]
    autocomplete_fields = ["responsible"]

    def get_readonly_fields(self, request, obj=None):
        # The default moves only through the app's warehouse form (one default, in one transaction).
        # Custom field values are typed in the app's forms, which check them against the layout.
        readonly = ["is_default", "custom"]
        if obj is not None and obj.is_default:
            readonly.append("is_active")
        return readonly

    def has_delete_permission(self, request, obj=None):
        # Deleting checks movements and documents: the app's warehouse list does it.
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


class BarcodeInline(admin.TabularInline):
    model = Barcode
    extra = 1


class MinimumStockInline(admin.TabularInline):
    model = MinimumStock
    extra = 0
    autocomplete_fields = ["warehouse"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "category", "unit", "selling_price", "is_active"]
    list_filter = ["is_active", "unit", "category"]
    search_fields = ["sku", "name", "barcodes__code"]
    list_select_related = ["category"]
    inlines = [BarcodeInline, MinimumStockInline]
    show_full_result_count = False
    readonly_fields = ["custom"]  # typed in the app's product form, checked against its layout

    def get_exclude(self, request, obj=None):
        return [] if shows_purchase_price(request.user) else ["purchase_price"]


class DocumentLineInline(admin.TabularInline):
    model = DocumentLine
    extra = 0
    autocomplete_fields = ["product"]

    def get_exclude(self, request, obj=None):
        # A document's prices are purchase prices except in sales orders (see inventory.access).
        doc_type = obj.doc_type if obj is not None else DocumentType.RECEIPT
        return [] if shows_document_prices(request.user, doc_type) else ["price"]

    def has_add_permission(self, request, obj=None):
        return obj is not None and obj.is_editable and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.is_editable) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.is_editable) and super().has_delete_permission(request, obj)


@admin.register(StockDocument)
class StockDocumentAdmin(admin.ModelAdmin):
    list_display = ["number", "doc_type", "status", "date", "warehouse", "destination", "responsible", "deleted_at"]
    list_filter = ["doc_type", "status", "warehouse", ("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["number", "comment", "supplier__name", "client__name"]
    list_select_related = ["warehouse", "destination", "responsible"]
    date_hierarchy = "date"
    inlines = [DocumentLineInline]
    show_full_result_count = False
    autocomplete_fields = ["warehouse", "destination", "supplier", "client", "responsible"]
    readonly_fields = [
        "doc_type",
        "number",
        "status",
        "created_by",
        "created_at",
        "updated_at",
        "processed_at",
        "processed_by",
        "cancelled_at",
        "cancelled_by",
        "deleted_at",
        "deleted_by",
        "custom",
    ]

    def get_queryset(self, request):
        """Only documents the user may view: per type, in warehouses they hold that right on."""
        queryset = super().get_queryset(request)
        visible = Q(pk__in=[])
        for doc_type in DocumentType:
            scope = warehouse_scope(request.user, document_right("view", doc_type))
            if scope is None:
                visible |= Q(doc_type=doc_type)
            elif scope:
                visible |= Q(doc_type=doc_type, warehouse_id__in=scope) & (
                    Q(destination__isnull=True) | Q(destination_id__in=scope)
                )
        return queryset.filter(visible)

    def has_add_permission(self, request):
        # A document gets its number from the service; create documents in the app.
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and (obj.status == DocumentStatus.PROCESSED or obj.deleted_at is not None):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Documents are deleted only by the service, which keeps them for the ledger.
        return False


@admin.register(StockBalance)
class StockBalanceAdmin(WarehouseScopedMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["product", "warehouse", "on_hand", "reserved", "available"]
    list_filter = ["warehouse"]
    search_fields = ["product__sku", "product__name", "warehouse__name", "warehouse__code"]
    list_select_related = ["product", "warehouse"]
    show_full_result_count = False

    def get_queryset(self, request):
        return with_reserved(super().get_queryset(request))

    @admin.display(description=_("reserved"))
    def reserved(self, obj):
        return obj.reserved

    @admin.display(description=_("available"))
    def available(self, obj):
        return obj.available_qty


@admin.register(Reservation)
class ReservationAdmin(WarehouseScopedMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "product", "warehouse", "quantity", "reserved_until", "status", "deal"]
    list_filter = ["status", "warehouse"]
    search_fields = ["product__sku", "product__name", "deal__title"]
    list_select_related = ["product", "warehouse", "deal"]
    show_full_result_count = False


@admin.register(StockMove)
class StockMoveAdmin(WarehouseScopedMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "document", "product", "warehouse", "quantity", "balance_after", "is_reversal"]
    list_filter = ["warehouse", "is_reversal", "document__doc_type"]
    search_fields = ["document__number", "product__sku", "product__name"]
    list_select_related = ["document", "product", "warehouse"]
    show_full_result_count = False


@admin.register(InventorySettings)
class InventorySettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "allow_negative_write_off", "allow_negative_transfer", "allow_negative_sales_order"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentSequence)
class DocumentSequenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Shown for reference; numbers are issued by the document service only."""

    list_display = ["doc_type", "last_number"]
    list_filter = ["doc_type"]
    search_fields = ["doc_type"]
