"""Page-number pagination in a stable order, and ETags on lists."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.middleware.http import ConditionalGetMiddleware
from django.utils.decorators import decorator_from_middleware
from django.utils.translation import ngettext
from ninja import Field, Schema
from ninja.decorators import decorate_view

from .errors import ApiError

MAX_PAGE_SIZE = 500

# An ETag from the body of every GET answer, and 304 Not Modified on a matching If-None-Match.
etag = decorate_view(decorator_from_middleware(ConditionalGetMiddleware))


class PageParams(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="Page number, from 1.")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="Items per page.")


class PageOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    next: str | None
    previous: str | None


def paginate(request: HttpRequest, queryset: QuerySet, params: PageParams) -> dict[str, Any]:
    """One page of `queryset` ordered by primary key, so pages never overlap or skip."""
    count = queryset.count()
    pages = max(1, -(-count // params.page_size))
    if params.page > pages:
        message = ngettext(
            "Page %(page)d does not exist; there is %(pages)d page.",
            "Page %(page)d does not exist; there are %(pages)d pages.",
            pages,
        ) % {"page": params.page, "pages": pages}
        raise ApiError(404, "not_found", message)
    start = (params.page - 1) * params.page_size
    items = list(queryset.order_by("pk")[start : start + params.page_size])
    return {
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "pages": pages,
        "next": _page_url(request, params.page + 1) if params.page < pages else None,
        "previous": _page_url(request, params.page - 1) if params.page > 1 else None,
        "results": items,
    }


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
