"""Product pages: list (search, filters, sorting, pagination), detail, create, edit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inventory.filters.products import ProductFilter
from inventory.forms.products import ProductForm
from inventory.models import Product
from inventory.selectors.catalog import product_balances, product_list, product_minimums, product_moves
from inventory.services.catalog import create_product, update_product
from inventory.views.warehouses import add_service_errors

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


def product_list_view(request: HttpRequest) -> HttpResponse:
    product_filter = ProductFilter(request.GET or None, queryset=product_list())
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
        {"filter": product_filter, "page_obj": page_obj, "products": page_obj.object_list, "columns": columns},
    )


def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(
        Product.objects.select_related("category").prefetch_related("barcodes"),
        pk=pk,
    )
    moves = Paginator(product_moves(product), MOVES_PER_PAGE).get_page(request.GET.get("page"))
    minimums = product_minimums(product)
    balances = product_balances(product)
    for warehouse in balances:
        warehouse.minimum = minimums.get(warehouse.pk)
        warehouse.is_low = warehouse.minimum is not None and warehouse.available < warehouse.minimum
    return render(
        request,
        "inventory/products/detail.html",
        {"product": product, "balances": balances, "page_obj": moves, "moves": moves.object_list},
    )


def product_create(request: HttpRequest) -> HttpResponse:
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = create_product(by=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Product “%(name)s” created.") % {"name": product.name})
            return redirect("inventory:product_detail", pk=product.pk)
    return render(request, "inventory/products/form.html", {"form": form, "product": None})


def product_update(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product, pk=pk)
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        try:
            product = update_product(product, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Product “%(name)s” saved.") % {"name": product.name})
            return redirect("inventory:product_detail", pk=product.pk)
    return render(request, "inventory/products/form.html", {"form": form, "product": product})
