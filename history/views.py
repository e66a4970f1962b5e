"""The History tab of products, warehouses, the inventory settings, form layouts and custom
fields: who changed what, when, old → new. Each page needs "View change history" (403) and
what the object's own page needs; an object the user may not see is a 404. A role's history
is in the admin, beside the role (`history.admin`)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.catalogue import (
    CHANGE_RESERVATION_SETTINGS,
    MANAGE_INVENTORY_SETTINGS,
    VIEW_CHANGE_HISTORY,
    VIEW_INVENTORY,
    VIEW_PRODUCT,
    VIEW_WAREHOUSE,
)
from accounts.permissions import Actor, can, require, warehouse_scope, warehouses_for
from history.selectors import (
    Source,
    history,
    layout_sources,
    product_sources,
    settings_sources,
    warehouse_sources,
)
from inventory.access import inventory_view, shows_purchase_price
from inventory.models import Product
from layouts.models import FormLayout, LayoutField
from layouts.registry import FormSpec
from layouts.views import form_spec_for


def may_view_history(user: Actor) -> bool:
    return can(user, VIEW_CHANGE_HISTORY)


def product_history_sources(user: Actor, product: Product) -> list[Source]:
    """What of a product's history `user` sees: the minimum levels of the warehouses they see,
    the purchase price only with "View purchase price"."""
    return product_sources(
        product.pk, warehouse_ids=warehouse_scope(user, VIEW_WAREHOUSE), purchase_price=shows_purchase_price(user)
    )


def layout_labels(form_spec: FormSpec) -> dict[str, str]:
    return {f.name: str(f.label) for f in form_spec.fields}


def _page(request: HttpRequest, sources: list[Source], context: dict) -> HttpResponse:
    page_obj, entries = history(sources, request.GET.get("page"))
    return render(request, "history/history.html", {**context, "page_obj": page_obj, "entries": entries})


@require_GET
@inventory_view(VIEW_CHANGE_HISTORY, VIEW_PRODUCT)
def product_history(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product, pk=pk)
    return _page(request, product_history_sources(request.user, product), {"product": product, "title": product.name})


@require_GET
@inventory_view(VIEW_CHANGE_HISTORY, VIEW_WAREHOUSE)
def warehouse_history(request: HttpRequest, pk: int) -> HttpResponse:
    warehouse = get_object_or_404(warehouses_for(request.user, VIEW_WAREHOUSE), pk=pk)
    return _page(request, warehouse_sources(warehouse.pk), {"warehouse": warehouse, "title": warehouse.name})


@require_GET
def settings_history(request: HttpRequest) -> HttpResponse:
    """For whoever may change either of the settings pages (reservations, costing)."""
    require(request.user, VIEW_CHANGE_HISTORY)
    require(request.user, VIEW_INVENTORY)
    if not (can(request.user, CHANGE_RESERVATION_SETTINGS) or can(request.user, MANAGE_INVENTORY_SETTINGS)):
        raise PermissionDenied(_("You do not have the right to open this page."))
    context = {
        "settings_page": True,
        "title": _("Inventory settings"),
        "reservations": can(request.user, CHANGE_RESERVATION_SETTINGS),
    }
    return _page(request, settings_sources(), context)


def _layout(request: HttpRequest, key: str) -> tuple[FormSpec, FormLayout]:
    require(request.user, VIEW_CHANGE_HISTORY)
    form_spec = form_spec_for(request, key)
    return form_spec, get_object_or_404(FormLayout, key=key)


@require_GET
def layout_history(request: HttpRequest, key: str) -> HttpResponse:
    form_spec, layout = _layout(request, key)
    sources = layout_sources(layout.pk, layout_labels(form_spec))
    return _page(request, sources, {"spec": form_spec, "key": key, "title": str(form_spec.label)})


@require_GET
def layout_field_history(request: HttpRequest, key: str, field_key: str) -> HttpResponse:
    """A custom field's history (also once it has been removed)."""
    form_spec, layout = _layout(request, key)
    field = LayoutField.objects.filter(layout=layout, key=field_key, is_custom=True).first()
    if field is None:
        raise Http404(_("This form has no such custom field."))
    sources = layout_sources(layout.pk, layout_labels(form_spec), field_id=field.pk)
    context = {"spec": form_spec, "key": key, "field": field, "title": str(form_spec.label)}
    return _page(request, sources, context)
