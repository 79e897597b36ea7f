"""One error shape for every failure: {"code", "message", "details": [...]}."""

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError


class ErrorDetail(Schema):
    """Where one problem is (a field, or a row and column of an uploaded file) and what is wrong."""

    field: str | None = None
    row: int | None = None
    column: str | None = None
    message: str


class ErrorOut(Schema):
    code: str
    message: str
    details: list[ErrorDetail] = []


class ApiError(Exception):
    """Raised by an endpoint to answer with `status` and the standard error body."""

    def __init__(
        self, status: int, code: str, message: str, details: list[dict] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details = details or []


class RateLimited(ApiError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            429,
            "rate_limited",
            f"Too many requests for this token; retry after {retry_after} seconds.",
        )
        self.retry_after = retry_after


def not_found(what: str = "object") -> ApiError:
    return ApiError(404, "not_found", f"No such {what}, or it is not visible to this token.")


def error_response(api: NinjaAPI, request: HttpRequest, exc: ApiError) -> HttpResponse:
    body = {"code": exc.code, "message": exc.message, "details": exc.details}
    response = api.create_response(request, body, status=exc.status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _field(loc: list) -> str:
    # ninja reports ("query", "page") or ("body", "payload", "name"); the source is noise.
    parts = [str(p) for p in loc if p not in ("query", "path", "body", "header", "payload")]
    return ".".join(parts) or ".".join(str(p) for p in loc)


def install_handlers(api: NinjaAPI) -> None:
    """Answer every failure the endpoints or ninja raise in the one error shape."""

    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(api, request, exc)

    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = [
            {"field": _field(list(e.get("loc", ()))), "message": str(e.get("msg", ""))}
            for e in exc.errors
        ]
        return error_response(
            api, request, ApiError(400, "invalid", "The request is not valid.", details)
        )

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = "Send a live API token as 'Authorization: Bearer <token>'."
        return error_response(api, request, ApiError(401, "unauthorized", message))

    def missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, not_found())

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {400: "invalid", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
        error = ApiError(exc.status_code, code.get(exc.status_code, "error"), str(exc))
        return error_response(api, request, error)

    api.add_exception_handler(ApiError, api_error)
    api.add_exception_handler(ValidationError, invalid)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(Http404, missing)
    api.add_exception_handler(HttpError, http_error)
