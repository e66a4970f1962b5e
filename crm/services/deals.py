"""Deals: create and change them, their product rows (which reserve stock), and their stages.

Won and Lost are atomic. Won turns the rows into sales orders (one per warehouse), processes
them, and so consumes the deal's reservations; if any product is short, nothing changes and the
deal stays where it was. Lost releases every reservation. A won or lost deal cannot change.
Every change locks the deal first (`inventory.locks` has the order) and runs under the bounded
retry (`inventory.retry`).
"""

from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.catalogue import CHANGE_DEAL_PRICES, RESERVE_IN_DEALS, RESERVE_IN_WAREHOUSE, USE_CRM
from accounts.permissions import Actor, acting_user, can, require
from crm.models import Company, Contact, Deal, DealRow, Pipeline, Stage, StageKind
from inventory.currencies import NOT_A_CURRENCY, is_currency
from inventory.models import DocumentType, InventorySettings, Product, ReservationStatus, StockDocument, Warehouse
from inventory.models.documents import layout_key
from inventory.models.quantities import (
    MONEY_DECIMALS,
    MONEY_DIGITS,
    QUANTITY_DECIMALS,
    QUANTITY_DIGITS,
    fits,
    is_number,
)
from inventory.models.settings import ReservationMode
from inventory.retry import retried, run_with_retry
from inventory.services.documents import Header, LineInput, create_document, process_document
from inventory.services.reservations import (
    lock_open_deal,
    lock_open_row,
    release_deal,
    release_row,
    reserve_available,
    row_warehouse,
    sync_row_reservation,
)
from inventory.validation import field_errors
from layouts import types as custom_types
from layouts.builder import load_layout
from layouts.services import set_custom


@dataclass
class DealInput:
    title: str
    company: Company | None = None
    contact: Contact | None = None
    responsible: User | None = None
    currency: str = ""
    comment: str = ""
    custom: dict | None = None  # custom field values (see `layouts`); None keeps the stored ones


@dataclass
class RowInput:
    product: Product
    quantity: Decimal
    price: Decimal | None = None  # None: the product's selling price
    discount: Decimal | None = Decimal(0)  # None: none given (zero)
    warehouse: Warehouse | None = None


@transaction.atomic
def create_deal(*, by: Actor, data: DealInput, pipeline: Pipeline | None = None) -> Deal:
    """Open a deal in the first stage of `pipeline` (default: the default pipeline)."""
    require(by, USE_CRM)
    pipeline = pipeline or Pipeline.objects.filter(is_default=True).first()
    if pipeline is None:
        raise ValidationError(_("There is no sales pipeline yet; an administrator creates one."))
    stage = pipeline.stages.filter(kind=StageKind.OPEN).order_by("sort", "id").first()
    if stage is None:
        raise ValidationError(_("The pipeline “%(name)s” has no open stage.") % {"name": pipeline})
    deal = Deal(pipeline=pipeline, stage=stage, created_by=acting_user(by))
    _set(deal, data, by=by)
    deal.save()
    return deal


@retried
def update_deal(deal: Deal, *, by: Actor, data: DealInput) -> Deal:
    """Change a deal's title, client, responsible employee, currency or comment."""
    require(by, USE_CRM)
    current = lock_open_deal(deal.pk)
    _set(current, data, by=by)
    current.save()
    return current


@retried
def add_row(deal: Deal, *, by: Actor, row: RowInput) -> DealRow:
    """Add a product row; in the "on adding" reservation mode it reserves what is available
    (if the user may reserve there)."""
    require(by, USE_CRM)
    current = lock_open_deal(deal.pk)
    saved = DealRow(deal=current)
    _set_row(saved, row, by=by, is_new=True)
    saved.save()
    if _auto_reserve(by, saved):
        reserve_available(saved, by=by)
    return saved


@retried
def update_row(row: DealRow, *, by: Actor, data: RowInput) -> DealRow:
    """Change a row; its reservation shrinks to a smaller quantity and is released when the
    row moves to another warehouse (then reserved again in the "on adding" mode)."""
    require(by, USE_CRM)
    current = lock_open_row(row)
    _set_row(current, data, by=by, is_new=False)
    current.save()
    if current.reservations.filter(status=ReservationStatus.ACTIVE).exists() or _auto_reserve(by, current):
        sync_row_reservation(current, by=by)
    return current


