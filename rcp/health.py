"""``/healthz`` for the load balancer, and a friendly 503 page while the database is away.

``/healthz`` answers ``503`` with ``"status": "unavailable"`` only when the database does not
answer ``SELECT 1``: the server cannot serve then, and the load balancer should take it out.
Otherwise it answers ``200``: ``"status": "ok"`` when the cache also stores and returns a
value, ``"degraded"`` when it does not. A server whose Redis is unreachable or hung still
serves every page, rendered without the cache (rcp/cache.py), and Redis is shared by every
server, so taking servers out for it would take the whole site out. ``"checks"`` says which
check failed (never the error itself, which is logged) and how long each took; the cache check
takes no longer than ``REDIS_TIMEOUT``, and no time at all while the cache backend skips a Redis
that just failed (rcp/redis_cache.py). It is answered by a middleware placed before the host
check and the HTTPS redirect (``SECURE_REDIRECT_EXEMPT``), so a load balancer may call it by IP
address over plain HTTP; it is never cached.

While the database cannot be reached (refused, closed, timed out), any page that needs it
answers ``503 Service Unavailable`` with ``Retry-After`` and the site's own "temporarily
unavailable" page, never a traceback. Nothing has to be restarted when the database returns:
Django drops a connection that failed at the end of the request and opens a new one for the
next, so pages come back by themselves.
"""

import json
import logging
import sys
import time
import uuid

from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

HEALTH_PATHS = ("/healthz", "/healthz/")
RETRY_AFTER_SECONDS = 30
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

FALLBACK_503 = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Temporarily unavailable'
    "</title></head><body><h1>This page is temporarily unavailable</h1><p>Please try again in "
    "a few minutes.</p></body></html>"
)


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key, value = f"rcp:healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return the value just stored")
    finally:
        cache.delete(key)


#: Each check, and what its failure makes of the server: "unavailable" takes it out of the load
#: balancer (503), "degraded" keeps it in (200).
CHECKS = {"database": (check_database, "unavailable"), "cache": (check_cache, "degraded")}


def healthz() -> HttpResponse:
    results = {}
    for name, (check, failure) in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as error:
            logger.error("Health check %s failed: %s", name, error)
            results[name] = {"status": failure}
        else:
            results[name] = {"status": "ok"}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    statuses = {result["status"] for result in results.values()}
    status = next((s for s in ("unavailable", "degraded") if s in statuses), "ok")
    body = {"status": status, "checks": results}
    response = HttpResponse(
        json.dumps(body),
        content_type="application/json",
        status=503 if status == "unavailable" else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


def service_unavailable(request=None) -> HttpResponse:
    """The "temporarily unavailable" page, in the site's design; rendered without the request,
    so that nothing in it can need the database."""
    try:
        content = loader.render_to_string("503.html")
    except Exception:
        logger.exception("Could not render 503.html")
        content = FALLBACK_503
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers ``/healthz``; turns a database outage in a view into the 503 page; sends no body
    in answer to HEAD."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in HEALTH_PATHS:
            if request.method not in ("GET", "HEAD"):
                return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
            response = healthz()
        else:
            response = self.get_response(request)
        if request.method == "HEAD" and not response.streaming and response.content:
            # HEAD answers carry the length of the body but not the body itself (gunicorn
            # would drop it, and log a warning for every load-balancer probe).
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            logger.error(
                "Database unavailable (%s %s): %s", request.method, request.path, exception
            )
            return service_unavailable(request)
        return None


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """``handler500``: the 503 page when the error is the database being away (raised outside a
    view, e.g. while saving a session), else Django's plain 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        return service_unavailable(request)
    try:
        template = loader.get_template(template_name)
    except Exception:
        return HttpResponseServerError(
            "<h1>Server Error (500)</h1>", content_type="text/html; charset=utf-8"
        )
    return HttpResponseServerError(template.render())
