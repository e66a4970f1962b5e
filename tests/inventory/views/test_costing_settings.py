"""The costing method page: the choice, the confirmation step, the progress while the costs are
recomputed (polled by htmx), the banner for pages that show values, the sidebar entry, and the
admin that no longer changes the method itself."""

import pytest
from django.contrib import admin
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts.catalogue import CLERK, STAFF
from accounts.models import Profile
from inventory.locks import release_recompute_runner
from inventory.models import CostingMethod, InventorySettings
from inventory.models.costing import CostRecompute, RecomputeStatus
from inventory.tasks import recompute_costs
from tests.factories import UserFactory
from tests.stock_helpers import running_recompute

pytestmark = pytest.mark.django_db

URL = reverse("inventory:costing_settings")
PROGRESS = reverse("inventory:costing_progress")


def test_the_page_explains_both_methods_and_checks_the_current_one(client_logged_in):
    response = client_logged_in.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Stock that came in first goes out first" in html and "the average of what is there" in html
    assert 'value="fifo" class="form-check-input" id="id_method_0" required checked' in html
    assert f'href="{URL}"' in html  # the sidebar entry


def test_choosing_a_method_asks_for_confirmation_first(client_logged_in):
    response = client_logged_in.post(URL, {"method": "average"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Change the costing method from FIFO (first in, first out) to moving average?" in html
    assert (
        "Every cost is recomputed from the stock movements in the background; documents can still be "
        "processed meanwhile; nothing is deleted." in html
    )
    assert 'name="confirm" value="1"' in html
    assert not CostRecompute.objects.exists()


def test_confirming_queues_the_recompute_and_shows_its_progress(client_logged_in):
    response = client_logged_in.post(URL, {"method": "average", "confirm": "1"}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    recompute = CostRecompute.objects.get()
    assert recompute.status == RecomputeStatus.QUEUED
    assert DBTaskResult.objects.filter(task_path=recompute_costs.module_path).count() == 1
    html = response.content.decode()
    assert "The costs are being recomputed under moving average." in html
    assert f'hx-get="{PROGRESS}" hx-trigger="every 2s"' in html
    assert 'name="method"' not in html  # no second change while it runs
    assert InventorySettings.current_costing_method() == CostingMethod.FIFO


@pytest.mark.parametrize(("data", "text"), [({"method": "fifo"}, "costing method already"), ({}, "required")])
def test_the_current_method_or_none_is_refused(client_logged_in, data, text):
    response = client_logged_in.post(URL, {**data, "confirm": "1"})
    assert response.status_code == 200
    assert text in str(response.context["form"].errors["method"])
    assert not CostRecompute.objects.exists()


def test_a_confirmation_while_one_runs_is_refused(client_logged_in):
    CostRecompute.objects.create(method="average", previous_method="fifo", status=RecomputeStatus.DONE)
    running_recompute()
    response = client_logged_in.post(URL, {"method": "average", "confirm": "1"})
    assert response.status_code == 200
    assert CostRecompute.objects.count() == 2


def test_the_progress_fragment_counts_the_movements_and_stops_polling_when_done(client_logged_in):
    recompute = running_recompute(moves_done=1500, moves_total=6000)
    html = client_logged_in.get(PROGRESS, headers={"HX-Request": "true"}).content.decode()
    assert '<progress class="w-100" max="6000" value="1500"' in html
    assert "1,500 of 6,000 movements (25 %)" in html and "hx-trigger" in html

    CostRecompute.objects.filter(pk=recompute.pk).update(status=RecomputeStatus.DONE, moves_done=6000)
    html = client_logged_in.get(PROGRESS, headers={"HX-Request": "true"}).content.decode()
    assert "Every cost was recomputed under moving average" in html and "hx-trigger" not in html

    CostRecompute.objects.filter(pk=recompute.pk).update(status=RecomputeStatus.FAILED, error="disk full")
    html = client_logged_in.get(PROGRESS).content.decode()
    assert "failed; the costing method is still FIFO" in html and "disk full" in html


def test_a_recompute_whose_runner_stopped_shows_as_interrupted_in_the_readers_language(client_logged_in, user):
    recompute = running_recompute(moves_done=10, moves_total=40)
    release_recompute_runner(recompute.pk)  # as when its process was killed
    html = client_logged_in.get(PROGRESS).content.decode()
    assert "failed; the costing method is still FIFO" in html and "hx-trigger" not in html
    assert "Interrupted: the process running it stopped before it finished" in html
    Profile.objects.filter(user=user).update(language="id")
    client_logged_in.force_login(user)
    html = client_logged_in.get(URL).content.decode()
    assert "Terputus" in html and "Interrupted" not in html


@pytest.mark.parametrize("role", [STAFF, CLERK])
def test_others_get_403_and_no_menu_entry(client, role):
    client.force_login(UserFactory(username="other", roles=[role]))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"method": "average", "confirm": "1"}).status_code == 403
    assert client.get(PROGRESS).status_code == 403
    assert not CostRecompute.objects.exists()
    assert f'href="{URL}"' not in client.get(reverse("inventory:stock")).content.decode()


def banner(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string("inventory/_recomputing.html", {"request": request})


def test_the_banner_shows_while_a_recompute_runs_to_those_who_see_values(user):
    assert banner(user).strip() == ""
    running_recompute(moves_done=1, moves_total=4)
    text = banner(user)
    assert "Stock values are being recomputed under moving average (25 % done)" in text
    assert "the values shown are those of FIFO (first in, first out)" in text
    assert banner(UserFactory(username="sari", roles=[STAFF])).strip() == ""  # no purchase prices


def test_the_admin_shows_the_method_read_only(admin_client):
    url = reverse("admin:inventory_inventorysettings_change", args=[InventorySettings.load().pk])
    model_admin = admin.site._registry[InventorySettings]
    request = RequestFactory().get(url)
    request.user = UserFactory(username="root", is_staff=True, is_superuser=True)
    assert "costing_method" in model_admin.get_readonly_fields(request)
    response = admin_client.get(url)
    assert response.status_code == 200 and 'name="costing_method"' not in response.content.decode()
