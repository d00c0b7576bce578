"""gunicorn, as `make serve` and production run it: `gunicorn -c gunicorn.conf.py`.

Workers: WEB_CONCURRENCY, by default 2 x CPU cores + 1 (gunicorn's advice for sync workers,
which suit a site whose pages come from the cache or from a few quick queries). Without
REDIS_URL there is one worker: the page cache then lives in the worker's memory, and several
workers would each render and keep every page. Every worker keeps its own database connections
(CONN_MAX_AGE), so count workers x servers against PostgreSQL's max_connections.

Workers may be replaced at any time (`kill -HUP` for a deploy, max_requests below, a crash, the
timeout): nothing a worker must remember lives only in its memory (the page cache's data
version is in the database, see rcp/data_version.py), so none of that loses a change.
"""

import multiprocessing
import os

wsgi_app = "tripoli.wsgi:application"
bind = [
    os.environ.get(
        "BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
    )
]

_default_workers = multiprocessing.cpu_count() * 2 + 1 if os.environ.get("REDIS_URL") else 1
workers = int(os.environ.get("WEB_CONCURRENCY") or _default_workers)
worker_class = "sync"
# A request that takes longer than this is killed (the database is given 5 s to connect).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Behind a load balancer, keep its connections open a little.
keepalive = 5
# Workers are replaced now and then, so that a slow leak never grows.
max_requests = 10000
max_requests_jitter = 1000

# Access log: one line per request on standard output, as key=value pairs.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = (
    'remote=%(h)s method=%(m)s path="%(U)s" query="%(q)s" status=%(s)s bytes=%(B)s '
    'duration_ms=%(M)s agent="%(a)s"'
)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Several servers may run on one machine (tests, benchmarks): no shared control socket.
control_socket_disable = True