@retried
def delete_row(row: DealRow, *, by: Actor) -> None:
    """Remove a row, releasing its reservation."""
    require(by, USE_CRM)
    current = lock_open_row(row)
    release_row(current, by=by)
    current.delete()


@retried
def move_deal(deal: Deal, *, by: Actor, stage: Stage) -> Deal:
    """Move an open deal to another open stage of its pipeline. Won and Lost have their own
    services (`win_deal`, `lose_deal`): a stage of those kinds is handed to them."""
    require(by, USE_CRM)
    if stage.pipeline_id != deal.pipeline_id:
        raise ValidationError(_("That stage belongs to another pipeline."))
    if stage.kind == StageKind.WON:
        return win_deal(deal, by=by)
    if stage.kind == StageKind.LOST:
        return lose_deal(deal, by=by)
    current = lock_open_deal(deal.pk)
    current.stage = stage
    current.save(update_fields=["stage", "updated_at"])
    return current


def win_deal(deal: Deal, *, by: Actor) -> Deal:
    """Close the deal as won. With "sell unshipped products when won" (the default) its rows
    become sales orders, one per warehouse, processed at once; the deal's own reservations
    are theirs to take. Short stock raises `InsufficientStock` and nothing changes."""
    return run_with_retry(lambda: _win(deal.pk, by=by))


@transaction.atomic
def _win(deal_id: int, *, by: Actor) -> Deal:
    require(by, USE_CRM)
    deal = lock_open_deal(deal_id)
    rows = list(deal.rows.select_related("product", "warehouse").order_by("id"))
    if rows and InventorySettings.load().sell_unshipped_on_won:
        client = deal.client
        if client is None:
            raise ValidationError(_("Choose the deal's company (or a contact with a company) before it is won."))
        custom = _order_custom(deal)
        by_warehouse: dict[Warehouse, list[DealRow]] = defaultdict(list)
        for row in rows:
            by_warehouse[row_warehouse(row)].append(row)
        for warehouse, warehouse_rows in sorted(by_warehouse.items(), key=lambda item: item[0].pk):
            order = create_document(
                doc_type=DocumentType.SALES_ORDER,
                by=by,
                header=Header(
                    warehouse=warehouse,
                    client=client,
                    currency=deal.currency,
                    comment=_("Deal: %(title)s") % {"title": deal.title},
                    deal=deal,
                    custom=custom,
                ),
                lines=_order_lines(warehouse_rows),
            )
            process_document(order, by=by, won_deal=deal)
    _close(deal, StageKind.WON)
    return deal


def _order_custom(deal: Deal) -> dict:
    """The custom values of a won deal's sales orders: the deal's values of the fields the
    sales-order form shows, by the same key, where they fit. A required one left without a
    value stops the win (the orders would lack it), naming it: fill it in on the deal, or an
    administrator makes it optional."""
    stored, values, missing = deal.custom or {}, {}, []
    for entry in load_layout(layout_key(DocumentType.SALES_ORDER)).visible_custom():
        value, field = stored.get(entry.key), entry.custom
        if value not in (None, "") and custom_types.fits(value, field.field_type, field.choices):
            values[entry.key] = value
        elif field.required:
            missing.append(f"“{entry.label}” ({entry.key})")
    if missing:
        raise ValidationError(
            ngettext(
                "“%(title)s” is not won: its sales orders need %(fields)s. Fill it in on the deal (a deal "
                "field with the same key), or ask an administrator to make it optional on sales orders.",
                "“%(title)s” is not won: its sales orders need %(fields)s. Fill them in on the deal (deal "
                "fields with the same keys), or ask an administrator to make them optional on sales orders.",
                len(missing),
            )
            % {"title": deal.title, "fields": ", ".join(missing)}
        )
    return values


@retried
def lose_deal(deal: Deal, *, by: Actor) -> Deal:
    """Close the deal as lost, releasing every reservation it holds."""
    require(by, USE_CRM)
    current = lock_open_deal(deal.pk)
    release_deal(current)
    _close(current, StageKind.LOST)
    return current


def deal_sales_orders(deal: Deal):
    return StockDocument.objects.filter(deal=deal, deleted_at__isnull=True).order_by("id")


# --- helpers --------------------------------------------------------------------------------


def _close(deal: Deal, kind: str) -> None:
    deal.stage = deal.pipeline.stages.get(kind=kind)
    deal.closed_at = timezone.now()
    deal.save(update_fields=["stage", "closed_at", "updated_at"])


