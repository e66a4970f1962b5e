"""Companies: services and pages (search, filters, pagination, forms)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from crm.models import Company
from crm.services.companies import CompanyInput, create_company, update_company
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

LIST = reverse("crm:company_list")


def _names(response) -> list[str]:
    return [c.name for c in response.context["companies"]]


def test_create_and_update_company(user):
    company = create_company(
        by=user, data=CompanyInput(name="  PT Sumber Kopi ", tax_id="01.234", is_supplier=True, is_client=False)
    )
    assert (company.name, company.is_supplier, company.is_client) == ("PT Sumber Kopi", True, False)
    update_company(
        company, by=user, data=CompanyInput(name="PT Sumber Kopi Jaya", email="sales@sumber.id", is_supplier=True)
    )
    company.refresh_from_db()
    assert (company.name, company.email, company.is_client) == ("PT Sumber Kopi Jaya", "sales@sumber.id", True)


def test_company_needs_a_name_and_a_valid_email(user):
    with pytest.raises(ValidationError) as error:
        create_company(by=user, data=CompanyInput(name=" ", email="not-an-email"))
    assert set(error.value.error_dict) == {"name", "email"}
    assert not Company.objects.exists()


@pytest.fixture
def companies():
    CompanyFactory(name="PT Sumber Kopi", tax_id="11.111", is_supplier=True, is_client=False)
    CompanyFactory(name="Toko Makmur", email="beli@makmur.id", is_supplier=False, is_client=True)
    CompanyFactory(name="CV Dua Arah", is_supplier=True, is_client=True)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["CV Dua Arah", "PT Sumber Kopi", "Toko Makmur"]),
        ({"q": "kopi"}, ["PT Sumber Kopi"]),
        ({"q": "11.111"}, ["PT Sumber Kopi"]),
        ({"q": "makmur.id"}, ["Toko Makmur"]),
        ({"is_supplier": "true"}, ["CV Dua Arah", "PT Sumber Kopi"]),
        ({"is_client": "true", "is_supplier": "false"}, ["Toko Makmur"]),
        ({"is_supplier": "maybe", "page": "x"}, ["CV Dua Arah", "PT Sumber Kopi", "Toko Makmur"]),
    ],
)
def test_list_search_and_filters(client_logged_in, companies, params, expected):
    response = client_logged_in.get(LIST, params)
    assert response.status_code == 200
    assert _names(response) == expected


def test_list_is_paginated(client_logged_in):
    CompanyFactory.create_batch(51)
    assert len(client_logged_in.get(LIST).context["companies"]) == 50
    assert len(client_logged_in.get(LIST, {"page": 2}).context["companies"]) == 1


def test_create_through_the_form(client_logged_in):
    response = client_logged_in.post(
        reverse("crm:company_create"), {"name": "PT Baru", "is_supplier": "on", "email": "a@b.id"}
    )
    assert response.status_code == 302
    company = Company.objects.get()
    assert (company.name, company.is_supplier, company.is_client) == ("PT Baru", True, False)


def test_edit_through_the_form(client_logged_in):
    company = CompanyFactory(name="PT Lama")
    url = reverse("crm:company_update", args=[company.pk])
    assert "PT Lama" in client_logged_in.get(url).content.decode()
    response = client_logged_in.post(url, {"name": "PT Baru", "is_client": "on"})
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.name, company.is_supplier) == ("PT Baru", False)


def test_bad_input_is_a_form_error(client_logged_in):
    company = CompanyFactory(name="PT Lama")
    response = client_logged_in.post(
        reverse("crm:company_update", args=[company.pk]), {"name": "", "email": "nope", "tax_id": "x" * 80}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "email", "tax_id"}
    company.refresh_from_db()
    assert company.name == "PT Lama"


def test_unknown_company_is_404(client_logged_in):
    url = reverse("crm:company_update", args=[999999])
    assert client_logged_in.get(url).status_code == 404
    assert client_logged_in.post(url, {"name": "x"}).status_code == 404
