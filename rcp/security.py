"""The admin's protection against password guessing (django-axes), as configured in settings.

After ``AXES_FAILURE_LIMIT`` failed log-ins for one user name from one address, that pair is
refused for ``AXES_COOLOFF_TIME`` (even with the right password) and gets the page
``templates/locked_out.html`` with status 429. Attempts are recorded in the database, so the
lockout holds on every app server; staff with the permission see and can delete them in the
admin ("Axes" section), and ``manage.py axes_reset`` lifts every lockout.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.shortcuts import render


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
    return render(
        request,
        "locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )
