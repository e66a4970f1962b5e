"""The opening balances import: each row a product (by SKU or barcode), a warehouse (by its
code), a quantity and a unit cost. The rows become one stock adjustment draft per warehouse
(`create_document`, one statement each), which the user processes when they choose.

A row needs the right to create stock adjustments in its warehouse; a warehouse the user may
not use is reported exactly as one that does not exist, so the message names nothing the user
may not see. The unit cost needs "View purchase price". A product appears once per warehouse.
"""

from collections.abc import Sequence
from decimal import Decimal

from django.db.models.functions import Upper
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.catalogue import VIEW_INVENTORY, VIEW_PURCHASE_PRICE, document_right
from accounts.permissions import Actor, can, warehouses_for
from imports.columns import Column, parse_decimal
from imports.models import MatchBy
from imports.services.rows import RowResult, read_row
from inventory.models import Barcode, DocumentType, Product, StockDocument, Warehouse
from inventory.models.quantities import MONEY_DECIMALS, MONEY_DIGITS, QUANTITY_DECIMALS, QUANTITY_DIGITS
from inventory.services.documents import Header, LineInput, create_document

CREATE_ADJUSTMENTS = document_right("edit", DocumentType.ADJUSTMENT)


def balance_columns(user: Actor) -> list[Column]:
    columns = [
        Column("sku", gettext_noop("SKU"), ("kode", "kode barang", "kode produk", "product", "produk")),
        Column("barcode", gettext_noop("Barcode"), ("kode batang", "ean")),
        Column("warehouse", gettext_noop("Warehouse"), ("gudang", "kode gudang", "warehouse code"), required=True),
        Column("quantity", gettext_noop("Quantity"), ("jumlah", "qty", "kuantitas", "stok", "stock"), required=True),
    ]
    if can(user, VIEW_PURCHASE_PRICE):
        columns.append(Column("unit_cost", gettext_noop("Unit cost"), ("harga pokok", "harga beli", "cost", "biaya")))
    return columns


def balance_example(columns: Sequence[Column]) -> list[str]:
    examples = {"sku": "KOPI-250", "warehouse": "JKT", "quantity": "120", "unit_cost": "32000"}
    return [examples.get(column.key, "") for column in columns]


class BalanceImporter:
    """Plans batches of balance rows for `user` and gathers the valid ones by warehouse;
    `finish` creates the drafts."""

    def __init__(self, *, user: Actor, mode: str, match_by: str, mapping: Sequence[str], filename: str = "") -> None:
        self.user, self.match_by, self.filename = user, match_by, filename
        self.columns = {column.key: column for column in balance_columns(user)}
        self.mapping = [key if key in self.columns else "" for key in mapping]
        self.keys = {key for key in self.mapping if key}
        usable = warehouses_for(user, CREATE_ADJUSTMENTS) if can(user, VIEW_INVENTORY) else Warehouse.objects.none()
        self.warehouses = {w.code.upper(): w for w in usable.filter(is_active=True)}
        self.lines: dict[int, dict[int, LineInput]] = {}  # warehouse → product → line
        self.rows: dict[tuple[int, int], int] = {}  # (warehouse, product) → its row

    def missing_required(self) -> list[Column]:
        needed = ["warehouse", "quantity", "sku" if self.match_by == MatchBy.SKU else "barcode"]
        return [self.columns[key] for key in needed if key not in self.keys]

    def start(self) -> None:
        """Nothing to wait for: each run makes drafts of its own."""

    def plan(self, rows: Sequence[tuple[int, list[str]]]) -> list[RowResult]:
        results = [self._parse(line, cells) for line, cells in rows]
        products = self._products(results)
        for result in results:
            if not result.errors:
                self._decide(result, products)
        return results

    def _parse(self, line: int, cells: list[str]) -> RowResult:
        result = read_row(line, cells, self.mapping, _value)
        product_key = "sku" if self.match_by == MatchBy.SKU else "barcode"
        for key, message in (
            (product_key, _("Enter the product.")),
            ("warehouse", _("Enter the warehouse's code.")),
            ("quantity", _("Enter the quantity.")),
        ):
            if key not in result.data and key not in result.errors:
                result.add_error(key, message)
        if result.data.get("quantity") == 0:
            result.add_error("quantity", _("the quantity must be greater than zero."))
        return result

    def _products(self, results: list[RowResult]) -> dict[str, Product]:
        """The rows' products by upper-case SKU or barcode, one query."""
        if self.match_by == MatchBy.SKU:
            skus = {r.data["sku"].upper() for r in results if "sku" in r.data}
            return {p.sku.upper(): p for p in Product.objects.annotate(key=Upper("sku")).filter(key__in=skus)}
        codes = {r.data["barcode"].upper() for r in results if "barcode" in r.data}
        barcodes = Barcode.objects.annotate(key=Upper("code")).filter(key__in=codes).select_related("product")
        return {b.code.upper(): b.product for b in barcodes}

    def _decide(self, result: RowResult, products: dict[str, Product]) -> None:
        key = "sku" if self.match_by == MatchBy.SKU else "barcode"
        product = products.get(result.data[key].upper())
        if product is None:
            return result.add_error(key, _("No such product."))
        if not product.is_active:
            return result.add_error(key, _("the product is inactive."))
        warehouse = self.warehouses.get(result.data["warehouse"].upper())
        if warehouse is None:
            return result.add_error(
                "warehouse", _("No active warehouse with this code in which you may create stock adjustments.")
            )
        earlier = self.rows.get((warehouse.pk, product.pk))
        if earlier is not None:
            return result.add_error(
                key, _("This product is in row %(row)s for this warehouse already.") % {"row": earlier}
            )
        self.rows[(warehouse.pk, product.pk)] = result.line
        price = result.data.get("unit_cost", Decimal("0"))
        result.line_input = (warehouse.pk, LineInput(product=product, quantity=result.data["quantity"], price=price))
        result.outcome = RowResult.NEW

    def apply(self, results: Sequence[RowResult]) -> None:
        """Keep the batch's valid rows for their warehouse's draft (written by `finish`)."""
        for result in results:
            if result.line_input is not None:
                warehouse_id, line = result.line_input
                self.lines.setdefault(warehouse_id, {})[line.product.pk] = line

    def finish(self) -> list[StockDocument]:
        """Create one stock adjustment draft per warehouse of the valid rows."""
        by_id = {w.pk: w for w in self.warehouses.values()}
        comment = _("Opening balances imported from %(file)s") % {"file": self.filename}
        return [
            create_document(
                doc_type=DocumentType.ADJUSTMENT,
                by=self.user,
                header=Header(warehouse=by_id[warehouse_id], comment=comment),
                lines=list(lines.values()),
            )
            for warehouse_id, lines in sorted(self.lines.items())
        ]


def _value(key: str, text: str) -> Decimal | str:
    if key == "quantity":
        return parse_decimal(text, digits=QUANTITY_DIGITS, decimals=QUANTITY_DECIMALS)
    if key == "unit_cost":
        return parse_decimal(text, digits=MONEY_DIGITS, decimals=MONEY_DECIMALS)
    return text
