"""How the OpenAPI schema describes iro's two ways in (imported by the app's ready())."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "iro.api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token made on the API tokens page: Authorization: Bearer iro_…",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "iro.api.authentication.SessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "The browser's signed-in session (changes need the CSRF token).",
        }
