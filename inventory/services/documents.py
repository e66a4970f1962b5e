"""Stock documents: create, edit, process, cancel, delete.

Processing and cancelling are all-or-nothing and idempotent: the document row is locked and
its status re-read before anything else, so a double click, two tabs or two clerks process a
document once; the second caller gets `DocumentStateError`.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as Date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can, require
from crm.models import Company
from inventory.errors import DocumentStateError
from inventory.locks import BalanceKey, LockedBalance, lock_balances, lock_document
from inventory.models import (
    DocumentLine,
    DocumentSequence,
    DocumentStatus,
    DocumentType,
    InventorySettings,
    Product,
    StockDocument,
    Warehouse,
)
from inventory.models.documents import NUMBER_PREFIX
from inventory.models.quantities import MONEY_DECIMALS, MONEY_DIGITS, QUANTITY_DECIMALS, QUANTITY_DIGITS
from inventory.retry import run_with_retry
from inventory.services.stock import apply_movements, check_available


@dataclass(frozen=True)
class LineInput:
    product: Product
    quantity: Decimal
    price: Decimal = Decimal("0")


@dataclass(frozen=True)
class Header:
    """What a document's form sets besides its lines."""

    warehouse: Warehouse
    destination: Warehouse | None = None
    supplier: Company | None = None
    client: Company | None = None
    date: Date | None = None
    currency: str = ""
    comment: str = ""
    reason: str = ""
    responsible: object = None


def next_document_number(doc_type: str) -> str:
    """Issue the next number of a type, e.g. `RC-000124`. The sequence row stays locked until
    the creating transaction ends, so numbers are unique and, unless it rolls back, gapless."""
    table = DocumentSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (doc_type, last_number) VALUES (%s, 1) "
            f"ON CONFLICT (doc_type) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [doc_type],
        )
        (number,) = cursor.fetchone()
    return f"{NUMBER_PREFIX[doc_type]}-{number:06d}"


@transaction.atomic
def create_document(*, doc_type: str, by, header: Header, lines: Sequence[LineInput]) -> StockDocument:
    """Create a draft document with its lines."""
    document = StockDocument(doc_type=doc_type, created_by=by, currency=settings.DEFAULT_CURRENCY)
    _set_header(document, header, by=by)
    require(by, f"inventory.edit_{doc_type}", document)
    _validate(document, lines)
    document.number = next_document_number(doc_type)
    document.save()
    _add_lines(document, lines)
    return document


@transaction.atomic
def update_document(document: StockDocument, *, by, header: Header, lines: Sequence[LineInput]) -> StockDocument:
    """Replace a draft's or cancelled document's header and lines. A processed document is
    refused: cancel it first."""
    document = lock_document(document.pk)
    require(by, f"inventory.edit_{document.doc_type}", document)
    _ensure_editable(document)
    _set_header(document, header, by=by)
    require(by, f"inventory.edit_{document.doc_type}", document)  # the warehouses it moves to
    _validate(document, lines)
    document.save()
    document.lines.all().delete()
    _add_lines(document, lines)
    return document


def process_document(document: StockDocument, *, by) -> StockDocument:
    """Apply every line to the balances, or none of them: refused with `InsufficientStock`
    when an outgoing line asks for more than is available (unless negative stock is allowed
    for the type), with `DocumentStateError` when already processed or deleted."""
    return run_with_retry(lambda: _process(document.pk, by=by))


def cancel_document(document: StockDocument, *, by) -> StockDocument:
    """Write movements that reverse the document's net effect; refused when the stock it
    brought in has already left (the reversal would take more than is available)."""
    return run_with_retry(lambda: _cancel(document.pk, by=by))


@transaction.atomic
def delete_document(document: StockDocument, *, by) -> StockDocument:
    """Delete a draft or cancelled document. It keeps its number and stays in the ledger's
    history (movements point at it); lists no longer show it."""
    document = lock_document(document.pk)
    require(by, f"inventory.delete_{document.doc_type}", document)
    _ensure_editable(document)
    document.deleted_at = timezone.now()
    document.deleted_by = by
    document.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return document


