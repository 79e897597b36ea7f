"""One error shape for every failure: {"code", "message", "details": [...]}."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import ngettext
from ninja import NinjaAPI, Schema
from ninja.errors import (
    AuthenticationError,
    HttpError,
    ValidationError,
    ValidationErrorContext,
)


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
            ngettext(
                "Too many requests for this token; retry after %d second.",
                "Too many requests for this token; retry after %d seconds.",
                retry_after,
            )
            % retry_after,
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


class TwoHeadsApi(NinjaAPI):
    """ninja's API, its validation errors located in what the integrator sends: a body's
    fields by their own names, never by the name of the view's argument that holds them."""

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> ValidationError:
        errors = []
        for context in error_contexts:
            found = super().validation_error_from_error_contexts([context]).errors
            errors += [e for error in found for e in _as_sent(context.model, error)]
        return ValidationError(errors)


def _as_sent(model: type, error: dict) -> list[dict]:
    """A body error at ("body", <argument>, *where) moves to ("body", *where); a body left
    out altogether is each of its required fields missing."""
    argument = getattr(model, "__read_from_single_attr__", None)
    loc = tuple(error["loc"])
    if loc[:2] != ("body", argument):
        return [error]
    if len(loc) > 2:
        return [{**error, "loc": ("body", *loc[2:])}]
    schema = model.model_fields[argument].annotation
    if error["type"] == "missing" and hasattr(schema, "model_fields"):
        required = [
            field.alias or name
            for name, field in schema.model_fields.items()
            if field.is_required()
        ]
        if required:
            return [{**error, "loc": ("body", name)} for name in required]
    return [{**error, "loc": ("body",), "msg": "Send the body as a JSON object."}]


def _field(loc: tuple) -> str | None:
    """ninja reports ("query", "page") or ("body", "name"); where it comes from is noise."""
    return ".".join(str(part) for part in loc[1:]) or None


def install_handlers(api: NinjaAPI) -> None:
    """Answer every failure the endpoints or ninja raise in the one error shape."""

    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(api, request, exc)

    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = [
            {"field": _field(tuple(e.get("loc", ()))), "message": str(e.get("msg", ""))}
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
