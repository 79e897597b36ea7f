"""An upload's body, read up to a limit whether it declares its length or comes in chunks."""

from typing import BinaryIO

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.utils.translation import ngettext

from .errors import ApiError

READ_SIZE = 64 * 1024


def read_body(request: HttpRequest, limit: int) -> bytes:
    """The body, refused with 413 past `limit` bytes before more than one byte over is read.

    A body sent with `Transfer-Encoding: chunked` declares no length, so Django reads none of
    it; it is read from the server's stream when the server ends that stream where the body
    ends (WSGI's `wsgi.input_terminated`, which gunicorn sets), and refused with 411 otherwise.
    """
    if is_chunked(request):
        if not request.META.get("wsgi.input_terminated"):
            raise ApiError(
                411,
                "length_required",
                "This server cannot read a body sent in chunks; "
                "send the upload with a Content-Length header.",
            )
        data = _read_chunked(request.META["wsgi.input"], limit + 1)
    else:
        data = _read_declared(request, limit)
    if len(data) > limit:
        raise too_large(limit)
    return data


def is_chunked(request: HttpRequest) -> bool:
    return not request.META.get("CONTENT_LENGTH") and "chunked" in (
        request.headers.get("Transfer-Encoding", "").lower()
    )


def too_large(limit: int) -> ApiError:
    message = ngettext(
        "The upload is larger than the limit of %d byte; split it.",
        "The upload is larger than the limit of %d bytes; split it.",
        limit,
    )
    return ApiError(413, "too_large", message % limit)


def _read_declared(request: HttpRequest, limit: int) -> bytes:
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise too_large(limit)
    try:
        return request.body
    except RequestDataTooBig as exc:
        raise too_large(limit) from exc


def _read_chunked(stream: BinaryIO, most: int) -> bytes:
    """Up to `most` bytes of a stream that ends where the body does."""
    parts, left = [], most
    try:
        while left > 0:
            part = stream.read(min(left, READ_SIZE))
            if not part:
                break
            parts.append(part)
            left -= len(part)
    except Exception as exc:
        # The client hung up, or sent a chunk the server cannot parse: gunicorn then raises
        # its own ParseException, which is no OSError.
        raise ApiError(
            400, "invalid", "The upload's chunks are broken or stop short; send it again."
        ) from exc
    return b"".join(parts)
