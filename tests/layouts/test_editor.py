"""The layout editor pages: who may open them, saving order / visibility / labels through the
services, the no-JavaScript fallbacks (move buttons, preview) that change nothing stored, and
the custom field pages."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.catalogue import CLERK, STAFF
from accounts.roles import permissions_named
from inventory.models import Product
from layouts.builder import load_layout
from layouts.models import FieldType, FormLayout, LayoutField
from layouts.services import CustomFieldInput, EntryInput, add_custom_field, save_layout
from tests.factories import ProductFactory, UserFactory
from tests.layout_helpers import field_keys

pytestmark = pytest.mark.django_db

RECEIPT = "document_receipt"
INVENTORY_RIGHT = "inventory.change_form_layouts"
CRM_RIGHT = "crm.change_crm_form_layouts"


def grade(**overrides) -> CustomFieldInput:
    values = {"key": "grade", "label_en": "Quality grade", "label_id": "Mutu", "field_type": FieldType.TEXT}
    return CustomFieldInput(**{**values, **overrides})


def user_with(*rights: str):
    role = Group.objects.create(name=f"only {' '.join(rights)}")
    role.permissions.set(permissions_named(["inventory.view_inventory", *rights]))
    user = UserFactory(is_staff=False)
    user.groups.add(role)
    return user


def state(key: str, **changes) -> dict:
    """The editor's POST for the stored layout of `key`; `order`, `visible`, `label_en-…` and
    the like replace what the page would send."""
    layout = load_layout(key)
    rows = {row.key: row for row in layout.rows}
    data = {"order": [e.key for e in layout.entries], "visible": [e.key for e in layout.entries if e.visible]}
    for entry in layout.entries:
        row = rows.get(entry.key)
        data[f"label_en-{entry.key}"] = row.label_en if row else ""
        data[f"label_id-{entry.key}"] = row.label_id if row else ""
    data.update(changes)
    return data


def page_order(response) -> list[str]:
    """The keys of the editor's rows, in the order the page shows them."""
    return re.findall(r'name="order" value="([a-z0-9_]+)"', response.content.decode())


def snapshot():
    return (
        list(LayoutField.objects.order_by("pk").values()),
        list(FormLayout.objects.order_by("pk").values("key", "updated_at", "updated_by")),
    )


# --- access ------------------------------------------------------------------------------------


def editor_urls(key: str = RECEIPT, field_key: str = "grade") -> list[str]:
    return [
        reverse("layouts:form_list"),
        reverse("layouts:editor", args=[key]),
        reverse("layouts:field_create", args=[key]),
        reverse("layouts:field_update", args=[key, field_key]),
        reverse("layouts:field_remove", args=[key, field_key]),
    ]


@pytest.mark.parametrize("role", [STAFF, CLERK])
def test_roles_without_the_right_get_403_on_every_url_and_change_nothing(client, admin, role):
    add_custom_field(by=admin, key=RECEIPT, data=grade())
    before = snapshot()
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("layouts:form_list")).status_code == 403
    for url in editor_urls()[1:]:
        assert client.get(url).status_code in (403, 405), url
        posted = {**state(RECEIPT, visible=[]), "confirm": "yes", "key": "size", "label_en": "Size"}
        posted["field_type"] = FieldType.TEXT
        response = client.post(url, posted)
        assert response.status_code == 403, url
        assert "Access denied" in response.content.decode()
    assert snapshot() == before
    sidebar = client.get(reverse("home"), follow=True).content.decode().split("<main")[0]
    assert "Form layouts" not in sidebar


def test_the_administrator_opens_every_page(admin_client, admin):
    add_custom_field(by=admin, key=RECEIPT, data=grade())
    for url in editor_urls()[:-1]:
        assert admin_client.get(url).status_code == 200, url
    assert admin_client.get(editor_urls()[-1]).status_code == 405  # remove is POST only
    sidebar = admin_client.get(reverse("layouts:form_list")).content.decode().split("<main")[0]
    assert reverse("layouts:form_list") in sidebar and "Form layouts" in sidebar


