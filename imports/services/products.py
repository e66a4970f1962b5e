"""The products import: each row a product (SKU, name, barcodes, unit, category, prices, VAT,
active, minimum stock per warehouse, custom fields), found by SKU or by barcode.

`ProductImporter.plan` reads a batch of rows with a constant number of queries and decides
each row (new, updated, unchanged or failed, with its errors per column); `apply` writes the
batch with a constant number of statements (bulk inserts and updates). A cell left empty
keeps what the product has (a new product: the default); a minimum level of 0 removes it.
The rights are those of the product pages: "Create products" for a new one, "Edit products"
for a change, "View purchase price" and "Change selling price" for those columns, a
warehouse's minimum level only for a warehouse the user sees.
"""

from collections.abc import Sequence
from decimal import Decimal

from django.db.models.functions import Upper
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from accounts.catalogue import ADD_PRODUCT, CHANGE_PRODUCT, CHANGE_SELLING_PRICE, VIEW_PURCHASE_PRICE, VIEW_WAREHOUSE
from accounts.permissions import Actor, can, warehouses_for
from imports.columns import CellError, Column, CustomColumns, parse_bool, parse_decimal
from imports.models import ImportMode, MatchBy
from imports.services.rows import RowResult, read_row
from inventory.locks import lock_imports
from inventory.models import Barcode, Category, MinimumStock, Product, StockDocument, Warehouse
from inventory.models.catalog import Unit
from inventory.models.quantities import MONEY_DECIMALS, MONEY_DIGITS, QUANTITY_DECIMALS, QUANTITY_DIGITS
from inventory.services.catalog import parse_barcodes
from notifications.services.alerts import check_low_stock

SKU_MAX, NAME_MAX, CODE_MAX, CATEGORY_MAX = 64, 255, 64, 100
PRODUCT_FIELDS = ("sku", "name", "unit", "category", "purchase_price", "selling_price", "vat_rate", "is_active")
MIN_PREFIX = "min:"


def product_columns(user: Actor) -> list[Column]:
    """The columns of a products file this user may fill, in the template's order."""
    columns = [
        Column("sku", gettext_noop("SKU"), ("kode", "kode barang", "kode produk", "article", "artikel"), required=True),
        Column("name", gettext_noop("Name"), ("nama", "nama barang", "nama produk", "product", "produk")),
        Column("barcodes", gettext_noop("Barcodes"), ("barcode", "kode batang", "ean", "upc")),
        Column("unit", gettext_noop("Unit"), ("satuan", "unit of measure", "uom")),
        Column("category", gettext_noop("Category"), ("kategori", "group", "kelompok")),
    ]
    if can(user, VIEW_PURCHASE_PRICE):
        columns.append(Column("purchase_price", gettext_noop("Purchase price"), ("harga beli", "cost", "modal")))
    if can(user, CHANGE_SELLING_PRICE):
        columns.append(Column("selling_price", gettext_noop("Selling price"), ("harga jual", "price", "harga")))
    columns += [
        Column("vat_rate", gettext_noop("VAT rate, %"), ("vat", "ppn", "tarif ppn", "pajak", "tax")),
        Column("is_active", gettext_noop("Active"), ("aktif", "status")),
    ]
    for warehouse in warehouses_for(user, VIEW_WAREHOUSE).order_by("code"):
        columns.append(
            Column(
                f"{MIN_PREFIX}{warehouse.pk}",
                gettext_noop("Minimum stock"),
                ("stok minimum", "min"),
                suffix=warehouse.code,
            )
        )
    return columns + CustomColumns("product").columns()


def unit_names() -> dict[str, str]:
    """Every way a unit is written (its code, its name in English and Indonesian), casefolded → its code."""
    names = {}
    for language in ("en", "id"):
        with override(language):
            for code, label in Unit.choices:
                names[str(label).casefold()] = code
    names.update({code.casefold(): code for code in Unit.values})
    return names


def example_row(columns: Sequence[Column]) -> list[str]:
    """A plausible row for the template file."""
    examples = {
        "sku": "KOPI-250",
        "name": _("Ground coffee 250 g"),
        "barcodes": "8991234567890",
        "unit": Unit.PIECE,
        "category": _("Drinks"),
        "purchase_price": "32000",
        "selling_price": "45000",
        "vat_rate": "11",
        "is_active": _("yes"),
    }
    return [examples.get(column.key, "5" if column.key.startswith(MIN_PREFIX) else "") for column in columns]


