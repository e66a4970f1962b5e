"""Warehouse pages: list, create, edit, deactivate, delete. Every write goes through the service."""

from typing import TYPE_CHECKING, TypedDict, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.catalogue import MANAGE_WAREHOUSES, VIEW_WAREHOUSE
from accounts.permissions import can, require, warehouses_for
from inventory.access import inventory_view
from inventory.forms.warehouses import WarehouseForm
from inventory.models import Warehouse
from inventory.services.warehouses import (
    create_warehouse,
    deactivate_warehouse,
    delete_warehouse,
    update_warehouse,
)
from layouts.builder import load_layout
from web.errors import add_service_errors

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def _warehouse_or_404(request, pk: int) -> Warehouse:
    """A warehouse the user may see (else 404) and manage (else 403)."""
    warehouse = get_object_or_404(warehouses_for(request.user, VIEW_WAREHOUSE).select_related("responsible"), pk=pk)
    require(request.user, MANAGE_WAREHOUSES, warehouse)
    return warehouse


class _Listed(TypedDict):
    manageable: bool  # whether the user may change it


@inventory_view(VIEW_WAREHOUSE)
def warehouse_list(request: HttpRequest) -> HttpResponse:
    warehouses = cast(  # each gets `manageable` below
        "list[WithAnnotations[Warehouse, _Listed]]",
        list(
            warehouses_for(request.user, VIEW_WAREHOUSE)
            .select_related("responsible")
            .order_by("-is_active", "-is_default", "name", "id")
        ),
    )
    for warehouse in warehouses:
        warehouse.manageable = can(request.user, MANAGE_WAREHOUSES, warehouse)
    return render(
        request,
        "inventory/warehouses/list.html",
        {
            "warehouses": warehouses,
            "custom_columns": load_layout("warehouse").list_columns(),
            "can_create": can(request.user, MANAGE_WAREHOUSES),
        },
    )


@inventory_view(MANAGE_WAREHOUSES)
def warehouse_create(request: HttpRequest) -> HttpResponse:
    """Needs the right for all warehouses, as the service does: a right on chosen warehouses
    gets a 403 on GET as on POST."""
    require(request.user, MANAGE_WAREHOUSES)
    form = WarehouseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            warehouse = create_warehouse(by=request.user, data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Warehouse “%(name)s” created.") % {"name": warehouse.name})
            return redirect("inventory:warehouse_list")
    return render(request, "inventory/warehouses/form.html", {"form": form, "warehouse": None})


@inventory_view(MANAGE_WAREHOUSES)
def warehouse_update(request: HttpRequest, pk: int) -> HttpResponse:
    warehouse = _warehouse_or_404(request, pk)
    form = WarehouseForm(request.POST or None, instance=warehouse)
    if not can(request.user, MANAGE_WAREHOUSES):
        form.fields["is_default"].disabled = True  # choosing the default needs the right for all warehouses
    if request.method == "POST" and form.is_valid():
        try:
            warehouse = update_warehouse(warehouse, by=request.user, data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Warehouse “%(name)s” saved.") % {"name": warehouse.name})
            return redirect("inventory:warehouse_list")
    return render(request, "inventory/warehouses/form.html", {"form": form, "warehouse": warehouse})


@require_POST
@inventory_view(MANAGE_WAREHOUSES)
def warehouse_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    warehouse = _warehouse_or_404(request, pk)
    try:
        deactivate_warehouse(warehouse, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Warehouse “%(name)s” deactivated.") % {"name": warehouse.name})
    return redirect("inventory:warehouse_list")


@require_POST
@inventory_view(MANAGE_WAREHOUSES)
def warehouse_delete(request: HttpRequest, pk: int) -> HttpResponse:
    warehouse = _warehouse_or_404(request, pk)
    try:
        delete_warehouse(warehouse, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Warehouse “%(name)s” deleted.") % {"name": warehouse.name})
    return redirect("inventory:warehouse_list")