def test_unknown_form_or_field_is_404(admin_client):
    assert admin_client.get(reverse("layouts:editor", args=["nothing"])).status_code == 404
    assert admin_client.post(reverse("layouts:editor", args=["nothing"]), {}).status_code == 404
    assert admin_client.get(reverse("layouts:field_update", args=[RECEIPT, "nothing"])).status_code == 404
    assert admin_client.post(reverse("layouts:field_remove", args=[RECEIPT, "nothing"])).status_code == 404


@pytest.mark.parametrize(
    ("right", "allowed", "refused"),
    [(INVENTORY_RIGHT, "product", "company"), (CRM_RIGHT, "deal", RECEIPT)],
)
def test_each_form_needs_its_own_right(client, admin, right, allowed, refused):
    add_custom_field(by=admin, key=refused, data=grade())
    client.force_login(user_with(right))
    forms = client.get(reverse("layouts:form_list"))
    assert forms.status_code == 200
    assert reverse("layouts:editor", args=[allowed]) in forms.content.decode()
    assert reverse("layouts:editor", args=[refused]) not in forms.content.decode()
    assert client.get(reverse("layouts:editor", args=[allowed])).status_code == 200
    before = snapshot()
    for url in editor_urls(refused)[1:]:
        assert client.get(url).status_code in (403, 405), url
        posted = {**state(refused, visible=[]), "confirm": "yes"}
        assert client.post(url, posted).status_code == 403, url
    assert snapshot() == before


def test_the_list_groups_the_forms_by_section(admin_client):
    page = admin_client.get(reverse("layouts:form_list")).content.decode()
    for heading in ("Catalog", "Documents", "Clients", "Deals"):
        assert f">{heading}</h2>" in page
    catalog = page.split(">Catalog</h2>")[1].split("</section>")[0]
    assert reverse("layouts:editor", args=["product"]) in catalog
    assert reverse("layouts:editor", args=[RECEIPT]) not in catalog


# --- the editor -------------------------------------------------------------------------------


def test_the_editor_shows_every_field_protected_ones_locked(admin_client):
    page = admin_client.get(reverse("layouts:editor", args=[RECEIPT])).content.decode()
    assert re.findall(r'name="order" value="([a-z_]+)"', page) == field_keys(RECEIPT) + field_keys(RECEIPT, "lines")
    warehouse_box = re.search(r'<input[^>]*id="visible-warehouse"[^>]*>', page, re.S).group(0)
    assert "disabled" in warehouse_box and "checked" in warehouse_box
    comment_box = re.search(r'<input[^>]*id="visible-comment"[^>]*>', page, re.S).group(0)
    assert "disabled" not in comment_box
    assert page.count("required by the system") == 4  # warehouse, supplier, line product, line quantity
    assert ">Lines</h2>" in page


def test_save_reorders_hides_and_relabels_for_everyone(admin_client):
    order = ["comment", "supplier", "warehouse", "date", "currency", "responsible"]
    lines = ["line_price", "line_product", "line_quantity"]
    visible = [k for k in order + lines if k != "currency"]
    data = state(RECEIPT, order=order + lines, visible=visible)
    data["label_en-comment"], data["label_id-comment"] = "Notes", "Catatan"
    response = admin_client.post(reverse("layouts:editor", args=[RECEIPT]), data)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("layouts:editor", args=[RECEIPT])
    layout = load_layout(RECEIPT)
    assert field_keys(RECEIPT) == order and field_keys(RECEIPT, "lines") == lines
    assert not layout.is_visible("currency") and layout.is_visible("date")
    assert layout.label("comment", "Comment") == "Notes"
    page = admin_client.get(response.headers["Location"]).content.decode()
    assert "is saved" in page


def test_hiding_a_protected_field_by_a_crafted_post_is_refused(admin_client):
    before = snapshot()
    data = state(RECEIPT, visible=[k for k in field_keys(RECEIPT) + field_keys(RECEIPT, "lines") if k != "warehouse"])
    data["order"] = list(reversed(field_keys(RECEIPT))) + field_keys(RECEIPT, "lines")
    response = admin_client.post(reverse("layouts:editor", args=[RECEIPT]), data)
    assert response.status_code == 200
    assert "cannot be hidden" in response.content.decode()
    assert "not saved" in response.content.decode()
    assert snapshot() == before


