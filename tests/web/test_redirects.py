"""An action's `next` is followed only when it is a path of this site; anything else (a bare
word, another site, a scheme) leads to the action's own page, never to a 500."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from crm.models import Stage, StageKind
from tests.crm.deal_helpers import deal_with_row
from tests.factories import ProductFactory, WarehouseFactory
from web.redirects import safe_next

pytestmark = pytest.mark.django_db

UNSAFE = [
    "abc",
    "crm:deal_list",
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "javascript:alert(1)",
    "http://testserver/crm/",  # this very host, but not a path
    " /crm/",
]


@pytest.fixture
def deal(user):
    deal, _row = deal_with_row(by=user, product=ProductFactory(), quantity=1, warehouse=WarehouseFactory())
    return deal


def open_stage(deal) -> Stage:
    """Another open stage of the deal's pipeline."""
    return Stage.objects.filter(pipeline=deal.pipeline, kind=StageKind.OPEN).exclude(pk=deal.stage_id).first()


@pytest.mark.parametrize("target", UNSAFE)
def test_moving_a_deal_with_an_unsafe_next_returns_to_the_deal(client_logged_in, deal, target):
    stage = open_stage(deal)
    response = client_logged_in.post(reverse("crm:deal_move", args=[deal.pk]), {"stage": stage.pk, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("crm:deal_detail", args=[deal.pk])
    deal.refresh_from_db()
    assert deal.stage_id == stage.pk


def test_moving_a_deal_from_the_board_returns_to_the_board(client_logged_in, deal):
    board = reverse("crm:deal_board") + "?pipeline=1"
    stage = open_stage(deal)
    response = client_logged_in.post(reverse("crm:deal_move", args=[deal.pk]), {"stage": stage.pk, "next": board})
    assert response.headers["Location"] == board


@pytest.mark.parametrize("target", UNSAFE)
def test_safe_next_refuses_what_is_not_a_local_path(target):
    request = RequestFactory().post("/", {"next": target})
    assert safe_next(request, "/default/") == "/default/"


def test_safe_next_takes_a_local_path_from_post_or_get():
    assert safe_next(RequestFactory().post("/", {"next": "/crm/deals/?page=2"}), "/d/") == "/crm/deals/?page=2"
    assert safe_next(RequestFactory().get("/", {"next": "/inventory/"}), "/d/") == "/inventory/"
    assert safe_next(RequestFactory().get("/"), "/d/") == "/d/"
