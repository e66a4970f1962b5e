"""Shortcuts for tests that need documents and balances, or a recompute of the costs."""

from decimal import Decimal

from django.db.models import Sum

from inventory.locks import hold_recompute_runner
from inventory.models import DeliveryStatus, DocumentType, StockBalance, StockMove
from inventory.models.costing import CostRecompute, RecomputeStatus
from inventory.services.delivery import DeliveryUpdate, change_delivery_status
from inventory.services.documents import Header, LineInput, create_document, process_document
from tests.factories import CompanyFactory


def make_document(doc_type, *, by, warehouse, lines, destination=None, supplier=None, client=None):
    """Create a draft; `lines` is a list of (product, quantity) or (product, quantity, price).
    A return comes back from a sales order of these lines, processed and shipped first (of
    stock put in for it)."""
    if doc_type == DocumentType.RETURN:
        for line in lines:
            stock_in(by=by, warehouse=warehouse, product=line[0], quantity=line[1])
        order = process_document(
            make_document(DocumentType.SALES_ORDER, by=by, warehouse=warehouse, lines=lines, client=client), by=by
        )
        return make_return(ship(order, by=by), by=by, lines=lines)
    if doc_type == DocumentType.RECEIPT and supplier is None:
        supplier = CompanyFactory(is_supplier=True)
    if doc_type == DocumentType.SALES_ORDER and client is None:
        client = CompanyFactory(is_client=True)
    header = Header(warehouse=warehouse, destination=destination, supplier=supplier, client=client)
    return create_document(
        doc_type=doc_type,
        by=by,
        header=header,
        lines=[LineInput(line[0], Decimal(line[1]), Decimal(line[2] if len(line) > 2 else 0)) for line in lines],
    )


def ship(order, *, by, carrier="JNE", tracking_number="JN-0001"):
    """Mark a processed sales order or transfer picked, then shipped."""
    change_delivery_status(order, by=by, update=DeliveryUpdate(status=DeliveryStatus.PICKED))
    update = DeliveryUpdate(status=DeliveryStatus.SHIPPED, carrier=carrier, tracking_number=tracking_number)
    return change_delivery_status(order, by=by, update=update)


def make_return(order, *, by, lines):
    """A draft return of `order`; `lines` as `make_document` takes them."""
    return create_document(
        doc_type=DocumentType.RETURN,
        by=by,
        header=Header(warehouse=order.warehouse, returned_from=order),
        lines=[LineInput(line[0], Decimal(line[1]), Decimal(line[2] if len(line) > 2 else 0)) for line in lines],
    )


def stock_in(*, by, warehouse, product, quantity):
    """Process an adjustment that puts `quantity` of `product` into `warehouse`."""
    return process_document(
        make_document(DocumentType.ADJUSTMENT, by=by, warehouse=warehouse, lines=[(product, quantity)]), by=by
    )


def on_hand(warehouse, product) -> Decimal:
    balance = StockBalance.objects.filter(warehouse=warehouse, product=product).first()
    return balance.on_hand if balance else Decimal(0)


def ledger_sum(warehouse, product) -> Decimal:
    return StockMove.objects.filter(warehouse=warehouse, product=product).aggregate(s=Sum("quantity"))["s"] or Decimal(
        0
    )


def hold(*, by, warehouse, product, quantity, until=None, deal=None):
    """A reservation as a deal row would make it (written directly: for read-side tests)."""
    from datetime import timedelta

    from django.utils import timezone

    from inventory.models import Reservation

    return Reservation.objects.create(
        warehouse=warehouse,
        product=product,
        quantity=Decimal(quantity),
        reserved_until=until or timezone.now() + timedelta(days=3),
        deal=deal,
        created_by=by,
    )


def running_recompute(**fields):
    """A recompute shown as running, with its runner's lock held (by this test's session)."""
    recompute = CostRecompute.objects.create(
        method="average", previous_method="fifo", status=RecomputeStatus.RUNNING, **fields
    )
    hold_recompute_runner(recompute.pk)
    return recompute