def test_an_unknown_key_is_refused(admin_client):
    before = snapshot()
    data = state(RECEIPT)
    data["order"] = [*data["order"], "nonsense"]
    response = admin_client.post(reverse("layouts:editor", args=[RECEIPT]), data)
    assert response.status_code == 200
    assert "“nonsense” is not a field of this form." in response.content.decode()
    assert snapshot() == before


def test_a_line_column_cannot_move_into_the_header(admin_client):
    data = state(RECEIPT)
    data["order"] = ["line_price", *field_keys(RECEIPT), "line_product", "line_quantity"]
    assert admin_client.post(reverse("layouts:editor", args=[RECEIPT]), data).status_code == 302
    assert "line_price" not in field_keys(RECEIPT)
    assert field_keys(RECEIPT, "lines") == ["line_price", "line_product", "line_quantity"]


def test_move_buttons_without_javascript_rerender_and_save_nothing(admin_client):
    before = snapshot()
    header = field_keys(RECEIPT)
    data = state(RECEIPT, move="comment:up")
    data["label_en-date"] = "Day"  # unsaved edits survive the round trip
    response = admin_client.post(reverse("layouts:editor", args=[RECEIPT]), data)
    assert response.status_code == 200
    page = response.content.decode()
    moved = header[:-2] + ["comment", header[-2]]
    assert page_order(response)[: len(header)] == moved
    assert 'value="Day"' in page
    assert "not saved yet" in page
    assert re.findall(r'value="([a-z_]+:(?:up|down))"[^>]*autofocus', page) == ["comment:up"]  # focus stays
    assert snapshot() == before
    # A second move on the posted state, then down at the end of a group changes nothing.
    data = state(RECEIPT, order=moved + field_keys(RECEIPT, "lines"), move="comment:up")
    again = admin_client.post(reverse("layouts:editor", args=[RECEIPT]), data)
    assert page_order(again)[: len(header)] == header[:-3] + ["comment", *header[-3:-1]]
    last = admin_client.post(reverse("layouts:editor", args=[RECEIPT]), state(RECEIPT, move="line_price:down"))
    assert page_order(last) == header + field_keys(RECEIPT, "lines")
    assert snapshot() == before


def test_preview_shows_the_posted_state_and_saves_nothing(admin_client, admin):
    add_custom_field(by=admin, key=RECEIPT, data=grade(field_type=FieldType.CHOICE, choices=("A", "B")))
    before = snapshot()
    header = field_keys(RECEIPT)
    order = ["grade", *[k for k in header if k != "grade"]]
    visible = [k for k in order + field_keys(RECEIPT, "lines") if k not in ("currency", "line_price")]
    data = state(RECEIPT, order=order + field_keys(RECEIPT, "lines"), visible=visible, preview="1")
    data["label_en-comment"] = "Notes"
    response = admin_client.post(reverse("layouts:editor", args=[RECEIPT]), data)
    assert response.status_code == 200
    page = response.content.decode()
    preview = page.split('id="preview-heading"')[1].split('id="layout-editor"')[0]
    labels = re.findall(r"<label[^>]*>\s*([^<]+?)\s*(?:<span|</label>)", preview)
    assert labels[0] == "Quality grade" and "Notes" in labels and "Currency" not in labels
    assert '<option value="A">A</option>' in preview
    assert ">Product</th>" in preview and ">Price</th>" not in preview
    assert "not saved" in page
    assert snapshot() == before


# --- custom fields -----------------------------------------------------------------------------


