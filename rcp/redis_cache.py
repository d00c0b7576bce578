"""Django's Redis cache backend, reusing its Redis client, and skipping a Redis that fails.

Reusing the client
    Django's ``RedisCacheClient`` builds a new ``redis.Redis`` object for every cache operation.
    With redis-py 6 and later that costs about a quarter of a millisecond (it copies the table
    of response callbacks), as much as the round trip to Redis itself, and a cached page takes
    two operations. The client is thread-safe (each command borrows a connection from the
    pool), so one per connection pool is built and kept.

Skipping a Redis that fails (a circuit breaker)
    A Redis that refuses connections fails at once, but one that accepts them and never answers
    (overloaded, swapping, a host half gone, a network that drops packets) makes every command
    wait ``socket_timeout``: every request would wait that long, the profile page fell from
    2,621 to 2.7 requests/s. So once an operation fails, this process stops talking to that
    Redis for ``skip_seconds`` (an option of ``CACHES``; ``REDIS_SKIP_SECONDS``, 5 by default):
    every operation raises :class:`CacheUnavailable` at once, which callers take as any Redis
    error (the page cache renders pages without it, ``/healthz`` reports the cache as
    degraded). Then one operation is let through as a probe: if it succeeds Redis is used again,
    else it is skipped for another while. A hung Redis thus costs each process one wait per
    ``skip_seconds``, and pages render at uncached speed meanwhile. The state is kept per
    process and per ``LOCATION``, shared by the process's threads.

Everything else is Django's backend, unchanged.
"""

import functools
import logging
import threading
import time
from urllib.parse import urlsplit

import redis
from django.core.cache.backends import redis as django_redis

logger = logging.getLogger(__name__)

DEFAULT_SKIP_SECONDS = 5.0


class CacheUnavailable(redis.exceptions.ConnectionError):
    """Raised instead of talking to a Redis that failed a moment ago."""


class CircuitBreaker:
    """Whether this process may talk to one Redis now (see "Skipping a Redis that fails")."""

    def __init__(self, location: str, skip_seconds: float):
        self.location = location
        self.skip_seconds = skip_seconds
        self._lock = threading.Lock()
        self._failing = False
        self._retry_at = 0.0

    def before(self) -> None:
        """Raise :class:`CacheUnavailable` while Redis is skipped; let one caller through as
        the probe once the pause is over."""
        if not self._failing:
            return
        with self._lock:
            now = time.monotonic()
            if now < self._retry_at:
                raise CacheUnavailable(
                    f"Redis at {self.location} failed; skipped for another "
                    f"{self._retry_at - now:.1f} s"
                )
            self._retry_at = now + self.skip_seconds  # the others wait for this probe

    def succeeded(self) -> None:
        if self._failing:
            with self._lock:
                self._failing = False
            logger.warning("Redis at %s answers again; the cache is used again", self.location)

    def failed(self, error: Exception) -> None:
        with self._lock:
            first = not self._failing
            self._failing = True
            self._retry_at = time.monotonic() + self.skip_seconds
        if first:
            logger.warning(
                "Redis at %s failed (%s); pages are rendered without the cache, and Redis is "
                "tried again every %g s",
                self.location,
                error,
                self.skip_seconds,
            )


_breakers: dict[tuple, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(servers: list[str], skip_seconds: float) -> CircuitBreaker:
    """The process's breaker for these servers (one for all the backend's instances, which
    Django makes per thread)."""
    key = (tuple(servers), skip_seconds)
    with _breakers_lock:
        if key not in _breakers:
            _breakers[key] = CircuitBreaker(_printable(servers), skip_seconds)
        return _breakers[key]


def _printable(servers: list[str]) -> str:
    """The servers' addresses without their passwords, for the logs."""
    names = []
    for server in servers:
        address = urlsplit(server)
        names.append(f"{address.hostname}:{address.port or 6379}" if address.hostname else server)
    return ", ".join(names)


def _guarded(operation):
    @functools.wraps(operation)
    def guarded(self, *args, **kwargs):
        self._breaker.before()
        try:
            result = operation(self, *args, **kwargs)
        except (redis.RedisError, OSError) as error:
            self._breaker.failed(error)
            raise
        except Exception:
            self._breaker.succeeded()  # Redis answered (incr() of a missing key, say)
            raise
        self._breaker.succeeded()
        return result

    return guarded


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, servers, *, skip_seconds=DEFAULT_SKIP_SECONDS, **options):
        super().__init__(servers, **options)
        self._clients = {}
        self._breaker = breaker_for(servers, float(skip_seconds))

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client

    # Every operation of Django's client goes through the breaker.
    add = _guarded(django_redis.RedisCacheClient.add)
    get = _guarded(django_redis.RedisCacheClient.get)
    set = _guarded(django_redis.RedisCacheClient.set)
    touch = _guarded(django_redis.RedisCacheClient.touch)
    delete = _guarded(django_redis.RedisCacheClient.delete)
    get_many = _guarded(django_redis.RedisCacheClient.get_many)
    has_key = _guarded(django_redis.RedisCacheClient.has_key)
    incr = _guarded(django_redis.RedisCacheClient.incr)
    set_many = _guarded(django_redis.RedisCacheClient.set_many)
    delete_many = _guarded(django_redis.RedisCacheClient.delete_many)
    clear = _guarded(django_redis.RedisCacheClient.clear)


class RedisCache(django_redis.RedisCache):
    """``CACHES["default"]["BACKEND"] = "rcp.redis_cache.RedisCache"``: the options of Django's,
    and ``skip_seconds`` (see "Skipping a Redis that fails")."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
