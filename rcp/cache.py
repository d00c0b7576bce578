"""The public pages, served from Django's cache and invalidated the moment their data changes.

What is cached
    The pages of views marked with :func:`public_page` in rcp/urls.py (``/``,
    ``/processes/<slug>/`` and the other public pages, including the 404 of an unknown slug),
    for GET and HEAD requests that carry no session
    cookie: readers, never a logged-in editor. Staff previewing a draft always have a session
    cookie, so a preview is neither served from nor stored in the cache, and a reader can never
    be shown one. A response that sets a cookie, is not a 200 or a 404, or says
    ``Cache-Control: private`` or ``no-store`` is not stored. Pages are kept per address
    (scheme, host, path and query string), language, day (a chair's "current"/"incoming" label
    depends on the date) and release (:func:`release`), for ``RCP_PAGE_CACHE_SECONDS`` at most
    (``0`` turns the cache off). Mark a new public view with :func:`public_page` in its URLconf.

Why a version token, replaced from model signals
    The shared cache (Redis in production) holds a *version*, a random token, under
    :data:`VERSION_KEY`, and every page is stored with the token that was current when its
    rendering began. A page is served only while its token is still the current one, so
    replacing the token makes every page cached before it stale at once, on every app server
    sharing the cache; the next request for each page renders it afresh and overwrites it.
    (The token and the page are read together, in one round trip.)

    Any change to any model of the ``rcp`` app (``post_save``, ``post_delete``,
    ``m2m_changed``) replaces the token. Invalidation is hooked to the models, not to views,
    because profiles change through many doors: an admin save or inline edit, a CSV/XLSX import
    (admin or command line), ``loaddata``, the editorial workflow's publish and revert, a shell
    session. Every one of those saves models, so none can forget to invalidate. One token for
    all pages (rather than one per page) is deliberate: an organisation's name appears on every
    profile that lists it and a process's name on the home page, so working out which pages
    one row touches would be fragile, while edits are rare and a re-render is cheap.

    Inside a transaction the token is replaced again when the transaction commits: another
    server could otherwise render the old rows after the first replacement and cache them
    with the new token. (It is also replaced at once when this thread has read the token since
    its last change, because this thread's own reads already see the uncommitted rows; that
    matters for tests, whose transactions never commit.)

    ``QuerySet.update()``, ``bulk_create()`` and raw SQL send no signals: code that changes
    published data that way must call :func:`invalidate_public_pages` itself.

When the cache is unreachable
    Pages are rendered without it (and ``/healthz`` says the cache is down). A change made
    meanwhile cannot replace the token, so the process remembers it and replaces the token as
    soon as the cache answers again: before it serves anything from the cache, and at the next
    ``/healthz`` probe. Should that process get neither, pages expire after
    ``RCP_PAGE_CACHE_SECONDS`` at the latest.

When the database is unreachable
    Cached pages are still served (a hit never touches the database); anything else answers
    the "temporarily unavailable" page (see :mod:`rcp.health`).
"""

import functools
import hashlib
import logging
import threading
import time
import uuid
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

VERSION_KEY = "rcp:pages:version"
PAGE_KEY_PREFIX = "rcp:page"
CACHE_HEADER = "X-Page-Cache"

_local = threading.local()
_pending = threading.Event()  # a change this process could not record in the cache yet
_last_warning = 0.0


def public_page(view):
    """Mark a view whose anonymous GET responses may be served from the page cache."""
    view.rcp_public_page = True
    return view


def _warn(message: str, error: Exception) -> None:
    """Log a cache failure at most every 30 seconds per process, not on every request."""
    global _last_warning
    now = time.monotonic()
    if now - _last_warning > 30:
        _last_warning = now
        logger.warning("%s: %s", message, error)


def invalidate_public_pages() -> None:
    """Make every cached public page out of date, on every server sharing the cache."""
    _local.version_seen = False
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception as error:
        _pending.set()
        _warn("Could not invalidate the page cache; will retry when the cache answers", error)
    else:
        _pending.clear()


def retry_pending_invalidation() -> bool:
    """Record a change the cache missed while unreachable; ``False`` if it still cannot be."""
    if _pending.is_set():
        invalidate_public_pages()
    return not _pending.is_set()


def read_page(key: str) -> tuple[str | None, tuple | None]:
    """The current version token and the page stored under ``key`` (or ``None``), read in one
    round trip; ``(None, None)`` while a change could not be recorded (see the module
    docstring). Raises if the cache cannot be reached."""
    if not retry_pending_invalidation():
        return None, None
    _local.version_seen = True
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:  # first use, or evicted: a new token, which no stored page has
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        return cache.get(VERSION_KEY), None
    return version, found.get(key)


def data_changed(sender=None, using=None, **kwargs) -> None:
    """Signal receiver: a row of the rcp app changed (see the module docstring)."""
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed also sends pre_add, pre_remove and pre_clear
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        invalidate_public_pages()
        return
    if getattr(_local, "version_seen", False):
        invalidate_public_pages()
    # Once per transaction; Django drops the callback if the transaction (or the savepoint
    # that registered it) rolls back, and it is then registered again by the next change.
    if not any(entry[1] is invalidate_public_pages for entry in connection.run_on_commit):
        transaction.on_commit(invalidate_public_pages, using=using, robust=True)


def connect_signals() -> None:
    """Invalidate on every change to every model of the rcp app (called from RcpConfig.ready)."""
    for model in apps.get_app_config("rcp").get_models():
        label = model._meta.label
        post_save.connect(data_changed, sender=model, dispatch_uid=f"rcp-pages-save-{label}")
        post_delete.connect(data_changed, sender=model, dispatch_uid=f"rcp-pages-delete-{label}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                data_changed, sender=through, dispatch_uid=f"rcp-pages-m2m-{through._meta.label}"
            )


