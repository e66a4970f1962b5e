"""A form posted without its security token gets the app's 403 page, styled under the CSP."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_post_without_csrf_token_gets_the_apps_403_page_with_what_to_do(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post(reverse("inventory:warehouse_create"), {"name": "X"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "reload the page and try again" in text
    assert "<style" not in text  # Django's own page would be unstyled under the policy
    assert 'href="/static/' in text or "gudang.css" in text
