"""The admin cannot write stock: balances, movements, reservations and documents are
read-only (see test_admin_services.py for what the admin saves through the services)."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from crm.models import DealRow
from inventory.models import (
    Barcode,
    DocumentLine,
    DocumentSequence,
    DocumentType,
    InventorySettings,
    MinimumStock,
    Reservation,
    StockBalance,
    StockDocument,
    StockMove,
)
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import make_document, stock_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(username="admin", is_superuser=True)


@pytest.fixture
def admin_client_(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def processed(superuser):
    return stock_in(by=superuser, warehouse=WarehouseFactory(), product=ProductFactory(), quantity=5)


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("model", [StockMove, StockBalance])
def test_movements_and_balances_have_no_add_change_or_delete(superuser, processed, model):
    model_admin = admin.site._registry[model]
    request = _request(superuser)
    row = model.objects.first()
    assert model_admin.has_view_permission(request, row)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, row)
    assert not model_admin.has_delete_permission(request, row)


@pytest.mark.parametrize("model", [StockMove, StockBalance])
def test_admin_urls_refuse_writes_to_movements_and_balances(admin_client_, processed, model):
    row = model.objects.first()
    opts = model._meta
    before = list(model.objects.values())
    assert admin_client_.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403
    change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
    assert admin_client_.get(change_url).status_code == 200  # view only
    assert admin_client_.post(change_url, {"quantity": "999", "on_hand": "999"}).status_code == 403
    delete_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[row.pk])
    assert admin_client_.post(delete_url, {"post": "yes"}).status_code == 403
    assert list(model.objects.values()) == before


def test_processed_document_is_read_only(admin_client_, superuser, processed):
    model_admin = admin.site._registry[StockDocument]
    request = _request(superuser)
    assert not model_admin.has_change_permission(request, processed)
    assert not model_admin.has_delete_permission(request, processed)
    url = reverse("admin:inventory_stockdocument_change", args=[processed.pk])
    assert admin_client_.get(url).status_code == 200
    response = admin_client_.post(url, {"comment": "changed", "warehouse": processed.warehouse_id})
    assert response.status_code == 403
    processed.refresh_from_db()
    assert processed.comment == ""


def test_a_draft_document_and_its_lines_are_view_only(superuser):
    draft = make_document(
        DocumentType.ADJUSTMENT, by=superuser, warehouse=WarehouseFactory(), lines=[(ProductFactory(), 1)]
    )
    document_admin = admin.site._registry[StockDocument]
    request = _request(superuser)
    assert document_admin.has_view_permission(request, draft)
    assert not document_admin.has_add_permission(request)
    assert not document_admin.has_change_permission(request, draft)
    assert not document_admin.has_delete_permission(request, draft)
    (lines,) = document_admin.get_inline_instances(request, draft)
    assert lines.has_view_permission(request, draft)
    assert not lines.has_add_permission(request, draft)
    assert not lines.has_change_permission(request, draft)
    assert not lines.has_delete_permission(request, draft)


@pytest.mark.parametrize("model", [Reservation, DocumentSequence])
def test_reservations_and_document_numbers_are_view_only(superuser, model):
    model_admin = admin.site._registry[model]
    request = _request(superuser)
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_inventory_settings_change_only(admin_client_, superuser):
    model_admin = admin.site._registry[InventorySettings]
    request = _request(superuser)
    settings_row = InventorySettings.load()
    assert model_admin.has_change_permission(request, settings_row)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_delete_permission(request, settings_row)


def test_every_inventory_and_crm_model_is_registered_and_its_list_opens(admin_client_, processed):
    from django.apps import apps

    inline_only = {Barcode, MinimumStock, DocumentLine, DealRow}  # edited inside their product / document / deal
    for app_label in ("inventory", "crm"):
        for model in set(apps.get_app_config(app_label).get_models()) - inline_only:
            assert model in admin.site._registry, model
            opts = model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            assert admin_client_.get(url).status_code == 200, url
