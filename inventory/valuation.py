"""The costing rules, on plain values: what a movement is worth and which layers it changes.

A `Book` holds the cost state of some balances (their open layers, their last unit costs) and
plans, movement by movement, what posting it changes. The services run it on the layers of the
balances a document locks and write the plans; the recompute runs it over the whole ledger in
memory. Both get the same figures because both run this code.

Rules (per warehouse and product):
- Incoming stock first covers shortfalls (negative stock sold earlier, oldest first): each
  covered unit changes the stock value by what the shortfall was booked at minus what the
  incoming stock cost (a `ValueAdjustment`). The rest makes a new layer (FIFO), or joins the
  pool (average).
- Outgoing stock takes layers oldest first (FIFO), or from the pool (average): a take of part of
  a layer is worth `remaining value × quantity ÷ remaining`, rounded half up to the cent; taking
  all of it takes exactly its remaining value. What no layer holds is a shortfall, booked at the
  last unit cost.
- The last unit cost of a balance is, under FIFO, the unit cost of its newest layer (what the
  last stock that came in cost); under average, the unit cost at which stock last left its
  newest layer (the pool's running average when it emptied), else that layer's own.
- The unit cost of stock that comes in without a price (adjustments, count gains) is the
  current one: the value ÷ quantity of what is there, else the last unit cost, else the
  caller's fallback (the product's purchase price).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from inventory.models.costing import VALUE_DECIMALS, CostingMethod

BalanceKey = tuple[int, int]  # (warehouse_id, product_id)
CENT = Decimal(1).scaleb(-VALUE_DECIMALS)
ZERO = Decimal(0)
NEW_LAYERS = 1 << 62  # the order of layers made in this book: after every saved one (bigint ids)


def to_cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def share(value: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """`value × part ÷ whole` to the cent; all of `value` when `part` is all of `whole`."""
    return value if part == whole else to_cent(value * part / whole)


@dataclass(eq=False)
class Layer:
    key: BalanceKey
    # What the layer brought in, and its document: None where not read (processing reads the
    # open layers from their balances, which list only what is left of them: taking from a
    # layer needs no more).
    document_id: int | None
    quantity: Decimal | None
    value: Decimal | None
    remaining: Decimal
    remaining_value: Decimal
    id: int | None = None  # None until saved
    ref: object = None  # the movement that made it, as the caller names it
    order: int = 0  # oldest first: the id once saved; new layers come after every saved one


@dataclass(eq=False)
class Change:
    """A change of a layer's remainder and value by one movement (a `LayerTake`), or a change of
    stock value for covering part of a shortfall layer (a `ValueAdjustment`)."""

    layer: Layer
    quantity: Decimal
    value: Decimal


@dataclass
class Plan:
    """What posting one movement changes."""

    value: Decimal = ZERO  # the movement's value (negative when stock leaves)
    takes: list[Change] = field(default_factory=list)
    adjustments: list[Change] = field(default_factory=list)
    new_layer: Layer | None = None

    @property
    def value_change(self) -> Decimal:
        """How the balance's value changes: the movement's value and the adjustments."""
        return self.value + sum((a.value for a in self.adjustments), ZERO)


class Book:
    def __init__(
        self,
        method: str,
        layers: dict[BalanceKey, list[Layer]],
        last_unit_costs: dict[BalanceKey, Decimal],
        *,
        newest_layers: dict[BalanceKey, Layer] | None = None,
        unread_last: frozenset[BalanceKey] = frozenset(),
    ):
        """`layers`: the open layers (remainder not zero) of each balance, oldest first;
        `last_unit_costs`: each balance's last unit cost (see the module's rules), kept as
        layers are made and taken from, as `load_book` reads it back from the database;
        `newest_layers`: each balance's newest layer, open or not, where known;
        `unread_last`: balances whose last unit cost was not read, as it could not be needed:
        needing it raises rather than costing with none."""
        self.method = method
        self.layers = layers
        self.last_unit_costs = last_unit_costs
        self.newest_layers = newest_layers if newest_layers is not None else {}
        self.unread_last = unread_last
        self._created = 0

    def _new_layer(
        self,
        key: BalanceKey,
        document_id: int,
        quantity: Decimal,
        value: Decimal,
        left: Decimal,
        left_value: Decimal,
        ref: object,
    ) -> Layer:
        self._created += 1
        layer = Layer(key, document_id, quantity, value, left, left_value, ref=ref, order=NEW_LAYERS + self._created)
        self.open_layers(key).append(layer)
        self.newest_layers[key] = layer
        self.last_unit_costs[key] = value / quantity
        return layer

    def open_layers(self, key: BalanceKey) -> list[Layer]:
        return self.layers.setdefault(key, [])

    def current_unit_cost(self, key: BalanceKey, fallback: Callable[[], Decimal]) -> Decimal:
        stock = [layer for layer in self.open_layers(key) if layer.remaining > 0]
        quantity = sum((layer.remaining for layer in stock), ZERO)
        if quantity > 0:
            return sum((layer.remaining_value for layer in stock), ZERO) / quantity
        last = self._last_unit_cost(key)
        return last if last is not None else fallback()

    def has_history(self, key: BalanceKey) -> bool:
        """Whether the balance ever had a layer (a method-independent fact)."""
        return self._last_unit_cost(key) is not None or bool(self.layers.get(key))

    def _last_unit_cost(self, key: BalanceKey) -> Decimal | None:
        if key in self.last_unit_costs:
            return self.last_unit_costs[key]
        if key in self.unread_last:
            raise RuntimeError(f"the last unit cost of {key} was needed but not read")
        return None

    def take_out(self, key: BalanceKey, quantity: Decimal, *, document_id: int, ref: object = None) -> Plan:
        """Plan `quantity` (> 0) leaving the balance."""
        plan = Plan()
        left = quantity
        for layer in self.open_layers(key):
            if left == 0:
                break
            if layer.remaining <= 0:
                continue
            taken = min(left, layer.remaining)
            value = share(layer.remaining_value, taken, layer.remaining)
            self._change(plan.takes, layer, -taken, -value)
            left -= taken
        short = self._shortfall(plan, key, left, document_id=document_id, ref=ref) if left > 0 else ZERO
        plan.value = sum((take.value for take in plan.takes), ZERO) + short
        self._close(key)
        return plan

    def _shortfall(self, plan: Plan, key: BalanceKey, quantity: Decimal, *, document_id: int, ref: object) -> Decimal:
        """Plan `quantity` leaving that no layer holds; the value of the shortfall layer it makes
        (zero when it takes from a short average pool: that is a take)."""
        short = [layer for layer in self.open_layers(key) if layer.remaining < 0]
        unit = self.current_unit_cost(key, lambda: ZERO)
        if self.method == CostingMethod.AVERAGE and short:  # the pool is short already: short more
            pool = short[-1]
            unit = pool.remaining_value / pool.remaining
            self._change(plan.takes, pool, -quantity, -to_cent(quantity * unit))
            return ZERO
        value = -to_cent(quantity * unit)
        plan.new_layer = self._new_layer(key, document_id, -quantity, value, -quantity, value, ref)
        return value

    def bring_in(
        self, key: BalanceKey, quantity: Decimal, value: Decimal, *, document_id: int, ref: object = None
    ) -> Plan:
        """Plan `quantity` (> 0) worth `value` coming into the balance."""
        plan = Plan(value=value)
        left, value_left = quantity, value
        for layer in self.open_layers(key):
            if left == 0:
                break
            if layer.remaining >= 0:
                continue
            covered = min(left, -layer.remaining)
            booked = share(-layer.remaining_value, covered, -layer.remaining)
            cost = share(value_left, covered, left)
            self._change(plan.takes, layer, covered, booked)
            plan.adjustments.append(Change(layer, covered, booked - cost))
            left -= covered
            value_left -= cost
        pool = self._pool(key)
        if self.method == CostingMethod.AVERAGE and pool is not None and left > 0:
            self._change(plan.takes, pool, left, value_left)
        else:
            plan.new_layer = self._new_layer(key, document_id, quantity, value, left, value_left, ref)
        self._close(key)
        return plan

    def _pool(self, key: BalanceKey) -> Layer | None:
        stock = [layer for layer in self.open_layers(key) if layer.remaining > 0]
        return stock[-1] if stock else None

    def undo(self, takes: list[Change], adjustments: list[Change], own: list[Layer]) -> Plan:
        """Plan the reversal of one movement: its `takes` and `adjustments` negated and what it
        put into the layers it made (`own`) taken out again: their quantity and value less what
        covered shortfalls first. (Cancelling is refused while other documents hold part of
        that, so the layers are emptied; a replay of the ledger under another method may find
        others' stock in them, an average pool, and leaves it there.) The movement's value is
        the reverse of theirs."""
        plan = Plan()
        for take in takes:
            self._change(plan.takes, take.layer, -take.quantity, -take.value)
        covered = sum((a.quantity for a in adjustments), ZERO)
        covered_cost = sum((t.value for t in takes if t.quantity > 0), ZERO) - sum((a.value for a in adjustments), ZERO)
        for layer in own:
            if layer.quantity is None or layer.value is None:
                raise RuntimeError(f"layer {layer.id} was read without what it brought in")
            quantity, value = layer.quantity - covered, layer.value - covered_cost
            if quantity or value:
                self._change(plan.takes, layer, -quantity, -value)
        plan.adjustments = [Change(a.layer, -a.quantity, -a.value) for a in adjustments]
        changed = sum((t.value for t in plan.takes), ZERO)
        plan.value = changed - sum((a.value for a in plan.adjustments), ZERO)
        for key in {take.layer.key for take in plan.takes}:
            self._reopen(key, [take.layer for take in plan.takes if take.layer.key == key])
            self._close(key)
        return plan

    def _change(self, changes: list[Change], layer: Layer, quantity: Decimal, value: Decimal) -> None:
        layer.remaining += quantity
        layer.remaining_value += value
        changes.append(Change(layer, quantity, value))
        if self.method == CostingMethod.AVERAGE and quantity < 0 and self.newest_layers.get(layer.key) is layer:
            self.last_unit_costs[layer.key] = value / quantity  # the pool's average as stock leaves it

    def _reopen(self, key: BalanceKey, layers: list[Layer]) -> None:
        """Put layers a reversal gave remainder back among the open ones, in layer order."""
        open_ = self.open_layers(key)
        for layer in layers:
            if layer not in open_:
                open_.append(layer)
        open_.sort(key=lambda layer: layer.order)

    def _close(self, key: BalanceKey) -> None:
        self.layers[key] = [layer for layer in self.open_layers(key) if layer.remaining or layer.remaining_value]
