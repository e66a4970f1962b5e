"""The imports through the REST API: upload (multipart) → preview JSON → adjust → run →
progress and result → errors file; the rights of the pages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.catalogue import CLERK, STAFF
from imports.models import ImportJob, ImportStatus
from imports.services.jobs import run_import
from inventory.models import Product
from tests.api.helpers import token_client
from tests.factories import UserFactory, WarehouseFactory
from tests.imports.helpers import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def upload(api, content, name="p.xlsx", **data):
    body = {"file": SimpleUploadedFile(name, content), "kind": "products", **data}
    return api.post(reverse("api:import-list"), body, format="multipart")


def test_the_whole_journey(user):
    api = token_client(user)
    content = xlsx_bytes([["Kode", "Deskripsi", "Harga jual"], ["KOPI-1", "Kopi", "15000"], ["TEH-1", "Teh", "x"]])
    response = upload(api, content)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "uploaded" and body["mapping"] == ["sku", "", "selling_price"]
    assert body["counts"] == {"new": 0, "updated": 0, "unchanged": 0, "failed": 2, "total": 2}
    assert body["rows"][1]["errors"]["selling_price"][0].startswith("“x” is not a number")
    assert {"key": "name", "title": "Name", "required": False} in body["columns"]

    url = reverse("api:import-detail", args=[body["id"]])
    response = api.patch(url, {"mapping": ["sku", "name", "selling_price"]}, format="json")
    assert response.status_code == 200 and response.json()["counts"]["new"] == 1

    response = api.post(reverse("api:import-run", args=[body["id"]]))
    assert response.status_code == 202 and response.json()["status"] == "queued"
    run_import(body["id"])
    result = api.get(url).json()
    assert (result["status"], result["percent"], result["counts"]["new"], result["counts"]["failed"]) == (
        "done",
        100,
        1,
        1,
    )
    assert Product.objects.get(sku="KOPI-1").selling_price == 15000
    errors = api.get(reverse("api:import-errors", args=[body["id"]]))
    rows = list(load_workbook(io.BytesIO(errors.content)).active.values)
    assert rows[1][0] == "TEH-1" and "not a number" in rows[1][-1]
    # once run, the matching stays
    response = api.patch(url, {"mapping": ["sku", "", ""]}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_the_mapping_field_on_upload(user):
    api = token_client(user)
    response = upload(api, csv_bytes([["A", "B"], ["X-1", "Kopi"]]), name="p.csv", mapping='["sku", "name"]')
    assert response.status_code == 201 and response.json()["counts"]["new"] == 1
    response = upload(api, csv_bytes([["A", "B"], ["X-1", "Kopi"]]), name="p.csv", mapping="not json")
    assert response.status_code == 400 and "mapping" in response.json()["fields"]


@pytest.mark.parametrize(
    "content, field",
    [(b"", "file"), (b"\x00\x01binary", "file"), (b"PK\x03\x04nonsense", "file"), (b"SKU\r\n", "file")],
)
def test_garbage_is_a_400_and_nothing_kept(user, content, field):
    response = upload(token_client(user), content, name="x.csv")
    assert response.status_code == 400 and field in response.json()["fields"], response.content
    assert not ImportJob.objects.exists()


def test_an_unknown_kind_or_mode(user):
    api = token_client(user)
    response = upload(api, csv_bytes([["SKU"], ["A"]]), name="a.csv", mode="replace")
    assert response.status_code == 400 and "mode" in response.json()["fields"]
    body = {"file": SimpleUploadedFile("a.csv", b"SKU\r\nA\r\n"), "kind": "everything"}
    assert api.post(reverse("api:import-list"), body, format="multipart").status_code == 400


def test_rights_as_the_pages(db):
    staff = UserFactory(username="api-staff", roles=[STAFF])
    response = upload(token_client(staff), csv_bytes([["SKU", "Name"], ["A", "B"]]), name="a.csv")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert not ImportJob.objects.exists()
    nobody = UserFactory(username="api-nobody")
    assert upload(token_client(nobody), b"SKU\r\nA\r\n", name="a.csv").status_code == 403


def test_balances_in_a_warehouse_the_clerk_may_not_use(db):
    from tests.inventory.views.test_warehouse_scope import limited_role

    mine = WarehouseFactory(code="MINE")
    WarehouseFactory(code="HIDDEN", name="Gudang Rahasia")
    Product.objects.create(sku="KOPI-1", name="Kopi")
    clerk = UserFactory(username="api-clerk")
    clerk.groups.add(limited_role("Clerk, mine", [mine]))
    api = token_client(clerk)
    content = csv_bytes([["SKU", "Warehouse", "Quantity"], ["KOPI-1", "MINE", "3"], ["KOPI-1", "HIDDEN", "3"]])
    body = {"file": SimpleUploadedFile("s.csv", content), "kind": "balances", "match_by": "sku"}
    response = api.post(reverse("api:import-list"), body, format="multipart")
    assert response.status_code == 201
    preview = response.json()
    assert preview["counts"]["new"] == 1 and preview["counts"]["failed"] == 1
    message = preview["rows"][1]["errors"]["warehouse"][0]
    assert "HIDDEN" not in message and "Rahasia" not in message
    api.post(reverse("api:import-run", args=[preview["id"]]))
    run_import(preview["id"])
    result = api.get(reverse("api:import-detail", args=[preview["id"]])).json()
    assert result["status"] == "done" and len(result["documents"]) == 1


def test_someone_elses_import_is_not_found(user):
    response = upload(token_client(user), csv_bytes([["SKU", "Name"], ["A", "B"]]), name="a.csv")
    other = token_client(UserFactory(username="api-other", roles=[CLERK]))
    pk = response.json()["id"]
    assert other.get(reverse("api:import-detail", args=[pk])).status_code == 404
    assert other.post(reverse("api:import-run", args=[pk])).status_code == 404
    assert ImportJob.objects.get().status == ImportStatus.UPLOADED
