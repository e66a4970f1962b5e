"""The form builder and the custom field types: what a form looks like once its layout is
applied, and how every type's values travel to JSON and back."""

import datetime
from decimal import Decimal

import pytest
from crispy_forms.utils import render_crispy_form
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from layouts import types
from layouts.builder import apply_layout, load_layout
from layouts.models import FieldType
from layouts.services import EntryInput, remove_custom_field, save_layout
from tests.layout_helpers import add_field

pytestmark = pytest.mark.django_db


class SampleForm(forms.Form):
    """Stands in for a registered form: the builder only looks at field names."""

    sku = forms.CharField()
    name = forms.CharField()
    vat_rate = forms.DecimalField(initial=Decimal("11"))
    barcodes = forms.CharField(required=False, widget=forms.Textarea)


def built(data=None, *, stored=None, initial=None):
    return apply_layout(SampleForm(data, initial=initial or {}), load_layout("product"), stored=stored)


def test_a_hidden_field_keeps_its_value_whatever_the_post_says(admin):
    save_layout(by=admin, key="product", entries=[EntryInput("vat_rate", visible=False)])
    form = built({"sku": "A", "name": "B", "vat_rate": "99"}, initial={"vat_rate": Decimal("5")})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["vat_rate"] == Decimal("5")
    assert "vat_rate" not in [e.key for e in form.layout_entries]
    new = built({"sku": "A", "name": "B", "vat_rate": "99"})
    assert new.is_valid() and new.cleaned_data["vat_rate"] == Decimal("11")  # a new object: the default


def test_fields_follow_the_layout_order_and_labels(admin):
    add_field(admin, "product", "grade", FieldType.TEXT)
    order = ["grade", "name", "sku", "vat_rate", "barcodes"]
    save_layout(by=admin, key="product", entries=[EntryInput(k, label_en="Nama" if k == "name" else "") for k in order])
    form = built()
    assert [e.form_name for e in form.layout_entries][:3] == ["custom_grade", "name", "sku"]
    assert form.fields["name"].label == "Nama"
    html = render_crispy_form(form)
    assert html.index('name="custom_grade"') < html.index('name="name"') < html.index('name="sku"')


def test_a_required_custom_field_is_enforced_and_typed(admin):
    add_field(admin, "product", "batch", FieldType.INTEGER, required=True)
    for bad in ({}, {"custom_batch": "abc"}, {"custom_batch": "1.5"}):
        form = built({"sku": "A", "name": "B", "vat_rate": "1", **bad})
        assert not form.is_valid() and "custom_batch" in form.errors
    form = built({"sku": "A", "name": "B", "vat_rate": "1", "custom_batch": "42"}, stored={"old": "kept"})
    assert form.is_valid(), form.errors
    assert form.custom_values() == {"old": "kept", "batch": 42}


def test_hidden_and_removed_custom_fields_keep_their_values_on_save(admin):
    add_field(admin, "product", "a", FieldType.TEXT)
    add_field(admin, "product", "b", FieldType.TEXT)
    save_layout(by=admin, key="product", entries=[EntryInput("a", visible=False)])
    remove_custom_field(by=admin, key="product", field_key="b")
    form = built(
        {"sku": "A", "name": "B", "vat_rate": "1", "custom_a": "new", "custom_b": "new"}, stored={"a": 1, "b": 2}
    )
    assert "custom_a" not in form.fields and "custom_b" not in form.fields
    assert form.is_valid() and form.custom_values() == {"a": 1, "b": 2}


def test_clearing_a_value_removes_it(admin):
    add_field(admin, "product", "note", FieldType.TEXT)
    form = built({"sku": "A", "name": "B", "vat_rate": "1", "custom_note": ""}, stored={"note": "x"})
    assert form.is_valid() and form.custom_values() == {}


ROUND_TRIPS = [
    (FieldType.TEXT, "Kopi Gayo", "Kopi Gayo", {}),
    (FieldType.LONG_TEXT, "line one\nline two", "line one\nline two", {}),
    (FieldType.INTEGER, "-17", -17, {}),
    (FieldType.DECIMAL, "12.50", "12.5", {}),
    (FieldType.DATE, "2026-11-28", "2026-11-28", {}),
    (FieldType.BOOLEAN, "yes", True, {}),
    (FieldType.BOOLEAN, "no", False, {}),
    (FieldType.CHOICE, "B", "B", {"choices": ("A", "B")}),
]


