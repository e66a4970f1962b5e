"""The product catalog: create and edit products with their barcodes and minimum stock levels.

A product, its barcodes and its minimum levels are saved in one transaction. SKUs and barcodes
are unique; the database constraints stay the last line of defence, and a concurrent duplicate
that slips past the checks is reported the same way as one found by them.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.permissions import require
from inventory.models import Barcode, Category, MinimumStock, Product, Warehouse
from inventory.models.catalog import Unit
from inventory.models.quantities import MONEY_DECIMALS, MONEY_DIGITS, QUANTITY_DECIMALS, QUANTITY_DIGITS, fits
from layouts.services import set_custom

BARCODE_MAX_LENGTH = Barcode._meta.get_field("code").max_length


@transaction.atomic
def create_product(
    *,
    by,
    sku: str,
    name: str,
    unit: str = Unit.PIECE,
    category: Category | None = None,
    purchase_price: Decimal | None = None,
    selling_price: Decimal | None = None,
    vat_rate: Decimal = Decimal("0"),
    is_active: bool = True,
    barcodes: Iterable[str] = (),
    minimums: Mapping[Warehouse, Decimal | None] | None = None,
    custom: dict | None = None,
) -> Product:
    """Create a product with its barcodes and minimum stock per warehouse. Needs "Create
    products"; a purchase price needs "View purchase price", a selling price "Change selling
    price" (a price left None starts at zero)."""
    require(by, "inventory.add_product")
    product = Product()
    _check_rights(by, purchase_price, selling_price, minimums)
    return _save(
        product,
        sku=sku,
        name=name,
        unit=unit,
        category=category,
        purchase_price=purchase_price,
        selling_price=selling_price,
        vat_rate=vat_rate,
        is_active=is_active,
        barcodes=barcodes,
        minimums=minimums or {},
        custom=custom,
    )


@transaction.atomic
def update_product(
    product: Product,
    *,
    by,
    sku: str,
    name: str,
    unit: str = Unit.PIECE,
    category: Category | None = None,
    purchase_price: Decimal | None = None,
    selling_price: Decimal | None = None,
    vat_rate: Decimal = Decimal("0"),
    is_active: bool = True,
    barcodes: Iterable[str] = (),
    minimums: Mapping[Warehouse, Decimal | None] | None = None,
    custom: dict | None = None,
) -> Product:
    """Change a product (needs "Edit products"; prices as for `create_product`, None keeps
    the price). `barcodes` replaces its barcodes; `minimums` sets the level of each warehouse it
    names (zero or None removes it) and leaves other warehouses alone."""
    require(by, "inventory.change_product")
    _check_rights(by, purchase_price, selling_price, minimums)
    current = Product.objects.select_for_update().get(pk=product.pk)
    return _save(
        current,
        sku=sku,
        name=name,
        unit=unit,
        category=category,
        purchase_price=purchase_price,
        selling_price=selling_price,
        vat_rate=vat_rate,
        is_active=is_active,
        barcodes=barcodes,
        minimums=minimums or {},
        custom=custom,
    )


def parse_barcodes(text: str) -> list[str]:
    """Split what a user typed (commas, spaces or one code a line) into distinct codes, in order."""
    codes = text.replace(",", "\n").replace(";", "\n").split()
    return list(dict.fromkeys(code.strip() for code in codes if code.strip()))


def _save(product: Product, *, barcodes: Iterable[str], minimums: Mapping, custom: dict | None, **fields) -> Product:
    product.sku = (fields["sku"] or "").strip()
    product.name = (fields["name"] or "").strip()
    product.unit = fields["unit"] or Unit.PIECE
    product.category = fields["category"]
    if fields["purchase_price"] is not None:
        product.purchase_price = fields["purchase_price"]
    if fields["selling_price"] is not None:
        product.selling_price = fields["selling_price"]
    product.vat_rate = fields["vat_rate"] if fields["vat_rate"] is not None else Decimal("0")
    product.is_active = bool(fields["is_active"])
    set_custom(product, custom, form="product")
    codes = list(dict.fromkeys(code.strip() for code in barcodes if code and code.strip()))
    _validate(product, codes, minimums)
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError as error:
        raise ValidationError(
            {"sku": _("The SKU %(sku)s is already used by another product.") % {"sku": product.sku}}
        ) from error
    _save_barcodes(product, codes)
    _save_minimums(product, minimums)
    return product