def _language(request) -> str:
    """The language LocaleMiddleware will choose for this request, chosen the same way (from
    the address's prefix with i18n_patterns, else from the cookie and Accept-Language)."""
    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    i18n_patterns_used, prefixed_default_language = is_language_prefix_patterns_used(urlconf)
    language = translation.get_language_from_request(request, check_path=i18n_patterns_used)
    language_from_path = translation.get_language_from_path(request.path_info)
    if not language_from_path and i18n_patterns_used and not prefixed_default_language:
        language = settings.LANGUAGE_CODE
    return language


def _is_public_page(request, language: str) -> bool:
    return _is_public_path(getattr(request, "urlconf", None), language, request.path_info)


@functools.lru_cache(maxsize=4096)
def _is_public_path(urlconf, language: str, path: str) -> bool:
    """Whether ``path`` is a page of a view marked :func:`public_page` (URLs do not change
    while the process runs, so the answer is kept: resolving costs as much as a cache hit)."""
    with translation.override(language):  # language prefixes resolve in their own language
        try:
            match = resolve(path, urlconf)
        except Resolver404:
            return False
    return getattr(match.func, "rcp_public_page", False)


@functools.cache
def release() -> str:
    """A fingerprint of what a cached page was made with: the site's templates, translations and
    static file names, and the settings of the headers stored with it. Servers running the same
    release share pages; after a deploy that changes any of these, no page of the previous
    release is served (during a rolling deploy, each release keeps its own)."""
    digest = hashlib.sha256()
    folders = [Path(folder) for option in settings.TEMPLATES for folder in option["DIRS"]]
    folders += [Path(folder) for folder in settings.LOCALE_PATHS]
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in {".html", ".txt", ".mo"}:
                digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    header_settings = [
        getattr(settings, name, None)
        for name in (
            "CONTENT_SECURITY_POLICY",
            "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_HSTS_PRELOAD",
            "SECURE_REFERRER_POLICY",
            "SECURE_CROSS_ORIGIN_OPENER_POLICY",
            "SECURE_CONTENT_TYPE_NOSNIFF",
            "X_FRAME_OPTIONS",
            "LANGUAGE_CODE",
        )
    ]
    digest.update(repr(header_settings).encode())
    return digest.hexdigest()[:12]


@receiver(setting_changed)
def _settings_changed(**kwargs):
    release.cache_clear()
    _is_public_path.cache_clear()


class PublicPageCacheMiddleware:
    """Serves readers' public pages from the cache, and stores them there.

    The first middleware: a hit is answered before anything else runs (no session, no
    authentication, no view, no database), with the headers every other middleware had set on
    the page when it was stored (security headers, CSP, ``Vary``, ``Content-Language``); hence
    the scheme and :func:`release` in the key. A request the cache cannot answer goes through
    the whole stack as usual.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = self.cache_key(request)
        if key is None:
            response = self.get_response(request)
            match = getattr(request, "resolver_match", None)
            if (
                settings.SESSION_COOKIE_NAME in request.COOKIES
                and match is not None
                and getattr(match.func, "rcp_public_page", False)
            ):
                # A logged-in editor's copy (a draft preview, say) is theirs alone.
                patch_cache_control(response, private=True, no_cache=True)
            return response
        try:
            version, stored = read_page(key)
        except Exception as error:
            _warn("Page cache unreachable; rendering pages without it", error)
            version, stored = None, None
        if stored is not None and stored[0] == version:
            return self.rebuild(stored, head=request.method == "HEAD")
        response = self.get_response(request)
        patch_cache_control(response, no_cache=True)
        if version is not None and request.method == "GET" and self.may_store(request, response):
            try:
                cache.set(
                    key, self.freeze(version, response), timeout=settings.RCP_PAGE_CACHE_SECONDS
                )
            except Exception as error:
                _warn("Could not store a page in the cache", error)
        response[CACHE_HEADER] = "miss"
        return response

    def cache_key(self, request) -> str | None:
        """The page's key, or ``None`` when this request must not use the cache."""
        if (
            settings.RCP_PAGE_CACHE_SECONDS <= 0
            or request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return None
        language = _language(request)
        if not _is_public_page(request, language):
            return None
        try:
            host = request.get_host()
        except DisallowedHost:
            return None  # refused further in, with the security headers, as usual
        request._rcp_page_language = language
        # Pages may contain absolute addresses (a canonical link), hence scheme and host.
        address = f"{request.scheme}://{host}{request.get_full_path()}"
        return ":".join(
            (
                PAGE_KEY_PREFIX,
                release(),
                f"{timezone.localdate():%Y%m%d}",
                language,
                hashlib.sha256(address.encode()).hexdigest()[:32],
            )
        )

    @staticmethod
    def may_store(request, response) -> bool:
        cache_control = response.get("Cache-Control", "")
        user = getattr(request, "user", None)
        return (
            response.status_code in (200, 404)
            and not response.streaming
            and not response.cookies
            and "private" not in cache_control
            and "no-store" not in cache_control
            and response.get("Content-Language") == request._rcp_page_language
            and not (user is not None and user.is_authenticated)
        )

    @staticmethod
    def freeze(version: str, response) -> tuple:
        return (version, response.status_code, response.content, list(response.headers.items()))

    @staticmethod
    def rebuild(stored, head: bool = False) -> HttpResponse:
        _version, status, content, headers = stored
        response = HttpResponse(b"" if head else content, status=status)
        for name, value in headers:
            response[name] = value
        response["Content-Length"] = str(len(content))
        response[CACHE_HEADER] = "hit"
        return response