@transaction.atomic
def _process(document_id: int, *, by) -> StockDocument:
    document = lock_document(document_id)
    require(by, f"inventory.process_{document.doc_type}", document)
    _ensure_editable(document)
    lines = list(document.lines.select_related("product"))
    if not lines:
        raise ValidationError({"lines": _("Add at least one line before processing.")})
    _validate(document, lines)
    balances = lock_balances(_balance_keys(document, lines))
    deltas = _deltas(document, lines, balances)
    _check_available_unless_negative_allowed(document, deltas, balances, by=by)
    apply_movements(document, deltas, balances)
    if document.doc_type == DocumentType.RECEIPT:
        _update_purchase_prices(lines)
    document.status = DocumentStatus.PROCESSED
    document.processed_at = timezone.now()
    document.processed_by = by
    document.save(update_fields=["status", "processed_at", "processed_by", "updated_at"])
    return document


@transaction.atomic
def _cancel(document_id: int, *, by) -> StockDocument:
    document = lock_document(document_id)
    require(by, f"inventory.cancel_{document.doc_type}", document)
    if not document.can_be_cancelled:
        raise DocumentStateError(
            _("Document %(number)s is not processed, so there is nothing to cancel.") % {"number": document.number}
        )
    net = document.moves.values_list("warehouse_id", "product_id").annotate(total=Sum("quantity"))
    deltas = {(w, p): -total for w, p, total in net if total}
    balances = lock_balances(deltas)
    _check_available_unless_negative_allowed(document, deltas, balances, by=by)
    apply_movements(document, deltas, balances, is_reversal=True)
    document.status = DocumentStatus.CANCELLED
    document.cancelled_at = timezone.now()
    document.cancelled_by = by
    document.save(update_fields=["status", "cancelled_at", "cancelled_by", "updated_at"])
    return document


def _check_available_unless_negative_allowed(document, deltas, balances, *, by) -> None:
    """Stock may go below what is available only where the settings allow negative stock for
    the document's type and the user holds "allow negative quantity" for it there."""
    if not any(delta < 0 for delta in deltas.values()):
        return
    negative_allowed = InventorySettings.load().allows_negative(document.doc_type) and can(
        by, f"inventory.allow_negative_{document.doc_type}", document
    )
    if not negative_allowed:
        check_available(deltas, balances)


def _ensure_editable(document: StockDocument) -> None:
    if document.deleted_at is not None:
        raise DocumentStateError(_("Document %(number)s has been deleted.") % {"number": document.number})
    if document.status == DocumentStatus.PROCESSED:
        raise DocumentStateError(
            _("Document %(number)s is already processed; cancel its processing first.") % {"number": document.number}
        )


def _set_header(document: StockDocument, header: Header, *, by) -> None:
    document.warehouse = header.warehouse
    document.destination = header.destination if document.doc_type == DocumentType.TRANSFER else None
    document.supplier = header.supplier if document.doc_type == DocumentType.RECEIPT else None
    document.client = header.client if document.doc_type == DocumentType.SALES_ORDER else None
    document.reason = header.reason if document.doc_type == DocumentType.WRITE_OFF else ""
    document.date = header.date or timezone.localdate()
    document.currency = (header.currency or document.currency or settings.DEFAULT_CURRENCY).upper()
    document.comment = header.comment
    if header.responsible is not None:
        document.responsible = header.responsible
    elif document.responsible_id is None:
        document.responsible = by


