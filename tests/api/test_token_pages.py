"""API tokens on "My account" (made, shown once, revoked) and in the admin."""

import pytest
from django.urls import reverse

from api.models import ApiToken
from api.services.tokens import create_token, token_hash
from tests.api.test_auth import bearer as client_with

pytestmark = pytest.mark.django_db


def test_a_user_makes_a_token_sees_it_once_uses_it_and_revokes_it(client, world):
    client.force_login(world["clerk"])
    page = client.post(reverse("api_token_create"), {"name": "Toko online"})
    assert page.status_code == 200
    text = page.context["new_token"]
    assert text.startswith("gdg_") and text in page.content.decode()
    token = ApiToken.objects.get(user=world["clerk"])
    assert token.key_hash == token_hash(text) and token.name == "Toko online"
    again = client.get(reverse("my_account")).content.decode()
    assert text not in again and "Toko online" in again and token.prefix in again
    assert client_with(text).get("/api/v1/warehouses/").status_code == 200

    revoked = client.post(reverse("api_token_revoke", args=[token.pk]), follow=True)
    assert "is revoked" in revoked.content.decode()
    assert client_with(text).get("/api/v1/warehouses/").status_code == 401
    assert "Toko online" not in client.get(reverse("my_account")).content.decode()


def test_a_token_needs_a_name_and_another_users_token_is_not_found(client, world):
    client.force_login(world["clerk"])
    refused = client.post(reverse("api_token_create"), {"name": "  "}, follow=True)
    assert "Enter a name for the token" in refused.content.decode()
    assert not ApiToken.objects.exists()
    others, _text = create_token(user=world["staff"], by=world["staff"], name="Punya staf")
    assert client.post(reverse("api_token_revoke", args=[others.pk])).status_code == 404
    assert ApiToken.objects.get(pk=others.pk).revoked_at is None


def test_an_administrator_makes_and_revokes_a_users_token_in_the_admin(client, world):
    client.force_login(world["admin"])
    page = client.post(reverse("admin:api_apitoken_add"), {"user": world["clerk"].pk, "name": "Dari admin"})
    assert page.status_code == 200, page.content[:500]
    text = page.context["text"]
    token = ApiToken.objects.get(user=world["clerk"])
    assert token.key_hash == token_hash(text) and token.created_by == world["admin"]
    assert client_with(text).get("/api/v1/warehouses/").status_code == 200
    listed = client.get(reverse("admin:api_apitoken_changelist")).content.decode()
    assert "Dari admin" in listed and text not in listed
    client.post(reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]})
    assert client_with(text).get("/api/v1/warehouses/").status_code == 401
    client.force_login(world["clerk"])  # staff, without "Employee access settings"
    assert client.get(reverse("admin:api_apitoken_changelist")).status_code == 403
