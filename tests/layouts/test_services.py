"""The layout services: order, visibility and labels for everyone, protected fields, and
custom fields whose values survive hiding, removal and (fitting) type changes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.catalogue import CLERK, STAFF
from inventory.models import Product
from layouts.builder import load_layout
from layouts.models import FieldType, FormLayout, LayoutField
from layouts.registry import all_specs
from layouts.services import (
    CustomFieldInput,
    EntryInput,
    add_custom_field,
    remove_custom_field,
    save_layout,
    update_custom_field,
)
from tests.factories import ProductFactory, UserFactory
from tests.layout_helpers import field_keys

pytestmark = pytest.mark.django_db


def grade(**overrides) -> CustomFieldInput:
    values = {"key": "grade", "label_en": "Quality grade", "label_id": "Mutu", "field_type": FieldType.CHOICE}
    values["choices"] = ("A", "B", "C")
    return CustomFieldInput(**{**values, **overrides})


def test_every_registered_form_has_a_layout_row_after_migrate():
    assert set(FormLayout.objects.values_list("key", flat=True)) == {s.key for s in all_specs()}
    expected = {"product", "warehouse", "company", "contact", "deal"}
    expected |= {f"document_{t}" for t in ("receipt", "adjustment", "transfer", "write_off", "sales_order")}
    assert expected | {"document_stock_count"} <= {s.key for s in all_specs()}


def test_the_default_layout_is_the_forms_own_order_all_visible():
    layout = load_layout("document_receipt")
    assert field_keys("document_receipt")[:2] == ["supplier", "warehouse"]
    assert field_keys("document_receipt", "lines") == ["line_product", "line_quantity", "line_price"]
    assert all(e.visible for e in layout.entries)
    assert {e.key for e in layout.entries if e.protected} == {"supplier", "warehouse", "line_product", "line_quantity"}


def test_save_layout_orders_hides_and_relabels_for_everyone(admin):
    order = ["comment", "date", "warehouse", "supplier", "currency", "responsible"]
    save_layout(
        by=admin,
        key="document_receipt",
        entries=[EntryInput(k, visible=k != "currency", label_en="Note" if k == "comment" else "") for k in order]
        + [EntryInput("line_product", label_id="Barang")],
    )
    assert field_keys("document_receipt")[:6] == order
    layout = load_layout("document_receipt")
    assert not layout.is_visible("currency") and layout.is_visible("date")
    assert layout.label("comment", "") == "Note"
    with translation.override("id"):
        assert load_layout("document_receipt").label("line_product", "") == "Barang"
        assert load_layout("document_receipt").label("comment", "") == "Note"  # no Indonesian override: English
    # Fields left out of the saved list keep their place after the named ones.
    assert field_keys("document_receipt", "lines") == ["line_product", "line_quantity", "line_price"]


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("document_receipt", "warehouse"),
        ("document_receipt", "supplier"),
        ("document_sales_order", "client"),
        ("document_transfer", "destination"),
        ("document_receipt", "line_product"),
        ("document_write_off", "line_quantity"),
        ("product", "sku"),
        ("product", "name"),
        ("deal", "title"),
    ],
)
def test_a_protected_field_cannot_be_hidden(admin, key, field):
    with pytest.raises(ValidationError, match="cannot be hidden"):
        save_layout(by=admin, key=key, entries=[EntryInput(field, visible=False)])
    assert load_layout(key).is_visible(field)
    assert not LayoutField.objects.filter(layout__key=key).exists()


def test_unknown_and_repeated_keys_are_refused(admin):
    for entries in ([EntryInput("nope")], [EntryInput("sku"), EntryInput("sku")]):
        with pytest.raises(ValidationError):
            save_layout(by=admin, key="product", entries=entries)
    assert not LayoutField.objects.filter(layout__key="product").exists()


@pytest.mark.parametrize("role", [STAFF, CLERK])
def test_changing_a_layout_needs_the_right(role):
    user = UserFactory(roles=[role])
    with pytest.raises(PermissionDenied):
        save_layout(by=user, key="product", entries=[EntryInput("vat_rate", visible=False)])
    with pytest.raises(PermissionDenied):
        add_custom_field(by=user, key="deal", data=grade())
    assert not LayoutField.objects.exists()


def test_crm_forms_need_the_crm_right(admin):
    from django.contrib.auth.models import Permission

    inventory_only = UserFactory()
    inventory_only.user_permissions.add(Permission.objects.get(codename="change_form_layouts"))
    add_custom_field(by=inventory_only, key="product", data=grade())
    with pytest.raises(PermissionDenied):
        add_custom_field(by=inventory_only, key="company", data=grade())


def test_add_custom_field_appends_it_visible(admin):
    add_custom_field(by=admin, key="product", data=grade(required=True))
    layout = load_layout("product")
    assert layout.entries[-1].key == "grade" and layout.entries[-1].visible
    assert layout.entries[-1].custom.required and layout.entries[-1].custom.choices == ["A", "B", "C"]
    with translation.override("id"):
        assert load_layout("product").entries[-1].label == "Mutu"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (grade(key="Bad Key"), "key"),
        (grade(key="sku"), "key"),  # a standard field's name
        (grade(label_en="", label_id=""), "label_en"),
        (grade(choices=()), "choices"),
        (grade(choices=("A", "A")), "choices"),
        (grade(field_type="colour"), "field_type"),
    ],
)
def test_bad_custom_field_definitions_are_refused(admin, data, field):
    with pytest.raises(ValidationError) as error:
        add_custom_field(by=admin, key="product", data=data)
    assert field in error.value.message_dict
    assert not LayoutField.objects.filter(is_custom=True).exists()


def test_a_key_can_only_be_added_once(admin):
    add_custom_field(by=admin, key="product", data=grade())
    with pytest.raises(ValidationError) as error:
        add_custom_field(by=admin, key="product", data=grade(label_en="Again"))
    assert "key" in error.value.message_dict


def test_removing_keeps_values_and_adding_the_key_again_brings_them_back(admin):
    add_custom_field(by=admin, key="product", data=grade())
    product = ProductFactory(custom={"grade": "B"})
    remove_custom_field(by=admin, key="product", field_key="grade")
    assert [e.key for e in load_layout("product").custom_entries] == []
    product.refresh_from_db()
    assert product.custom == {"grade": "B"}
    add_custom_field(by=admin, key="product", data=grade(label_en="Grade again"))
    entry = load_layout("product").custom_entries[0]
    assert entry.label == "Grade again" and entry.display(product.custom) == "B"


def test_adding_a_removed_key_back_with_a_type_its_values_do_not_fit_is_refused(admin):
    add_custom_field(by=admin, key="product", data=grade())
    ProductFactory(custom={"grade": "B"})
    remove_custom_field(by=admin, key="product", field_key="grade")
    with pytest.raises(ValidationError, match="1 saved value does not fit"):
        add_custom_field(by=admin, key="product", data=grade(field_type=FieldType.INTEGER))


def test_a_type_change_is_refused_while_values_do_not_fit_and_says_how_many(admin):
    add_custom_field(by=admin, key="product", data=grade(key="size", field_type=FieldType.TEXT, choices=()))
    for value in ("12", "7", "big", "huge"):
        ProductFactory(custom={"size": value})
    ProductFactory(custom={"other": "x"})
    with pytest.raises(ValidationError, match="2 saved values do not fit"):
        update_custom_field(by=admin, key="product", field_key="size", data=grade(key="size", field_type="integer"))
    assert load_layout("product").custom_entries[0].custom.field_type == FieldType.TEXT
    Product.objects.filter(custom__size__in=["big", "huge"]).update(custom={})
    update_custom_field(by=admin, key="product", field_key="size", data=grade(key="size", field_type="integer"))
    assert sorted(Product.objects.filter(custom__has_key="size").values_list("custom__size", flat=True)) == [7, 12]


def test_dropping_a_used_option_is_refused_an_unused_one_is_fine(admin):
    add_custom_field(by=admin, key="product", data=grade())
    ProductFactory(custom={"grade": "C"})
    with pytest.raises(ValidationError) as error:
        update_custom_field(by=admin, key="product", field_key="grade", data=grade(choices=("A", "B")))
    assert "choices" in error.value.message_dict and "1 saved value" in str(error.value)
    update_custom_field(by=admin, key="product", field_key="grade", data=grade(choices=("C", "D")))
    assert load_layout("product").custom_entries[0].custom.choices == ["C", "D"]


def test_values_are_counted_per_document_type(admin):
    from inventory.models import StockDocument
    from tests.factories import WarehouseFactory
    from tests.stock_helpers import make_document

    warehouse, product = WarehouseFactory(), ProductFactory()
    receipt = make_document("receipt", by=admin, warehouse=warehouse, lines=[(product, 1)])
    adjustment = make_document("adjustment", by=admin, warehouse=warehouse, lines=[(product, 1)])
    StockDocument.objects.filter(pk=receipt.pk).update(custom={"lot": "12"})
    StockDocument.objects.filter(pk=adjustment.pk).update(custom={"lot": "not a number"})
    lot = grade(key="lot", field_type=FieldType.TEXT, choices=())
    add_custom_field(by=admin, key="document_receipt", data=lot)
    add_custom_field(by=admin, key="document_adjustment", data=lot)
    # The adjustment's value does not count against the receipt form's type change.
    update_custom_field(by=admin, key="document_receipt", field_key="lot", data=grade(key="lot", field_type="integer"))
    receipt.refresh_from_db()
    adjustment.refresh_from_db()
    assert receipt.custom == {"lot": 12} and adjustment.custom == {"lot": "not a number"}
    with pytest.raises(ValidationError, match="1 saved value"):
        update_custom_field(
            by=admin, key="document_adjustment", field_key="lot", data=grade(key="lot", field_type="integer")
        )


def test_services_refuse_custom_values_the_form_would_refuse(admin):
    from inventory.services.catalog import ProductInput, create_product, update_product

    add_custom_field(by=admin, key="product", data=grade())
    with pytest.raises(ValidationError, match="grade"):
        create_product(by=admin, data=ProductInput(sku="Q-1", name="Q", custom={"grade": "Z"}))
    with pytest.raises(ValidationError, match="colour"):
        create_product(by=admin, data=ProductInput(sku="Q-1", name="Q", custom={"colour": "red"}))
    with pytest.raises(ValidationError):
        create_product(by=admin, data=ProductInput(sku="Q-1", name="Q", custom=["grade", "A"]))
    assert not Product.objects.filter(sku="Q-1").exists()
    product = create_product(by=admin, data=ProductInput(sku="Q-1", name="Q", custom={"grade": "A"}))
    # A removed field's stored value travels along unchanged; a changed one is refused.
    remove_custom_field(by=admin, key="product", field_key="grade")
    update_product(product, by=admin, data=ProductInput(sku="Q-1", name="Q2", custom={"grade": "A"}))
    with pytest.raises(ValidationError):
        update_product(product, by=admin, data=ProductInput(sku="Q-1", name="Q3", custom={"grade": "B"}))
    product.refresh_from_db()
    assert (product.name, product.custom) == ("Q2", {"grade": "A"})
