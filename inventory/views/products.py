"""Product pages: list (search, filters, sorting, pagination), detail, create, edit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.catalogue import ADD_PRODUCT, CHANGE_PRODUCT, VIEW_PRODUCT, VIEW_WAREHOUSE
from accounts.permissions import can, warehouse_scope
from inventory.access import inventory_view, shows_purchase_price
from inventory.filters.products import ProductFilter
from inventory.forms.products import ProductForm
from inventory.models import CostingMethod, InventorySettings, Product
from inventory.selectors.catalog import open_layers, product_balances, product_list, product_moves
from inventory.services.catalog import create_product, update_product
from layouts.builder import load_layout
from web.errors import add_service_errors

PRODUCTS_PER_PAGE = 50
MOVES_PER_PAGE = 25
# ?sort=… → ordering; a leading "-" sorts descending. The id keeps pages stable.
SORTS = {
    "name": (F("name").asc(), F("id").asc()),
    "-name": (F("name").desc(), F("id").desc()),
    "sku": (F("sku").asc(),),
    "-sku": (F("sku").desc(),),
    "on_hand": (F("on_hand").asc(), F("name").asc(), F("id").asc()),
    "-on_hand": (F("on_hand").desc(), F("name").asc(), F("id").asc()),
}
SORT_COLUMNS = [("sku", gettext_lazy("SKU")), ("name", gettext_lazy("Name")), ("on_hand", gettext_lazy("On hand"))]


@inventory_view(VIEW_PRODUCT)
def product_list_view(request: HttpRequest) -> HttpResponse:
    scope = warehouse_scope(request.user, VIEW_WAREHOUSE)
    layout = load_layout("product")
    product_filter = ProductFilter(request.GET or None, queryset=product_list(warehouse_ids=scope), layout=layout)
    sort = request.GET.get("sort", "name")
    if sort not in SORTS:
        sort = "name"
    products = product_filter.qs.order_by(*SORTS[sort])
    page_obj = Paginator(products, PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    columns = [
        {"key": key, "label": label, "active": sort.lstrip("-") == key, "descending": sort == f"-{key}"}
        for key, label in SORT_COLUMNS
    ]
    for column in columns:
        column["next"] = f"-{column['key']}" if column["active"] and not column["descending"] else column["key"]
    return render(
        request,
        "inventory/products/list.html",
        {
            "filter": product_filter,
            "page_obj": page_obj,
            "products": page_obj.object_list,
            "columns": columns,
            "custom_columns": layout.list_columns(),
            "can_create": can(request.user, ADD_PRODUCT),
        },
    )


@inventory_view(VIEW_PRODUCT)
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(
        Product.objects.select_related("category").prefetch_related("barcodes"),
        pk=pk,
    )
    scope = warehouse_scope(request.user, VIEW_WAREHOUSE)
    moves = Paginator(product_moves(product, warehouse_ids=scope), MOVES_PER_PAGE).get_page(request.GET.get("page"))
    balances = product_balances(product, warehouse_ids=scope)
    show_costs = shows_purchase_price(request.user)
    return render(
        request,
        "inventory/products/detail.html",
        {
            "product": product,
            "balances": balances,
            "page_obj": moves,
            "moves": moves.object_list,
            "show_purchase_price": show_costs,
            "layers": list(open_layers(product, warehouse_ids=scope)) if show_costs else [],
            "costing_method": CostingMethod(InventorySettings.current_costing_method()) if show_costs else None,
            "custom_values": load_layout("product").detail_values(product.custom),
            "can_edit": can(request.user, CHANGE_PRODUCT),
        },
    )


@inventory_view(ADD_PRODUCT)
def product_create(request: HttpRequest) -> HttpResponse:
    form = ProductForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            product = create_product(by=request.user, data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Product “%(name)s” created.") % {"name": product.name})
            return redirect("inventory:product_detail", pk=product.pk)
    return render(request, "inventory/products/form.html", {"form": form, "product": None})


@inventory_view(CHANGE_PRODUCT)
def product_update(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product, pk=pk)
    form = ProductForm(request.POST or None, user=request.user, instance=product)
    if request.method == "POST" and form.is_valid():
        try:
            product = update_product(product, by=request.user, data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Product “%(name)s” saved.") % {"name": product.name})
            return redirect("inventory:product_detail", pk=product.pk)
    return render(request, "inventory/products/form.html", {"form": form, "product": product})
