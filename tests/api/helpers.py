"""Shortcuts of the API tests: a client signed in with a fresh token of a user."""

from rest_framework.test import APIClient

from api.services.tokens import create_token


def token_client(user) -> APIClient:
    """An APIClient that sends a new token of `user` (made by the user themself)."""
    _token, text = create_token(user=user, by=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {text}")
    return client


def lines(*pairs) -> list[dict]:
    """Document lines from (product, quantity[, price])."""
    return [{"product": p[0].pk, "quantity": str(p[1]), **({"price": str(p[2])} if len(p) > 2 else {})} for p in pairs]
