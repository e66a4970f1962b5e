"""The filters of `/api/v1/stock/`: the stock page's, and a product (by id)."""

from django import forms

from inventory.views.stock import StockFilterForm


class StockQuery(StockFilterForm):
    product = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
