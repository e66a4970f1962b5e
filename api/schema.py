"""The API's token authentication in the OpenAPI schema (an HTTP bearer scheme)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from “My account” → API tokens: `Authorization: Bearer gdg_…`.",
        }
