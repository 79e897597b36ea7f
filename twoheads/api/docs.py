"""Interactive API docs served with Swagger UI's files from the ninja package itself.

The site's Content Security Policy allows scripts from this origin only, so the page loads
the bundled files through `docs_asset` rather than from a CDN.
"""

import json
from pathlib import Path

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from ninja.openapi.docs import Swagger

ASSETS = Path(ninja.__file__).parent / "static" / "ninja"
ASSET_TYPES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon.svg": "image/svg+xml",
}


class LocalSwagger(Swagger):
    def render_page(self, request: HttpRequest, api: ninja.NinjaAPI, **kwargs) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": json.dumps(self.settings), "api": api}
        return render(request, "api/docs.html", context)


@cache_control(max_age=86400, public=True)
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in ASSET_TYPES:
        raise Http404(name)
    return FileResponse((ASSETS / name).open("rb"), content_type=ASSET_TYPES[name])
