"""Django admin shows objects' custom field values but cannot change them: they are typed in
the app's forms, which check them against the layout."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from crm.models import Company, Contact, Deal
from inventory.models import Product, StockDocument, Warehouse
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Product, Warehouse, StockDocument, Company, Contact, Deal])
def test_custom_values_are_read_only_in_the_admin(model):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(username="root", is_superuser=True)
    model_admin = admin.site._registry[model]
    assert "custom" in model_admin.get_readonly_fields(request, None)
    assert "custom" not in model_admin.get_form(request, None).base_fields
