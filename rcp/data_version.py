"""The version of the data the public pages show, kept in the database: the page cache's clock.

Every cached page carries the data version it was built from and is served only while that is
still the current version (rcp/cache.py). This module says what the current version is.

Why in the database
    The version must move with every committed change, on every server, whatever happens to
    the app's processes and to Redis in between: a profile unpublished while Redis is
    unreachable, followed by a deploy or a crash before Redis returns, must still make every
    page built before it stale. So each transaction that changes a model of the app adds a row
    to :class:`~rcp.models.PageDataChange` *inside that transaction* (a change made outside any
    transaction adds it right after): the row is committed, or rolled back, together with the
    change. Nothing that must be remembered lives in a process's memory or only in Redis.

    The version is ``"<number of rows>.<token of the newest row>"``. The number of rows moves
    at every commit, even when transactions commit in another order than they began (so that
    the newest row may belong to a transaction that committed first); the random token keeps a
    version that a rollback undid from ever coming back for another state of the data. Adding
    a row locks nothing another writer waits for. Every hundred changes or so the oldest rows
    are deleted, which is itself recorded as a change.

How it is read cheaply
    Redis keeps a copy of the version (:data:`VERSION_KEY`), read in the same round trip as
    the page, so a hit costs no query. Each process also reads the version from the database
    at most once a second (:data:`CHECK_SECONDS`), and at once whenever the copy in Redis
    differs from what it read last. A writer puts the new version in Redis as soon as it
    commits, so every server sees the change at once. When it cannot (Redis unreachable), every
    process still reads the new version from the database within a second, and the first one
    to find Redis's copy behind (Redis back, however many processes were restarted meanwhile)
    corrects it. So, while the database answers, no page older than the latest committed change
    is served more than a second after that change, whatever happened to Redis or to the
    processes meanwhile. (A process correcting Redis at the very moment another commits can
    leave an older copy there; every process still reads the database within the second.)

When the database is unreachable
    A hit then cannot be checked against the database. It is still served by a process that
    read the very version Redis holds from the database, and has seen no cache operation fail
    since: Redis cannot then have missed a change that process could know of. A process
    started during the outage, or one that saw Redis fail, serves no cached page until the
    database is back (its pages answer the "temporarily unavailable" page), and the database is
    tried again every few seconds only (:data:`DATABASE_RETRY_SECONDS`). That is the trade-off:
    through a database outage the workers that were already running keep the site's cached
    pages up, instead of every worker trusting a Redis that might have missed a change. The
    one hole left takes three faults in a row: a change made while Redis was unreachable, a
    worker idle through that whole outage, and the database gone before any process corrected
    Redis; that worker would serve the page from before the change until the database returns.

Within a transaction
    A page rendered by the very connection that holds uncommitted changes (a test, whose
    transaction never commits; a shell session) must show them and must never be served to
    anyone else. Such a connection uses a version of its own, ``"uncommitted.<token>"``,
    carried by the callback its transaction runs on commit, so that a rollback takes it away
    together with the rows. A change after such a page was built, or inside a savepoint that
    may be rolled back alone, adds another row and version.
"""

import logging
import math
import secrets
import time

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import Count, Window

from rcp.models import PageDataChange

logger = logging.getLogger(__name__)

VERSION_KEY = "rcp:pages:data-version"  # Redis's copy of the version
CHECK_SECONDS = 1.0  # a process reads the version from the database at most this often
DATABASE_RETRY_SECONDS = 5.0  # ... and this often while the database does not answer
KEEP_ROWS = 100  # rows kept when old ones are deleted (at twice as many)
EMPTY = "0"  # the version of a database in which nothing was ever recorded

_last_warning = -math.inf


def log_cache_failure(message: str, error: Exception) -> None:
    """Log a cache failure at most every 30 seconds per process, not on every request."""
    global _last_warning
    now = time.monotonic()
    if now - _last_warning > 30:
        _last_warning = now
        logger.warning("%s: %s", message, error)


class _Known:
    """What this process last read of the version from the database, shared by its threads
    (a race between two threads costs at most one more read)."""

    def __init__(self):
        self.version: str | None = None
        self.read_at = -math.inf  # time.monotonic() of that read
        self.failed_at = -math.inf  # of the last read the database did not answer
        self.vouched = False  # Redis held that version, or was given it, and never failed since


