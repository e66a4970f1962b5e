import pytest

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
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user(db):
    """An employee in the "Online store administrator" role: every right, all warehouses."""
    return UserFactory(username="admin-test", roles=[ADMINISTRATOR])


@pytest.fixture
def client_logged_in(client, user):
    client.force_login(user)
    return client
