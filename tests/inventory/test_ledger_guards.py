"""The ledger's last lines of defence: the drift check and the database's own guards."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from inventory.models import (
    CostLayer,
    DocumentType,
    InventorySettings,
    LayerTake,
    MoveCost,
    SalesDay,
    StockBalance,
    StockDay,
    StockMove,
    ValueAdjustment,
)
from inventory.services.documents import process_document
from tests.factories import ProductFactory, WarehouseFactory
from tests.stock_helpers import make_document, stock_in

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


def test_check_ledger_checks_the_stock_values_and_lists_each_difference(user, capsys):
    warehouse, product = WarehouseFactory(code="MAIN"), ProductFactory(sku="TEA-1")
    receipt = make_document(DocumentType.RECEIPT, by=user, warehouse=warehouse, lines=[(product, 5, "12.50")])
    process_document(receipt, by=user)
    call_command("check_ledger")
    assert "Stock values consistent" in capsys.readouterr().out

    balance = StockBalance.objects.filter(warehouse=warehouse, product=product)
    balance.update(value=Decimal("62.51"))  # the layers and the movement say 62.50
    with pytest.raises(CommandError, match="1 balance's costing differs"):
        call_command("check_ledger")
    listed = capsys.readouterr().err
    assert "MAIN\tTEA-1\tstock value 62.51\tcost layers 62.5\tmovements and adjustments 62.5" in listed
    assert "remainders" not in listed

    balance.update(value=Decimal("62.50"))
    balance.update(layer_remaining=[Decimal(4)])  # the layers' remainders, as the balance lists them
    MoveCost.objects.filter(move__document=receipt).update(value=Decimal("60"))
    with pytest.raises(CommandError, match="1 balance's costing differs") as failed:
        call_command("check_ledger")
    assert "ledger" not in str(failed.value)  # the quantities still agree
    listed = capsys.readouterr().err.splitlines()
    assert listed == [
        "MAIN\tTEA-1\tstock value 62.5\tcost layers 62.5\tmovements and adjustments 60",
        "MAIN\tTEA-1\ton hand 5\tcost layers' remainders 4\tdifference 1",
        "MAIN\tTEA-1\t1 cost layer's remainder differs from what its takes left",
    ]


def test_check_ledger_counts_quantity_and_value_drift_apart(user, capsys):
    warehouses = [WarehouseFactory(code=code) for code in ("MAIN", "EAST")]
    product = ProductFactory(sku="TEA-1")
    for warehouse in warehouses:
        stock_in(by=user, warehouse=warehouse, product=product, quantity=5)
    StockBalance.objects.filter(warehouse=warehouses[0]).update(on_hand=7)  # layers: 5 as well
    ValueAdjustment.objects.create(
        warehouse=warehouses[1],
        product=product,
        move=StockMove.objects.get(warehouse=warehouses[1]),
        layer=CostLayer.objects.get(warehouse=warehouses[1]),
        quantity=0,
        value=Decimal("-1.25"),
    )
    with pytest.raises(CommandError) as failed:
        call_command("check_ledger")
    assert str(failed.value) == (
        "1 balance differs from the ledger. 2 balances' costing differs from their values, cost layers or movements. "
        "1 balance differs from its daily stock changes."
    )
    listed = capsys.readouterr().err
    assert "MAIN\tTEA-1\tbalance 7\tmovements 5" in listed
    assert "MAIN\tTEA-1\ton hand 7\tvalue 50\tdaily changes 5 / 50" in listed
    assert "MAIN\tTEA-1\ton hand 7\tcost layers' remainders 5\tdifference 2" in listed
    assert "EAST\tTEA-1\tstock value 50\tcost layers 50\tmovements and adjustments 48.75" in listed


def test_check_ledger_checks_the_daily_stock_changes(user, capsys):
    warehouse, product = WarehouseFactory(code="MAIN"), ProductFactory(sku="TEA-1")
    process_document(
        make_document(DocumentType.RECEIPT, by=user, warehouse=warehouse, lines=[(product, 5, "12.50")]), by=user
    )
    call_command("check_ledger")
    assert "Daily stock changes consistent" in capsys.readouterr().out
    StockDay.objects.update(value_in=Decimal("60"))
    with pytest.raises(CommandError) as failed:
        call_command("check_ledger")
    assert str(failed.value) == "1 balance differs from its daily stock changes."
    assert capsys.readouterr().err == "MAIN\tTEA-1\ton hand 5\tvalue 62.5\tdaily changes 5 / 60\n"


def test_check_ledger_checks_the_daily_sales(user, capsys):
    warehouse, product = WarehouseFactory(code="MAIN"), ProductFactory(sku="TEA-1")
    stock_in(by=user, warehouse=warehouse, product=product, quantity=5)
    sale = make_document(DocumentType.SALES_ORDER, by=user, warehouse=warehouse, lines=[(product, 2, 8)])
    process_document(sale, by=user)
    call_command("check_ledger")
    assert "Daily sales consistent" in capsys.readouterr().out
    SalesDay.objects.update(revenue=Decimal("17"))
    with pytest.raises(CommandError) as failed:
        call_command("check_ledger")
    assert str(failed.value) == "1 day's sales differ from the processed sales orders."
    day = SalesDay.objects.get()
    assert capsys.readouterr().err == (
        f"{day.day.isoformat()}\tMAIN\tTEA-1\tdaily sales 2.000 / 17.00000 / {day.cogs} / 0\t"
        f"sales orders 2.000 / 16.00000 / {day.cogs} / 0 (quantity, revenue, COGS, movements without a value)\n"
    )


def test_check_ledger_checks_the_links_the_database_does_not(user, capsys):
    warehouses = [WarehouseFactory(code=code) for code in ("MAIN", "EAST")]
    product = ProductFactory(sku="TEA-1")
    for warehouse in warehouses:
        stock_in(by=user, warehouse=warehouse, product=product, quantity=5)
    sale = make_document(DocumentType.WRITE_OFF, by=user, warehouse=warehouses[0], lines=[(product, 2)])
    process_document(sale, by=user)
    call_command("check_ledger")
    assert "Cost records consistent" in capsys.readouterr().out

    take = LayerTake.objects.get(move__document=sale)
    # A take of the other warehouse's layer: each balance's sums still agree.
    LayerTake.objects.filter(pk=take.pk).update(layer=CostLayer.objects.get(warehouse=warehouses[1]))
    missing = StockMove.objects.order_by("-pk").first().pk + 100
    MoveCost.objects.filter(move__document=sale).update(move_id=missing)  # a movement that does not exist
    with pytest.raises(CommandError) as failed:
        call_command("check_ledger")
    assert str(failed.value).endswith(
        "2 cost records (or balances' lists of open cost layers) point at a movement or a cost layer that is "
        "missing or of another balance, or list their layers wrongly."
    )

    # Both layers' remainders now differ from what their takes left, too.
    assert capsys.readouterr().err.splitlines()[1:] == [
        "MAIN\tTEA-1\t1 cost layer's remainder differs from what its takes left",
        "EAST\tTEA-1\t1 cost layer's remainder differs from what its takes left",
    ]

    LayerTake.objects.filter(pk=take.pk).update(layer_id=missing)  # a layer that does not exist
    MoveCost.objects.filter(move_id=missing).update(move_id=take.move_id)
    with pytest.raises(CommandError) as failed:
        call_command("check_ledger")
    assert str(failed.value) == (
        "1 balance's costing differs from its value, cost layers or movements. 1 cost record (or balance's list of "
        "open cost layers) points at a movement or a cost layer that is missing or of another balance, or lists its "
        "layers wrongly."
    )


@pytest.mark.parametrize(
    "listed",
    [
        "other",  # a layer of another balance
        "missing",  # a layer that does not exist
        "twice",  # a layer listed twice (each once, oldest first)
        "empty",  # a layer listed with nothing left
        "short",  # remainders for fewer layers than listed
    ],
)
def test_check_ledger_checks_the_open_layers_each_balance_lists(user, listed):
    warehouses = [WarehouseFactory(code=code) for code in ("MAIN", "EAST")]
    product = ProductFactory(sku="TEA-1")
    for warehouse in warehouses:
        stock_in(by=user, warehouse=warehouse, product=product, quantity=5)
    stock_in(by=user, warehouse=warehouses[0], product=product, quantity=5)
    call_command("check_ledger")
    main = StockBalance.objects.filter(warehouse=warehouses[0])
    first, second = main.get().layer_ids
    other = CostLayer.objects.get(warehouse=warehouses[1]).pk
    changes = {
        "other": {"layer_ids": [first, other]},
        "missing": {"layer_ids": [first, max(first, second, other) + 1]},
        "twice": {"layer_ids": [first, first]},
        "empty": {"layer_remaining": [Decimal(5), Decimal(0)]},  # (the sums now differ too)
        "short": {"layer_remaining": [Decimal(10)]},
    }
    main.update(**changes[listed])
    with pytest.raises(CommandError, match="1 cost record .* lists its layers wrongly"):
        call_command("check_ledger")


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


def test_check_ledger_checks_what_each_layer_has_left_against_its_takes(user, capsys):
    warehouse, product = WarehouseFactory(code="MAIN"), ProductFactory(sku="TEA-1")
    for price in ("10", "12"):
        process_document(
            make_document(DocumentType.RECEIPT, by=user, warehouse=warehouse, lines=[(product, 5, price)]), by=user
        )
    process_document(make_document(DocumentType.WRITE_OFF, by=user, warehouse=warehouse, lines=[(product, 2)]), by=user)
    balance = StockBalance.objects.filter(warehouse=warehouse)
    assert (balance.get().layer_remaining, balance.get().layer_values) == ([3, 5], [30, 60])
    call_command("check_ledger")
    # As if the second layer had given the two: the sums still agree, the takes do not.
    balance.update(layer_remaining=[Decimal(5), Decimal(3)], layer_values=[Decimal(50), Decimal(40)])
    with pytest.raises(CommandError) as failed:
        call_command("check_ledger")
    assert str(failed.value) == "1 balance's costing differs from its value, cost layers or movements."
    assert capsys.readouterr().err == "MAIN\tTEA-1\t2 cost layers' remainders differ from what their takes left\n"
