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
from functools import cache
from typing import Any, NamedTuple, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.catalogue import document_right, negative_right
from accounts.permissions import Actor, acting_user, can, require
from crm.models import Company, Deal
from inventory.arrays import number_array
from inventory.currencies import NOT_A_CURRENCY, is_currency
from inventory.errors import DocumentStateError
from inventory.formatting import format_quantity
from inventory.locks import (
    DOCUMENT_RELATIONS,
    BalanceKey,
    LockedBalance,
    concrete_field,
    instances_from_row,
    load_reserved,
    lock_balances,
    lock_document,
    lock_reservations,
    row_layout,
    select_columns,
)
from inventory.models import (
    DeliveryStatus,
    DocumentLine,
    DocumentSequence,
    DocumentStatus,
    DocumentType,
    InventorySettings,
    Product,
    Reservation,
    ReservationStatus,
    StockDocument,
    StockMove,
    Warehouse,
)
from inventory.models.documents import BACK_TYPES, LEFT_STATUSES, NUMBER_PREFIX, SHIPPING_TYPES, layout_key
from inventory.models.quantities import (
    MONEY_DECIMALS,
    MONEY_DIGITS,
    QUANTITY_DECIMALS,
    QUANTITY_DIGITS,
    fits,
    is_number,
)
from inventory.retry import run_with_retry
from inventory.selectors.returns import Returnable, returnable
from inventory.services.costing import check_currency, plan_cancellation, plan_processing
from inventory.services.delivery import mark_returned, record_event, unmark_returned
from inventory.services.stock import apply_movements, check_available, shortages
from inventory.validation import field_errors
from layouts.services import set_custom
from notifications.services.alerts import check_low_stock


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
    responsible: User | None = None
    deal: Deal | None = None  # a sales order made from a deal: it may take the deal's reservations
    # A return: the sales order whose goods come back; a transfer: the one whose goods it sends back.
    returned_from: StockDocument | None = None
    custom: dict | None = None  # custom field values (see `layouts`); None keeps the stored ones


