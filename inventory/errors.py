"""Business errors of the inventory services. Views show their message; nothing was changed."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from inventory.formatting import format_quantity


class StockError(Exception):
    """Base of every refusal by the stock services; `str()` is the message for the user."""


class DocumentStateError(StockError):
    """The document is not in a state that allows the action (e.g. it is already processed)."""


class ConcurrencyError(StockError):
    """The database kept refusing the transaction (deadlock or serialization) after retries."""


@dataclass(frozen=True)
class Shortage:
    product: object
    warehouse: object
    asked: Decimal
    available: Decimal

    def __str__(self) -> str:
        unit = getattr(self.product, "unit", None)
        return _("Not enough “%(product)s” in “%(warehouse)s”: asked %(asked)s, available %(available)s.") % {
            "product": self.product,
            "warehouse": self.warehouse,
            "asked": format_quantity(self.asked, unit),
            "available": format_quantity(self.available, unit),
        }


class InsufficientStock(StockError):
    def __init__(self, shortages: list[Shortage]):
        self.shortages = shortages
        super().__init__(" ".join(str(s) for s in shortages))
