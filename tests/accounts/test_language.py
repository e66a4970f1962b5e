"""The interface language is a preference of the user: the first sign-in stores the language
the sign-in page was shown in, and from then on the stored one wins on every device; the top
bar's switch and the My account page change it. Anonymous pages follow the browser."""

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import Profile
from accounts.services.profiles import profile_of, set_language
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
ME = reverse("my_account")


def sign_in(client, username, browser):
    """Sign in through the login form from a browser asking for `browser`; the start page."""
    response = client.post(
        reverse("login"), {"username": username, "password": PASSWORD, "next": ME}, HTTP_ACCEPT_LANGUAGE=browser
    )
    assert response.status_code == 302 and response.url == ME
    return response


def page_language(client, browser="en") -> str:
    """The `<html lang>` of My account, for a browser asking for `browser`."""
    html = client.get(ME, HTTP_ACCEPT_LANGUAGE=browser).content.decode()
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def page_text(client, browser="en") -> str:
    return client.get(ME, HTTP_ACCEPT_LANGUAGE=browser).content.decode()


def stored(user) -> str:
    return Profile.objects.get(user=user).language


@pytest.fixture
def siti():
    return UserFactory(username="siti", password=PASSWORD)


@pytest.fixture
def budi():
    return UserFactory(username="budi", password=PASSWORD)


def test_a_user_has_a_profile_when_needed(siti):
    assert not Profile.objects.filter(user=siti).exists()
    profile = profile_of(siti)
    assert profile.language == ""
    assert profile_of(siti) == profile


def test_the_first_sign_in_stores_the_browser_language(client, siti):
    sign_in(client, "siti", browser="id")
    assert stored(siti) == "id"
    assert page_language(client, browser="en") == "id"


def test_the_language_chosen_on_the_sign_in_page_is_stored(client, siti):
    client.post(reverse("set_language"), {"language": "id", "next": reverse("login")})
    sign_in(client, "siti", browser="en")
    assert stored(siti) == "id"


def test_the_stored_language_wins_on_a_fresh_browser(siti, budi):
    set_language(siti, "id")
    set_language(budi, "en")
    browser = Client()
    response = sign_in(browser, "siti", browser="en")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "id"
    assert page_language(browser) == "id"
    assert "Keluar" in page_text(browser)

    # Another user on the same computer (the cookie says Indonesian now) sees English.
    browser.post(reverse("logout"))
    sign_in(browser, "budi", browser="id")
    assert page_language(browser, browser="id") == "en"
    assert "Log out" in page_text(browser, browser="id")
    # And on a fresh browser that asks for Indonesian.
    fresh = Client()
    sign_in(fresh, "budi", browser="id")
    assert page_language(fresh, browser="id") == "en"
    assert stored(siti) == "id" and stored(budi) == "en"


def test_pages_read_the_language_from_the_session_without_a_query(client, siti):
    set_language(siti, "id")
    sign_in(client, "siti", browser="en")
    # Another page than My account, which reads the profile for its own options (the digest).
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("password_change"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="id">' in html
    assert not [q for q in queries.captured_queries if "accounts_profile" in q["sql"]]


def test_a_session_from_before_takes_the_stored_language(client, siti):
    set_language(siti, "id")
    client.force_login(siti)
    session = client.session
    session.pop("gudang_language")
    session.save()
    assert page_language(client, browser="en") == "id"


def test_the_top_bar_switch_stores_the_choice(client, siti):
    sign_in(client, "siti", browser="en")
    response = client.post(reverse("set_language"), {"language": "id", "next": ME})
    assert response.status_code == 302 and response.url == ME
    assert stored(siti) == "id"
    assert page_language(client) == "id"
    # On another device too.
    other = Client()
    sign_in(other, "siti", browser="en")
    assert page_language(other) == "id"


def test_the_switch_still_works_for_anonymous_visitors(client):
    response = client.post(reverse("set_language"), {"language": "id", "next": reverse("login")})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "id"
    assert not Profile.objects.exists()


@pytest.mark.parametrize("code", ["xx", "fr", ""])
def test_an_unknown_language_changes_nothing(client, siti, code):
    sign_in(client, "siti", browser="id")
    response = client.post(reverse("set_language"), {"language": code, "next": ME})
    assert response.status_code == 302
    assert stored(siti) == "id"
    assert page_language(client) == "id"
    response = client.post(ME, {"language": code})
    assert response.status_code == 302
    assert [m.level for m in get_messages(response.wsgi_request)] == [messages.ERROR]
    assert stored(siti) == "id"
    assert page_language(client) == "id"


def test_my_account_shows_the_user_and_saves_the_language(client):
    user = UserFactory(username="ani", first_name="Ani", last_name="Wijaya", password=PASSWORD)
    sign_in(client, "ani", browser="en")
    html = client.get(ME).content.decode()
    assert "ani" in html and "Ani Wijaya" in html
    assert reverse("password_change") in html
    assert f'href="{ME}"' in html  # the top bar's user name

    response = client.post(ME, {"language": "id"}, follow=True)
    assert response.redirect_chain == [(ME, 302)]
    assert stored(user) == "id"
    with translation.override("id"):
        saved = translation.gettext("Your language is saved.")
    assert [str(m) for m in response.context["messages"]] == [saved]
    assert '<html lang="id">' in response.content.decode()
    assert '<option value="id" lang="id" selected>' in response.content.decode()


def test_the_sign_in_page_follows_the_browser(client):
    for code in ("id", "en"):
        html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=code).content.decode()
        assert f'<html lang="{code}">' in html
        with translation.override(code):
            assert translation.gettext("Log in to Gudang") in html


def test_the_admin_shows_the_user_language(client, siti):
    set_language(siti, "id")
    admin = UserFactory(username="root", is_superuser=True)
    client.force_login(admin)
    html = client.get(reverse("admin:auth_user_change", args=[siti.pk])).content.decode()
    assert 'name="profile-0-language"' in html
    assert '<option value="id" selected>' in html