def create_document(*, doc_type: str, by: Actor, header: Header, lines: Sequence[LineInput]) -> StockDocument:
    """Create a draft document with its lines.

    One statement writes everything (atomic by itself, so no transaction of its own; inside
    the caller's when there is one): it bumps the type's number sequence (locking its row
    until the transaction ends), inserts the document numbered
    from it and inserts the lines. Its SQL is built once per type from the models' fields,
    and the values are what `save()` and `bulk_create()` would write (field defaults,
    `auto_now_add`/`auto_now`), without compiling two ORM queries per document."""
    document = StockDocument(doc_type=doc_type, created_by=acting_user(by), currency=settings.DEFAULT_CURRENCY)
    _set_header(document, header, by=by)
    require(by, document_right("edit", doc_type), document)
    _validate(document, lines)
    sql, fields = _create_sql(doc_type)
    params: list[Any] = [doc_type]  # what the fields prepare for the database
    params += [field.get_db_prep_save(field.pre_save(document, True), connection) for field in fields]
    params += [
        number_array(line.product.pk for line in lines),
        number_array(line.quantity for line in lines),
        number_array(line.price for line in lines),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        document.pk, document.number = cursor.fetchone()
    document._state.adding = False
    document._state.db = connection.alias
    return document


@cache
def _create_sql(doc_type: str) -> tuple[str, tuple]:
    """The statement `create_document` runs for a type, and the document fields whose values
    it takes, in order (every concrete field but the primary key and the number)."""
    quote = connection.ops.quote_name
    meta, line, sequence = StockDocument._meta, DocumentLine._meta, DocumentSequence._meta
    seq_table = quote(sequence.db_table)
    fields = tuple(f for f in meta.concrete_fields if not f.primary_key and f.name != "number")
    columns = ", ".join(quote(f.column) for f in (*fields, meta.get_field("number")))
    values = ", ".join(["%s"] * len(fields))
    # `{n:06d}` in SQL: at least six digits, more once the numbers outgrow them.
    number = f"'{NUMBER_PREFIX[doc_type]}-' || lpad(n::text, greatest(6, length(n::text)), '0')"
    line_columns = ", ".join(
        quote(concrete_field(DocumentLine, name).column) for name in ("document", "product", "quantity", "price")
    )
    array_types = [concrete_field(DocumentLine, name).db_type(connection) for name in ("product", "quantity", "price")]
    sql = (
        f"WITH seq AS (INSERT INTO {seq_table} ({quote(sequence.get_field('doc_type').column)}, "
        f"{quote(sequence.get_field('last_number').column)}) VALUES (%s, 1) "
        f"ON CONFLICT ({quote(sequence.get_field('doc_type').column)}) DO UPDATE "
        f"SET last_number = {seq_table}.last_number + 1 RETURNING last_number AS n), "
        f"doc AS (INSERT INTO {quote(meta.db_table)} ({columns}) "
        f"VALUES ({values}, (SELECT {number} FROM seq)) "
        f"RETURNING {quote(meta.pk.column)} AS id, {quote(meta.get_field('number').column)} AS number), "
        f"added AS (INSERT INTO {quote(line.db_table)} ({line_columns}) "
        "SELECT doc.id, v.product, v.quantity, v.price FROM doc, "
        f"unnest(%s::{array_types[0]}[], %s::{array_types[1]}[], %s::{array_types[2]}[]) "
        "WITH ORDINALITY AS v(product, quantity, price, position) ORDER BY v.position) "
        "SELECT id, number FROM doc"
    )
    return sql, fields


@transaction.atomic
def update_document(document: StockDocument, *, by: Actor, header: Header, lines: Sequence[LineInput]) -> StockDocument:
    """Replace a draft's or cancelled document's header and lines. A processed document is
    refused: cancel it first."""
    document = lock_document(document.pk)
    require(by, document_right("edit", document.doc_type), document)
    _ensure_editable(document)
    _set_header(document, header, by=by)
    require(by, document_right("edit", document.doc_type), document)  # the warehouses it moves to
    _validate(document, lines)
    document.save()
    document.lines.all().delete()
    _add_lines(document, lines)
    return document


def process_document(document: StockDocument, *, by: Actor, won_deal=None) -> StockDocument:
    """Apply every line to the balances, or none of them: refused with `InsufficientStock`
    when an outgoing line asks for more than is available (unless negative stock is allowed
    for the type), with `DocumentStateError` when already processed or deleted.

    `won_deal`: the CRM is shipping the sales order of this won deal. Winning a deal needs
    "Clients and deals" (checked by the CRM) and ships its order without "process sales
    orders" itself, as store staff win deals; the order must belong to that deal."""
    related = _RELATIONS_READ.get(document.doc_type, ("warehouse",))
    return run_with_retry(lambda: _process(document.pk, by=by, related=related, won_deal=won_deal))


def cancel_document(document: StockDocument, *, by: Actor) -> StockDocument:
    """Write movements that reverse the document's net effect; refused when the stock it
    brought in has already left (the reversal would take more than is available)."""
    related = _RELATIONS_READ.get(document.doc_type, ("warehouse",))
    return run_with_retry(lambda: _cancel(document.pk, by=by, related=related))


@transaction.atomic
def delete_document(document: StockDocument, *, by: Actor) -> StockDocument:
    """Delete a draft or cancelled document. It keeps its number and stays in the ledger's
    history (movements point at it); lists no longer show it."""
    document = lock_document(document.pk)
    require(by, document_right("delete", document.doc_type), document)
    _ensure_editable(document)
    document.deleted_at = timezone.now()
    document.deleted_by = acting_user(by)
    document.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return document


# The relations that processing a document of a type reads (its validation and the
# permission check): only these are fetched with the locked document. Others are empty for
# the type, or loaded on access if not (the type is the caller's copy's: it never changes).
_RELATIONS_READ: dict[str, tuple[str, ...]] = {
    DocumentType.TRANSFER: ("warehouse", "destination"),
    DocumentType.RECEIPT: ("warehouse", "supplier"),
    DocumentType.SALES_ORDER: ("warehouse", "client"),
    DocumentType.RETURN: ("warehouse", "client"),
}


@transaction.atomic
def _process(
    document_id: int, *, by: Actor, related: tuple[str, ...] = DOCUMENT_RELATIONS, won_deal=None
) -> StockDocument:
    document = lock_document(document_id, related=related)
    if won_deal is None or document.deal_id != won_deal.pk:
        require(by, document_right("process", document.doc_type), document)
    _ensure_editable(document)
    lines = _read_lines(document)
    if not lines:
        raise ValidationError({"lines": _("Add at least one line before processing.")})
    order, returned = None, None
    if document.returned_from_id is not None:  # its order, locked: two returns take turns
        order = document.returned_from = lock_document(document.returned_from_id, related=("warehouse",))
        returned = returnable(order)
    _validate(document, lines, returned=returned)
    check_currency(document, lines)
    balances = lock_balances(_balance_keys(document, lines))
    deltas = _deltas(document, lines, balances)
    _check_available_unless_negative_allowed(document, deltas, balances, by=by)
    posting = plan_processing(document, lines, deltas, balances, returnable=returned)
    apply_movements(document, deltas, balances, posting=posting)
    if order is not None:
        mark_returned(order, by=by, return_document=document)
    if document.deal_id is not None:  # a deal's sales order ships what the deal reserved
        taken = [reservation.pk for reservation in lock_reservations(Q(deal_id=document.deal_id))]
        Reservation.objects.filter(pk__in=taken).update(status=ReservationStatus.CONSUMED, ended_at=timezone.now())
    check_low_stock(deltas)  # after the reservations it consumed: what is available now
    if document.doc_type == DocumentType.RECEIPT:
        _update_purchase_prices(lines)
    delivery = None
    if document.doc_type in SHIPPING_TYPES:  # its goods wait to be picked
        delivery, before = DeliveryStatus.TO_PICK, document.delivery_status
        if before not in ("", DeliveryStatus.TO_PICK):  # processed again after a cancellation
            record_event(document, before, delivery, by=by, details=_("processed again"))
    _set_status(
        document, DocumentStatus.PROCESSED, at="processed_at", by_field="processed_by", by=by, delivery=delivery
    )
    return document


@transaction.atomic
def _cancel(document_id: int, *, by: Actor, related: tuple[str, ...] = DOCUMENT_RELATIONS) -> StockDocument:
    document = lock_document(document_id, related=related)
    require(by, document_right("cancel", document.doc_type), document)
    if not document.can_be_cancelled:
        if document.status == DocumentStatus.PROCESSED and document.delivery_status in LEFT_STATUSES:
            raise DocumentStateError(_shipped_refusal(document))
        raise DocumentStateError(
            _("Document %(number)s is not processed, so there is nothing to cancel.") % {"number": document.number}
        )
    order = None
    if document.returned_from_id is not None:
        order = lock_document(document.returned_from_id, related=("warehouse",))
    deltas = {(w, p): -total for w, p, total in _net_movements(document) if total}
    balances = lock_balances(deltas)
    _check_available_unless_negative_allowed(document, deltas, balances, by=by)
    posting = plan_cancellation(document, balances, by=by)
    apply_movements(document, deltas, balances, is_reversal=True, posting=posting)
    check_low_stock(deltas)
    if order is not None:
        unmark_returned(order, by=by, return_document=document)
    _set_status(document, DocumentStatus.CANCELLED, at="cancelled_at", by_field="cancelled_by", by=by)
    return document


class _Line(NamedTuple):
    """A line as processing reads it: what `_validate`, `_deltas` and the purchase prices
    need of a `DocumentLine`, without building one."""

    product: Product
    quantity: Decimal
    price: Decimal

    @property
    def product_id(self) -> int:
        return self.product.pk


def _read_lines(document: StockDocument) -> list[_Line]:
    """The document's lines with their products, in line order, in one plain query (its SQL
    built once): the ORM's select_related query cost more to compile than to run."""
    sql, layout = _lines_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [document.pk])
        rows = cursor.fetchall()
    # The product part of a row is never NULL: the lines are joined to their products.
    return [_Line(cast(Product, instances_from_row(row, layout)[0]), row[-2], row[-1]) for row in rows]


