"""The import journey: an administrator uploads an XLSX of products whose name column has a
heading the matching does not know, matches it by hand, sees the preview, runs the import,
watches the progress end, and the products exist."""

import pytest
from playwright.sync_api import expect

from accounts.catalogue import ADMINISTRATOR
from imports.models import ImportJob, ImportStatus
from imports.services.jobs import run_import
from inventory.models import Product
from tests.e2e.conftest import E2E_PASSWORD
from tests.factories import ProductFactory, UserFactory
from tests.imports.helpers import xlsx_bytes

pytestmark = pytest.mark.e2e

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def admin(transactional_db):
    ProductFactory(sku="TEH-1", name="Teh lama")
    return UserFactory(username="e2e-admin", password=E2E_PASSWORD, roles=[ADMINISTRATOR])


def test_upload_match_preview_run(page, login, live_url, admin):
    content = xlsx_bytes(
        [["Kode Barang", "Deskripsi", "Harga Jual"], ["KOPI-1", "Kopi Toraja", 45000], ["TEH-1", "Teh hijau", 12000]]
    )
    login(page, "e2e-admin", E2E_PASSWORD)
    page.goto(live_url + "/")
    page.get_by_role("link", name="Import").click()
    page.locator("#import-upload").get_by_label("File (CSV or XLSX)").set_input_files(
        {"name": "produk.xlsx", "mimeType": XLSX, "buffer": content}
    )
    page.get_by_role("button", name="Upload and preview").click()

    # "Deskripsi" is not a known heading: the rows fail for want of a name until it is matched.
    expect(page.locator("#count-failed")).to_have_text("1")
    page.get_by_label("Deskripsi").select_option("name")
    page.get_by_role("button", name="Preview again").click()
    expect(page.locator("#count-new")).to_have_text("1")
    expect(page.locator("#count-updated")).to_have_text("1")
    expect(page.locator("#count-failed")).to_have_text("0")
    expect(page.locator("#import-preview")).to_contain_text("Kopi Toraja")

    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#import-progress progress")).to_be_visible()
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.QUEUED
    run_import(job.pk)  # what the background worker does
    expect(page.locator("#import-done")).to_be_visible()  # the polling shows the end without a reload
    expect(page.locator("#count-new")).to_have_text("1")
    assert Product.objects.get(sku="KOPI-1").name == "Kopi Toraja"
    assert Product.objects.get(sku="TEH-1").selling_price == 12000
