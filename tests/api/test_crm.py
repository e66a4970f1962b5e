"""Companies, contacts and deals with rows, reservations, Won and Lost through the API."""

from decimal import Decimal

import pytest

from crm.models import StageKind
from inventory.models import DocumentStatus, Reservation, ReservationStatus, StockDocument
from tests.crm.deal_helpers import manual_reservations
from tests.stock_helpers import on_hand

pytestmark = pytest.mark.django_db


def test_companies_and_contacts(world, as_user):
    api = as_user("staff")
    company = api.post("/api/v1/companies/", {"name": "CV Maju", "is_supplier": True}, format="json")
    assert company.status_code == 201 and company.json()["is_client"] is True
    contact = api.post(
        "/api/v1/contacts/", {"first_name": "Sari", "company": company.json()["id"]}, format="json"
    ).json()
    changed = api.patch(f"/api/v1/contacts/{contact['id']}/", {"phone": "0812"}, format="json").json()
    assert changed["first_name"] == "Sari" and changed["phone"] == "0812"
    assert api.get("/api/v1/companies/", {"q": "Maju"}).json()["count"] == 1
    blank = api.post("/api/v1/companies/", {"name": "   "}, format="json")
    assert blank.status_code == 400 and "name" in blank.json()["fields"]
    assert as_user("clerk").get("/api/v1/companies/").status_code == 403  # no "Clients and deals"


def test_a_deal_reserves_releases_and_is_won_into_a_processed_order(world, as_user):
    manual_reservations()
    api, product, alpha = as_user("staff"), world["product"], world["alpha"]
    deal = api.post("/api/v1/deals/", {"title": "Pesanan kafe", "company": world["company"].pk}, format="json").json()
    row = api.post(
        f"/api/v1/deals/{deal['id']}/rows/",
        {"product": product.pk, "quantity": "4", "warehouse": alpha.pk},
        format="json",
    )
    assert row.status_code == 201, row.json()
    row = row.json()
    assert row["reservation"] is None and row["available"] == "10.000" and row["price"] == "15.00"
    reserved = api.post(f"/api/v1/deals/{deal['id']}/rows/{row['id']}/reserve/", {}, format="json").json()
    assert reserved["reservation"]["quantity"] == "4.000" and reserved["available"] == "6.000"
    too_much = api.post(f"/api/v1/deals/{deal['id']}/rows/{row['id']}/reserve/", {"quantity": "5"}, format="json")
    assert too_much.status_code == 400 and "quantity" in too_much.json()["fields"]
    released = api.post(f"/api/v1/deals/{deal['id']}/rows/{row['id']}/release/").json()
    assert released["reservation"] is None
    api.post(f"/api/v1/deals/{deal['id']}/rows/{row['id']}/reserve/", {}, format="json")

    won = api.post(f"/api/v1/deals/{deal['id']}/won/")
    assert won.status_code == 200, won.json()
    assert won.json()["state"] == StageKind.WON and len(won.json()["sales_orders"]) == 1
    order = StockDocument.objects.get(pk=won.json()["sales_orders"][0])
    assert order.status == DocumentStatus.PROCESSED and on_hand(alpha, product) == 6
    assert not Reservation.objects.filter(status=ReservationStatus.ACTIVE).exists()
    assert Reservation.objects.filter(status=ReservationStatus.CONSUMED).count() == 1
    closed = api.patch(f"/api/v1/deals/{deal['id']}/", {"title": "x"}, format="json")
    assert closed.status_code == 400 and "closed" in closed.json()["message"]


def test_winning_with_short_stock_changes_nothing(world, as_user):
    api = as_user("admin")
    deal = api.post("/api/v1/deals/", {"title": "Besar", "company": world["company"].pk}, format="json").json()
    api.post(
        f"/api/v1/deals/{deal['id']}/rows/",
        {"product": world["product"].pk, "quantity": "25", "warehouse": world["alpha"].pk},
        format="json",
    )
    refused = api.post(f"/api/v1/deals/{deal['id']}/won/")
    assert refused.status_code == 409 and refused.json()["code"] == "insufficient_stock"
    assert "Gudang Alpha" in refused.json()["message"]
    assert api.get(f"/api/v1/deals/{deal['id']}/").json()["state"] == StageKind.OPEN
    lost = api.post(f"/api/v1/deals/{deal['id']}/lost/").json()
    assert lost["state"] == StageKind.LOST
    assert on_hand(world["alpha"], world["product"]) == Decimal(10)


def test_another_deals_row_is_not_found(world, as_user):
    api = as_user("admin")
    one = api.post("/api/v1/deals/", {"title": "A", "company": world["company"].pk}, format="json").json()
    two = api.post("/api/v1/deals/", {"title": "B", "company": world["company"].pk}, format="json").json()
    row = api.post(
        f"/api/v1/deals/{one['id']}/rows/", {"product": world["product"].pk, "quantity": "1"}, format="json"
    ).json()
    assert (
        api.patch(f"/api/v1/deals/{two['id']}/rows/{row['id']}/", {"quantity": "2"}, format="json").status_code == 404
    )
    assert api.delete(f"/api/v1/deals/{two['id']}/rows/{row['id']}/").status_code == 404
    assert api.delete(f"/api/v1/deals/{one['id']}/rows/{row['id']}/").status_code == 204
