"""The stock page: balances per product and warehouse, and (with "View purchase price") their values."""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.catalogue import VIEW_WAREHOUSE
from accounts.permissions import warehouse_scope, warehouses_for
from inventory.access import inventory_view, shows_purchase_price
from inventory.models import Category, Warehouse
from inventory.selectors.stock import stock_rows, stock_value

PAGE_SIZE = 50


class StockFilterForm(forms.Form):
    """The stock page's filters, in the order the filter bar shows them."""

    q = forms.CharField(
        label=_("Product"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, SKU or barcode")}),
    )
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"), queryset=Warehouse.objects.all(), required=False, empty_label=_("All warehouses")
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label=_("All categories")
    )
    non_zero = forms.BooleanField(label=_("Only non-zero"), required=False)
    below_minimum = forms.BooleanField(label=_("Below minimum"), required=False)

    def __init__(self, *args, warehouses, **kwargs):
        """`warehouses`: the choices of the warehouse filter (those the user may see)."""
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = warehouses
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            else:
                field.widget.attrs["class"] = "form-control"


@require_GET
@inventory_view(VIEW_WAREHOUSE)
def stock(request):
    form = StockFilterForm(request.GET or None, warehouses=warehouses_for(request.user, VIEW_WAREHOUSE))
    filters = form.cleaned_data if form.is_valid() else {}
    rows = stock_rows(
        warehouse_ids=warehouse_scope(request.user, VIEW_WAREHOUSE),
        warehouse=filters.get("warehouse"),
        search=filters.get("q"),
        category=filters.get("category"),
        non_zero=bool(filters.get("non_zero")),
        below_minimum=bool(filters.get("below_minimum")),
    )
    page_obj = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    show_costs = shows_purchase_price(request.user)
    return render(
        request,
        "inventory/stock.html",
        {
            "form": form,
            "page_obj": page_obj,
            "rows": page_obj.object_list,
            "show_costs": show_costs,
            "total_value": stock_value(rows) if show_costs and page_obj.object_list else None,
        },
    )
