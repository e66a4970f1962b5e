"""Filters of the sales and gross profit report."""

import django_filters
from django.utils.translation import gettext_lazy as _

from crm.models import Company
from inventory.models import SalesDay
from reports.filters.base import ReportFilter, category_filter, date_filter, product_search_filter, warehouse_filter

GROUP_CHOICES = [
    ("product", _("Product")),
    ("category", _("Category")),
    ("warehouse", _("Warehouse")),
    ("client", _("Client")),
    ("month", _("Month")),
    ("week", _("Week")),
]


class GrossProfitFilter(ReportFilter):
    """The form of the report's filters, over the daily sales (`inventory.models.SalesDay`); the
    report reads them into a `reports.selectors.gross_profit.SalesScope` (both the sales and the
    orders left out); `group_by` is read by the report."""

    date_from = date_filter(_("From"), field_name="day", lookup_expr="gte")
    date_to = date_filter(_("To"), field_name="day", lookup_expr="lte")
    group_by = django_filters.ChoiceFilter(label=_("Group by"), choices=GROUP_CHOICES, empty_label=None, method="keep")
    warehouse = warehouse_filter()
    client = django_filters.ModelChoiceFilter(
        label=_("Client"),
        field_name="client",
        queryset=Company.objects.filter(is_client=True),
        empty_label=_("All clients"),
    )
    category = category_filter()
    q = product_search_filter()

    class Meta:
        model = SalesDay
        fields: list[str] = []

    def keep(self, queryset, name, value):
        return queryset