@cache
def _lines_sql():
    quote = connection.ops.quote_name
    line, product = DocumentLine._meta, Product._meta
    product_id, document_id, quantity, price = (
        quote(concrete_field(DocumentLine, name).column) for name in ("product", "document", "quantity", "price")
    )
    sql = (
        f"SELECT {select_columns(Product, 'p')}, l.{quantity}, l.{price} "
        f"FROM {quote(line.db_table)} l "
        f"JOIN {quote(product.db_table)} p ON p.{quote(product.pk.column)} = l.{product_id} "
        f"WHERE l.{document_id} = %s ORDER BY l.{quote(line.pk.column)}"
    )
    return sql, row_layout(Product)


def _net_movements(document: StockDocument) -> list[tuple[int, int, Decimal]]:
    """(warehouse_id, product_id, sum of quantities) of the document's movements."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT warehouse_id, product_id, SUM(quantity) FROM {StockMove._meta.db_table} "
            "WHERE document_id = %s GROUP BY warehouse_id, product_id",
            [document.pk],
        )
        return cursor.fetchall()


def _set_status(
    document: StockDocument, status: str, *, at: str, by_field: str, by: Actor, delivery: str | None = None
) -> None:
    """Save the document's new status, when and by whom (and its new `delivery` status, if
    given), with one UPDATE (what `save(update_fields=[…])` writes, `updated_at` included,
    without compiling it each time)."""
    now = timezone.now()
    document.status = status
    setattr(document, at, now)
    setattr(document, by_field, by)
    document.updated_at = now
    names: list[str] = ["status", at, by_field, "updated_at"]
    values: list[Any] = [status, now, by.pk, now]
    if delivery is not None:
        document.delivery_status = delivery
        names.append("delivery_status")
        values.append(delivery)
    meta, quote = StockDocument._meta, connection.ops.quote_name
    columns = [concrete_field(StockDocument, name).column for name in names]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(c)} = %s' for c in columns)} "
            f"WHERE {quote(meta.pk.column)} = %s",
            [*values, document.pk],
        )


def _shipped_refusal(document: StockDocument) -> str:
    """Why a document whose goods have left is not cancelled, and what to do instead."""
    names = {"number": document.number, "status": document.get_delivery_status_display()}
    if document.doc_type == DocumentType.SALES_ORDER:
        return (
            _("%(number)s cannot be cancelled: its goods have left (“%(status)s”). Bring them back with a return.")
            % names
        )
    return (
        _("%(number)s cannot be cancelled: its goods have left (“%(status)s”). Move them back with a new transfer.")
        % names
    )


def _check_available_unless_negative_allowed(document, deltas, balances, *, by: Actor) -> None:
    """Stock may go below what is available only where the settings allow negative stock for
    the document's type and the user holds "allow negative quantity" for it there.

    The right and the setting are asked only when some balance would go below what is
    available (they cannot change the outcome otherwise), the right first: it is answered
    from the user's permission cache, and a user without it spares the settings query.
    Reservations count only where stock goes out; a deal's own sales order may take the
    deal's reservations."""
    load_reserved(balances, [key for key, delta in deltas.items() if delta < 0], sparing_deal_id=document.deal_id)
    if not shortages(deltas, balances):
        return
    doc_type = document.doc_type
    negative_allowed = (
        InventorySettings.has_negative_setting(doc_type)
        and can(by, negative_right(doc_type), document)
        and InventorySettings.negative_stock_allowed(doc_type)
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


def _set_header(document: StockDocument, header: Header, *, by: Actor) -> None:
    document.warehouse = header.warehouse
    document.destination = header.destination if document.doc_type == DocumentType.TRANSFER else None
    document.supplier = header.supplier if document.doc_type == DocumentType.RECEIPT else None
    document.client = header.client if document.doc_type == DocumentType.SALES_ORDER else None
    if document.doc_type not in BACK_TYPES:
        document.returned_from = None
    elif header.returned_from is not None:  # as it is now, not as the caller last saw it
        document.returned_from = StockDocument.objects.select_related("warehouse", "destination", "client").get(
            pk=header.returned_from.pk
        )
    order = document.returned_from if document.doc_type == DocumentType.RETURN else None
    if order is not None:  # a return brings the goods back where they left from, from its client
        document.warehouse, document.client, document.currency = order.warehouse, order.client, order.currency
    sent = document.returned_from if document.doc_type == DocumentType.TRANSFER else None
    if sent is not None and sent.doc_type == DocumentType.TRANSFER:  # the other way, to where they left from
        document.warehouse, document.destination = cast(Warehouse, sent.destination), sent.warehouse
    document.reason = header.reason if document.doc_type == DocumentType.WRITE_OFF else ""
    document.date = header.date or timezone.localdate()
    if order is None:
        document.currency = (header.currency or document.currency or settings.DEFAULT_CURRENCY).upper()
    document.comment = header.comment
    if document.doc_type != DocumentType.SALES_ORDER:
        document.deal = None
    elif header.deal is not None:  # the document forms never unlink an order from its deal
        document.deal = header.deal
    if header.responsible is not None:
        document.responsible = header.responsible
    elif document.responsible_id is None:
        document.responsible = acting_user(by)
    set_custom(document, header.custom, form=layout_key(document.doc_type))


def _validate(document: StockDocument, lines: Sequence, *, returned: dict[int, Returnable] | None = None) -> None:
    """Raise a `ValidationError` keyed by field ("warehouse", "lines", …) for anything that
    would make the document wrong; drafts are held to the same rules as processing. A
    return's lines are checked against what its order shipped and got back (`returned`, read
    here when not given)."""
    errors = field_errors(document, exclude=_NOT_TYPED)

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if document.warehouse_id is None or not document.warehouse.is_active:
        add("warehouse", _("Choose an active warehouse."))
    if document.doc_type == DocumentType.TRANSFER:
        if document.destination is None or not document.destination.is_active:
            add("destination", _("Choose an active destination warehouse."))
        elif document.destination_id == document.warehouse_id:
            add("destination", _("A transfer needs two different warehouses."))
    if document.doc_type == DocumentType.RECEIPT and (document.supplier is None or not document.supplier.is_supplier):
        add("supplier", _("Choose a supplier."))
    if document.doc_type == DocumentType.SALES_ORDER and document.client is None:
        add("client", _("Choose a client."))
    if not is_currency(document.currency):
        add("currency", str(NOT_A_CURRENCY))

    for _product, count in Counter(line.product.pk for line in lines).items():
        if count > 1:
            add("lines", _("A product may appear only once; merge its lines."))
            break
    for line in lines:
        for message in _line_errors(document.doc_type, line):
            add("lines", f"{line.product}: {message}")
    if document.doc_type == DocumentType.RETURN or document.returned_from is not None:
        for field, message in _return_errors(document, lines, returned):
            add(field, message)
    if errors:
        raise ValidationError(errors)


def _return_errors(document: StockDocument, lines: Sequence, returned: dict[int, Returnable] | None):
    """(field, message) of what is wrong with a return (or a transfer sending goods back): an
    order that is not a shipped sales order (transfer), products it did not ship, more back than
    it shipped less what came back already."""
    order = document.returned_from
    if document.doc_type == DocumentType.TRANSFER:
        field, kind = "sent_back", DocumentType.TRANSFER
        choose = _("Choose the shipped transfer whose goods go back.")
    else:
        field, kind = "order", DocumentType.SALES_ORDER
        choose = _("Choose the shipped sales order whose goods come back.")
    if order is None or order.doc_type != kind:
        yield field, choose
        return
    names = {"number": order.number, "status": order.get_delivery_status_display()}
    if order.status != DocumentStatus.PROCESSED or order.deleted_at is not None:
        yield field, _("%(number)s is not processed: nothing left with it to come back.") % names
        return
    if not order.can_be_returned:
        yield field, _("%(number)s is “%(status)s”: only goods that have been shipped come back.") % names
        return
    returned = returnable(order) if returned is None else returned
    for line in lines:
        figures = returned.get(line.product.pk)
        quantity = line.quantity
        unit = line.product.unit
        if figures is None or figures.shipped <= 0:
            yield "lines", _("%(product)s: it did not leave with %(number)s.") % {"product": line.product, **names}
        elif is_number(quantity) and quantity > figures.left:
            yield (
                "lines",
                _(
                    "%(product)s: %(asked)s asked back, but only %(left)s of the %(shipped)s shipped with "
                    "%(number)s have not come back yet."
                )
                % {
                    "product": line.product,
                    "asked": format_quantity(quantity, unit),
                    "left": format_quantity(max(figures.left, Decimal(0)), unit),
                    "shipped": format_quantity(figures.shipped, unit),
                    **names,
                },
            )


# The header fields a person types, checked as the model checks them (length, NUL characters,
# custom values); the others are chosen from lists or checked in `_validate`.
_NOT_TYPED = tuple(f.name for f in StockDocument._meta.fields if f.name not in ("comment", "reason", "custom"))


def _line_errors(doc_type: str, line) -> list[str]:
    errors = []
    if not line.product.is_active:
        errors.append(_("the product is inactive."))
    quantity, price = line.quantity, line.price
    if not is_number(quantity):
        errors.append(_("the quantity is not a number."))
    else:
        if doc_type == DocumentType.STOCK_COUNT:
            if quantity < 0:
                errors.append(_("the counted quantity cannot be negative."))
        elif quantity <= 0:
            errors.append(_("the quantity must be greater than zero."))
        if not fits(quantity, QUANTITY_DIGITS, QUANTITY_DECIMALS):
            errors.append(_("the quantity is too large or has more than three decimals."))
    if not is_number(price):
        errors.append(_("the price is not a number."))
    else:
        if price < 0:
            errors.append(_("the price cannot be negative."))
        if not fits(price, MONEY_DIGITS, MONEY_DECIMALS):
            errors.append(_("the price is too large or has more than two decimals."))
    return errors


def _add_lines(document: StockDocument, lines: Sequence[LineInput]) -> None:
    DocumentLine.objects.bulk_create(
        [DocumentLine(document=document, product=x.product, quantity=x.quantity, price=x.price) for x in lines]
    )


def _balance_keys(document: StockDocument, lines: Sequence[_Line]) -> list[BalanceKey]:
    keys = [(document.warehouse_id, line.product_id) for line in lines]
    if document.destination_id:
        keys += [(document.destination_id, line.product_id) for line in lines]
    return keys


def _deltas(
    document: StockDocument, lines: Sequence[_Line], balances: dict[BalanceKey, LockedBalance]
) -> dict[BalanceKey, Decimal]:
    """How much each balance changes when the document is processed."""
    deltas: dict[BalanceKey, Decimal] = {}
    for line in lines:
        here = (document.warehouse_id, line.product_id)
        match document.doc_type:
            case DocumentType.RECEIPT | DocumentType.ADJUSTMENT | DocumentType.RETURN:
                deltas[here] = line.quantity
            case DocumentType.WRITE_OFF | DocumentType.SALES_ORDER:
                deltas[here] = -line.quantity
            case DocumentType.TRANSFER:
                deltas[here] = -line.quantity
                # A transfer has a destination: `_validate` refuses one without.
                deltas[(cast(int, document.destination_id), line.product_id)] = line.quantity
            case DocumentType.STOCK_COUNT:
                deltas[here] = line.quantity - balances[here].on_hand
    return deltas


def _update_purchase_prices(lines: Sequence[_Line]) -> None:
    """A processed receipt's line prices become its products' purchase prices (lines left at
    zero price leave the product's price alone), in one UPDATE."""
    priced = [line for line in lines if line.price > 0]
    for line in priced:
        line.product.purchase_price = line.price
    if priced:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Product._meta.db_table} AS p SET purchase_price = v.price "
                "FROM unnest(%s::bigint[], %s::numeric[]) AS v(id, price) WHERE p.id = v.id",
                [[line.product_id for line in priced], [line.price for line in priced]],
            )
