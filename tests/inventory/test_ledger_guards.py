"""The ledger's last lines of defence: the drift check and the database's own guards."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from inventory.models import InventorySettings, StockBalance, StockMove
from tests.factories import ProductFactory, WarehouseFactory
from tests.stock_helpers import stock_in

pytestmark = pytest.mark.django_db


def test_check_ledger_passes_on_a_consistent_ledger_and_lists_drift(user, capsys):
    warehouse, product = WarehouseFactory(code="MAIN"), ProductFactory(sku="TEA-1")
    stock_in(by=user, warehouse=warehouse, product=product, quantity=5)
    call_command("check_ledger")
    assert "consistent" in capsys.readouterr().out

    StockBalance.objects.filter(warehouse=warehouse, product=product).update(on_hand=7)
    with pytest.raises(CommandError, match="1 balance"):
        call_command("check_ledger")
    listed = capsys.readouterr().err
    assert "MAIN" in listed and "TEA-1" in listed and "balance 7" in listed and "movements 5" in listed


def test_stock_moves_cannot_be_updated_or_deleted(user):
    move = stock_in(by=user, warehouse=WarehouseFactory(), product=ProductFactory(), quantity=5).moves.get()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        StockMove.objects.filter(pk=move.pk).update(quantity=6)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        # Straight to the database (the ORM would stop first at the cost rows that protect it).
        StockMove.objects.filter(pk=move.pk)._raw_delete("default")
    assert StockMove.objects.get(pk=move.pk).quantity == 5


def test_database_refuses_negative_on_hand_unless_negative_stock_is_allowed(user):
    warehouse, product = WarehouseFactory(), ProductFactory()
    stock_in(by=user, warehouse=warehouse, product=product, quantity=1)
    balance = StockBalance.objects.filter(warehouse=warehouse, product=product)
    with pytest.raises(IntegrityError, match="below zero"), transaction.atomic():
        balance.update(on_hand=-1)

    InventorySettings.objects.filter(pk=1).update(allow_negative_write_off=True)
    balance.update(on_hand=-1)
    assert balance.get().on_hand == -1
