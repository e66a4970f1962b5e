"""Read side of costing: what a sales order's lines cost and earned, and what a balance's
unit costs (the product page's cost layers: `inventory.selectors.catalog.open_layers`).
These are figures of "View purchase price": the views ask
`inventory.access.shows_purchase_price` before they read them."""

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, DecimalField, ExpressionWrapper, F, Value, When
from django.db.models.lookups import GreaterThan

from inventory.models import DocumentStatus, DocumentType, StockDocument
from inventory.models.costing import VALUE_DECIMALS, VALUE_DIGITS
from inventory.selectors.documents import last_processing_moves

HUNDRED = Decimal(100)
UNIT_COST_FIELD: DecimalField = DecimalField()  # value ÷ quantity: as many decimals as PostgreSQL gives
ZERO_VALUE = Value(Decimal(0), output_field=DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS))


@dataclass(frozen=True)
class Profit:
    """What a sales order (or one of its lines) earned: `revenue` in the order's currency (None
    when that is not the default currency, in which stock is valued), `cogs` the cost of the
    stock it took (None when a movement has no value yet)."""

    revenue: Decimal | None
    cogs: Decimal | None

    @property
    def profit(self) -> Decimal | None:
        if self.revenue is None or self.cogs is None:
            return None
        return self.revenue - self.cogs

    @property
    def margin(self) -> Decimal | None:
        """Profit ÷ revenue, in percent."""
        profit = self.profit
        return None if profit is None or not self.revenue else profit / self.revenue * HUNDRED

    @property
    def markup(self) -> Decimal | None:
        """Profit ÷ cost, in percent."""
        profit = self.profit
        return None if profit is None or not self.cogs else profit / self.cogs * HUNDRED


def sales_profits(document: StockDocument, lines: Collection) -> Profit | None:
    """Give each line of a processed sales order its `profit` (a `Profit`: revenue = the line's
    amount, COGS = −the value of its movement in the order's last processing) and return the
    order's. None for any other document. One query."""
    if document.doc_type != DocumentType.SALES_ORDER or document.status != DocumentStatus.PROCESSED:
        return None
    moves = last_processing_moves(document).filter(product_id__in=[line.product_id for line in lines])
    values = dict(moves.values_list("product_id", "cost__value"))
    priced_in_stock_currency = document.currency == settings.DEFAULT_CURRENCY
    for line in lines:
        value = values.get(line.product_id, Decimal(0))  # a line of zero quantity moved nothing
        line.profit = Profit(
            revenue=line.amount if priced_in_stock_currency else None,
            cogs=None if value is None else -value,
        )
    cogs = [line.profit.cogs for line in lines]
    return Profit(
        revenue=sum((line.amount for line in lines), Decimal(0)) if priced_in_stock_currency else None,
        cogs=None if None in cogs else sum(cogs, Decimal(0)),
    )


def unit_cost(value: str, quantity: str) -> Case:
    """`value ÷ quantity` (field or annotation names) where the quantity is above zero, else
    None: the unit cost of what a balance holds."""
    return Case(
        When(GreaterThan(F(quantity), 0), then=ExpressionWrapper(F(value) / F(quantity), output_field=UNIT_COST_FIELD)),
        default=Value(None),
        output_field=UNIT_COST_FIELD,
    )
