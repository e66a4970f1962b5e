"""Django admin for the inventory. The admin writes nothing itself: products (with their
barcodes and minimum levels), warehouses and the settings are saved through the services, as
the signed-in user, with the services' rights and rules; documents, balances, movements and
reservations are read-only here (they change in the app, through the services)."""

from decimal import Decimal

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import SavedByService, input_from
from accounts.catalogue import (
    ADD_PRODUCT,
    CHANGE_PRODUCT,
    CHANGE_RESERVATION_SETTINGS,
    CHANGE_SELLING_PRICE,
    MANAGE_INVENTORY_SETTINGS,
    NEGATIVE_TYPES,
    VIEW_PRODUCT,
    VIEW_WAREHOUSE,
    document_right,
)
from accounts.permissions import can, warehouse_scope, warehouses_for
from history.admin import ChangeHistoryAdmin
from history.selectors import settings_sources, warehouse_sources
from history.views import product_history_sources
from inventory.access import shows_document_prices, shows_purchase_price
from inventory.models import (
    Barcode,
    Category,
    CostLayer,
    DeliveryEvent,
    DocumentLine,
    DocumentSequence,
    DocumentType,
    InventorySettings,
    LayerTake,
    MinimumStock,
    MoveCost,
    Product,
    Reservation,
    SalesDay,
    StockBalance,
    StockDay,
    StockDocument,
    StockMove,
    ValueAdjustment,
    Warehouse,
)
from inventory.models.costing import CostRecompute
from inventory.services.catalog import ProductInput, create_product, update_product
from inventory.services.settings import (
    update_negative_stock_settings,
    update_reservation_settings,
)
from inventory.services.warehouses import WarehouseInput, create_warehouse, update_warehouse

NEGATIVE_FIELDS = [f"allow_negative_{doc_type}" for doc_type in NEGATIVE_TYPES]
RESERVATION_FIELDS = ["reservation_mode", "reservation_days", "sell_unshipped_on_won"]


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
class WarehouseAdmin(ChangeHistoryAdmin, WarehouseScopedMixin, SavedByService, admin.ModelAdmin):
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

    def history_sources(self, request, obj):
        return warehouse_sources(obj.pk)

    def save_by_service(self, request, form, formsets, change):
        # The read-only fields keep the warehouse's values (a new one: the model's defaults).
        current = {"is_default": form.instance.is_default, "is_active": form.instance.is_active}
        data = input_from(WarehouseInput, {**current, **form.cleaned_data})
        if change:
            return update_warehouse(form.instance, by=request.user, data=data)
        return create_warehouse(by=request.user, data=data)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


class ProductPartInline(admin.TabularInline):
    """Barcodes or minimum levels: edited with their product, saved by its service, with the
    product's rights."""

    def has_view_permission(self, request, obj=None):
        return can(request.user, VIEW_PRODUCT)

    def has_add_permission(self, request, obj=None):
        return can(request.user, CHANGE_PRODUCT if obj is not None else ADD_PRODUCT)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


class BarcodeInline(ProductPartInline):
    model = Barcode
    extra = 1