@pytest.mark.parametrize(("field_type", "typed", "stored", "extra"), ROUND_TRIPS)
def test_every_type_round_trips(admin, field_type, typed, stored, extra):
    add_field(admin, "product", "value", field_type, **extra)
    form = built({"sku": "A", "name": "B", "vat_rate": "1", "custom_value": typed})
    assert form.is_valid(), form.errors
    assert form.custom_values() == {"value": stored}
    again = built(stored={"value": stored})  # the edit page shows what was typed
    shown = again["custom_value"].value()
    assert forms.Field().to_python(shown) is not None
    rebound = built(
        {"sku": "A", "name": "B", "vat_rate": "1", "custom_value": again.fields["custom_value"].prepare_value(shown)}
    )
    assert rebound.is_valid() and rebound.custom_values() == {"value": stored}


@pytest.mark.parametrize(
    ("field_type", "bad", "extra"),
    [
        (FieldType.INTEGER, "abc", {}),
        (FieldType.DECIMAL, "1,2,3", {}),
        (FieldType.DECIMAL, "1" * 30, {}),
        (FieldType.DATE, "2026-13-40", {}),
        (FieldType.BOOLEAN, "maybe", {}),
        (FieldType.CHOICE, "Z", {"choices": ("A", "B")}),
        (FieldType.TEXT, "x" * 300, {}),
    ],
)
def test_mistyped_values_are_refused(admin, field_type, bad, extra):
    add_field(admin, "product", "value", field_type, **extra)
    form = built({"sku": "A", "name": "B", "vat_rate": "1", "custom_value": bad})
    assert not form.is_valid() and "custom_value" in form.errors


def test_detail_values_show_visible_ones_or_everything_stored(admin):
    add_field(admin, "product", "grade", FieldType.CHOICE, choices=("A", "B"))
    add_field(admin, "product", "checked", FieldType.BOOLEAN)
    add_field(admin, "product", "gone", FieldType.DATE)
    save_layout(by=admin, key="product", entries=[EntryInput("checked", visible=False)])
    remove_custom_field(by=admin, key="product", field_key="gone")
    stored = {"grade": "A", "checked": True, "gone": "2026-01-31"}
    layout = load_layout("product")
    assert layout.detail_values(stored) == [("Grade", "A")]
    everything = dict(layout.detail_values(stored, all_stored=True))
    assert everything["Grade"] == "A" and everything["Checked"] == "Yes" and everything["Gone"]


def test_loading_a_layout_is_one_query(admin, django_assert_num_queries):
    for i in range(10):
        add_field(admin, "product", f"field_{i}", FieldType.TEXT)
    with django_assert_num_queries(1):
        layout = load_layout("product")
    with django_assert_num_queries(0):
        built_form = apply_layout(SampleForm(), layout)
        render_crispy_form(built_form)
    assert len(layout.custom_entries) == 10


@given(st.decimals(allow_nan=False, allow_infinity=False, places=6, min_value=-(10**11), max_value=10**11))
def test_decimals_survive_json_exactly(number):
    stored = types.to_json(number, FieldType.DECIMAL)
    assert isinstance(stored, str) and types.fits(stored, FieldType.DECIMAL)
    assert types.from_json(stored, FieldType.DECIMAL) == number


@given(st.dates())
def test_dates_survive_json(date):
    assert types.from_json(types.to_json(date, FieldType.DATE), FieldType.DATE) == date


def test_fits_and_convert():
    assert types.fits(5, FieldType.DECIMAL) and types.convert(5, FieldType.DECIMAL) == "5"
    assert types.fits("7", FieldType.INTEGER) and types.convert("7", FieldType.INTEGER) == 7
    assert not types.fits("7.5", FieldType.INTEGER)
    assert not types.fits("a\nb", FieldType.TEXT) and types.fits("a\nb", FieldType.LONG_TEXT)
    assert not types.fits(True, FieldType.INTEGER) and types.fits(True, FieldType.BOOLEAN)
    assert types.fits("B", FieldType.CHOICE, ("A", "B")) and not types.fits("C", FieldType.CHOICE, ("A", "B"))
    assert types.convert(True, FieldType.TEXT) == "Yes"
    assert not types.fits("2026-02-30", FieldType.DATE) and types.fits(datetime.date.today().isoformat(), "date")
