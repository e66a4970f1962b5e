"""The change versions the self-updating inventory pages ask for (static/js/live.js), each
with the rights of its page: the stock page (and the dashboard, whose figures are those of
the same warehouses), a product's page, a document's page."""

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from accounts.catalogue import VIEW_PRODUCT, VIEW_WAREHOUSE
from accounts.permissions import Actor, warehouse_scope
from inventory.access import inventory_view, shows_purchase_price, visible_document
from inventory.models import Product
from inventory.selectors.live import document_version, product_version, scope_version
from web.live import version_response


def stock_version(user: Actor) -> str:
    """The version of what `user` sees of the stock: that of the warehouses they may see."""
    return scope_version(warehouse_scope(user, VIEW_WAREHOUSE))


@require_GET
@inventory_view(VIEW_WAREHOUSE)
def stock_live(request: HttpRequest) -> JsonResponse:
    return version_response(stock_version(request.user))


@require_GET
@inventory_view(VIEW_PRODUCT)
def product_live(request: HttpRequest, pk: int) -> JsonResponse:
    product = get_object_or_404(Product.objects.only("pk", "purchase_price"), pk=pk)
    scope = warehouse_scope(request.user, VIEW_WAREHOUSE)
    return version_response(product_version(product, scope, purchase_price=shows_purchase_price(request.user)))


@require_GET
def document_live(request: HttpRequest, doc_type: str, pk: int) -> JsonResponse:
    return version_response(document_version(visible_document(request.user, doc_type, pk, related=())))
