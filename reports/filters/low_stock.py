"""Filters of the low-stock report."""

from inventory.models import MinimumStock
from reports.filters.base import ReportFilter, category_filter, product_search_filter, warehouse_filter


class LowStockFilter(ReportFilter):
    q = product_search_filter()
    warehouse = warehouse_filter()
    category = category_filter()

    class Meta:
        model = MinimumStock
        fields: list[str] = []
