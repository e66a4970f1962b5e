"""What a signed-in user was shown is never kept by a browser's cache or a proxy: every answer
to them says `Cache-Control: no-store` (pages, htmx fragments, redirects, refusals). Static
files stay cacheable."""

import pytest
from django.urls import reverse

from accounts.catalogue import CLERK
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize(
    "url",
    [
        reverse("inventory:product_list"),
        reverse("inventory:stock"),
        reverse("inventory:costing_settings"),
        reverse("crm:deal_board"),
        reverse("layouts:editor", args=["product"]),
        reverse("my_account"),
        reverse("password_change"),
    ],
)
def test_pages_of_a_signed_in_user_are_not_stored(client_logged_in, url):
    response = client_logged_in.get(url)
    assert response.status_code == 200
    assert no_store(response)


@pytest.mark.parametrize(
    ("url", "query"),
    [(reverse("inventory:product_lookup"), {"q": "kopi"}), (reverse("inventory:costing_progress"), {})],
)
def test_an_htmx_fragment_is_not_stored(client_logged_in, url, query):
    response = client_logged_in.get(url, query, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert no_store(response)


def test_a_redirect_and_a_refusal_are_not_stored(client, client_logged_in):
    assert no_store(client_logged_in.get(reverse("home")))
    clerk = UserFactory(username="cache-clerk", roles=[CLERK])
    client.force_login(clerk)
    refused = client.get(reverse("crm:deal_list"))
    assert refused.status_code == 403
    assert no_store(refused)


def test_static_files_stay_cacheable(client_logged_in, settings):
    settings.WHITENOISE_USE_FINDERS = True  # served by WhiteNoise, as in production
    response = client_logged_in.get("/static/css/gudang.css")
    assert response.status_code == 200
    assert not no_store(response)
