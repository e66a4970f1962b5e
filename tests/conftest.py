import pytest
from django.utils import translation

from accounts.catalogue import ADMINISTRATOR
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Pages render without a collected static manifest (tests run with DEBUG off)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def english_unless_asked():
    """Each test starts in the default language: a page rendered in Indonesian leaves the
    thread's language active (the locale middleware never resets it), and the next test's
    service messages would be Indonesian."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def axes_only_where_sign_in_is_tested(request, settings):
    """django-axes (sign-in lockout) is on in the browser tests, which sign in through the real
    form, and in tests that ask for `axes_enabled`; elsewhere it is off, because
    `Client.login()` calls authenticate() without a request, which axes refuses."""
    settings.AXES_ENABLED = request.node.get_closest_marker("e2e") is not None or "axes_enabled" in request.fixturenames


@pytest.fixture
def axes_enabled(settings):
    """Sign-in lockout on for this test (see `axes_only_where_sign_in_is_tested`)."""
    settings.AXES_ENABLED = True


@pytest.fixture
def user(db):
    """An employee in the "Online store administrator" role: every right, all warehouses."""
    return UserFactory(username="admin-test", roles=[ADMINISTRATOR])


@pytest.fixture
def client_logged_in(client, user):
    client.force_login(user)
    return client
