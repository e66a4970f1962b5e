"""Schemathesis against the live schema (/api/v1/schema/, read with the user's token): for
each operation a bounded number of generated requests (valid ones, then ones that break the
schema), as the administrator, the clerk and the staff member; no answer is a 500, each
valid answer matches the schema, and the staff member (without "View purchase price") is
never shown a purchase price or a stock value."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from api.services.tokens import create_token
from tests.crm.deal_helpers import deal_with_row
from tests.stock_helpers import make_document

pytestmark = pytest.mark.django_db

EXAMPLES = 3  # per operation, role and mode: the three roles' runs take seconds
PRICES = ("purchase_price", "value")


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler, without closing the database connection after each request
    (the test's transaction is on it), as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def fuzz(strategy, headers, checks, role):
    """A Hypothesis test of `EXAMPLES` cases of `strategy`, each sent and checked."""

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(case):
        response = case.call_and_validate(headers=headers, checks=checks)
        if role == "staff" and response.status_code < 300 and response.content:
            shown = json.dumps(json.loads(response.content))
            assert not any(f'"{name}"' in shown for name in PRICES), (case.path, shown[:300])

    return run


@pytest.mark.parametrize("role", ["admin", "clerk", "staff"])
def test_no_operation_answers_500_or_outside_its_schema(world, wsgi_app, role):
    user = world[role]
    make_document("adjustment", by=world["admin"], warehouse=world["alpha"], lines=[(world["product"], 1)])
    deal_with_row(by=world["admin"], product=world["product"], quantity=1, warehouse=world["alpha"])
    _token, text = create_token(user=user, by=user, name="schemathesis")
    headers = {"Authorization": f"Bearer {text}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app, headers=headers)
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            checks = [not_a_server_error]
            if mode == GenerationMode.POSITIVE:
                checks += [response_schema_conformance, content_type_conformance]

            run = fuzz(operation.as_strategy(generation_mode=mode), headers, checks, role)
            try:
                run()
            except Exception as error:  # noqa: BLE001 - every operation is tried; all failures reported
                failures.append(f"{operation.label} ({mode.value}): {str(error)[:1500]}")
    assert operations >= 40
    assert not failures, "\n\n".join(failures)