def test_add_edit_and_remove_a_custom_field_through_the_pages(admin_client):
    create = reverse("layouts:field_create", args=["product"])
    data = {"key": "grade", "label_en": "Quality grade", "label_id": "Mutu", "field_type": "choice"}
    data["choices"] = "A\r\nB\r\n\r\nC"
    response = admin_client.post(create, data)
    assert response.status_code == 302
    field = LayoutField.objects.get(layout__key="product", key="grade")
    assert (field.is_custom, field.field_type, field.choices) == (True, "choice", ["A", "B", "C"])
    editor_page = admin_client.get(reverse("layouts:editor", args=["product"])).content.decode()
    assert "Quality grade" in editor_page and reverse("layouts:field_update", args=["product", "grade"]) in editor_page

    product = ProductFactory()
    Product.objects.filter(pk=product.pk).update(custom={"grade": "B"})
    edit = reverse("layouts:field_update", args=["product", "grade"])
    page = admin_client.get(edit).content.decode()
    assert re.search(r'<input[^>]*name="key"[^>]*disabled', page)
    assert re.search(r'<textarea[^>]*name="choices"[^>]*>\s*A\nB\nC</textarea>', page)
    response = admin_client.post(edit, {**data, "key": "other", "label_en": "Grade", "required": "on"})
    assert response.status_code == 302
    field.refresh_from_db()
    assert (field.key, field.label_en, field.required) == ("grade", "Grade", True)

    remove = reverse("layouts:field_remove", args=["product", "grade"])
    confirm = admin_client.post(remove)
    assert confirm.status_code == 200
    assert "1 stored value is kept" in confirm.content.decode()
    field.refresh_from_db()
    assert not field.removed
    done = admin_client.post(remove, {"confirm": "yes"}, follow=True)
    assert "is removed" in done.content.decode() and "brings it back" in done.content.decode()
    field.refresh_from_db()
    assert field.removed
    product.refresh_from_db()
    assert product.custom == {"grade": "B"}

    # Adding the key again brings the value back.
    assert admin_client.post(create, data).status_code == 302
    assert load_layout("product").detail_values(product.custom) == [("Quality grade", "B")]


def test_the_definition_form_shows_service_errors_beside_the_fields(admin_client, admin):
    add_custom_field(by=admin, key="product", data=grade())
    create = reverse("layouts:field_create", args=["product"])
    response = admin_client.post(create, {"key": "grade", "label_en": "Again", "field_type": "text"})
    assert response.status_code == 200
    assert re.search(r'id="error_1_id_key"[^>]*>.*already has a custom field', response.content.decode(), re.S)
    response = admin_client.post(create, {"key": "sku", "label_en": "Code", "field_type": "text"})
    assert "standard field with this key" in response.content.decode()
    response = admin_client.post(create, {"key": "size", "label_en": "Size", "field_type": "choice"})
    assert re.search(r'id="error_1_id_choices"[^>]*>.*at least one option', response.content.decode(), re.S)
    response = admin_client.post(create, {"key": "new", "label_en": "New", "field_type": "text"})
    assert "reserved" in response.content.decode()
    assert LayoutField.objects.filter(layout__key="product", is_custom=True).count() == 1


def test_a_type_change_is_refused_while_values_do_not_fit_with_their_number(admin_client, admin):
    add_custom_field(by=admin, key="product", data=grade())
    for value in ("premium", "12", "standard"):
        Product.objects.filter(pk=ProductFactory().pk).update(custom={"grade": value})
    edit = reverse("layouts:field_update", args=["product", "grade"])
    posted = {"key": "grade", "label_en": "Quality grade", "label_id": "Mutu", "field_type": "integer"}
    response = admin_client.post(edit, posted)
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'id="error_1_id_field_type"[^>]*>.*2 saved values do not fit', page, re.S)
    assert LayoutField.objects.get(layout__key="product", key="grade").field_type == FieldType.TEXT
    assert sorted(Product.objects.exclude(custom={}).values_list("custom__grade", flat=True)) == [
        "12",
        "premium",
        "standard",
    ]


def test_saving_the_editor_keeps_custom_fields_and_their_labels(admin_client, admin):
    add_custom_field(by=admin, key="company", data=grade())
    save_layout(by=admin, key="company", entries=[EntryInput("grade"), EntryInput("name")])
    data = state("company", visible=[k for k in field_keys("company") if k != "grade"])
    data["label_en-grade"] = ""  # blank keeps a custom field's label
    assert admin_client.post(reverse("layouts:editor", args=["company"]), data).status_code == 302
    layout = load_layout("company")
    assert field_keys("company")[:2] == ["grade", "name"]
    assert not layout.is_visible("grade")
    assert layout.label("grade", "") == "Quality grade"
