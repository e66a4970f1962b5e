"""Garbage typed into the sign-in forms (the app's and the admin's) is a failed sign-in, never
a 500: the lockout counter (django-axes) stores at most 255 characters of a username."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_enabled")]


@pytest.mark.parametrize("url", [reverse("login"), reverse("admin:login")])
@pytest.mark.parametrize("username", ["x" * 10_000, "siti\x00", "٣" * 300])
def test_a_garbage_username_is_a_failed_sign_in(client, url, username):
    response = client.post(url, {"username": username, "password": "wrong-password"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert all(len(attempt.username) <= 255 for attempt in AccessAttempt.objects.all())
