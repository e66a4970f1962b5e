"""Contacts: services and pages (search, company filter, pagination, forms, access)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.catalogue import CLERK
from crm.models import Contact
from crm.services.contacts import ContactInput, create_contact, update_contact
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("crm:contact_list")
CREATE = reverse("crm:contact_create")


def _names(response) -> list[str]:
    return [str(c) for c in response.context["contacts"]]


def test_create_and_update_contact(user):
    company = CompanyFactory(name="Toko Makmur")
    contact = create_contact(
        by=user, data=ContactInput(first_name=" Ani ", last_name="Wijaya", company=company, email="ani@makmur.id")
    )
    assert (contact.first_name, contact.last_name, contact.company) == ("Ani", "Wijaya", company)
    update_contact(contact, by=user, data=ContactInput(first_name="Ani", position="Purchasing", phone="0812"))
    contact.refresh_from_db()
    assert (contact.company, contact.position, contact.phone, contact.email) == (None, "Purchasing", "0812", "")


def test_contact_needs_a_first_name_and_a_valid_email(user):
    with pytest.raises(ValidationError) as error:
        create_contact(by=user, data=ContactInput(first_name="  ", email="nope", phone="1" * 51))
    assert set(error.value.error_dict) == {"first_name", "email", "phone"}
    assert not Contact.objects.exists()


def test_a_refused_update_changes_nothing(user):
    contact = create_contact(by=user, data=ContactInput(first_name="Budi"))
    with pytest.raises(ValidationError):
        update_contact(contact, by=user, data=ContactInput(first_name="Budi", email="broken@"))
    contact.refresh_from_db()
    assert contact.email == ""


def test_contact_services_need_the_crm():
    clerk = UserFactory(username="clerk", roles=[CLERK])
    with pytest.raises(PermissionDenied):
        create_contact(by=clerk, data=ContactInput(first_name="Ani"))
    assert not Contact.objects.exists()


@pytest.fixture
def contacts():
    makmur = CompanyFactory(name="Toko Makmur")
    kopi = CompanyFactory(name="PT Sumber Kopi")
    Contact.objects.create(first_name="Ani", last_name="Wijaya", company=makmur, email="ani@makmur.id")
    Contact.objects.create(first_name="Budi", last_name="Santoso", company=kopi, phone="0812-555")
    Contact.objects.create(first_name="Citra", last_name="Lestari")
    return {"makmur": makmur, "kopi": kopi}


def test_list_search(client_logged_in, contacts):
    assert _names(client_logged_in.get(LIST)) == ["Citra Lestari", "Budi Santoso", "Ani Wijaya"]
    assert _names(client_logged_in.get(LIST, {"q": "wija"})) == ["Ani Wijaya"]
    assert _names(client_logged_in.get(LIST, {"q": "makmur.id"})) == ["Ani Wijaya"]
    assert _names(client_logged_in.get(LIST, {"q": "555"})) == ["Budi Santoso"]
    assert _names(client_logged_in.get(LIST, {"q": "sumber kopi"})) == ["Budi Santoso"]
    assert _names(client_logged_in.get(LIST, {"q": "Budi Santoso"})) == ["Budi Santoso"]
    assert _names(client_logged_in.get(LIST, {"q": "nobody"})) == []


def test_list_filter_by_company_and_bad_values(client_logged_in, contacts):
    assert _names(client_logged_in.get(LIST, {"company": contacts["makmur"].pk})) == ["Ani Wijaya"]
    response = client_logged_in.get(LIST, {"company": "x", "page": "zz"})
    assert response.status_code == 200
    assert len(_names(response)) == 3  # a filter not understood is ignored
    assert client_logged_in.get(LIST, {"company": 999999}).status_code == 200


def test_list_links_to_edit_and_company(client_logged_in, contacts):
    html = client_logged_in.get(LIST).content.decode()
    ani = Contact.objects.get(first_name="Ani")
    assert reverse("crm:contact_update", args=[ani.pk]) in html
    assert reverse("crm:company_detail", args=[contacts["makmur"].pk]) in html


def test_list_is_paginated_with_constant_queries(client_logged_in):
    company = CompanyFactory()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_logged_in.get(LIST).status_code == 200
        return len(queries)

    Contact.objects.create(first_name="Solo", company=company)
    one = count()
    Contact.objects.bulk_create(
        [Contact(first_name=f"P{n:02}", company=CompanyFactory() if n % 2 else None) for n in range(50)]
    )
    assert count() == one
    assert len(client_logged_in.get(LIST).context["contacts"]) == 50
    assert len(client_logged_in.get(LIST, {"page": 2}).context["contacts"]) == 1


def test_create_through_the_form(client_logged_in):
    company = CompanyFactory(name="Toko Makmur")
    response = client_logged_in.post(
        CREATE, {"first_name": "Dewi", "last_name": "Anggraini", "company": company.pk, "position": "Owner"}
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (str(contact), contact.company, contact.position) == ("Dewi Anggraini", company, "Owner")


def test_create_form_preselects_the_company(client_logged_in):
    company = CompanyFactory(name="Toko Makmur")
    response = client_logged_in.get(CREATE, {"company": company.pk})
    assert response.context["form"]["company"].value() == str(company.pk)
    assert client_logged_in.get(CREATE, {"company": "junk"}).status_code == 200


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"first_name": ""}, "first_name"),
        ({"first_name": "Eka", "email": "not-an-email"}, "email"),
        ({"first_name": "Eka", "company": "999999"}, "company"),
        ({"first_name": "Eka", "company": "abc"}, "company"),
        ({"first_name": "E" * 101}, "first_name"),
    ],
)
def test_bad_input_shows_errors_and_changes_nothing(client_logged_in, data, field):
    response = client_logged_in.post(CREATE, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Contact.objects.exists()


def test_edit_through_the_form(client_logged_in):
    contact = Contact.objects.create(first_name="Fajar", last_name="Lama")
    url = reverse("crm:contact_update", args=[contact.pk])
    assert "Fajar" in client_logged_in.get(url).content.decode()
    assert client_logged_in.post(url, {"first_name": "Fajar", "email": "bad"}).status_code == 200
    contact.refresh_from_db()
    assert (contact.last_name, contact.email) == ("Lama", "")
    response = client_logged_in.post(url, {"first_name": "Fajar", "last_name": "Baru"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.last_name == "Baru"
    assert client_logged_in.get(reverse("crm:contact_update", args=[999999])).status_code == 404


def test_a_clerk_has_no_contacts(client):
    contact = Contact.objects.create(first_name="Gita")
    client.force_login(UserFactory(username="clerk", roles=[CLERK]))
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, {"first_name": "Intruder"}).status_code == 403
    url = reverse("crm:contact_update", args=[contact.pk])
    assert client.post(url, {"first_name": "Changed"}).status_code == 403
    contact.refresh_from_db()
    assert contact.first_name == "Gita" and Contact.objects.count() == 1
