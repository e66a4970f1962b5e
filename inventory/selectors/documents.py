"""Read side of stock documents: the lists people page through, and the product boxes."""

import re
from collections.abc import Collection, Iterable
from decimal import Decimal

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
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from inventory.models import Barcode, DocumentStatus, DocumentType, Product, StockBalance, StockDocument, StockMove
from inventory.models.quantities import MONEY_DECIMALS, QUANTITY_DIGITS

# quantity (15,3) × price (14,2) needs room for both.
TOTAL_FIELD: DecimalField = DecimalField(max_digits=QUANTITY_DIGITS + 14, decimal_places=MONEY_DECIMALS + 3)


def document_list(*, doc_type: str, warehouse_ids: Collection[int] | None = None) -> QuerySet[StockDocument]:
    """The documents of one type that are not deleted, newest first, each with `line_count`
    and `total` (Σ quantity × price) computed in the same query. `warehouse_ids` limits them
    to documents all of whose warehouses are among these (None: no limit); the list page's
    filters narrow it further (`inventory.filters.documents`)."""
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
        documents = documents.filter(in_warehouses(warehouse_ids))
    return documents


def in_warehouses(warehouse_ids: Collection[int]) -> Q:
    """Documents all of whose warehouses are among `warehouse_ids` (a transfer: both of them):
    those a user who sees these warehouses sees."""
    return Q(warehouse_id__in=warehouse_ids) & (Q(destination__isnull=True) | Q(destination_id__in=warehouse_ids))


def ranked_products(text: str) -> QuerySet[Product]:
    """Active products that `text` finds by name, SKU or barcode, best first, each with `rank`:
    0 the exact SKU, barcode or name (any case), 1 a whole word of the name, 2 a prefix (of the name,
    of one of its words, of the SKU or of a barcode), 3 any other part of the name or SKU; then
    by name. The one ranking of the product boxes: suggestions, document lines and deal rows."""
    text = text.strip()
    barcodes = Barcode.objects.filter(product_id=OuterRef("pk"))
    word = re.escape(text)  # PostgreSQL reads a backslash before a non-alphanumeric as that character
    rank = Case(
        When(Q(sku__iexact=text) | Exists(barcodes.filter(code=text)) | Q(name__iexact=text), then=Value(0)),
        When(name__iregex=rf"\m{word}\M", then=Value(1)),
        When(
            Q(name__istartswith=text)
            | Q(name__iregex=rf"\m{word}")
            | Q(sku__istartswith=text)
            | Exists(barcodes.filter(code__startswith=text)),
            then=Value(2),
        ),
        default=Value(3),
        output_field=IntegerField(),
    )
    return (
        Product.objects.filter(is_active=True)
        .filter(Q(name__icontains=text) | Q(sku__icontains=text) | Exists(barcodes.filter(code__startswith=text)))
        .annotate(rank=rank)
        .order_by("rank", "name", "id")
    )


def product_suggestions(query: str, *, limit: int = 20) -> list[Product]:
    """The first `limit` of `ranked_products(query)`."""
    query = query.strip()
    if not query:
        return []
    return list(ranked_products(query)[:limit])


def product_matches(texts: Collection[str], *, limit: int) -> dict[str, list[Product]]:
    """The first `limit` of `ranked_products` for each of `texts`, in one query."""
    texts = sorted({t.strip() for t in texts if t and t.strip()})
    if not texts:
        return {}
    parts = [ranked_products(text).annotate(matched=Value(text))[:limit] for text in texts]
    combined = parts[0].union(*parts[1:], all=True).order_by("rank", "name", "id") if len(parts) > 1 else parts[0]
    found: dict[str, list[Product]] = {text: [] for text in texts}
    for product in combined:
        found[product.matched].append(product)
    return found


def unpriced_lines(doc_type: str, lines: Iterable) -> list:
    """A receipt's lines at zero price (anything with `product` and `price`): processing them
    leaves their products' purchase prices as they were, so the user is warned and asked first."""
    if doc_type != DocumentType.RECEIPT:
        return []
    return [line for line in lines if not line.price]


def on_hand_in(warehouse, product_ids: Collection[int]) -> dict[int, Decimal]:
    """The on hand of each of `product_ids` in `warehouse` (a warehouse, its id or a queryset
    of at most one); products without a balance row are left out. One query."""
    if not warehouse or not product_ids:
        return {}
    field = "warehouse__in" if isinstance(warehouse, QuerySet) else "warehouse"
    balances = StockBalance.objects.filter(**{field: warehouse}, product_id__in=product_ids)
    return dict(balances.values_list("product_id", "on_hand"))


def document_moves(document: StockDocument) -> QuerySet[StockMove]:
    """The document's movements in the order they were made, with their warehouse, product and
    `value` (None for a movement not valued yet)."""
    return document.moves.select_related("warehouse", "product").annotate(value=F("cost__value")).order_by("id")


def last_processing_moves(document: StockDocument) -> QuerySet[StockMove]:
    """The movements of the document's last processing: those after its last reversal, if any
    (one per warehouse and product, `inventory.services.stock.apply_movements`)."""
    last_reversal = StockMove.objects.filter(document=document, is_reversal=True).order_by("-id").values("id")[:1]
    return StockMove.objects.filter(document=document, is_reversal=False).filter(
        id__gt=Coalesce(Subquery(last_reversal), Value(0))
    )


def count_expectations(document: StockDocument, lines: Collection) -> None:
    """Give each line of a stock count its `expected` quantity and `difference` (counted −
    expected). A processed count expected what the ledger said when it was last processed
    (balance after − quantity of its movements since its last reversal; a product without a
    movement was as counted); any other the warehouse's current on hand. One query."""
    product_ids = [line.product_id for line in lines]
    if document.status == DocumentStatus.PROCESSED:
        moves = last_processing_moves(document).filter(product_id__in=product_ids)
        before = {
            product: after - quantity
            for product, after, quantity in moves.values_list("product_id", "balance_after", "quantity")
        }
        for line in lines:
            line.expected = before.get(line.product_id, line.quantity)
    else:
        on_hand = on_hand_in(document.warehouse_id, product_ids)
        for line in lines:
            line.expected = on_hand.get(line.product_id, Decimal(0))
    for line in lines:
        line.difference = line.quantity - line.expected


def stock_to_count(warehouse) -> list[tuple[Product, Decimal]]:
    """Every active product `warehouse` holds (on hand above zero) with its on hand, by name:
    what "Fill from current stock" puts on a stock count. One query."""
    balances = (
        StockBalance.objects.filter(warehouse=warehouse, on_hand__gt=0, product__is_active=True)
        .select_related("product")
        .order_by("product__name", "product_id")
    )
    return [(balance.product, balance.on_hand) for balance in balances]
