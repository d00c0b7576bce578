"""The public pages, served from Django's cache, never once their data has changed.

What is cached
    The pages of views marked with :func:`public_page` in rcp/urls.py (``/``,
    ``/processes/<slug>/`` and the other public pages), for readers' GET and HEAD requests,
    never for a logged-in editor (see "Readers and editors"). A response that sets a cookie,
    is not a 200, or says ``Cache-Control: private`` or ``no-store`` is not stored. (The 404 of
    an unknown slug is not stored either: it costs one query to render, and storing it would let
    anyone fill the cache, pushing real pages out, with requests for made-up addresses.) Pages
    are kept per address (scheme, host, path and the query parameters the page uses), language,
    day (a chair's "current"/"incoming" label depends on the date) and release
    (:func:`release`), for ``RCP_PAGE_CACHE_SECONDS`` at most (``0`` turns the cache off).
    Mark a new public view with :func:`public_page` in its URLconf, naming the query
    parameters it reads.

Query strings
    Only the parameters a page declares (``public_page(view, params=("q",))``) make its key,
    sorted by name, each with its values in order: ``?utm_source=<anything>``, or the same
    parameters in another order, is the same page, and made-up query strings neither force a
    render nor add cache entries. The view is shown those parameters only (the request's query
    string is rewritten before it runs), so a page can neither depend on nor repeat one its key
    leaves out (the header's language links repeat the query string). A query string holding a
    NUL byte is left to the rest of the stack, which refuses it.

Readers and editors
    Staff previewing a draft must get a fresh page, and their copy must never reach a reader:
    a request that may come from someone logged in is neither served from the cache nor
    stored, and a public page answered to it is marked private. That is decided without the
    database (a hit needs none) and without trusting a cookie's mere presence (a made-up
    ``sessionid`` would bypass the cache): the session keys the site issues are signed
    (rcp/sessions.py), so only a request carrying one is an editor's; a made-up cookie gets the
    readers' page. Whatever the cookies, a page rendered for someone logged in is never stored
    (an editor still logged in with a key from before keys were signed may be answered from the
    cache, as a reader, until they log in again).

Why a data version
    Every page is stored with the version of the data it was built from, and served only while
    that is still the current version (:mod:`rcp.data_version`): a committed change to any
    model of the app makes every page cached before it stale at once, on every server sharing
    the cache. The version is kept in the database, so that no Redis outage nor process restart
    can lose a change; Redis holds a copy, read together with the page in one round trip, and
    every process checks it against the database at most once a second.

    Any change to any model of the ``rcp`` app (``post_save``, ``post_delete``,
    ``m2m_changed``) moves the version. Invalidation is hooked to the models, not to views,
    because profiles change through many doors: an admin save or inline edit, a CSV/XLSX import
    (admin or command line), ``loaddata``, the editorial workflow's publish and revert, a shell
    session. Every one of those saves models, so none can forget to invalidate. One version for
    all pages (rather than one per page) is deliberate: an organisation's name appears on every
    profile that lists it and a process's name on the home page, so working out which pages
    one row touches would be fragile, while edits are rare and a re-render is cheap.

    ``QuerySet.update()``, ``bulk_create()`` and raw SQL send no signals: code that changes
    published data that way must call :func:`invalidate_public_pages` itself.

When Redis is unreachable or hung
    Pages are rendered without it, at uncached speed: after a failure the cache backend skips
    Redis for a few seconds before trying again (rcp/redis_cache.py), and ``/healthz`` reports
    the cache as degraded. Changes made meanwhile are recorded in the database; the first
    process to reach Redis again corrects its copy of the version, so no page from before them
    is served once Redis is back.

When the database is unreachable
    Cached pages are still served by the processes that can vouch for Redis's copy of the data
    version (see :mod:`rcp.data_version` for which, and why); anything else answers the
    "temporarily unavailable" page (see :mod:`rcp.health`).
"""

import functools
import hashlib
from pathlib import Path
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.signals import setting_changed
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control

from rcp import data_version
from rcp.data_version import VERSION_KEY, cache_failed, log_cache_failure
from rcp.sessions import may_be_logged_in

PAGE_KEY_PREFIX = "rcp:page"
CACHE_HEADER = "X-Page-Cache"


def public_page(view, *, params: tuple[str, ...] = ()):
    """Mark a view whose readers' GET responses may be served from the page cache. ``params``
    are the query parameters it reads: the only ones it is shown, and its page's key."""
    view.rcp_public_page = True
    view.rcp_page_params = tuple(sorted(set(params)))
    return view


def invalidate_public_pages() -> None:
    """Make every cached public page out of date, on every server: for code that changes
    published data without sending signals (the change is recorded with the transaction)."""
    data_version.record_change()


def read_page(key: str) -> tuple[str | None, tuple | None]:
    """Redis's copy of the data version and the page stored under ``key`` (each ``None`` if
    absent), read in one round trip. Raises if the cache cannot be reached."""
    found = cache.get_many([VERSION_KEY, key])
    return found.get(VERSION_KEY), found.get(key)


