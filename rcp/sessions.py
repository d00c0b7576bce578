"""Session keys that can be told from made-up ones without the database (``SESSION_ENGINE``).

The page cache (rcp/cache.py) answers readers without looking up their session, while a
logged-in editor must get fresh pages (a draft preview). The mere presence of a ``sessionid``
cookie cannot decide it: anyone could then bypass the cache with a made-up one. So every
session key this site issues ends with a signature of the rest, made with ``SECRET_KEY``, which
:func:`may_be_logged_in` checks in microseconds; a made-up cookie counts as no session at all.
Otherwise this is Django's database session engine, unchanged: whoever is logged in is still
decided by Django, from the session itself, wherever it matters.
"""

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils.crypto import constant_time_compare, get_random_string, salted_hmac

RANDOM_LENGTH = 24  # about 124 bits
SIGNATURE_LENGTH = 16  # 40 characters in all, the length of Django's session_key column
SALT = "rcp.sessions"


def _signature(random_part: str, secret: str) -> str:
    digest = salted_hmac(SALT, random_part, secret=secret, algorithm="sha256").hexdigest()
    return digest[:SIGNATURE_LENGTH]


def issued_here(session_key: str) -> bool:
    """Whether ``session_key`` was made by :class:`SessionStore` with this site's secret key
    (or one of ``SECRET_KEY_FALLBACKS``, while keys are rotated)."""
    if len(session_key) != RANDOM_LENGTH + SIGNATURE_LENGTH:
        return False
    random_part, signature = session_key[:RANDOM_LENGTH], session_key[RANDOM_LENGTH:]
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return any(constant_time_compare(signature, _signature(random_part, s)) for s in secrets)


def may_be_logged_in(request) -> bool:
    """Whether the request carries what may be a session of this site (``False`` means
    certainly nobody is logged in); decided without the database."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return False
    if settings.SESSION_ENGINE != __name__:
        return True  # keys are not signed: any cookie may be a session
    return issued_here(session_key)


class SessionStore(db.SessionStore):
    def _get_new_session_key(self):
        while True:
            random_part = get_random_string(RANDOM_LENGTH, VALID_KEY_CHARS)
            session_key = random_part + _signature(random_part, settings.SECRET_KEY)
            if not self.exists(session_key):
                return session_key
