"""Form layouts in Django admin: only for holders of the form's right, no add or delete, and
saves go through the services, so their rules hold here too."""

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.catalogue import CLERK, STAFF
from accounts.roles import permissions_named
from inventory.models import Product
from layouts.builder import load_layout
from layouts.models import FieldType, FormLayout, LayoutField
from layouts.services import CustomFieldInput, EntryInput, add_custom_field, save_layout
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

RECEIPT = "document_receipt"


def change_url(key: str) -> str:
    return reverse("admin:layouts_formlayout_change", args=[FormLayout.objects.get(key=key).pk])


def inline_post(response, changes: dict[str, dict] | None = None) -> dict:
    """The change page's POST as the browser would send it, with `changes` per field key."""
    formset = response.context["inline_admin_formsets"][0].formset
    data = {formset.management_form.add_prefix(k): v for k, v in formset.management_form.initial.items()}
    for form in formset.forms:
        values = {name: form.initial.get(name, field.initial) for name, field in form.fields.items()}
        values.update((changes or {}).get(form.initial.get("key"), {}))
        for name, value in values.items():
            field = form.fields[name]
            if field.disabled:
                continue
            if isinstance(field, forms.BooleanField):
                if value:
                    data[form.add_prefix(name)] = "on"
                continue
            if isinstance(value, list):
                value = "\n".join(value)
            data[form.add_prefix(name)] = "" if value is None else value
    return data


def rows(key: str):
    return list(LayoutField.objects.filter(layout__key=key).order_by("pk").values())


def test_the_administrator_role_sees_the_list_and_the_change_page(admin_client):
    index = admin_client.get(reverse("admin:index"))
    assert reverse("admin:layouts_formlayout_changelist") in index.content.decode()
    changelist = admin_client.get(reverse("admin:layouts_formlayout_changelist"))
    assert changelist.status_code == 200
    page = changelist.content.decode()
    assert "Stock receipt" in page and "document_receipt" in page and "Deal" in page
    assert reverse("admin:layouts_formlayout_add") not in page
    response = admin_client.get(change_url(RECEIPT))
    assert response.status_code == 200
    # A form never changed has no rows yet: its fields are offered as rows to store.
    formset = response.context["inline_admin_formsets"][0].formset
    assert [form.initial["key"] for form in formset.forms] == [e.key for e in load_layout(RECEIPT).entries]
    assert admin_client.get(reverse("admin:layouts_formlayout_add")).status_code == 403


@pytest.mark.parametrize("role", [STAFF, CLERK])
def test_roles_without_the_right_cannot_open_layouts(client, role):
    client.force_login(UserFactory(roles=[role], is_staff=True))
    assert client.get(reverse("admin:layouts_formlayout_changelist")).status_code == 403
    assert client.get(change_url(RECEIPT)).status_code == 403
    assert reverse("admin:layouts_formlayout_changelist") not in client.get(reverse("admin:index")).content.decode()


def test_a_crm_layout_right_shows_only_the_crm_forms(client):
    role = Group.objects.create(name="CRM layouts")
    role.permissions.set(permissions_named(["crm.change_crm_form_layouts"]))
    user = UserFactory(is_staff=True)
    user.groups.add(role)
    client.force_login(user)
    page = client.get(reverse("admin:layouts_formlayout_changelist")).content.decode()
    assert "deal" in page and "document_receipt" not in page
    assert client.get(change_url("deal")).status_code == 200
    response = client.get(change_url(RECEIPT))  # not among the layouts this user may see
    assert response.status_code == 302 and response.headers["Location"] == reverse("admin:index")


def test_saving_in_the_admin_orders_hides_and_relabels_through_the_service(admin_client, admin):
    url = change_url(RECEIPT)
    data = inline_post(
        admin_client.get(url),
        {"supplier": {"position": 100}, "comment": {"label_en": "Notes"}, "currency": {"is_visible": False}},
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    layout = load_layout(RECEIPT)
    assert [e.key for e in layout.group("")] == ["warehouse", "date", "currency", "responsible", "comment", "supplier"]
    assert layout.label("comment", "") == "Notes"
    assert not layout.is_visible("currency")
    assert FormLayout.objects.get(key=RECEIPT).updated_by == admin
    # Stored rows now: a second save sees them as the inline's own rows.
    again = admin_client.get(url).context["inline_admin_formsets"][0].formset
    assert again.initial_form_count() == len(layout.entries) and again.extra == 0


def test_hiding_a_protected_field_in_the_inline_is_refused(admin_client, admin):
    save_layout(by=admin, key=RECEIPT, entries=[EntryInput("comment")])
    before = rows(RECEIPT)
    url = change_url(RECEIPT)
    data = inline_post(admin_client.get(url), {"warehouse": {"is_visible": False}, "date": {"label_en": "Day"}})
    response = admin_client.post(url, data)
    assert response.status_code == 302 and response.headers["Location"] == url
    assert "“Target warehouse” cannot be hidden" in admin_client.get(url).content.decode()
    assert rows(RECEIPT) == before


def test_a_type_change_in_the_inline_is_refused_while_values_do_not_fit(admin_client, admin):
    data = CustomFieldInput(key="grade", label_en="Quality grade", field_type=FieldType.TEXT)
    add_custom_field(by=admin, key="product", data=data)
    for value in ("premium", "7"):
        Product.objects.filter(pk=ProductFactory().pk).update(custom={"grade": value})
    before = rows("product")
    url = change_url("product")
    response = admin_client.post(url, inline_post(admin_client.get(url), {"grade": {"field_type": "integer"}}))
    assert response.status_code == 302 and response.headers["Location"] == url
    assert "Grade: 1 saved value does not fit" in admin_client.get(url).content.decode()
    assert rows("product") == before
    # A fitting change goes through, and converts nothing it need not.
    response = admin_client.post(url, inline_post(admin_client.get(url), {"grade": {"field_type": "long_text"}}))
    assert response.status_code == 302
    assert LayoutField.objects.get(layout__key="product", key="grade").field_type == FieldType.LONG_TEXT


def test_standard_rows_have_no_definition_to_edit(admin_client):
    response = admin_client.get(change_url("product"))
    form = next(f for f in response.context["inline_admin_formsets"][0].formset.forms if f.initial["key"] == "sku")
    assert form.fields["field_type"].disabled and form.fields["key"].disabled
    assert not form.fields["is_visible"].disabled
