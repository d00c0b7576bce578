"""What production needs from the environment before the app may start.

Production is declared, never guessed: ``DJANGO_ENV=production``. Without it (a laptop, the
test suite, ``make run``) the settings fall back to safe local defaults. With it, settings.py
calls :func:`problems` and refuses to start (``ImproperlyConfigured``, so neither gunicorn nor
any ``manage.py`` command runs) while anything below is missing.
"""

from collections.abc import Mapping

#: Django's own test for a key that is too weak (``security.W009`` of ``check --deploy``).
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5


def is_production(environ: Mapping[str, str]) -> bool:
    return environ.get("DJANGO_ENV", "").strip().lower() == "production"


def problems(environ: Mapping[str, str]) -> list[str]:
    """Everything that is missing or unsafe for production, one sentence each."""
    found = []
    key = environ.get("SECRET_KEY", "")
    if not key:
        found.append(
            "SECRET_KEY is not set: set a long random value, e.g. the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    elif (
        key.startswith("django-insecure")
        or len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    ):
        found.append(
            f"SECRET_KEY is not a real secret: use at least {SECRET_KEY_MIN_LENGTH} random "
            "characters (not Django's 'django-insecure' sample key)."
        )
    hosts = [h.strip() for h in environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    if not hosts:
        found.append("ALLOWED_HOSTS is not set: list the site's host names, comma-separated.")
    elif "*" in hosts:
        found.append("ALLOWED_HOSTS must name the site's hosts, not '*'.")
    if environ.get("DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}:
        found.append("DEBUG is on: it shows tracebacks and settings to anyone; set DEBUG=0.")
    database = environ.get("DATABASE_URL", "").strip()
    if not database or database.startswith("sqlite"):
        found.append(
            "DATABASE_URL must name the PostgreSQL database every app server shares "
            "(postgres://user:password@host:5432/name)."
        )
    if not environ.get("REDIS_URL", "").strip():
        found.append(
            "REDIS_URL is not set: every app server must share one cache, or an edit made "
            "through one would not reach the pages another serves (redis://host:6379/0)."
        )
    return found