def _check_rights(by, purchase_price, selling_price, minimums) -> None:
    if purchase_price is not None:
        require(by, "inventory.view_purchase_price")
    if selling_price is not None:
        require(by, "inventory.change_selling_price")
    for warehouse in minimums or {}:
        require(by, "inventory.view_warehouse", warehouse)


def _validate(product: Product, codes: list[str], minimums: Mapping) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not product.sku:
        add("sku", _("Enter the SKU."))
    elif len(product.sku) > Product._meta.get_field("sku").max_length:
        add("sku", _("The SKU is too long (at most 64 characters)."))
    else:
        other = Product.objects.filter(sku=product.sku).exclude(pk=product.pk or 0).first()
        if other is not None:
            add(
                "sku",
                _("The SKU %(sku)s is already used by “%(product)s”.") % {"sku": product.sku, "product": other.name},
            )
    if not product.name:
        add("name", _("Enter the product's name."))
    elif len(product.name) > Product._meta.get_field("name").max_length:
        add("name", _("The name is too long."))
    if product.unit not in Unit.values:
        add("unit", _("Choose a unit of measure."))
    for field in ("purchase_price", "selling_price"):
        value = getattr(product, field)
        if value < 0:
            add(field, _("The price cannot be negative."))
        elif not fits(value, MONEY_DIGITS, MONEY_DECIMALS):
            add(field, _("The price is too large or has more than two decimals."))
    if not (0 <= product.vat_rate <= 100) or not fits(product.vat_rate, 5, 2):
        add("vat_rate", _("The VAT rate is a percentage between 0 and 100, with at most two decimals."))

    for code in codes:
        if len(code) > BARCODE_MAX_LENGTH:
            add("barcodes", _("The barcode %(code)s is too long (at most 64 characters).") % {"code": code[:20] + "…"})
    taken = Barcode.objects.filter(code__in=codes).exclude(product_id=product.pk or 0).select_related("product")
    for barcode in taken:
        add(
            "barcodes",
            _("The barcode %(code)s already belongs to “%(product)s”.")
            % {"code": barcode.code, "product": barcode.product},
        )

    for warehouse, quantity in minimums.items():
        if quantity is None:
            continue
        if quantity < 0:
            add(f"min_{warehouse.pk}", _("The minimum stock cannot be negative."))
        elif not fits(quantity, QUANTITY_DIGITS, QUANTITY_DECIMALS):
            add(f"min_{warehouse.pk}", _("The quantity is too large or has more than three decimals."))
    if errors:
        raise ValidationError(errors)


def _save_barcodes(product: Product, codes: list[str]) -> None:
    product.barcodes.exclude(code__in=codes).delete()
    existing = set(product.barcodes.values_list("code", flat=True))
    new = [Barcode(product=product, code=code) for code in codes if code not in existing]
    try:
        with transaction.atomic():
            Barcode.objects.bulk_create(new)
    except IntegrityError as error:
        raise ValidationError({"barcodes": _("One of these barcodes was just given to another product.")}) from error


def _save_minimums(product: Product, minimums: Mapping) -> None:
    removed = [w.pk for w, quantity in minimums.items() if not quantity]
    kept = [
        MinimumStock(product=product, warehouse=w, quantity=quantity) for w, quantity in minimums.items() if quantity
    ]
    if removed:
        MinimumStock.objects.filter(product=product, warehouse_id__in=removed).delete()
    if kept:
        MinimumStock.objects.bulk_create(
            kept, update_conflicts=True, unique_fields=["product", "warehouse"], update_fields=["quantity"]
        )
