"""The JSON API: /api/v1/..., its OpenAPI schema at /api/openapi.json and docs at /api/docs."""

import functools
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path

from . import insights, meetings, pairing, participants, programmes
from .auth import BearerToken
from .docs import LocalSwagger, docs_asset
from .errors import TwoHeadsApi, install_handlers

api = TwoHeadsApi(
    title="Two Heads API",
    version="1",
    description=(
        "Programmes, participants (with the HR-sync bulk upsert), match runs, pairs, meeting "
        "metadata and programme figures. Authenticate with a personal API token: "
        "`Authorization: Bearer <token>`. Errors are JSON objects with `code`, `message` and "
        "`details`. See docs/api.md."
    ),
    auth=BearerToken(),
    docs=LocalSwagger(),
    urls_namespace="api",
)
install_handlers(api)
for module in (programmes, participants, pairing, meetings, insights):
    api.add_router("/v1/", module.router)


def unknown(request: HttpRequest, rest: str = "") -> JsonResponse:
    body = {"code": "not_found", "message": "There is no such API address.", "details": []}
    return JsonResponse(body, status=404)


def _json_when_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja answers a method a path does not take with a plain-text 405; the API answers
    every failure in its one JSON shape."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        allowed = response.get("Allow", "")
        body = {
            "code": "method_not_allowed",
            "message": f"{request.method} is not taken here; this address takes {allowed}.",
            "details": [],
        }
        answer = JsonResponse(body, status=405)
        answer["Allow"] = allowed
        return answer

    return wrapped


def _api_patterns() -> tuple[list[URLPattern | URLResolver], str, str]:
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _json_when_not_allowed(pattern.callback)
    return patterns, app_name, namespace


urlpatterns = [
    path("docs/assets/<str:name>", docs_asset, name="api_docs_asset"),
    path("", _api_patterns()),
    re_path(r"^(?P<rest>.*)$", unknown),
]
