"""The API's OpenAPI document, made to match what the API really answers.

Two gaps of django-ninja's generator are closed here:

* Schema names are global in an OpenAPI document, but ninja files every pydantic model under its class name,
  so two different ``RegionRef`` classes of two apps overwrote each other and the document described one
  app's responses with the other's fields. Here a definition whose name is taken by a different definition
  is renamed (``RegionRef2``, ...) together with every reference to it.
* The error answers every operation can give (401 not logged in, 403 not allowed, 404 not found or outside
  the caller's scope, 422 invalid input, 503 database unavailable) are documented with their JSON body.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

ERROR_SCHEMA = "ErrorResponse"
ERRORS = {
    400: "A malformed request (e.g. a NUL character in a parameter)",
    401: "Not logged in",
    403: "Not allowed for the caller's role or scope",
    404: "Not found, or outside the caller's scope",
    413: "The request body is too large",
    422: "Invalid input: the body names each problem",
    503: "The database is temporarily unavailable; try again shortly",
}
_PREFIX = "#/components/schemas/"


def _rewrite(value: Any, renames: dict[str, str]) -> Any:
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str) and item.startswith(_PREFIX) \
                    and item[len(_PREFIX):] in renames:
                result[key] = _PREFIX + renames[item[len(_PREFIX):]]
            else:
                result[key] = _rewrite(item, renames)
        return result
    if isinstance(value, list):
        return [_rewrite(item, renames) for item in value]
    return value


class PlatformOpenAPISchema(OpenAPISchema):
    def operation_details(self, operation) -> dict:
        known = self.schemas
        self.schemas = {}
        try:
            details = super().operation_details(operation)
            new = self.schemas
        finally:
            self.schemas = known
        renames: dict[str, str] = {}
        for _ in range(len(new) + 1):  # renaming one definition changes those that refer to it: repeat until stable
            changed = False
            current = {renames.get(name, name): _rewrite(d, renames) for name, d in new.items()}
            for name, definition in current.items():
                if name in known and known[name] != definition:
                    original = next(o for o in new if renames.get(o, o) == name)
                    base, index = original, 2
                    while f"{base}{index}" in known and known[f"{base}{index}"] != definition:
                        index += 1
                    renames[original] = f"{base}{index}"
                    changed = True
                    break
            if not changed:
                break
        for name, definition in new.items():
            known[renames.get(name, name)] = _rewrite(definition, renames)
        details = _rewrite(details, renames)
        for status, description in ERRORS.items():
            details["responses"].setdefault(status, {
                "description": description,
                "content": {"application/json": {"schema": {"$ref": _PREFIX + ERROR_SCHEMA}}},
            })
        return details

    def get_components(self) -> dict:
        self.schemas.setdefault(ERROR_SCHEMA, {
            "title": ERROR_SCHEMA,
            "type": "object",
            "properties": {
                "detail": {"anyOf": [{"type": "string"}, {"type": "array", "items": {}}],
                           "description": "What went wrong: a message, or the list of invalid inputs"},
                "errors": {"type": "object", "description": "Invalid fields and their messages"},
            },
            "required": ["detail"],
        })
        return super().get_components()


class PlatformAPI(NinjaAPI):
    """The platform's NinjaAPI: the OpenAPI document above, and a database outage answered as a JSON 503 in the
    caller's language (ninja handles a view's exceptions itself, so the outage middleware never sees them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from smarttvet.core import outage

        for error in outage.OUTAGE_ERRORS:
            self.add_exception_handler(error, lambda request, exc: outage.outage_response(request))
        self.add_exception_handler(RequestDataTooBig, self._too_large)

    def _too_large(self, request, exc):
        """A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``: 413 with a message (ninja's default: a 500 under DEBUG)."""
        from django.conf import settings

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return self.create_response(request, {"detail": f"The request body is too large (at most {limit} bytes)."},
                                    status=413)

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return PlatformOpenAPISchema(self, path_prefix)
