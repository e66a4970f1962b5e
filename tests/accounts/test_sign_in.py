"""Signing in and out: the lockout after failed sign-ins (django-axes, per username + address),
sessions that rotate and end, deactivated users, and Django's password validators."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import escape

from accounts.lockout import client_ip_behind_proxy
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_enabled")]

PASSWORD = "correct-horse-battery"
LOCKOUT_MESSAGE = "Too many failed sign-ins for this account from your address. Try again in 15 minutes."
HERE = "192.0.2.10"
ELSEWHERE = "198.51.100.20"
LOGIN_URL = reverse("login")


@pytest.fixture
def clerk():
    return UserFactory(username="siti", password=PASSWORD)


def sign_in(client, username, password, address=HERE, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def fail(client, username, times, address=HERE):
    responses = [sign_in(client, username, "wrong-password", address) for _ in range(times)]
    return responses[-1]


def is_signed_in(response) -> bool:
    return response.status_code == 302 and not response.url.startswith(LOGIN_URL)


def is_locked_out(response) -> bool:
    return response.status_code == 429 and LOCKOUT_MESSAGE in response.content.decode()


def is_sent_to_login(response) -> bool:
    return response.status_code == 302 and response.url.startswith(LOGIN_URL)


def age_attempts(username, by):
    """Move the recorded failures `by` into the past, as if that much time had gone by."""
    for attempt in AccessAttempt.objects.filter(username=username):
        attempt.attempt_time -= by
        attempt.save(update_fields=["attempt_time"])


# --- Lockout --------------------------------------------------------------------------------


def test_four_failures_still_let_the_right_password_in(client, clerk):
    response = fail(client, "siti", 4)
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()

    assert is_signed_in(sign_in(client, "siti", PASSWORD))


def test_the_fifth_failure_locks_and_shows_the_message_on_the_login_page(client, clerk):
    fail(client, "siti", 4)
    response = sign_in(client, "siti", "wrong-password", next="/inventory/")

    assert is_locked_out(response)
    # The styled login page, not axes' bare text page: the form is there, the username kept.
    assert "registration/login.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert 'name="password"' in page
    assert 'value="siti"' in page
    assert "Log in to Gudang" in page


def test_the_right_password_is_refused_during_the_lockout(client, clerk):
    fail(client, "siti", 5)

    response = sign_in(client, "siti", PASSWORD)

    assert is_locked_out(response)
    assert "_auth_user_id" not in client.session
    assert is_sent_to_login(client.get(reverse("home")))


def test_the_login_page_itself_still_opens_during_the_lockout(client, clerk):
    fail(client, "siti", 5)

    response = client.get(LOGIN_URL, REMOTE_ADDR=HERE)

    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


def test_the_lockout_ends_fifteen_minutes_after_the_last_refused_attempt(client, clerk):
    fail(client, "siti", 5)

    age_attempts("siti", timedelta(minutes=14, seconds=50))
    assert is_locked_out(sign_in(client, "siti", PASSWORD))  # and the 15 minutes start again

    age_attempts("siti", timedelta(minutes=14, seconds=50))
    assert is_locked_out(sign_in(client, "siti", PASSWORD))

    age_attempts("siti", timedelta(minutes=15, seconds=1))
    assert is_signed_in(sign_in(client, "siti", PASSWORD))


def test_the_same_user_from_another_address_can_sign_in(client, clerk):
    fail(client, "siti", 5, address=HERE)

    assert is_signed_in(sign_in(client, "siti", PASSWORD, address=ELSEWHERE))


def test_another_user_from_the_same_address_can_sign_in(client, clerk):
    UserFactory(username="budi", password=PASSWORD)
    fail(client, "siti", 5, address=HERE)

    assert is_signed_in(sign_in(client, "budi", PASSWORD, address=HERE))
    assert is_locked_out(sign_in(client, "siti", PASSWORD, address=HERE))


def test_a_successful_sign_in_clears_the_count(client, clerk):
    fail(client, "siti", 4)
    assert is_signed_in(sign_in(client, "siti", PASSWORD))
    client.post(reverse("logout"))

    response = fail(client, "siti", 4)

    assert response.status_code == 200
    assert is_signed_in(sign_in(client, "siti", PASSWORD))


def test_the_message_names_the_configured_cool_off(client, clerk, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)

    response = fail(client, "siti", 5)

    assert response.status_code == 429
    assert "Try again in 30 minutes." in response.content.decode()


def test_behind_the_proxy_the_forwarded_address_is_the_one_locked_out(client, clerk, settings):
    settings.AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip_behind_proxy"
    proxy = "10.0.0.1"
    for _ in range(5):
        sign_in(client, "siti", "wrong-password", address=proxy, HTTP_X_FORWARDED_FOR=HERE)

    assert AccessAttempt.objects.get(username="siti").ip_address == HERE
    assert is_locked_out(sign_in(client, "siti", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=HERE))
    # A client that forges an entry of its own cannot pass for someone else: the proxy's is last.
    forged = f"{ELSEWHERE}, {HERE}"
    assert is_locked_out(sign_in(client, "siti", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=forged))
    assert is_signed_in(sign_in(client, "siti", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE))


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.5", "203.0.113.5"),
        ("198.51.100.1, 203.0.113.5", "203.0.113.5"),
        ("2001:db8::1", "2001:db8::1"),
        ("", "10.0.0.1"),
        ("not-an-address", "10.0.0.1"),
    ],
)
def test_client_address_behind_the_proxy(forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip_behind_proxy(request) == expected


# --- Sessions -------------------------------------------------------------------------------


def test_signing_in_gives_a_new_session_key(client, clerk):
    anonymous = client.session
    anonymous["seen"] = True
    anonymous.save()
    old_key = anonymous.session_key

    assert is_signed_in(sign_in(client, "siti", PASSWORD))

    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = old_key
    assert is_sent_to_login(client.get(reverse("home")))


def test_logout_is_a_post_and_ends_the_session(client, clerk):
    assert is_signed_in(sign_in(client, "siti", PASSWORD))
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    assert client.get(reverse("logout")).status_code == 405
    assert not is_sent_to_login(client.get(reverse("home")))  # a GET signed no one out

    response = client.post(reverse("logout"))

    assert response.status_code == 302 and response.url == LOGIN_URL
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = key  # the old cookie, replayed
    assert is_sent_to_login(client.get(reverse("home")))


def test_a_deactivated_user_is_signed_out_at_the_next_request(client, clerk):
    assert is_signed_in(sign_in(client, "siti", PASSWORD))
    assert not is_sent_to_login(client.get(reverse("home")))

    clerk.is_active = False
    clerk.save(update_fields=["is_active"])

    assert is_sent_to_login(client.get(reverse("home")))
    assert is_sent_to_login(client.get(reverse("inventory:stock")))


def test_a_deactivated_user_cannot_sign_in(client, clerk):
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])

    response = sign_in(client, "siti", PASSWORD)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# --- Passwords ------------------------------------------------------------------------------


def test_the_four_standard_password_validators_are_on():
    names = {validator["NAME"].rsplit(".", 1)[-1] for validator in settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }


@pytest.mark.parametrize("weak", ["12345678", "password", "siti@example", "short7"])
def test_validate_password_refuses_weak_passwords(clerk, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, clerk)


@pytest.mark.parametrize("weak", ["12345678", "password1", "siti"])
def test_the_password_change_page_refuses_a_weak_password(client, clerk, weak):
    client.force_login(clerk)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["new_password2"]
    assert errors
    # Shown beside the field on the app's own page (not the admin's).
    assert "base.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert all(escape(error) in page for error in errors)
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_the_password_change_page_accepts_a_strong_password(client, clerk):
    client.force_login(clerk)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "gudang-tahan-lama-77", "new_password2": "gudang-tahan-lama-77"},
    )

    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password("gudang-tahan-lama-77")
    # Changing the password keeps this session signed in (the session hash is updated).
    assert not is_sent_to_login(client.get(reverse("home")))