_known = _Known()


class _Committed:
    """The on-commit callback of a transaction that added a row; until the commit, it carries
    the version that transaction's own connection uses (see "Within a transaction")."""

    def __init__(self, using: str, token: str):
        self.using = using
        self.version = f"uncommitted.{token}"
        self.seen = False  # a page was built with this version

    def __call__(self):
        committed(using=self.using)


def _own(connection, *, here: bool = False) -> _Committed | None:
    """The connection's own version: the latest callback of its transaction; ``here``: only if
    it was registered in the current savepoint (rolling that back takes it away)."""
    if not connection.in_atomic_block:
        return None
    for savepoints, callback, _robust in reversed(connection.run_on_commit):
        if isinstance(callback, _Committed):
            if here and savepoints != set(connection.savepoint_ids):
                return None
            return callback
    return None


def _add_row(using: str) -> str:
    token = secrets.token_hex(8)
    PageDataChange.objects.using(using).create(token=token)
    return token


def _read(using: str = DEFAULT_DB_ALIAS) -> tuple[str, int, int]:
    """The version in the database, the newest row's primary key, and the number of rows."""
    newest = (
        PageDataChange.objects.using(using)
        .annotate(rows=Window(Count("pk")))
        .order_by("-pk")
        .values_list("rows", "token", "pk")
        .first()
    )
    if newest is None:
        return EMPTY, 0, 0
    rows, token, pk = newest
    return f"{rows}.{token}", pk, rows


def in_database(using: str = DEFAULT_DB_ALIAS) -> str:
    """The current version, read from the database."""
    return _read(using)[0]


def record_change(using: str | None = None) -> None:
    """Move the version: a model of the app changed, on the connection ``using``."""
    using = using or DEFAULT_DB_ALIAS
    connection = connections[using]
    if not connection.in_atomic_block:
        _add_row(using)
        committed(using=using)
        return
    own = _own(connection, here=True)
    if own is not None and not own.seen:
        return  # the savepoint's row stands for this change too: no page was built since
    token = _add_row(using)
    # Dropped with the row if the transaction (or the savepoint that added it) rolls back.
    transaction.on_commit(_Committed(using, token), using=using, robust=True)


def committed(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """After a change is committed: delete old rows now and then, and tell Redis."""
    version, newest, rows = _read(using)
    if rows > 2 * KEEP_ROWS:
        with transaction.atomic(using=using):
            PageDataChange.objects.using(using).filter(pk__lte=newest - KEEP_ROWS).delete()
            _add_row(using)
        version, _newest, _rows = _read(using)
    _known.version, _known.read_at, _known.vouched = version, time.monotonic(), True
    publish(version)


def publish(version: str) -> None:
    """Give Redis the version; should it fail, every process reads it from the database."""
    try:
        cache.set(VERSION_KEY, version, timeout=None)
    except Exception as error:
        cache_failed()
        log_cache_failure("Could not give the data version to the cache", error)


def cache_failed() -> None:
    """A cache operation failed: Redis may have missed a change (see "When the database is
    unreachable")."""
    _known.vouched = False


def current(copy: str | None) -> str | None:
    """The version a page must carry to be served now, given Redis's copy (read with the page;
    ``None`` if Redis has none); ``None`` when no page may be served from the cache nor stored
    in it."""
    own = _own(connections[DEFAULT_DB_ALIAS])
    if own is not None:
        own.seen = True
        return own.version
    known, now = _known, time.monotonic()
    if copy is not None and copy == known.version and now - known.read_at < CHECK_SECONDS:
        return copy
    if now - known.failed_at < DATABASE_RETRY_SECONDS:
        return _without_database(copy)
    try:
        version = _read()[0]
    except DatabaseError:
        known.failed_at = now  # the page's view reports the outage (rcp/health.py)
        return _without_database(copy)
    known.version, known.read_at, known.failed_at, known.vouched = version, now, -math.inf, True
    if copy != version:
        publish(version)
    return version


def _without_database(copy: str | None) -> str | None:
    if _known.vouched and copy is not None and copy == _known.version:
        return copy
    return None


def forget() -> None:
    """Forget what this process read of the version, as a new process would (tests)."""
    global _known
    _known = _Known()
