"""Bearer-token authentication and the per-token rate limit."""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer

from twoheads.accounts.models import ApiToken, User

from .errors import RateLimited


def rate_limit() -> tuple[int, int]:
    """Requests a token may make in each fixed window, and the window in seconds
    (settings.API_RATE_LIMIT and API_RATE_WINDOW, from the environment)."""
    return int(settings.API_RATE_LIMIT), int(settings.API_RATE_WINDOW)


def count_request(token_key: str, now: float | None = None) -> None:
    """Count one request against the token's current window; raise RateLimited over the limit.

    A fixed window in Django's cache: with the default local-memory cache each server
    process counts on its own, so the effective limit is per process.
    """
    limit, window = rate_limit()
    now = time.time() if now is None else now
    window_start = int(now // window) * window
    key = f"api-rate:{token_key}:{window_start}"
    cache.add(key, 0, timeout=window + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # the key expired between add and incr: a fresh window
        cache.set(key, 1, timeout=window + 1)
        used = 1
    if used > limit:
        raise RateLimited(retry_after=max(1, int(window_start + window - now + 0.999)))


class BearerToken(HttpBearer):
    """A personal API token from accounts; revoked tokens and inactive users are refused."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = ApiToken.authenticate(token.strip())
        if user is None:
            return None
        count_request(ApiToken.hash_secret(token.strip())[:32])
        return user
