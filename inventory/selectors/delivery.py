"""Read side of the shipments: a document's delivery history."""

from django.db.models import QuerySet

from inventory.models import DeliveryEvent, StockDocument


def delivery_history(document: StockDocument) -> QuerySet[DeliveryEvent]:
    """The document's delivery status changes, oldest first, with who made them."""
    return DeliveryEvent.objects.filter(document=document).select_related("by").order_by("at", "id")
