"""Shortcuts for tests of deals and reservations."""

from decimal import Decimal

from crm.models import Company
from crm.services.deals import DealInput, RowInput, add_row, create_deal
from inventory.models import InventorySettings
from inventory.models.settings import ReservationMode


def inventory_settings(**values) -> None:
    """Change the inventory settings (their row is created again if a flush removed it)."""
    settings = InventorySettings.load()
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save()


def reservation_mode(mode: str) -> None:
    inventory_settings(reservation_mode=mode)


def manual_reservations() -> None:
    reservation_mode(ReservationMode.MANUAL)


def deal_with_row(*, by, product, quantity, warehouse=None, title="Pesanan toko", company=None):
    """A deal for a client company with one product row; returns (deal, row)."""
    company = company or Company.objects.create(name=f"Client of {title}", is_client=True)
    deal = create_deal(by=by, data=DealInput(title=title, company=company))
    row = add_row(deal, by=by, row=RowInput(product=product, quantity=Decimal(quantity), warehouse=warehouse))
    return deal, row
