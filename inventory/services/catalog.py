"""The product catalog: create and edit products with their barcodes and minimum stock levels.

A product, its barcodes and its minimum levels are saved in one transaction. SKUs and barcodes
are unique ignoring case (CASE-1 and case-1 are one SKU); the database constraints stay the
last line of defence, and a concurrent duplicate that slips past the checks is reported the
same way as one found by them.
"""

import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.catalogue import (
    ADD_PRODUCT,
    CHANGE_PRODUCT,
    CHANGE_SELLING_PRICE,
    VIEW_PRODUCT,
    VIEW_PURCHASE_PRICE,
    VIEW_WAREHOUSE,
)
from accounts.permissions import Actor, can, require
from inventory.models import Barcode, Category, MinimumStock, Product, Warehouse
from inventory.models.catalog import Unit
from inventory.validation import field_errors
from layouts.services import set_custom
from notifications.services.alerts import check_low_stock


@dataclass(frozen=True)
class ProductInput:
    """What a product form sets. `barcodes` are all of the product's codes (they replace the
    stored ones); `minimums` sets the level of each warehouse it names (zero or None removes
    it) and leaves other warehouses alone; a price left None is not set (kept, or zero for a
    new product); `custom` None keeps the stored custom values."""

    sku: str
    name: str
    unit: str = Unit.PIECE
    category: Category | None = None
    purchase_price: Decimal | None = None
    selling_price: Decimal | None = None
    vat_rate: Decimal = Decimal("0")
    is_active: bool = True
    barcodes: Sequence[str] = ()
    minimums: Mapping[Warehouse, Decimal | None] = field(default_factory=dict)
    custom: dict | None = None


@transaction.atomic
def create_product(*, by: Actor, data: ProductInput) -> Product:
    """Create a product with its barcodes and minimum stock per warehouse. Needs "Create
    products"; a purchase price needs "View purchase price", a selling price "Change selling
    price", a minimum level the warehouse."""
    require(by, ADD_PRODUCT)
    _check_rights(by, data)
    return _save(Product(), data, by=by)


@transaction.atomic
def update_product(product: Product, *, by: Actor, data: ProductInput) -> Product:
    """Change a product (needs "Edit products"; prices and minimum levels as for `create_product`)."""
    require(by, CHANGE_PRODUCT)
    _check_rights(by, data)
    return _save(Product.objects.select_for_update().get(pk=product.pk), data, by=by)


def parse_barcodes(text: str) -> list[str]:
    """Split what a user typed (commas, spaces or one code a line) into distinct codes, in order."""
    codes = text.replace(",", "\n").replace(";", "\n").split()
    return list(dict.fromkeys(code.strip() for code in codes if code.strip()))


def _save(product: Product, data: ProductInput, *, by: Actor) -> Product:
    product.sku = (data.sku or "").strip()
    product.name = (data.name or "").strip()
    product.unit = data.unit or Unit.PIECE
    product.category = data.category
    if data.purchase_price is not None:
        product.purchase_price = data.purchase_price
    if data.selling_price is not None:
        product.selling_price = data.selling_price
    product.vat_rate = data.vat_rate if data.vat_rate is not None else Decimal("0")
    product.is_active = bool(data.is_active)
    set_custom(product, data.custom, form="product")
    codes = _distinct_codes(data.barcodes)
    _validate(product, codes, data.minimums, by=by)
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError as error:
        raise ValidationError(
            {"sku": _("The SKU %(sku)s is already used by another product.") % {"sku": product.sku}}
        ) from error
    _save_barcodes(product, codes)
    _save_minimums(product, data.minimums)
    return product


def _check_rights(by: Actor, data: ProductInput) -> None:
    if data.purchase_price is not None:
        require(by, VIEW_PURCHASE_PRICE)
    if data.selling_price is not None:
        require(by, CHANGE_SELLING_PRICE)
    for warehouse in data.minimums:
        require(by, VIEW_WAREHOUSE, warehouse)


def _validate(product: Product, codes: list[str], minimums: Mapping, *, by: Actor) -> None:
    errors = field_errors(
        product,
        exclude=["category"],  # chosen from the categories that exist
        messages={
            ("sku", "blank"): _("Enter the SKU."),
            ("name", "blank"): _("Enter the product's name."),
            ("unit", "blank"): _("Choose a unit of measure."),
            ("unit", "invalid_choice"): _("Choose a unit of measure."),
        },
    )

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    names_products = can(by, VIEW_PRODUCT)  # a message never names what the user may not see
    if "sku" not in errors:
        other = Product.objects.filter(sku__iexact=product.sku).exclude(pk=product.pk or 0).first()
        if other is not None:
            message = (
                _("The SKU %(sku)s is already used by “%(product)s”.")
                if names_products
                else _("The SKU %(sku)s is already used by another product.")
            )
            add("sku", message % {"sku": product.sku, "product": other.name})
    for name in ("purchase_price", "selling_price"):
        if name not in errors and getattr(product, name) < 0:
            add(name, _("The price cannot be negative."))
    if "vat_rate" not in errors and not 0 <= product.vat_rate <= 100:
        add("vat_rate", _("The VAT rate is a percentage between 0 and 100, with at most two decimals."))

    storable = {}
    for code in codes:
        problems = field_errors(Barcode(code=code), exclude=["product"]).get("code", [])
        for message in problems:
            add("barcodes", f"{code[:20]}: {message}")
        if not problems:
            storable[code.upper()] = code
    taken: Iterable[Barcode] = []
    if storable:  # unique ignoring case, as the database's index is
        same = reduce(operator.or_, (Q(code__iexact=code) for code in storable.values()))
        taken = Barcode.objects.filter(same).exclude(product_id=product.pk or 0).select_related("product")
    for barcode in taken:
        message = (
            _("The barcode %(code)s already belongs to “%(product)s”.")
            if names_products
            else _("The barcode %(code)s already belongs to another product.")
        )
        code = storable.get(barcode.code.upper(), barcode.code)
        add("barcodes", message % {"code": code, "product": barcode.product})

    for warehouse, quantity in minimums.items():
        if quantity is None:
            continue
        level = MinimumStock(warehouse=warehouse, quantity=quantity)
        problems = field_errors(level, exclude=["product", "warehouse"]).get("quantity", [])
        for message in problems:
            add(f"min_{warehouse.pk}", message)
        if not problems and quantity < 0:
            add(f"min_{warehouse.pk}", _("The minimum stock cannot be negative."))
    if errors:
        raise ValidationError(errors)


def _distinct_codes(barcodes) -> list[str]:
    """The codes typed, stripped, each once ignoring case (the first spelling kept), in order."""
    distinct: dict[str, str] = {}
    for code in barcodes:
        if code and code.strip():
            distinct.setdefault(code.strip().upper(), code.strip())
    return list(distinct.values())


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
    check_low_stock((w.pk, product.pk) for w in minimums)
