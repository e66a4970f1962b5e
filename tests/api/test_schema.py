"""The OpenAPI schema and its documentation page."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_1_with_every_endpoint_and_the_token_scheme(world, as_user):
    response = as_user("staff").get("/api/v1/schema/")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"] == "3.1.0"
    assert schema["components"]["securitySchemes"]["token"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A token from “My account” → API tokens: `Authorization: Bearer gdg_…`.",
    }
    paths = schema["paths"]
    assert len(paths) == 29 and sum(len(methods) for methods in paths.values()) >= 40
    create = paths["/api/v1/documents/{doc_type}/"]["post"]
    assert {p["name"] for p in create["parameters"]} >= {"doc_type", "Idempotency-Key"}
    assert {"400", "401", "403", "409", "429"} <= set(create["responses"])


def test_the_docs_page_loads_swagger_ui_from_the_package(client, world):
    client.force_login(world["clerk"])
    page = client.get("/api/v1/docs/").content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert 'src="/static/js/api-docs.js"' in page and 'data-schema-url="/api/v1/schema/"' in page
    assert "<script>" not in page and "cdn" not in page.lower()