def _validate(document: StockDocument, lines: Sequence) -> None:
    """Raise a `ValidationError` keyed by field ("warehouse", "lines", …) for anything that
    would make the document wrong; drafts are held to the same rules as processing."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if document.warehouse_id is None or not document.warehouse.is_active:
        add("warehouse", _("Choose an active warehouse."))
    if document.doc_type == DocumentType.TRANSFER:
        if document.destination_id is None or not document.destination.is_active:
            add("destination", _("Choose an active destination warehouse."))
        elif document.destination_id == document.warehouse_id:
            add("destination", _("A transfer needs two different warehouses."))
    if document.doc_type == DocumentType.RECEIPT and (document.supplier is None or not document.supplier.is_supplier):
        add("supplier", _("Choose a supplier."))
    if document.doc_type == DocumentType.SALES_ORDER and document.client is None:
        add("client", _("Choose a client."))
    if len(document.currency) != 3 or not document.currency.isalpha():
        add("currency", _("Use a three-letter currency code, such as IDR."))

    for _product, count in Counter(line.product.pk for line in lines).items():
        if count > 1:
            add("lines", _("A product may appear only once; merge its lines."))
            break
    for line in lines:
        for message in _line_errors(document.doc_type, line):
            add("lines", f"{line.product}: {message}")
    if errors:
        raise ValidationError(errors)


def _line_errors(doc_type: str, line) -> list[str]:
    errors = []
    if not line.product.is_active:
        errors.append(_("the product is inactive."))
    quantity, price = line.quantity, line.price
    if doc_type == DocumentType.STOCK_COUNT:
        if quantity < 0:
            errors.append(_("the counted quantity cannot be negative."))
    elif quantity <= 0:
        errors.append(_("the quantity must be greater than zero."))
    if not _fits(quantity, QUANTITY_DIGITS, QUANTITY_DECIMALS):
        errors.append(_("the quantity is too large or has more than three decimals."))
    if price < 0:
        errors.append(_("the price cannot be negative."))
    if not _fits(price, MONEY_DIGITS, MONEY_DECIMALS):
        errors.append(_("the price is too large or has more than two decimals."))
    return errors


def _fits(value: Decimal, digits: int, decimals: int) -> bool:
    _, figures, exponent = Decimal(value).normalize().as_tuple()
    places = max(0, -exponent)
    whole_digits = max(0, len(figures) + exponent)
    return places <= decimals and whole_digits <= digits - decimals


def _add_lines(document: StockDocument, lines: Sequence[LineInput]) -> None:
    DocumentLine.objects.bulk_create(
        [DocumentLine(document=document, product=x.product, quantity=x.quantity, price=x.price) for x in lines]
    )


def _balance_keys(document: StockDocument, lines: Sequence[DocumentLine]) -> list[BalanceKey]:
    keys = [(document.warehouse_id, line.product_id) for line in lines]
    if document.destination_id:
        keys += [(document.destination_id, line.product_id) for line in lines]
    return keys


def _deltas(
    document: StockDocument, lines: Sequence[DocumentLine], balances: dict[BalanceKey, LockedBalance]
) -> dict[BalanceKey, Decimal]:
    """How much each balance changes when the document is processed."""
    deltas: dict[BalanceKey, Decimal] = {}
    for line in lines:
        here = (document.warehouse_id, line.product_id)
        match document.doc_type:
            case DocumentType.RECEIPT | DocumentType.ADJUSTMENT:
                deltas[here] = line.quantity
            case DocumentType.WRITE_OFF | DocumentType.SALES_ORDER:
                deltas[here] = -line.quantity
            case DocumentType.TRANSFER:
                deltas[here] = -line.quantity
                deltas[(document.destination_id, line.product_id)] = line.quantity
            case DocumentType.STOCK_COUNT:
                deltas[here] = line.quantity - balances[here].on_hand
    return deltas


def _update_purchase_prices(lines: Sequence[DocumentLine]) -> None:
    """A processed receipt's line prices become its products' purchase prices (lines left at
    zero price leave the product's price alone)."""
    products = []
    for line in lines:
        if line.price > 0:
            line.product.purchase_price = line.price
            products.append(line.product)
    Product.objects.bulk_update(products, ["purchase_price"])
