"""The API documentation page in the browser: Swagger UI (the sidecar package's files) draws
the operations of the live schema, "Try it out" lists the warehouses with the session, and
Chromium reports no violation of the Content-Security-Policy; then a token made on "My
account" is shown once."""

import pytest
from django.urls import reverse

from accounts.catalogue import ADMINISTRATOR
from tests.e2e.conftest import E2E_PASSWORD
from tests.e2e.test_csp import REPORT_VIOLATIONS, is_violation
from tests.factories import UserFactory, WarehouseFactory

pytestmark = pytest.mark.e2e


def test_the_docs_page_shows_the_api_and_tries_a_request(page, login, live_url, transactional_db):
    UserFactory(username="e2e-api", password=E2E_PASSWORD, roles=[ADMINISTRATOR])
    WarehouseFactory(name="Gudang Surabaya", code="SBY")
    violations = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: is_violation(message.text) and violations.append(message.text))
    login(page, "e2e-api", E2E_PASSWORD)

    page.goto(live_url + reverse("api:docs"))
    page.locator(".opblock-summary-path", has_text="/api/v1/warehouses/").first.wait_for()
    assert page.locator(".opblock").count() >= 40
    operation = page.locator(".opblock-get", has=page.locator(".opblock-summary-path[data-path='/api/v1/warehouses/']"))
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    operation.locator(".response .microlight", has_text="SBY").first.wait_for()

    page.goto(live_url + reverse("my_account"))
    page.locator("#id_token_name").fill("Toko online")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-api-token").inner_text()
    assert token.startswith("gdg_")
    page.goto(live_url + reverse("my_account"))
    assert token not in page.content() and "Toko online" in page.content()
    page.wait_for_timeout(200)
    assert not violations, "\n".join(violations)
