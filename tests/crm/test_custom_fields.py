"""The CRM forms (companies, contacts, deals) shaped by their layouts, as employees meet them:
hidden fields leave everyone's form and keep their values, hidden required deal fields take
sensible defaults, custom fields are checked beside the field, stored, shown on the company
and deal pages, as list columns and filters, and come back after removal; the forms and lists
cost the same queries however many custom fields or rows there are."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.catalogue import ADMINISTRATOR, STAFF
from crm.models import Company, Contact, Deal
from crm.services.companies import CompanyInput, create_company, update_company
from crm.services.contacts import ContactInput, create_contact, update_contact
from crm.services.deals import DealInput, create_deal, lose_deal, update_deal
from layouts.models import FieldType
from layouts.services import EntryInput, remove_custom_field, save_layout
from tests.factories import CompanyFactory, UserFactory
from tests.layout_helpers import add_field, hide, page_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(username="cf-admin", roles=[ADMINISTRATOR])


@pytest.fixture
def staff():
    return UserFactory(username="cf-staff", first_name="Sari", roles=[STAFF])


@pytest.fixture
def client_company():
    return CompanyFactory(name="Toko Sejahtera", is_client=True)


def login(client, user):
    client.force_login(user)
    return client


def inputs(html: str) -> list[str]:
    """The names of the form inputs a page shows, in order."""
    return re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', html)


def field_block(html: str, name: str) -> str:
    """The crispy block of field `name` (its input, help and error text)."""
    start = html.index(f'id="div_id_{name}"')
    end = html.find('id="div_id_', start + 1)
    return html[start : end if end != -1 else None]


def deal_post(company, user, **extra) -> dict:
    return {"title": "Grosir kopi", "company": company.pk, "responsible": user.pk, "currency": "IDR", **extra}


# --- hidden standard fields -------------------------------------------------------------------


def test_hidden_company_tax_id_leaves_everyones_form_and_a_post_cannot_change_it(client, admin, staff):
    company = CompanyFactory(name="PT Lama", tax_id="01.234.567")
    hide(admin, "company", "tax_id")
    edit = reverse("crm:company_update", args=[company.pk])
    for user in (admin, staff):
        for url in (edit, reverse("crm:company_create")):
            names = inputs(login(client, user).get(url).content.decode())
            assert "tax_id" not in names and "name" in names
    response = client.post(edit, {"name": "PT Baru", "tax_id": "99.999", "is_client": "on"})
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.name, company.tax_id) == ("PT Baru", "01.234.567")
    client.post(reverse("crm:company_create"), {"name": "PT Anyar", "tax_id": "77.777", "is_client": "on"})
    assert Company.objects.get(name="PT Anyar").tax_id == ""  # the default, not the POST


def test_hidden_contact_fields_keep_their_values(client, admin, staff, client_company):
    contact = Contact.objects.create(first_name="Budi", position="Buyer", company=client_company)
    hide(admin, "contact", "position", "company")
    login(client, staff)
    url = reverse("crm:contact_update", args=[contact.pk])
    names = inputs(client.get(url).content.decode())
    assert "position" not in names and "company" not in names and "first_name" in names
    other = CompanyFactory(name="PT Lain")
    response = client.post(url, {"first_name": "Budi", "last_name": "S", "position": "Boss", "company": other.pk})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.last_name, contact.position, contact.company) == ("S", "Buyer", client_company)


def test_hidden_deal_comment_leaves_everyones_form_and_keeps_its_value(client, admin, staff, client_company):
    deal = create_deal(by=staff, data=DealInput(title="Grosir", company=client_company, comment="Call on Monday"))
    hide(admin, "deal", "comment")
    edit = reverse("crm:deal_update", args=[deal.pk])
    for user in (admin, staff):
        for url in (edit, reverse("crm:deal_create")):
            names = inputs(login(client, user).get(url).content.decode())
            assert "comment" not in names and "title" in names
    response = client.post(edit, deal_post(client_company, staff, title="Grosir besar", comment="overwritten"))
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.title, deal.comment) == ("Grosir besar", "Call on Monday")


def test_hidden_deal_responsible_and_currency_take_the_defaults(client, admin, staff, client_company):
    hide(admin, "deal", "responsible", "currency")
    login(client, staff)
    names = inputs(client.get(reverse("crm:deal_create")).content.decode())
    assert "responsible" not in names and "currency" not in names
    response = client.post(reverse("crm:deal_create"), deal_post(client_company, admin, currency="USD"))
    assert response.status_code == 302
    deal = Deal.objects.get()
    assert (deal.responsible, deal.currency) == (staff, "IDR")
    # Editing keeps the deal's own values, whoever saves it and whatever the POST says.
    update_deal(deal, by=admin, data=DealInput(title="x", company=client_company, responsible=admin, currency="EUR"))
    response = client.post(reverse("crm:deal_update", args=[deal.pk]), deal_post(client_company, staff, currency="USD"))
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.responsible, deal.currency, deal.title) == (admin, "EUR", "Grosir kopi")


def test_a_hidden_responsible_who_left_passes_the_deal_to_whoever_saves_it(client, admin, staff, client_company):
    gone = UserFactory(username="cf-gone", roles=[STAFF])
    deal = create_deal(by=admin, data=DealInput(title="Grosir", company=client_company, responsible=gone))
    gone.is_active = False
    gone.save()
    hide(admin, "deal", "responsible")
    response = login(client, staff).post(reverse("crm:deal_update", args=[deal.pk]), deal_post(client_company, gone))
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.responsible == staff


def test_a_refused_hidden_value_is_shown_above_the_form(client, admin, staff):
    hide(admin, "contact", "company")
    response = login(client, staff).post(reverse("crm:contact_create") + "?company=999999", {"first_name": "Budi"})
    assert response.status_code == 200
    html = response.content.decode()
    alert = html[html.index('class="alert alert-danger"') :][:600]
    assert "Company" in alert and "valid choice" in alert
    assert not Contact.objects.exists()


def test_label_overrides_and_order_reach_the_company_form(client, admin, staff):
    save_layout(by=admin, key="company", entries=[EntryInput("tax_id", label_en="NPWP"), EntryInput("name")])
    html = login(client, staff).get(reverse("crm:company_create")).content.decode()
    names = inputs(html)
    assert names.index("tax_id") < names.index("name")
    assert "NPWP" in field_block(html, "tax_id")


@pytest.mark.parametrize(("form", "key"), [("company", "name"), ("contact", "first_name"), ("deal", "title")])
def test_protected_crm_fields_cannot_be_hidden(admin, form, key):
    with pytest.raises(ValidationError):
        hide(admin, form, key)


# --- custom fields on deals ---------------------------------------------------------------------


TYPES = [
    # type, definition, typed, stored, shown on the deal page, in the edit form again
    (FieldType.TEXT, {}, "Gayo", "Gayo", "Gayo", "Gayo"),
    (FieldType.LONG_TEXT, {}, "line one\r\nline two", "line one\nline two", "line one\nline two", "line one\nline two"),
    (FieldType.INTEGER, {}, "4200", 4200, "4,200", "4200"),
    (FieldType.DECIMAL, {}, "12.50", "12.5", "12.5", "12.5"),
    (FieldType.DATE, {}, "2026-11-28", "2026-11-28", "28 Nov 2026", "2026-11-28"),
    (FieldType.BOOLEAN, {}, "no", False, "No", "no"),
    (FieldType.CHOICE, {"choices": ("Besar", "Kecil")}, "Kecil", "Kecil", "Kecil", "Kecil"),
]


@pytest.mark.parametrize(("field_type", "definition", "typed", "stored", "shown", "again"), TYPES)
def test_every_type_round_trips_and_shows_on_the_deal_page(
    client, admin, staff, client_company, field_type, definition, typed, stored, shown, again
):
    add_field(admin, "deal", "volume", field_type, required=True, label="Order volume", **definition)
    login(client, staff)
    response = client.post(reverse("crm:deal_create"), deal_post(client_company, staff))
    assert response.status_code == 200 and not Deal.objects.exists()
    assert "This field is required." in field_block(response.content.decode(), "custom_volume")
    assert (
        client.post(reverse("crm:deal_create"), deal_post(client_company, staff, custom_volume=typed)).status_code
        == 302
    )
    deal = Deal.objects.get()
    assert deal.custom == {"volume": stored}
    page = client.get(reverse("crm:deal_detail", args=[deal.pk])).content.decode()
    custom_block = page[page.index('class="row mb-0 custom-values"') :]
    assert "Order volume" in custom_block and f">{shown}</dd>" in custom_block
    edit = client.get(reverse("crm:deal_update", args=[deal.pk]))
    assert str(edit.context["form"]["custom_volume"].value()) == again


@pytest.mark.parametrize(
    ("field_type", "definition", "bad"),
    [
        (FieldType.INTEGER, {}, "four"),
        (FieldType.INTEGER, {}, "1.5"),
        (FieldType.DECIMAL, {}, "1,2,3x"),
        (FieldType.DATE, {}, "2026-02-30"),
        (FieldType.BOOLEAN, {}, "maybe"),
        (FieldType.CHOICE, {"choices": ("Besar", "Kecil")}, "Sedang"),
    ],
)
def test_a_mistyped_custom_value_is_refused_beside_the_field(
    client, admin, staff, client_company, field_type, definition, bad
):
    add_field(admin, "deal", "volume", field_type, required=True, **definition)
    response = login(client, staff).post(
        reverse("crm:deal_create"), deal_post(client_company, staff, custom_volume=bad)
    )
    assert response.status_code == 200
    assert "invalid-feedback" in field_block(response.content.decode(), "custom_volume")
    assert response.context["form"].errors.keys() == {"custom_volume"}
    assert not Deal.objects.exists()


def test_custom_fields_appear_in_layout_order_with_their_labels(client, admin, staff):
    add_field(admin, "deal", "source", FieldType.CHOICE, choices=("Web", "Toko"), label="Lead source")
    save_layout(by=admin, key="deal", entries=[EntryInput("title"), EntryInput("source"), EntryInput("company")])
    html = login(client, staff).get(reverse("crm:deal_create")).content.decode()
    names = inputs(html)
    assert names.index("title") < names.index("custom_source") < names.index("company")
    assert "Lead source" in field_block(html, "custom_source")


def test_a_closed_deal_shows_every_stored_value(client, admin, staff, client_company):
    add_field(admin, "deal", "source", FieldType.TEXT, label="Lead source")
    add_field(admin, "deal", "checked", FieldType.BOOLEAN, label="Checked by sales")
    data = DealInput(title="Grosir", company=client_company, custom={"source": "Pameran", "checked": True})
    open_deal = create_deal(by=staff, data=data)
    closed = create_deal(by=staff, data=DealInput(**{**data.__dict__, "title": "Lost one"}))
    lose_deal(closed, by=staff)
    hide(admin, "deal", "source")
    remove_custom_field(by=admin, key="deal", field_key="checked")
    login(client, staff)
    closed_page = client.get(reverse("crm:deal_detail", args=[closed.pk])).content.decode()
    assert "Pameran" in closed_page and "Checked by sales" in closed_page
    open_page = client.get(reverse("crm:deal_detail", args=[open_deal.pk])).content.decode()
    assert "Pameran" not in open_page and "Checked by sales" not in open_page


# --- custom fields on companies and contacts ----------------------------------------------------


def test_removing_and_adding_a_company_field_again_brings_its_value_back(client, admin, staff):
    add_field(admin, "company", "segment", FieldType.CHOICE, choices=("Retail", "Grosir"), label="Segment")
    company = CompanyFactory(name="PT Segmen")
    login(client, staff)
    edit = reverse("crm:company_update", args=[company.pk])
    page = reverse("crm:company_detail", args=[company.pk])
    assert client.post(edit, {"name": "PT Segmen", "is_client": "on", "custom_segment": "Retail"}).status_code == 302
    assert "Segment" in client.get(page).content.decode()

    remove_custom_field(by=admin, key="company", field_key="segment")
    assert "custom_segment" not in inputs(client.get(edit).content.decode())
    client.post(edit, {"name": "PT Segmen Jaya", "is_client": "on", "custom_segment": "Grosir"})
    company.refresh_from_db()
    assert (company.name, company.custom) == ("PT Segmen Jaya", {"segment": "Retail"})
    assert "Retail" not in client.get(page).content.decode()

    add_field(admin, "company", "segment", FieldType.CHOICE, choices=("Retail", "Grosir"), label="Segment")
    assert client.get(edit).context["form"]["custom_segment"].value() == "Retail"
    assert 'value="Retail" selected' in field_block(client.get(edit).content.decode(), "custom_segment")
    assert "Retail" in client.get(page).content.decode()


def test_contact_custom_values_are_saved_and_shown_in_the_list(client, admin, staff):
    add_field(admin, "contact", "birthday", FieldType.DATE, label="Birthday", in_list=True)
    login(client, staff)
    response = client.post(reverse("crm:contact_create"), {"first_name": "Budi", "custom_birthday": "1990-05-17"})
    assert response.status_code == 302
    assert Contact.objects.get().custom == {"birthday": "1990-05-17"}
    html = client.get(reverse("crm:contact_list")).content.decode()
    assert '<th scope="col">Birthday</th>' in html and "<td>17/05/1990</td>" in html


# --- services -----------------------------------------------------------------------------------


def test_services_store_custom_values_and_none_keeps_them(admin, client_company):
    add_field(admin, "company", "segment", FieldType.TEXT)
    add_field(admin, "contact", "nickname", FieldType.TEXT)
    add_field(admin, "deal", "source", FieldType.TEXT)
    company = create_company(by=admin, data=CompanyInput(name="PT Satu", custom={"segment": "Retail"}))
    update_company(company, by=admin, data=CompanyInput(name="PT Satu Jaya"))
    company.refresh_from_db()
    assert (company.name, company.custom) == ("PT Satu Jaya", {"segment": "Retail"})
    contact = create_contact(by=admin, data=ContactInput(first_name="Budi", custom={"nickname": "Bud"}))
    update_contact(contact, by=admin, data=ContactInput(first_name="Budi", custom={}))
    contact.refresh_from_db()
    assert contact.custom == {}
    deal = create_deal(by=admin, data=DealInput(title="Grosir", company=client_company, custom={"source": "Web"}))
    update_deal(deal, by=admin, data=DealInput(title="Grosir 2", company=client_company))
    deal.refresh_from_db()
    assert (deal.title, deal.custom) == ("Grosir 2", {"source": "Web"})


@pytest.mark.parametrize("bad", [["Retail"], "Retail", {"unknown": "x"}, {"segment": 5 * "x\n"}])
def test_services_refuse_custom_values_the_form_would_refuse(admin, client_company, bad):
    add_field(admin, "company", "segment", FieldType.TEXT)
    with pytest.raises(ValidationError):
        create_company(by=admin, data=CompanyInput(name="PT Dua", custom=bad))
    with pytest.raises(ValidationError):
        create_deal(by=admin, data=DealInput(title="Grosir", company=client_company, custom=bad))
    assert not Company.objects.filter(name="PT Dua").exists() and not Deal.objects.exists()


# --- lists --------------------------------------------------------------------------------------


def test_company_list_column_and_choice_and_yes_no_filters(client, admin, staff):
    add_field(
        admin, "company", "segment", FieldType.CHOICE, choices=("Retail", "Grosir"), label="Segment", in_list=True
    )
    add_field(admin, "company", "vip", FieldType.BOOLEAN, label="VIP")
    CompanyFactory(name="PT Retail VIP", custom={"segment": "Retail", "vip": True})
    CompanyFactory(name="PT Grosir", custom={"segment": "Grosir", "vip": False})
    CompanyFactory(name="PT Kosong", custom={})
    login(client, staff)
    url = reverse("crm:company_list")
    html = client.get(url).content.decode()
    assert '<th scope="col">Segment</th>' in html and "<td>Grosir</td>" in html
    assert 'name="custom_segment"' in html and 'name="custom_vip"' in html  # the filters are on the page

    def names(params):
        return [c.name for c in client.get(url, params).context["companies"]]

    assert names({"custom_segment": "Retail"}) == ["PT Retail VIP"]
    assert names({"custom_vip": "no"}) == ["PT Grosir"]
    assert names({"custom_vip": "yes", "custom_segment": "Grosir"}) == []
    assert len(names({"custom_segment": "Unknown"})) == 3  # not understood: ignored, not a 500
    hide(admin, "company", "segment")  # a hidden field is neither a column nor a filter
    html = client.get(url).content.decode()
    assert "Segment" not in html and 'name="custom_vip"' in html


def test_contact_list_filters_by_a_choice_field(client, admin, staff):
    add_field(admin, "contact", "role", FieldType.CHOICE, choices=("Owner", "Buyer"), label="Role", in_list=True)
    Contact.objects.create(first_name="Ani", custom={"role": "Owner"})
    Contact.objects.create(first_name="Budi", custom={"role": "Buyer"})
    login(client, staff)
    response = client.get(reverse("crm:contact_list"), {"custom_role": "Buyer"})
    assert [c.first_name for c in response.context["contacts"]] == ["Budi"]
    assert 'name="custom_role"' in response.content.decode() and "<td>Buyer</td>" in response.content.decode()


def test_deal_list_column_and_yes_no_filter(client, admin, staff, client_company):
    add_field(admin, "deal", "urgent", FieldType.BOOLEAN, label="Urgent", in_list=True)
    create_deal(by=staff, data=DealInput(title="Cepat", company=client_company, custom={"urgent": True}))
    create_deal(by=staff, data=DealInput(title="Santai", company=client_company, custom={"urgent": False}))
    create_deal(by=staff, data=DealInput(title="Belum", company=client_company))
    login(client, staff)
    response = client.get(reverse("crm:deal_list"), {"custom_urgent": "yes"})
    assert [d.title for d in response.context["deals"]] == ["Cepat"]
    html = response.content.decode()
    assert '<th scope="col">Urgent</th>' in html and "<td>Yes</td>" in html and 'name="custom_urgent"' in html
    assert [d.title for d in client.get(reverse("crm:deal_list"), {"custom_urgent": "no"}).context["deals"]] == [
        "Santai"
    ]


# --- query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize(("form", "url"), [("company", "crm:company_list"), ("deal", "crm:deal_list")])
def test_lists_with_custom_columns_cost_the_same_queries_for_1_and_20_rows(
    client, admin, staff, client_company, form, url
):
    add_field(admin, form, "segment", FieldType.CHOICE, choices=("A", "B"), in_list=True)
    add_field(admin, form, "vip", FieldType.BOOLEAN, in_list=True)

    def add(n):
        for i in range(n):
            custom = {"segment": "A", "vip": bool(i % 2)}
            if form == "company":
                CompanyFactory(custom=custom)
            else:
                create_deal(by=staff, data=DealInput(title=f"Deal {i}", company=client_company, custom=custom))

    login(client, staff)
    add(1)
    client.get(reverse(url))
    one = page_queries(client, reverse(url))
    add(19)
    assert page_queries(client, reverse(url)) == one
