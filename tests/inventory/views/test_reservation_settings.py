"""Reservation settings: the page and the service; only holders of the right may change them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.catalogue import CLERK, STAFF
from inventory.models import InventorySettings
from inventory.models.settings import ReservationMode
from inventory.services.settings import update_reservation_settings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("inventory:reservation_settings")


def _current():
    settings = InventorySettings.load()
    return (settings.reservation_mode, settings.reservation_days, settings.sell_unshipped_on_won)


def test_page_shows_the_current_settings(client_logged_in):
    InventorySettings.objects.filter(pk=1).update(reservation_days=7)
    response = client_logged_in.get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert (form["mode"].value(), form["days"].value(), form["sell_unshipped"].value()) == (
        ReservationMode.ON_ADD,
        7,
        True,
    )
    html = response.content.decode()
    assert "on adding the product to a deal" in html and 'value="7"' in html


def test_save(client_logged_in):
    response = client_logged_in.post(URL, {"mode": "manual", "days": "14"})
    assert response.status_code == 302
    assert _current() == ("manual", 14, False)
    client_logged_in.post(URL, {"mode": "on_add", "days": "1", "sell_unshipped": "on"})
    assert _current() == ("on_add", 1, True)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"mode": "sometimes", "days": "3"}, "mode"),
        ({"mode": "manual", "days": "0"}, "days"),
        ({"mode": "manual", "days": "366"}, "days"),
        ({"mode": "manual", "days": "2.5"}, "days"),
        ({"mode": "manual", "days": "lots"}, "days"),
        ({"mode": "manual", "days": ""}, "days"),
        ({"days": "3"}, "mode"),
    ],
)
def test_bad_input_changes_nothing(client_logged_in, data, field):
    before = _current()
    response = client_logged_in.post(URL, {**data, "sell_unshipped": ""})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert _current() == before


def test_service_validates_and_needs_the_right(user):
    with pytest.raises(ValidationError) as error:
        update_reservation_settings(by=user, mode="other", days=400, sell_unshipped=False)
    assert set(error.value.error_dict) == {"mode", "days"}
    with pytest.raises(ValidationError):
        update_reservation_settings(by=user, mode="manual", days=True, sell_unshipped=False)
    staff = UserFactory(username="sari", roles=[STAFF])
    with pytest.raises(PermissionDenied):
        update_reservation_settings(by=staff, mode="manual", days=5, sell_unshipped=False)
    assert _current() == ("on_add", 3, True)
    update_reservation_settings(by=user, mode="manual", days=365, sell_unshipped=False)
    assert _current() == ("manual", 365, False)


@pytest.mark.parametrize("role", [STAFF, CLERK])
def test_others_get_403_and_no_menu_entry(client, role):
    client.force_login(UserFactory(username="member", roles=[role]))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"mode": "manual", "days": "9"}).status_code == 403
    assert _current() == ("on_add", 3, True)
    assert URL not in client.get(reverse("inventory:stock")).content.decode()


def test_the_sidebar_links_it_for_holders(client_logged_in):
    assert URL in client_logged_in.get(reverse("inventory:stock")).content.decode()
