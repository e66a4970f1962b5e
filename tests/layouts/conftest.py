import pytest


@pytest.fixture
def admin(user):
    """The administrator who shapes the forms: the root conftest's "Online store administrator"
    (staff, not a superuser: the rights come from the role)."""
    return user


@pytest.fixture
def admin_client(client_logged_in):
    return client_logged_in
