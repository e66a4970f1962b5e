import pytest

from tests.factories import UserFactory


@pytest.fixture
def user(db):
    return UserFactory(username="clerk-test")


@pytest.fixture
def client_logged_in(client, user):
    client.force_login(user)
    return client
