"""Signing in to the API: tokens (only their hash stored, revocable), the browser's session
with its CSRF token, and the rate limit per token, counted in the database."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from api.models import ApiToken, RateWindow
from api.services.tokens import create_token, revoke_token

pytestmark = pytest.mark.django_db

WAREHOUSES = "/api/v1/warehouses/"


def bearer(text: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {text}")
    return client


def test_a_token_signs_in_and_only_its_hash_is_stored(world):
    token, text = create_token(user=world["clerk"], by=world["clerk"], name="Toko online")
    assert text.startswith("gdg_") and len(text) > 40
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert stored["key_hash"] == hashlib.sha256(text.encode()).hexdigest()
    assert text not in [str(value) for value in stored.values()]
    assert stored["prefix"] == text[:12]
    response = bearer(text).get(WAREHOUSES)
    assert response.status_code == 200
    assert {w["code"] for w in response.json()["results"]} == {"ALPHA", "BRAVO"}
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    assert APIClient().get(WAREHOUSES, HTTP_AUTHORIZATION=f"Token {text}").status_code == 200


def test_a_revoked_token_a_wrong_one_and_an_inactive_users_are_refused(world):
    token, text = create_token(user=world["clerk"], by=world["clerk"], name="Kasir")
    revoke_token(token, by=world["clerk"])
    for client in (bearer(text), bearer("gdg_nope"), bearer("a b"), bearer("\u00e9")):
        response = client.get(WAREHOUSES)
        assert response.status_code == 401, response.content
        assert response.json()["code"] == "authentication_failed"
        assert response.headers["WWW-Authenticate"] == "Bearer"
    _token, other = create_token(user=world["staff"], by=world["staff"], name="Lain")
    world["staff"].is_active = False
    world["staff"].save()
    assert bearer(other).get(WAREHOUSES).status_code == 401
    assert APIClient().get(WAREHOUSES).json() == {
        "code": "not_authenticated",
        "message": "Authentication credentials were not provided.",
    }


def test_only_the_user_or_an_administrator_manages_a_users_tokens(world):
    with pytest.raises(PermissionDenied):
        create_token(user=world["clerk"], by=world["staff"], name="Bukan miliknya")
    token, _text = create_token(user=world["clerk"], by=world["admin"], name="Dari admin")
    with pytest.raises(PermissionDenied):
        revoke_token(token, by=world["staff"])
    assert revoke_token(token, by=world["admin"]).revoked_at is not None


def test_the_session_works_with_its_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world["admin"])
    assert client.get(WAREHOUSES).status_code == 200
    refused = client.post(WAREHOUSES, {"name": "Gudang C", "code": "C"}, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["message"]
    client.get("/api/v1/docs/")  # the page sets the CSRF cookie
    made = client.post(
        WAREHOUSES, {"name": "Gudang C", "code": "C"}, format="json", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value
    )
    assert made.status_code == 201, made.content


def test_the_rate_limit_is_per_token_and_answers_429_in_json(world, settings):
    settings.GUDANG_API_RATE_LIMIT = 3
    _t1, first = create_token(user=world["clerk"], by=world["clerk"], name="Satu")
    token2, second = create_token(user=world["clerk"], by=world["clerk"], name="Dua")
    client = bearer(first)
    assert [client.get(WAREHOUSES).status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get(WAREHOUSES)
    assert limited.status_code == 429
    body = limited.json()
    assert body["code"] == "rate_limited" and 1 <= body["retry_after"] <= 60
    assert limited.headers["Retry-After"] == str(body["retry_after"])
    assert bearer(second).get(WAREHOUSES).status_code == 200  # another token has its own count
    assert RateWindow.objects.get(bucket=f"token:{token2.pk}").hits == 1
    assert sorted(RateWindow.objects.values_list("hits", flat=True)) == [1, 4]
