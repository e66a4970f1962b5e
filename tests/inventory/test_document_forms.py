"""The document forms on their own: product text resolution, quantity rules, merging, headers."""

from decimal import Decimal

import pytest

from inventory.forms.documents import HEADER_FORMS, DocumentForms, LineFormSet, ProductResolver
from inventory.models import DocumentType
from tests.factories import BarcodeFactory, CompanyFactory, ProductFactory, WarehouseFactory
from tests.stock_helpers import make_document

pytestmark = pytest.mark.django_db


def lines_data(*rows, initial=0) -> dict:
    data = {
        "lines-TOTAL_FORMS": str(len(rows)),
        "lines-INITIAL_FORMS": str(initial),
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in zip(("product", "quantity", "price"), row, strict=False):
            data[f"lines-{i}-{key}"] = value
    return data


def formset(doc_type, *rows):
    return LineFormSet(lines_data(*rows), prefix="lines", doc_type=doc_type)


def test_resolver_finds_by_barcode_sku_and_id():
    product = ProductFactory(sku="Kopi-01")
    BarcodeFactory(product=product, code="12345")
    other = ProductFactory(sku="12345-not-this")
    resolver = ProductResolver(["12345", "kopi-01", str(product.pk), "nothing", ""])
    assert resolver.get("12345") == product
    assert resolver.get(" KOPI-01 ") == product
    assert resolver.get(str(product.pk)) == product
    assert resolver.get(str(other.pk)) == other  # not preloaded: looked up on demand
    assert resolver.get("nothing") is None


def test_formset_resolves_all_products_in_a_few_queries(django_assert_max_num_queries):
    products = ProductFactory.create_batch(30)
    rows = [(p.sku, "1") for p in products]
    with django_assert_max_num_queries(3):
        lines = formset(DocumentType.ADJUSTMENT, *rows)
        assert lines.is_valid(), lines.errors
    assert len(lines.lines) == 30


@pytest.mark.parametrize(
    ("quantity", "valid"),
    [
        ("1", True),
        ("0.001", True),
        ("999999999999.999", True),
        ("0", False),
        ("-1", False),
        ("1,5", True),  # a decimal comma is read as such when it does not group thousands
        ("1,500", True),  # grouped thousands in English: 1500
        ("1.234,5", False),  # the Indonesian way, in English: refused, not misread
        ("1e3", False),  # nobody types an exponent; a typo is not read as 1000
        ("1000000000000", False),
        ("0.0001", False),
        ("", False),
    ],
)
def test_quantity_rules(quantity, valid):
    product = ProductFactory()
    lines = formset(DocumentType.WRITE_OFF, (product.sku, quantity))
    assert lines.is_valid() is valid, lines.errors


def test_stock_count_allows_zero_and_has_no_price():
    product = ProductFactory()
    lines = formset(DocumentType.STOCK_COUNT, (product.sku, "0"))
    assert lines.is_valid(), lines.errors
    assert "price" not in lines.forms[0].fields
    assert lines.forms[0].fields["quantity"].label == "Counted quantity"


def test_duplicates_merge_and_keep_the_price():
    product = ProductFactory()
    lines = formset(DocumentType.SALES_ORDER, (product.sku, "1", "500"), (product.sku, "2", ""))
    assert lines.is_valid(), lines.errors
    [line] = lines.lines
    assert (line.quantity, line.price) == (Decimal("3"), Decimal("500"))


def test_duplicates_with_different_prices_are_an_error():
    product = ProductFactory()
    lines = formset(DocumentType.SALES_ORDER, (product.sku, "1", "500"), (product.sku, "2", "600"))
    assert not lines.is_valid()
    assert "different prices" in str(lines.non_form_errors())


def test_deleted_and_blank_rows_are_ignored():
    product, gone = ProductFactory(), ProductFactory(is_active=False)
    data = lines_data((product.sku, "1"), (gone.sku, "1"), ("", ""))
    data["lines-1-DELETE"] = "on"
    lines = LineFormSet(data, prefix="lines", doc_type=DocumentType.ADJUSTMENT)
    assert lines.is_valid(), lines.errors
    assert [x.product for x in lines.lines] == [product]


def test_product_without_quantity_and_quantity_without_product():
    product = ProductFactory()
    lines = formset(DocumentType.ADJUSTMENT, (product.sku, ""), ("", "2"))
    assert not lines.is_valid()
    assert "Enter the quantity." in lines.forms[0].errors["quantity"]
    assert "Enter a product's name, barcode, SKU or ID." in lines.forms[1].errors["product"]


def test_header_choices_are_limited():
    active = WarehouseFactory(name="Open")
    closed = WarehouseFactory(name="Closed", is_active=False)
    supplier = CompanyFactory(is_supplier=True, is_client=False)
    client = CompanyFactory(is_supplier=False, is_client=True)
    receipt = HEADER_FORMS[DocumentType.RECEIPT]()
    assert list(receipt.fields["warehouse"].queryset) == [active]
    assert list(receipt.fields["supplier"].queryset) == [supplier]
    order = HEADER_FORMS[DocumentType.SALES_ORDER]()
    assert list(order.fields["client"].queryset) == [client]
    assert "reason" in HEADER_FORMS[DocumentType.WRITE_OFF]().fields
    assert "destination" in HEADER_FORMS[DocumentType.TRANSFER]().fields
    assert closed not in receipt.fields["warehouse"].queryset


def test_editing_keeps_a_deactivated_warehouse_as_a_choice(user):
    warehouse = WarehouseFactory()
    product = ProductFactory()
    document = make_document(DocumentType.ADJUSTMENT, by=user, warehouse=warehouse, lines=[(product, 1)])
    warehouse.is_active = False
    warehouse.save()
    forms = DocumentForms(DocumentType.ADJUSTMENT, user=user, document=document)
    assert warehouse in forms.header.fields["warehouse"].queryset
    assert forms.header.initial["warehouse"] == warehouse.pk
    assert forms.lines.forms[0].initial["product"] == product.sku
