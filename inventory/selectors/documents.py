"""Read side of stock documents: the lists people page through."""

from collections.abc import Collection
from datetime import date

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from inventory.models import Barcode, Product, StockDocument
from inventory.models.quantities import MONEY_DECIMALS, QUANTITY_DIGITS

# quantity (15,3) × price (14,2) needs room for both.
TOTAL_FIELD = DecimalField(max_digits=QUANTITY_DIGITS + 14, decimal_places=MONEY_DECIMALS + 3)


def document_list(
    *,
    doc_type: str,
    warehouse_ids: Collection[int] | None = None,
    status: str | None = None,
    warehouse=None,
    company=None,
    date_from: date | None = None,
    date_to: date | None = None,
    number: str | None = None,
) -> QuerySet[StockDocument]:
    """The documents of one type that are not deleted, newest first, each with `line_count`
    and `total` (Σ quantity × price) computed in the same query.

    `warehouse_ids` limits them to documents all of whose warehouses are among these (None:
    no limit); `warehouse` matches the document's warehouse or a transfer's destination;
    `company` matches the supplier or the client.
    """
    documents = (
        StockDocument.objects.filter(doc_type=doc_type, deleted_at__isnull=True)
        .select_related("warehouse", "destination", "supplier", "client", "responsible")
        .annotate(
            line_count=Count("lines"),
            total=Coalesce(
                Sum(F("lines__quantity") * F("lines__price"), output_field=TOTAL_FIELD),
                Value(0),
                output_field=TOTAL_FIELD,
            ),
        )
        .order_by("-date", "-id")
    )
    if warehouse_ids is not None:
        documents = documents.filter(warehouse_id__in=warehouse_ids).filter(
            Q(destination__isnull=True) | Q(destination_id__in=warehouse_ids)
        )
    if status:
        documents = documents.filter(status=status)
    if warehouse is not None:
        documents = documents.filter(Q(warehouse=warehouse) | Q(destination=warehouse))
    if company is not None:
        documents = documents.filter(Q(supplier=company) | Q(client=company))
    if date_from:
        documents = documents.filter(date__gte=date_from)
    if date_to:
        documents = documents.filter(date__lte=date_to)
    if number:
        documents = documents.filter(number__icontains=number.strip())
    return documents


def product_suggestions(query: str, *, limit: int = 20) -> list[Product]:
    """Active products whose name or SKU contains `query` or whose barcode starts with it;
    an exact barcode or SKU match comes first, then by name."""
    query = query.strip()
    if not query:
        return []
    barcodes = Barcode.objects.filter(product_id=OuterRef("pk"))
    exact = Q(sku__iexact=query) | Exists(barcodes.filter(code=query))
    return list(
        Product.objects.filter(is_active=True)
        .filter(Q(name__icontains=query) | Q(sku__icontains=query) | Exists(barcodes.filter(code__startswith=query)))
        .annotate(rank=Case(When(exact, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("rank", "name", "id")[:limit]
    )