class ProductImporter:
    """Plans and applies batches of product rows for `user` (see the module's docstring).
    It remembers the SKUs and barcodes of earlier batches, so a file naming one twice fails
    its second row, and the categories a dry run would create."""

    def __init__(self, *, user: Actor, mode: str, match_by: str, mapping: Sequence[str], filename: str = "") -> None:
        self.user, self.mode, self.match_by = user, mode, match_by
        self.columns = {column.key: column for column in product_columns(user)}
        self.mapping = [key if key in self.columns else "" for key in mapping]
        self.keys = {key for key in self.mapping if key}
        self.may_add, self.may_change = can(user, ADD_PRODUCT), can(user, CHANGE_PRODUCT)
        self.units = unit_names()
        self.warehouses = {
            f"{MIN_PREFIX}{w.pk}": w.pk
            for w in Warehouse.objects.filter(
                pk__in=[int(key[len(MIN_PREFIX) :]) for key in self.keys if key.startswith(MIN_PREFIX)]
            )
        }
        self.custom = CustomColumns("product")
        self.seen_skus: dict[str, int] = {}
        self.seen_codes: dict[str, int] = {}

    def missing_required(self) -> list[Column]:
        """The columns a file must have for this import and has not been matched to."""
        needed = ["sku"] if self.match_by == MatchBy.SKU else ["barcodes"]
        return [self.columns[key] for key in needed if key not in self.keys]

    def start(self) -> None:
        """Wait for the other runs of product imports to end (see `lock_imports`)."""
        lock_imports("products")

    def finish(self) -> list[StockDocument]:
        """Products are written batch by batch: no documents at the end."""
        return []

    # --- reading a batch ------------------------------------------------------------------

    def plan(self, rows: Sequence[tuple[int, list[str]]]) -> list[RowResult]:
        """Decide each row of a batch ((line number, cells) pairs); reads only."""
        results = [self._parse(line, cells) for line, cells in rows]
        existing = self._existing(results)
        products = [p for p in existing.values() if p is not None]
        codes = {c for r in results for c in r.data.get("barcodes", ())}
        owners = self._barcode_owners(codes)
        current_codes = self._codes_of(products)
        minimums = self._minimums_of(products)
        categories = self._categories({r.data["category"] for r in results if r.data.get("category")})
        skus = self._sku_owners(results)
        for result in results:
            if not result.errors:
                product = existing.get(result.line)
                self._decide(result, product, owners, skus, current_codes, minimums, categories)
        return results

    def _parse(self, line: int, cells: list[str]) -> RowResult:
        result = read_row(line, cells, self.mapping, self._value)
        sku = result.data.get("sku", "")
        if self.match_by == MatchBy.SKU and not sku and "sku" not in result.errors:
            result.add_error("sku", _("Enter the SKU."))
        if self.match_by == MatchBy.BARCODE and not result.data.get("barcodes") and "barcodes" not in result.errors:
            result.add_error("barcodes", _("Enter the barcode the product is found by."))
        return result

    def _value(self, key: str, text: str):
        if key == "sku":
            return _text(text, SKU_MAX)
        if key == "name":
            return _text(text, NAME_MAX)
        if key == "category":
            return _text(text, CATEGORY_MAX)
        if key == "unit":
            if text.casefold() not in self.units:
                raise CellError(_("Not a unit: write one of %(units)s.") % {"units": ", ".join(Unit.values)})
            return self.units[text.casefold()]
        if key in ("purchase_price", "selling_price"):
            return parse_decimal(text, digits=MONEY_DIGITS, decimals=MONEY_DECIMALS)
        if key == "vat_rate":
            rate = parse_decimal(text, digits=5, decimals=2)
            if rate > 100:
                raise CellError(_("The VAT rate is a percentage between 0 and 100, with at most two decimals."))
            return rate
        if key == "is_active":
            return parse_bool(text)
        if key == "barcodes":
            codes = parse_barcodes(text)
            for code in codes:
                _text(code, CODE_MAX)
            distinct: dict[str, str] = {}
            for code in codes:  # each once ignoring case (the first spelling), as the database counts them
                distinct.setdefault(code.upper(), code)
            return list(distinct.values())
        if key.startswith(MIN_PREFIX):
            return parse_decimal(text, digits=QUANTITY_DIGITS, decimals=QUANTITY_DECIMALS)
        return self.custom.value(key, text)

    def _existing(self, results: list[RowResult]) -> dict[int, Product | None]:
        """line → the product the row names (None: a new one), one query."""
        query = Product.objects.select_related("category")
        if self.match_by == MatchBy.SKU:
            skus = {r.data["sku"].upper() for r in results if r.data.get("sku")}
            found = {p.sku.upper(): p for p in query.annotate(key=Upper("sku")).filter(key__in=skus)}
            return {r.line: found.get(r.data.get("sku", "").upper()) for r in results}
        firsts = {r.data["barcodes"][0].upper() for r in results if r.data.get("barcodes")}
        barcodes = (
            Barcode.objects.annotate(key=Upper("code")).filter(key__in=firsts).select_related("product__category")
        )
        by_code = {b.code.upper(): b.product for b in barcodes}
        return {r.line: by_code.get(r.data["barcodes"][0].upper()) if r.data.get("barcodes") else None for r in results}

    def _sku_owners(self, results: list[RowResult]) -> dict[str, int]:
        """Found by barcode, a row's SKU may be another product's: upper-case SKU → its
        product, one query (found by SKU, the row's product is the SKU's)."""
        skus = {r.data["sku"].upper() for r in results if r.data.get("sku")}
        if self.match_by == MatchBy.SKU or not skus:
            return {}
        rows = Product.objects.annotate(key=Upper("sku")).filter(key__in=skus).values_list("sku", "pk")
        return {sku.upper(): pk for sku, pk in rows}

    def _barcode_owners(self, codes: set[str]) -> dict[str, int]:
        if not codes:
            return {}
        rows = Barcode.objects.annotate(key=Upper("code")).filter(key__in={c.upper() for c in codes})
        return {code.upper(): product_id for code, product_id in rows.values_list("code", "product_id")}

    def _codes_of(self, products: list[Product]) -> dict[int, list[str]]:
        codes: dict[int, list[str]] = {p.pk: [] for p in products}
        if "barcodes" in self.keys and products:
            for product_id, code in Barcode.objects.filter(product__in=products).values_list("product_id", "code"):
                codes[product_id].append(code)
        return codes

    def _minimums_of(self, products: list[Product]) -> dict[tuple[int, int], Decimal]:
        if not self.warehouses or not products:
            return {}
        rows = MinimumStock.objects.filter(product__in=products, warehouse_id__in=self.warehouses.values())
        return {(p, w): q for p, w, q in rows.values_list("product_id", "warehouse_id", "quantity")}

    def _categories(self, names: set[str]) -> dict[str, Category]:
        if not names:
            return {}
        found = Category.objects.annotate(key=Upper("name")).filter(key__in={name.upper() for name in names})
        return {c.name.casefold(): c for c in found}

    # --- deciding a row -------------------------------------------------------------------

    def _decide(
        self, result: RowResult, product: Product | None, owners, skus, current_codes, minimums, categories
    ) -> None:
        data = result.data
        if product is None:
            if self.mode == ImportMode.UPDATE:
                return result.add_error("sku" if self.match_by == MatchBy.SKU else "barcodes", _("No such product."))
            if not self.may_add:
                return result.add_error("", _("You do not have the right to create products."))
            if not data.get("sku"):
                return result.add_error("sku", _("Enter the SKU."))
            if not data.get("name"):
                return result.add_error("name", _("Enter the product's name."))
        else:
            if self.mode == ImportMode.INSERT:
                return result.add_error("sku", _("A product with this SKU exists already."))
            if not self.may_change:
                return result.add_error("", _("You do not have the right to edit products."))
        sku_key = (data.get("sku") or (product.sku if product is not None else "")).upper()
        if skus.get(sku_key, product.pk if product is not None else None) != (product.pk if product else None):
            return result.add_error("sku", _("This SKU is already used by another product."))
        earlier = self.seen_skus.get(sku_key)
        if earlier is not None:
            return result.add_error("sku", _("This SKU is in row %(row)s of the file already.") % {"row": earlier})
        for code in data.get("barcodes", ()):
            owner = owners.get(code.upper())
            if owner is not None and (product is None or owner != product.pk):
                return result.add_error(
                    "barcodes", _("The barcode %(code)s already belongs to another product.") % {"code": code}
                )
            if code.upper() in self.seen_codes:
                row = self.seen_codes[code.upper()]
                return result.add_error(
                    "barcodes",
                    _("The barcode %(code)s is in row %(row)s of the file already.") % {"code": code, "row": row},
                )
        self.seen_skus[sku_key] = result.line
        for code in data.get("barcodes", ()):
            self.seen_codes[code.upper()] = result.line

        target = product if product is not None else Product(custom={})
        changed = self._fill(target, data, categories)
        result.product = target
        if "barcodes" in data:
            before = current_codes.get(product.pk, []) if product is not None else []
            if {c.upper() for c in before} != {c.upper() for c in data["barcodes"]} or product is None:
                result.barcodes = data["barcodes"]
        for key, warehouse_id in self.warehouses.items():
            if key in data:
                now = minimums.get((product.pk, warehouse_id)) if product is not None else None
                wanted = data[key] or None
                if now != wanted:
                    result.minimums[warehouse_id] = wanted
        if product is None:
            result.outcome = RowResult.NEW
        elif changed or result.barcodes is not None or result.minimums:
            result.outcome, result.changed = RowResult.UPDATED, changed
        else:
            result.outcome = RowResult.UNCHANGED

    def _fill(self, product: Product, data: dict, categories: dict[str, Category]) -> set[str]:
        """Set the row's values on `product`; the names of the fields that changed."""
        changed = set()
        for name in ("sku", "name", "unit", "purchase_price", "selling_price", "vat_rate", "is_active"):
            if name in data and getattr(product, name) != data[name]:
                setattr(product, name, data[name])
                changed.add(name)
        if "category" in data:
            category = categories.get(data["category"].casefold())
            if category is None:
                product.category, product._new_category = None, data["category"]  # type: ignore[attr-defined]
                changed.add("category")
            elif product.category_id != category.pk:
                product.category = category
                changed.add("category")
        merged = CustomColumns.merged(product.custom, data)
        if merged != (product.custom or {}):
            product.custom = merged
            changed.add("custom")
        return changed

    # --- writing a batch ------------------------------------------------------------------

    def apply(self, results: Sequence[RowResult]) -> None:
        """Write the new and updated rows of a planned batch: a constant number of statements."""
        new = [r.product for r in results if r.outcome == RowResult.NEW and r.product is not None]
        updated = [r for r in results if r.outcome == RowResult.UPDATED and r.product is not None]
        products = new + [r.product for r in updated if r.product is not None]
        wanted = [p._new_category for p in products if getattr(p, "_new_category", None)]  # type: ignore[attr-defined]
        names = set({name.casefold(): name for name in reversed(wanted)}.values())  # the first spelling of each
        if names:
            Category.objects.bulk_create([Category(name=name) for name in sorted(names)], ignore_conflicts=True)
            made = self._categories(names)
            for product in products:
                name = getattr(product, "_new_category", None)
                if name:
                    product.category = made[name.casefold()]
        Product.objects.bulk_create(new)
        fields = sorted({name for r in updated for name in r.changed})
        if fields:
            Product.objects.bulk_update([p for r in updated if r.changed and (p := r.product) is not None], fields)
        rewritten = [r for r in results if r.barcodes is not None and r.product is not None]
        replaced = [r.product.pk for r in rewritten if r.outcome == RowResult.UPDATED and r.product]
        if replaced:
            Barcode.objects.filter(product_id__in=replaced).delete()
        Barcode.objects.bulk_create(
            [Barcode(product=r.product, code=code) for r in rewritten for code in r.barcodes or ()]
        )
        self._write_minimums(results)

    def _write_minimums(self, results: Sequence[RowResult]) -> None:
        kept: list[MinimumStock] = []
        removed: dict[int, list[int]] = {}
        for r in results:
            for warehouse_id, quantity in r.minimums.items():
                if quantity:
                    kept.append(MinimumStock(product=r.product, warehouse_id=warehouse_id, quantity=quantity))
                elif r.product is not None and r.product.pk:
                    removed.setdefault(warehouse_id, []).append(r.product.pk)
        for warehouse_id, product_ids in removed.items():  # one statement per warehouse column
            MinimumStock.objects.filter(warehouse_id=warehouse_id, product_id__in=product_ids).delete()
        if kept:
            MinimumStock.objects.bulk_create(
                kept, update_conflicts=True, unique_fields=["product", "warehouse"], update_fields=["quantity"]
            )
        changed = [(m.warehouse_id, m.product_id) for m in kept]
        check_low_stock(changed + [(w, p) for w, products in removed.items() for p in products])


def _text(text: str, limit: int) -> str:
    if len(text) > limit:
        raise CellError(_("At most %(limit)s characters.") % {"limit": limit})
    return text
