from inventory.models.catalog import Barcode, Category, MinimumStock, Product
from inventory.models.costing import CostingMethod, CostLayer, LayerTake, MoveCost, ValueAdjustment
from inventory.models.documents import (
    DeliveryEvent,
    DeliveryStatus,
    DocumentLine,
    DocumentSequence,
    DocumentStatus,
    DocumentType,
    StockDocument,
)
from inventory.models.reservations import Reservation, ReservationStatus
from inventory.models.settings import InventorySettings
from inventory.models.stock import SalesDay, StockBalance, StockDay, StockMove
from inventory.models.warehouse import Warehouse

__all__ = [
    "Barcode",
    "Category",
    "CostLayer",
    "CostingMethod",
    "DeliveryEvent",
    "DeliveryStatus",
    "DocumentLine",
    "DocumentSequence",
    "DocumentStatus",
    "DocumentType",
    "InventorySettings",
    "LayerTake",
    "MinimumStock",
    "MoveCost",
    "Product",
    "Reservation",
    "ReservationStatus",
    "StockBalance",
    "SalesDay",
    "StockDay",
    "StockDocument",
    "StockMove",
    "ValueAdjustment",
    "Warehouse",
]
