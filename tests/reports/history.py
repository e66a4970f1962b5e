"""A small fixed history for the report tests, made through the real services (FIFO), with a
back-dated receipt and a cancelled write-off. Figures of the tests are computed by hand from it:

    T-30  RC teh 7 @ 50 into Surabaya (processed last, back-dated)
    T-20  RC kopi 10 @ 100 into Jakarta
    T-10  RC kopi 5 @ 130 into Jakarta
    T-5   TR kopi 4 Jakarta → Surabaya (takes 4 @ 100)
    T-3   WO kopi 2 from Jakarta (takes 2 @ 100), then cancelled
    T-2   SO kopi 3 @ 200 from Jakarta (takes 3 @ 100)
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from inventory.models import DocumentType, StockDocument
from inventory.services.documents import cancel_document, process_document
from tests.factories import CategoryFactory, CompanyFactory, ProductFactory, WarehouseFactory
from tests.stock_helpers import make_document


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


def post(doc_type, *, by, warehouse, lines, back, destination=None, supplier=None, client=None) -> StockDocument:
    document = make_document(
        doc_type, by=by, warehouse=warehouse, lines=lines, destination=destination, supplier=supplier, client=client
    )
    StockDocument.objects.filter(pk=document.pk).update(date=days_ago(back))
    document.refresh_from_db()
    return process_document(document, by=by)


def make_history(user) -> dict:
    jakarta = WarehouseFactory(name="Jakarta", code="JKT")
    surabaya = WarehouseFactory(name="Surabaya", code="SBY")
    drinks = CategoryFactory(name="Drinks")
    kopi = ProductFactory(name="Kopi", sku="K-1", category=drinks)
    teh = ProductFactory(name="Teh", sku="T-1", category=drinks)
    supplier = CompanyFactory(name="Pemasok", is_supplier=True)
    client = CompanyFactory(name="Toko Ani", is_client=True)
    r1 = post(DocumentType.RECEIPT, by=user, warehouse=jakarta, lines=[(kopi, 10, 100)], back=20, supplier=supplier)
    r2 = post(DocumentType.RECEIPT, by=user, warehouse=jakarta, lines=[(kopi, 5, 130)], back=10, supplier=supplier)
    transfer = post(DocumentType.TRANSFER, by=user, warehouse=jakarta, destination=surabaya, lines=[(kopi, 4)], back=5)
    write_off = post(DocumentType.WRITE_OFF, by=user, warehouse=jakarta, lines=[(kopi, 2)], back=3)
    sale = post(DocumentType.SALES_ORDER, by=user, warehouse=jakarta, lines=[(kopi, 3, 200)], back=2, client=client)
    cancel_document(write_off, by=user)
    r3 = post(DocumentType.RECEIPT, by=user, warehouse=surabaya, lines=[(teh, 7, 50)], back=30, supplier=supplier)
    return {
        "jakarta": jakarta,
        "surabaya": surabaya,
        "kopi": kopi,
        "teh": teh,
        "drinks": drinks,
        "documents": {"r1": r1, "r2": r2, "transfer": transfer, "write_off": write_off, "sale": sale, "r3": r3},
    }


D = Decimal
