"""The companies and contacts imports."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.catalogue import CLERK
from crm.models import Company, Contact
from imports.models import ImportStatus
from imports.services.exports import template_file
from imports.services.jobs import queue_import, run_import, upload_import
from tests.factories import CompanyFactory, UserFactory
from tests.imports.helpers import csv_bytes

pytestmark = pytest.mark.django_db


def crm_import(user, kind, content, *, mode="upsert"):
    match_by = "tax_id" if kind == "companies" else "email"
    job = upload_import(by=user, kind=kind, mode=mode, match_by=match_by, filename="crm.csv", content=content)
    queue_import(job, by=user)
    job = run_import(job.pk)
    assert job.status == ImportStatus.DONE, job.error
    return job


def test_companies_upserted_by_tax_id(user):
    CompanyFactory(name="PT Lama", tax_id="01.111", is_supplier=False)
    content = csv_bytes(
        [
            ["Nama", "NPWP", "Alamat", "Pemasok", "Email"],
            ["PT Lama Baru", "01.111", "Jl. Satu", "ya", ""],
            ["CV Baru", "02.222", "", "tidak", "info@baru.id"],
            ["CV Tanpa NPWP", "", "", "", ""],
            ["CV Salah", "03.333", "", "mungkin", "bukan-email"],
            ["CV Dua Kali", "02.222", "", "", ""],
        ]
    )
    job = crm_import(user, "companies", content)
    assert (job.created, job.updated, job.failed) == (2, 1, 2)
    old = Company.objects.get(tax_id="01.111")
    assert (old.name, old.address, old.is_supplier) == ("PT Lama Baru", "Jl. Satu", True)
    assert Company.objects.get(tax_id="02.222").email == "info@baru.id"
    errors = {f["line"]: f["errors"] for f in job.failures}
    assert set(errors[5]) == {"is_supplier", "email"} and "row 3" in errors[6]["tax_id"][0]


def test_contacts_by_email_with_their_company(user):
    company = CompanyFactory(name="PT Sumber Makmur", tax_id="01.234")
    Contact.objects.create(first_name="Siti", email="siti@example.com")
    content = csv_bytes(
        [
            ["First name", "Last name", "Company", "E-mail"],
            ["Siti", "Rahayu", "01.234", "SITI@example.com"],
            ["Budi", "", "pt sumber makmur", "budi@example.com"],
            ["Ani", "", "PT Tidak Ada", "ani@example.com"],
        ]
    )
    job = crm_import(user, "contacts", content)
    assert (job.created, job.updated, job.failed) == (1, 1, 1)
    siti = Contact.objects.get(email="siti@example.com")
    assert (siti.last_name, siti.company) == ("Rahayu", company)
    assert Contact.objects.get(email="budi@example.com").company == company
    assert job.failures[0]["errors"] == {"company": ["No such company."]}


def test_the_crm_imports_need_the_crm(db):
    clerk = UserFactory(username="clerk-crm", roles=[CLERK])
    with pytest.raises(PermissionDenied):
        upload_import(
            by=clerk, kind="companies", mode="upsert", match_by="tax_id", filename="a.csv", content=b"Name\nA\n"
        )


def test_the_templates_import_their_examples(user):
    for kind in ("companies", "contacts"):
        crm_import(user, kind, template_file(user, kind, "csv"))
    assert Contact.objects.get().company == Company.objects.get()


@pytest.mark.parametrize("kind", ["companies", "contacts", "balances"])
def test_queries_do_not_grow_with_the_rows(user, kind):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ProductFactory, WarehouseFactory

    CompanyFactory(name="PT Satu", tax_id="01.1")
    WarehouseFactory(code="JKT")

    def rows_of(n: int) -> list[list[str]]:
        if kind == "companies":
            return [["Name", "Tax ID", "Supplier"]] + [[f"PT {n}-{i}", f"{n}.{i}", "yes"] for i in range(n)]
        if kind == "contacts":
            return [["First name", "E-mail", "Company"]] + [[f"A{i}", f"a{n}-{i}@x.id", "PT Satu"] for i in range(n)]
        products = [ProductFactory(sku=f"Q{n}-{i}") for i in range(n)]
        return [["SKU", "Warehouse", "Quantity"]] + [[p.sku, "JKT", "2"] for p in products]

    def queries_for(n: int) -> int:
        match_by = {"companies": "tax_id", "contacts": "email", "balances": "sku"}[kind]
        content = csv_bytes(rows_of(n))
        job = upload_import(by=user, kind=kind, mode="upsert", match_by=match_by, filename="q.csv", content=content)
        queue_import(job, by=user)
        with CaptureQueriesContext(connection) as queries:
            job = run_import(job.pk)
        assert (job.created, job.failed) == (n, 0), job.failures[:1]
        return len(queries)

    assert queries_for(4) == queries_for(40)