def _auto_reserve(by: Actor, row: DealRow) -> bool:
    return (
        InventorySettings.load().reservation_mode == ReservationMode.ON_ADD
        and can(by, RESERVE_IN_DEALS)
        and can(by, RESERVE_IN_WAREHOUSE, row_warehouse(row))
    )


def _order_lines(rows: list[DealRow]) -> list[LineInput]:
    merged: dict[int, LineInput] = {}
    for row in rows:
        line = merged.get(row.product_id)
        if line is None:
            merged[row.product_id] = LineInput(product=row.product, quantity=row.quantity, price=row.net_price)
        else:  # a line is frozen: the merged one replaces it
            merged[row.product_id] = replace(line, quantity=line.quantity + row.quantity)
    return list(merged.values())


def _set(deal: Deal, data: DealInput, *, by: Actor) -> None:
    deal.title = (data.title or "").strip()
    deal.company, deal.contact = data.company, data.contact
    deal.responsible = data.responsible or getattr(deal, "responsible", None) or acting_user(by)
    deal.currency = (data.currency or deal.currency or settings.DEFAULT_CURRENCY).strip().upper()
    deal.comment = (data.comment or "").strip()
    set_custom(deal, data.custom, form="deal")
    # Title, comment and custom values as the model checks them (length, NUL characters).
    errors = field_errors(deal, exclude=_DEAL_CHOSEN, messages={("title", "blank"): _("Enter the deal's title.")})
    if not is_currency(deal.currency):
        errors.setdefault("currency", []).append(str(NOT_A_CURRENCY))
    if deal.company is None and deal.contact is None:
        errors.setdefault("company", []).append(_("Choose the client: a company, a contact or both."))
    if deal.company and deal.contact and deal.contact.company_id not in (None, deal.company.pk):
        errors.setdefault("contact", []).append(_("This contact works for another company."))
    if not deal.responsible.is_active:
        errors.setdefault("responsible", []).append(_("Choose an active employee."))
    if errors:
        raise ValidationError(errors)


_DEAL_CHOSEN = tuple(f.name for f in Deal._meta.fields if f.name not in ("title", "comment", "custom"))


def _set_row(row: DealRow, data: RowInput, *, by: Actor, is_new: bool) -> None:
    errors: dict[str, list[str]] = {}
    product = data.product
    if product is None or not product.is_active:
        errors.setdefault("product", []).append(_("Choose an active product."))
    if data.warehouse is not None and not data.warehouse.is_active:
        errors.setdefault("warehouse", []).append(_("That warehouse is inactive; choose an active one."))
    quantity = data.quantity
    if not is_number(quantity) or quantity <= 0:
        errors.setdefault("quantity", []).append(_("Enter a quantity greater than zero."))
    elif not fits(quantity, QUANTITY_DIGITS, QUANTITY_DECIMALS):
        errors.setdefault("quantity", []).append(_("The quantity is too large or has more than three decimals."))
    may_price = can(by, CHANGE_DEAL_PRICES)
    price = data.price
    if price is None or not may_price:
        # Without the right the price is the catalog's and the discount stays.
        price = row.price if not is_new and row.product_id == getattr(product, "pk", None) else None
        price = price if price is not None else (product.selling_price if product else Decimal(0))
        discount = row.discount if not is_new else Decimal(0)
    else:
        discount = data.discount if data.discount is not None else Decimal(0)
    if not fits(price, MONEY_DIGITS, MONEY_DECIMALS) or price < 0:
        errors.setdefault("price", []).append(_("Enter a price of zero or more, with at most two decimals."))
    if not fits(discount, 5, 2) or not 0 <= discount <= 100:
        errors.setdefault("discount", []).append(_("The discount is a percentage from 0 to 100."))
    if product is not None and data.warehouse is not None and "product" not in errors:
        twin = DealRow.objects.filter(deal_id=row.deal_id, product=product, warehouse=data.warehouse)
        if twin.exclude(pk=row.pk or 0).exists():  # under the deal's lock: no other row can appear meanwhile
            errors.setdefault("product", []).append(
                _("“%(product)s” from %(warehouse)s is already a row of this deal; change that row instead.")
                % {"product": product, "warehouse": data.warehouse}
            )
    if errors:
        raise ValidationError(errors)
    row.product, row.quantity, row.price, row.discount, row.warehouse = (
        product,
        quantity,
        price,
        discount,
        data.warehouse,
    )