class MinimumStockInline(WarehouseScopedMixin, ProductPartInline):
    """Only the levels of the warehouses the user sees, and only those to choose."""

    model = MinimumStock
    extra = 0
    autocomplete_fields = ["warehouse"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "warehouse":
            kwargs["queryset"] = warehouses_for(request.user, VIEW_WAREHOUSE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _barcodes(product: Product, formset) -> list[str]:
    """The codes the barcode inline leaves (its stored codes when the inline is not shown)."""
    if formset is None:
        return list(product.barcodes.values_list("code", flat=True)) if product.pk else []
    kept = [form for form in formset.forms if form not in formset.deleted_forms]
    return [form.cleaned_data["code"] for form in kept if form.cleaned_data.get("code")]


def _minimums(formset) -> dict[Warehouse, Decimal | None]:
    """The levels the minimum inline changes, warehouse → quantity (None: removed)."""
    if formset is None:
        return {}
    changed = [form for form in formset.forms if form.has_changed() or form in formset.deleted_forms]
    before = Warehouse.objects.in_bulk([form.initial["warehouse"] for form in changed if form.initial.get("warehouse")])
    minimums: dict[Warehouse, Decimal | None] = {}
    for form in changed:
        old = before.get(form.initial.get("warehouse"))
        if old is not None:
            minimums[old] = None
        if form not in formset.deleted_forms:
            minimums[form.cleaned_data["warehouse"]] = form.cleaned_data["quantity"]
    return minimums


@admin.register(Product)
class ProductAdmin(ChangeHistoryAdmin, SavedByService, admin.ModelAdmin):
    list_display = ["sku", "name", "category", "unit", "selling_price", "is_active"]
    list_filter = ["is_active", "unit", "category"]
    search_fields = ["sku", "name", "barcodes__code"]
    list_select_related = ["category"]
    inlines = [BarcodeInline, MinimumStockInline]
    show_full_result_count = False

    def get_exclude(self, request, obj=None):
        return [] if shows_purchase_price(request.user) else ["purchase_price"]

    def history_sources(self, request, obj):
        return product_history_sources(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        # Custom values are typed in the app's product form, checked against its layout.
        return ["custom"] if can(request.user, CHANGE_SELLING_PRICE) else ["custom", "selling_price"]

    def save_by_service(self, request, form, formsets, change):
        inlines = {formset.model: formset for formset in formsets}
        data = input_from(
            ProductInput,
            form.cleaned_data,
            barcodes=_barcodes(form.instance, inlines.get(Barcode)),
            minimums=_minimums(inlines.get(MinimumStock)),
        )
        if change:
            return update_product(form.instance, by=request.user, data=data)
        return create_product(by=request.user, data=data)


class DocumentLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DocumentLine
    extra = 0
    autocomplete_fields = ["product"]

    def get_exclude(self, request, obj=None):
        # A document's prices are purchase prices except in sales orders (see inventory.access).
        doc_type = obj.doc_type if obj is not None else DocumentType.RECEIPT
        return [] if shows_document_prices(request.user, doc_type) else ["price"]


@admin.register(StockDocument)
class StockDocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """To look at: documents are created, changed, processed and deleted in the app, whose
    services number them, check them and keep the ledger."""

    list_display = ["number", "doc_type", "status", "date", "warehouse", "destination", "responsible", "deleted_at"]
    list_filter = ["doc_type", "status", "delivery_status", "warehouse", ("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["number", "comment", "supplier__name", "client__name"]
    list_select_related = ["warehouse", "destination", "responsible"]
    date_hierarchy = "date"
    inlines = [DocumentLineInline]
    show_full_result_count = False
    readonly_fields = [  # shown too, though no form field edits them
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


@admin.register(StockBalance)
class StockBalanceAdmin(WarehouseScopedMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["product", "warehouse", "on_hand", "reserved", "available"]
    list_filter = ["warehouse"]
    search_fields = ["product__sku", "product__name", "warehouse__name", "warehouse__code"]
    list_select_related = ["product", "warehouse"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).with_available()

    @admin.display(description=_("reserved"))
    def reserved(self, obj):
        return obj.reserved

    @admin.display(description=_("available"))
    def available(self, obj):
        return obj.available


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


@admin.register(DeliveryEvent)
class DeliveryEventAdmin(WarehouseScopedMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The delivery history: written by `inventory.services.delivery`, never changed."""

    warehouse_field = "document__warehouse_id"
    list_display = ["at", "document", "from_status", "to_status", "by", "details"]
    list_filter = ["to_status", "document__doc_type"]
    search_fields = ["document__number", "details"]
    list_select_related = ["document", "by"]
    show_full_result_count = False


class CostAdmin(WarehouseScopedMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Costing rows: view only, for those who may see purchase prices."""

    show_full_result_count = False

    def has_view_permission(self, request, obj=None):
        return shows_purchase_price(request.user) and super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return shows_purchase_price(request.user) and super().has_module_permission(request)


@admin.register(CostLayer)
class CostLayerAdmin(CostAdmin):
    list_display = ["id", "document", "product", "warehouse", "quantity", "value", "remaining", "remaining_value"]
    list_filter = ["warehouse"]
    search_fields = ["document__number", "product__sku", "product__name"]
    list_select_related = ["document", "product", "warehouse"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_remaining()

    @admin.display(description=_("remaining quantity"))
    def remaining(self, obj):
        return obj.remaining

    @admin.display(description=_("remaining value"))
    def remaining_value(self, obj):
        return obj.remaining_value


@admin.register(LayerTake)
class LayerTakeAdmin(CostAdmin):
    warehouse_field = "layer__warehouse_id"
    list_display = ["id", "move", "layer", "quantity", "value"]
    list_select_related = ["move__document", "move__product", "move__warehouse"]


@admin.register(MoveCost)
class MoveCostAdmin(CostAdmin):
    warehouse_field = "move__warehouse_id"
    list_display = ["move", "value"]
    list_select_related = ["move__document", "move__product", "move__warehouse"]


@admin.register(StockDay)
class StockDayAdmin(CostAdmin):
    list_display = ["day", "product", "warehouse", "quantity_in", "quantity_out", "value_in", "value_out"]
    list_filter = ["warehouse"]
    search_fields = ["product__sku", "product__name"]
    list_select_related = ["product", "warehouse"]
    date_hierarchy = "day"


@admin.register(SalesDay)
class SalesDayAdmin(CostAdmin):
    list_display = ["day", "product", "warehouse", "client", "currency", "quantity", "revenue", "cogs", "unvalued"]
    list_filter = ["warehouse", "currency"]
    search_fields = ["product__sku", "product__name", "client__name"]
    list_select_related = ["product", "warehouse", "client"]
    date_hierarchy = "day"


@admin.register(ValueAdjustment)
class ValueAdjustmentAdmin(CostAdmin):
    list_display = ["created_at", "move", "product", "warehouse", "quantity", "value"]
    list_select_related = ["move__document", "move__product", "move__warehouse", "product", "warehouse"]


@admin.register(InventorySettings)
class InventorySettingsAdmin(ChangeHistoryAdmin, SavedByService, admin.ModelAdmin):
    """Negative stock with "Inventory section settings", reservations with "Change reservation
    settings"; each part is read-only without its right. The costing method is read-only: it
    changes on its settings page, which recomputes every cost (`change_costing_method`)."""

    list_display = ["__str__", *NEGATIVE_FIELDS]

    @staticmethod
    def rights(request) -> tuple[bool, bool]:
        return can(request.user, MANAGE_INVENTORY_SETTINGS), can(request.user, CHANGE_RESERVATION_SETTINGS)

    def history_sources(self, request, obj):
        return settings_sources()

    def has_view_permission(self, request, obj=None):
        return any(self.rights(request))

    def has_change_permission(self, request, obj=None):
        return any(self.rights(request))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        negative, reservations = self.rights(request)
        # The costing method changes by recomputing every cost: on its settings page only.
        readonly = [*([] if negative else NEGATIVE_FIELDS), *([] if reservations else RESERVATION_FIELDS)]
        return [*readonly, "costing_method"]

    def save_by_service(self, request, form, formsets, change):
        data = form.cleaned_data
        if "reservation_mode" in data:
            update_reservation_settings(
                by=request.user,
                mode=data["reservation_mode"],
                days=data["reservation_days"],
                sell_unshipped=data["sell_unshipped_on_won"],
            )
        allowed = {doc_type: data[f"allow_negative_{doc_type}"] for doc_type in NEGATIVE_TYPES}
        if NEGATIVE_FIELDS[0] in data:
            update_negative_stock_settings(by=request.user, allowed=allowed)
        return InventorySettings.load()


@admin.register(CostRecompute)
class CostRecomputeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The recomputes of the costs (a change of costing method starts one), for reference."""

    list_display = ["created_at", "method", "status", "moves_done", "moves_total", "finished_at"]
    list_filter = ["status", "method"]

    def has_view_permission(self, request, obj=None):
        return can(request.user, MANAGE_INVENTORY_SETTINGS)

    def has_module_permission(self, request):
        return can(request.user, MANAGE_INVENTORY_SETTINGS)


@admin.register(DocumentSequence)
class DocumentSequenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Shown for reference; numbers are issued by the document service only."""

    list_display = ["doc_type", "last_number"]
    list_filter = ["doc_type"]
    search_fields = ["doc_type"]
