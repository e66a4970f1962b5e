"""Noticing low stock where availability changes: the services that move stock, reserve it or
change a minimum call `check_low_stock` with the balances they touched, in their transaction.

Each product × warehouse has an alert state (`LowStockAlert`: present while it is below its
minimum and notified). One statement compares the touched pairs with the low-stock rule of the
reports (`reports.selectors.low_stock.low_stock_rows`: the one definition of "available below
minimum"): a pair below it without an alert gets one, and only the transaction whose insert
made it (the unique pair decides between concurrent ones) notifies; a pair no longer below
loses its alert, so its next fall is notified again. Nothing more is read unless a pair fell.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Q

from inventory.arrays import number_array
from inventory.locks import BalanceKey
from inventory.models import Product, Warehouse
from notifications.access import sees_warehouse
from notifications.models import LowStockAlert, Notification, Subscription
from notifications.tasks import send_low_stock_emails
from reports.selectors.low_stock import low_stock_rows


def check_low_stock(keys: Iterable[BalanceKey]) -> list[Notification]:
    """Update the alert state of the (warehouse, product) pairs `keys` after a change of what is
    available or of a minimum, and notify the pairs that went below their minimum: the
    warehouse's responsible employee and the users subscribed to the product or its category,
    each only if they see the warehouse; the worker e-mails them after the commit
    (`notifications.tasks.send_low_stock_emails`). One query when no pair went below.
    Returns the notifications made."""
    keys = sorted(set(keys))
    if not keys:
        return []
    fallen = _update_alerts(keys)
    if not fallen:
        return []
    notifications = _notify(fallen)
    if notifications:
        ids = [n.pk for n in notifications]
        transaction.on_commit(lambda: send_low_stock_emails.enqueue(ids))
    return notifications


def _update_alerts(keys: list[BalanceKey]) -> list[tuple[int, int, Decimal, Decimal]]:
    """Re-arm the pairs of `keys` no longer below their minimum and arm those below it; the
    pairs armed now, with what is available and the minimum. One statement."""
    low = low_stock_rows(warehouse_ids=sorted({w for w, _ in keys})).filter(product_id__in=sorted({p for _, p in keys}))
    low_sql, low_params = low.values_list("warehouse_id", "product_id", "available", "minimum").query.sql_with_params()
    alerts = connection.ops.quote_name(LowStockAlert._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH k AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[]) AS k(warehouse_id, product_id)), "
            f"low (warehouse_id, product_id, available, minimum) AS ({low_sql}), "
            f"rearmed AS (DELETE FROM {alerts} a USING k "
            "WHERE a.warehouse_id = k.warehouse_id AND a.product_id = k.product_id AND NOT EXISTS "
            "(SELECT 1 FROM low WHERE low.warehouse_id = a.warehouse_id AND low.product_id = a.product_id)), "
            f"armed AS (INSERT INTO {alerts} (warehouse_id, product_id, created_at) "
            "SELECT low.warehouse_id, low.product_id, now() FROM low JOIN k USING (warehouse_id, product_id) "
            "ORDER BY 1, 2 ON CONFLICT (warehouse_id, product_id) DO NOTHING RETURNING warehouse_id, product_id) "
            "SELECT armed.warehouse_id, armed.product_id, low.available, low.minimum "
            "FROM armed JOIN low USING (warehouse_id, product_id) ORDER BY 1, 2",
            [number_array(w for w, _ in keys), number_array(p for _, p in keys), *low_params],
        )
        return cursor.fetchall()


def _notify(fallen: list[tuple[int, int, Decimal, Decimal]]) -> list[Notification]:
    """One notification per pair that fell and per user to tell who sees its warehouse."""
    warehouses = Warehouse.objects.in_bulk({w for w, _p, _a, _m in fallen})
    categories = dict(Product.objects.filter(pk__in={p for _w, p, _a, _m in fallen}).values_list("pk", "category_id"))
    by_product: dict[int, set[int]] = {}
    by_category: dict[int, set[int]] = {}
    subscribed = Subscription.objects.filter(
        Q(product_id__in=categories) | Q(category_id__in={c for c in categories.values() if c is not None})
    )
    for user_id, product_id, category_id in subscribed.values_list("user_id", "product_id", "category_id"):
        if product_id is not None:
            by_product.setdefault(product_id, set()).add(user_id)
        else:
            by_category.setdefault(category_id, set()).add(user_id)
    wanted: dict[BalanceKey, set[int]] = {}
    for w, p, _a, _m in fallen:
        responsible = warehouses[w].responsible_id
        wanted[(w, p)] = (
            ({responsible} if responsible is not None else set())
            | by_product.get(p, set())
            | by_category.get(categories[p], set())
        )
    users = User.objects.filter(is_active=True).in_bulk({u for ids in wanted.values() for u in ids})
    made = [
        Notification(user=users[u], warehouse_id=w, product_id=p, available=available, minimum=minimum)
        for w, p, available, minimum in fallen
        for u in sorted(wanted[(w, p)] & users.keys())
        if sees_warehouse(users[u], warehouses[w])
    ]
    return Notification.objects.bulk_create(made)
