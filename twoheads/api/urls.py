"""The JSON API: /api/v1/..., its OpenAPI schema at /api/openapi.json and docs at /api/docs."""

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from ninja import NinjaAPI

from . import insights, meetings, pairing, participants, programmes
from .auth import BearerToken
from .docs import LocalSwagger, docs_asset
from .errors import install_handlers

api = NinjaAPI(
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


urlpatterns = [
    path("docs/assets/<str:name>", docs_asset, name="api_docs_asset"),
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", unknown),
]
