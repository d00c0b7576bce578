"""Protection of the site against hostile requests, as configured in settings.

Password guessing on the admin (django-axes): after ``AXES_FAILURE_LIMIT`` failed log-ins for
one user name from one address, that pair is refused for ``AXES_COOLOFF_TIME`` (even with the
right password), and so is an address after ``AXES_IP_FAILURE_LIMIT`` failures across all user
names; both get the page ``templates/locked_out.html`` with status 429. Attempts are recorded in
the database, so the lockout holds on every app server; staff with the permission see and can
delete them in the admin ("Axes" section), and ``manage.py axes_reset`` lifts every lockout.

Requests carrying a NUL character get a 400 in the site's design before anything reads them,
and the admin's responses ask search engines not to index it.
"""

import copy

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import BadRequest, DisallowedHost, SuspiciousOperation
from django.core.handlers.exception import convert_exception_to_response
from django.db.models import Sum
from django.http import HttpResponseBadRequest, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.module_loading import import_string
from django.views.decorators.csrf import requires_csrf_token


class WebLoginAxesBackend(AxesStandaloneBackend):
    """Axes' backend, for log-ins that come from a web request.

    Axes refuses ``authenticate()`` calls without a request, which code that is not a web
    request makes (management commands, the test client's ``login()``). Those cannot be used to
    guess passwords from the outside, so they are let through to the next backend unchecked;
    every log-in form (the admin's) passes the request and is counted.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str | None:
    """The client's address (``AXES_CLIENT_IP_CALLABLE``).

    Behind ``TRUSTED_PROXY_COUNT`` proxies (load balancers) that each append the address they
    received the request from to ``X-Forwarded-For``, the client is the entry that many places
    from the right: entries further left were written by the client and can be forged. Without
    trusted proxies it is the connection's address.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the lockout page in the site's design, status 429."""
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = int(cooloff.total_seconds() // 60) if cooloff else None
    if getattr(request, "rcp_address_locked_out", False):
        limit = settings.AXES_IP_FAILURE_LIMIT
    else:
        limit = settings.AXES_FAILURE_LIMIT
    return render(
        request, "locked_out.html", {"failure_limit": limit, "minutes": minutes}, status=429
    )


class AddressLockoutAxesHandler(AxesDatabaseHandler):
    """Axes' database handler (``AXES_HANDLER``), which also locks out an *address*.

    ``AXES_LOCKOUT_PARAMETERS`` locks one user name from one address; one password tried against
    many user names would pass that unhindered. Axes compares every parameter combination with
    the one ``AXES_FAILURE_LIMIT``, so an address-wide lockout at that limit would lock out an
    office behind one address after five typing errors shared among its editors; here the
    failures from one address, whatever the user names, are counted against their own, higher
    ``AXES_IP_FAILURE_LIMIT``, over the same cool-off period. The address is ``client_ip()``'s.
    """

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        if self.address_failures(request) >= settings.AXES_IP_FAILURE_LIMIT:
            request.rcp_address_locked_out = True
            return max(failures, get_failure_limit(request, credentials))
        return failures

    @staticmethod
    def address_failures(request) -> int:
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


# --- Requests the site never accepts ------------------------------------------------------------

NUL = "\x00"


def _nul_in(data) -> bool:
    """Whether a QueryDict or MultiValueDict has a NUL in a key or a value."""
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


def carries_nul(request) -> bool:
    """Whether a NUL character is anywhere the site reads text from the request.

    That is its address (the path, and the query string, literal or percent-encoded), its
    headers and cookies, and its form fields. Not the contents of uploaded files: they are not
    text, and may hold NULs (an XLSX does). Cheap for ordinary requests: the query string and
    cookies are decoded only when they could hold one.
    """
    meta = request.META
    if any(NUL in value for value in meta.values() if isinstance(value, str)):
        return True  # path, raw query string, headers
    if "%00" in meta.get("QUERY_STRING", "") and _nul_in(request.GET):
        return True
    if "\\" in meta.get("HTTP_COOKIE", ""):  # "\000" in a quoted value decodes to NUL
        if any(NUL in key or NUL in value for key, value in request.COOKIES.items()):
            return True
    if request.method == "POST":
        # Django drops unprintable characters from uploaded files' names itself.
        return _nul_in(request.POST) or any(NUL in key for key in request.FILES)
    return False


def request_language(request) -> str:
    """The language the request will be answered in, as rcp.languages chooses it: the admin's
    from the editor's browser, a public page's from its address."""
    if request.path_info.startswith("/" + settings.ADMIN_URL):
        return translation.get_language_from_request(request)
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


@requires_csrf_token
def bad_request(request, exception=None, template_name="400.html"):
    """``handler400``, and the answer to a request carrying a NUL: status 400, in the site's
    design and the request's language. Nothing the request sent is repeated on the page: its
    links (languages, canonical address) are those of the home page in that language."""
    with translation.override(request_language(request)):
        try:
            request.get_host()
        except DisallowedHost:
            home = None  # the page's links would ask for the host again
        else:
            home = copy.copy(request)
            home.path = home.path_info = reverse("rcp:process-list")
            home.META = {**request.META, "PATH_INFO": home.path, "QUERY_STRING": ""}
        content = loader.render_to_string(template_name, request=home)
    return HttpResponseBadRequest(content)


def _refuse(request):
    """The innermost view of the refusal: raises what the request gets (see below)."""
    unreadable = getattr(request, "rcp_unreadable", None)
    if unreadable is not None:
        raise unreadable
    raise BadRequest("NUL character in the request")


class RefuseNulCharactersMiddleware:
    """Answers 400 (:func:`bad_request`) to a request carrying a NUL character
    (:func:`carries_nul`), before the page cache or any view reads it: PostgreSQL refuses NULs
    in text, so a search for ``ab%00cd`` would otherwise end in a 500.

    The first middleware, so that no cached page answers such a request either. The refusal
    goes through ``RCP_SECURITY_HEADERS_MIDDLEWARE``, the same middleware that gives every
    other response its security headers, and through Django's own exception handling (its
    log line, ``handler400``). Reading the form fields here is what CSRF protection would do
    next anyway; a body that cannot be read (too big, too many fields, a broken multipart)
    gets the answer Django would give it, with the security headers too.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        refuse = convert_exception_to_response(_refuse)
        for path in reversed(settings.RCP_SECURITY_HEADERS_MIDDLEWARE):
            refuse = import_string(path)(refuse)
        self.refuse = refuse

    def __call__(self, request):
        try:
            refused = carries_nul(request)
        except UnreadablePostError:
            refused = False  # the client went away: CSRF protection lets it through, as before
        except (SuspiciousOperation, MultiPartParserError, BadRequest) as error:
            request.rcp_unreadable = error
            refused = True
        if refused:
            return self.refuse(request)
        return self.get_response(request)


class AdminNotIndexedMiddleware:
    """Every admin response says ``X-Robots-Tag: noindex, nofollow``: search engines that
    find the admin (robots.txt does not name a moved ADMIN_URL) leave it out of their results."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith("/" + settings.ADMIN_URL):
            response.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response
