"""Read side of stock documents: the lists people page through, and the product boxes."""

import re
from collections.abc import Collection, Iterable
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

from inventory.models import Barcode, DocumentType, Product, StockDocument
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
