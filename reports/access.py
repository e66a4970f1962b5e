"""Who may open the reports, and which warehouses' figures they see."""

from functools import wraps

from django.db import transaction

from accounts.catalogue import VIEW_INVENTORY, VIEW_REPORTS, VIEW_WAREHOUSE
from accounts.permissions import Actor, can, can_somewhere, warehouse_scope, warehouses_for
from config.database import plan_each_statement
from web.decorators import area_view


def reports_view(view):
    """Decorate a report page: the inventory area, "View reports" and a warehouse to see; else
    403. Its queries run in one transaction, each planned for its own period and filters
    (`plan_each_statement`)."""

    @wraps(view)
    def planned(request, *args, **kwargs):
        with transaction.atomic():
            plan_each_statement()
            return view(request, *args, **kwargs)

    return area_view(VIEW_INVENTORY, VIEW_REPORTS, VIEW_WAREHOUSE)(planned)


def report_scope(user: Actor) -> frozenset[int] | None:
    """The warehouses whose figures `user` sees in reports (None: all); every report filters
    its query by it."""
    return warehouse_scope(user, VIEW_WAREHOUSE)


def report_warehouses(user: Actor):
    """The choices of a report's warehouse filter: the warehouses `user` sees."""
    return warehouses_for(user, VIEW_WAREHOUSE)


def sees_dashboard(user: Actor) -> bool:
    """Whether the home page is the dashboard for `user`: the inventory area and a warehouse to see."""
    return can(user, VIEW_INVENTORY) and can_somewhere(user, VIEW_WAREHOUSE)
