"""Which deals hold the reserved stock of a page's rows: `{% load reservation_tags %}`."""

from django import template

from accounts.catalogue import USE_CRM
from accounts.permissions import can
from inventory.models import Reservation
from inventory.models.reservations import counting

register = template.Library()


@register.simple_tag(takes_context=True)
def reserving_deals(context, rows, product=None) -> str:
    """Set `reserving_deals` on each row: [{"deal", "quantity"}, …] of the deals whose counting
    reservations hold that row's stock, in one query for all the rows. Rows are balances
    (`warehouse_id`, `product_id`) or, with `product`, warehouses of that product. Only for users
    with the CRM: for others every row gets an empty list and nothing is queried."""
    rows = list(rows)
    for row in rows:
        row.reserving_deals = []
    request = context.get("request")
    if not rows or request is None or not can(request.user, USE_CRM):
        return ""

    def key(row):
        return (row.pk, product.pk) if product is not None else (row.warehouse_id, row.product_id)

    by_key = {key(row): row for row in rows}
    reservations = (
        Reservation.objects.filter(
            counting(),
            deal__isnull=False,
            warehouse_id__in={w for w, _ in by_key},
            product_id__in={p for _, p in by_key},
        )
        .select_related("deal")
        .order_by("deal_id", "id")
    )
    for reservation in reservations:
        row = by_key.get((reservation.warehouse_id, reservation.product_id))
        if row is None:
            continue
        for entry in row.reserving_deals:
            if entry["deal"].pk == reservation.deal_id:
                entry["quantity"] += reservation.quantity
                break
        else:
            row.reserving_deals.append({"deal": reservation.deal, "quantity": reservation.quantity})
    return ""