def data_changed(sender=None, using=None, **kwargs) -> None:
    """Signal receiver: a row of the rcp app changed (see the module docstring)."""
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed also sends pre_add, pre_remove and pre_clear
    data_version.record_change(using)


def connect_signals() -> None:
    """Invalidate on every change to every model of the rcp app (called from RcpConfig.ready)."""
    for model in apps.get_app_config("rcp").get_models():
        if not getattr(model, "shown_on_public_pages", True):
            continue  # e.g. uploads waiting for confirmation
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


def _page_params(request, language: str) -> tuple[str, ...] | None:
    """The query parameters of the public page at the request's path, ``None`` if the path is
    not a public page."""
    return _public_path_params(getattr(request, "urlconf", None), language, request.path_info)


@functools.lru_cache(maxsize=4096)
def _public_path_params(urlconf, language: str, path: str) -> tuple[str, ...] | None:
    """The ``params`` of the :func:`public_page` view at ``path``, ``None`` if there is none
    (URLs do not change while the process runs, so the answer is kept: resolving costs as much
    as a cache hit)."""
    with translation.override(language):  # language prefixes resolve in their own language
        try:
            match = resolve(path, urlconf)
        except Resolver404:
            return None
    if not getattr(match.func, "rcp_public_page", False):
        return None
    return match.func.rcp_page_params


def _page_query(request, params: tuple[str, ...]) -> str | None:
    """The page's own query string: its parameters only, sorted, each value kept in order;
    ``None`` when the query string holds a NUL byte (see "Query strings")."""
    raw = request.META.get("QUERY_STRING", "")
    if "%00" in raw or "\x00" in raw:
        return None
    return urlencode([(name, value) for name in params for value in request.GET.getlist(name)])


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
    _public_path_params.cache_clear()


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
                may_be_logged_in(request)
                and match is not None
                and getattr(match.func, "rcp_public_page", False)
            ):
                # A logged-in editor's copy (a draft preview, say) is theirs alone.
                patch_cache_control(response, private=True, no_cache=True)
            return response
        try:
            copy, stored = read_page(key)
        except Exception as error:
            cache_failed()
            log_cache_failure("Page cache unreachable; rendering pages without it", error)
            version = stored = None
        else:
            version = data_version.current(copy)
        if version is not None and stored is not None and stored[0] == version:
            return self.rebuild(stored, head=request.method == "HEAD")
        # The view sees the parameters of the page's key only (see "Query strings").
        request.META["QUERY_STRING"] = request._rcp_page_query
        request.GET = QueryDict(request._rcp_page_query)
        response = self.get_response(request)
        if self.logged_in(request):  # a session from before keys were signed
            patch_cache_control(response, private=True, no_cache=True)
            return response
        patch_cache_control(response, no_cache=True)
        if version is not None and request.method == "GET" and self.may_store(request, response):
            try:
                cache.set(
                    key, self.freeze(version, response), timeout=settings.RCP_PAGE_CACHE_SECONDS
                )
            except Exception as error:
                cache_failed()
                log_cache_failure("Could not store a page in the cache", error)
        response[CACHE_HEADER] = "miss"
        return response

    def cache_key(self, request) -> str | None:
        """The page's key, or ``None`` when this request must not use the cache."""
        if (
            settings.RCP_PAGE_CACHE_SECONDS <= 0
            or request.method not in ("GET", "HEAD")
            or may_be_logged_in(request)
        ):
            return None
        language = _language(request)
        params = _page_params(request, language)
        if params is None:
            return None
        query = _page_query(request, params)
        if query is None:
            return None
        try:
            host = request.get_host()
        except DisallowedHost:
            return None  # refused further in, with the security headers, as usual
        request._rcp_page_language = language
        request._rcp_page_query = query
        # Pages may contain absolute addresses (a canonical link), hence scheme and host.
        address = f"{request.scheme}://{host}{request.path}?{query}"
        return ":".join(
            (
                PAGE_KEY_PREFIX,
                release(),
                f"{timezone.localdate():%Y%m%d}",
                language,
                hashlib.sha256(address.encode(errors="surrogatepass")).hexdigest()[:32],
            )
        )

    @staticmethod
    def logged_in(request) -> bool:
        user = getattr(request, "user", None)
        return user is not None and user.is_authenticated

    @classmethod
    def may_store(cls, request, response) -> bool:
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not cls.gives_cookies(response)
            and "private" not in cache_control
            and "no-store" not in cache_control
            and response.get("Content-Language") == request._rcp_page_language
        )

    @staticmethod
    def gives_cookies(response) -> bool:
        """Whether the response sets a cookie; dropping a session cookie that held no session
        (Django's answer to a made-up one) does not count: a stored page never carries it."""
        return any(
            not (name == settings.SESSION_COOKIE_NAME and morsel.value == "")
            for name, morsel in response.cookies.items()
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
