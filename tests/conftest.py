import importlib
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.management import call_command
from django.test import override_settings
from django.urls import clear_url_caches
from django.utils import translation
from django_countries import countries

from rcp import data_version
from rcp.models import Process, Region

from .browser import browser, chromium, empty_cache, open_session, reader  # noqa: F401 (fixtures)
from .factories import OrganisationFactory, ParticipationFactory, ProcessFactory
from .servers import REDIS_URL, TcpProxy, free_port, redis_unreachable_reason

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Country codes in a stable order, for building large profiles.
ALL_COUNTRY_CODES = [code for code, _name in countries]


@pytest.fixture(scope="session", autouse=True)
def collected_static_files():
    """Pages link static files by their hashed names, read from the manifest collectstatic
    writes (`make test` runs it first); collect them here when a bare pytest run finds the
    manifest missing or older than a static file."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    sources = [path for folder in settings.STATICFILES_DIRS for path in Path(folder).rglob("*")]
    if not manifest.exists() or any(
        path.stat().st_mtime > manifest.stat().st_mtime for path in sources if path.is_file()
    ):
        call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """The French and Spanish pages need the .mo files compiled from locale/*/*.po (`make test`
    compiles them; the .mo files are not committed): compile the missing or outdated ones."""
    from django.utils.translation import trans_real

    call_command("compile_translations", verbosity=0)
    # Catalogues read before compiling (if any) are read again.
    trans_real._translations = {}
    trans_real._default = None


@pytest.fixture(autouse=True)
def fresh_page_cache():
    """A page cached by an earlier test may show rows its rolled-back transaction wrote without
    a signal: every test starts with an empty cache (when it is the test process's own local
    memory, never a shared Redis), and reads the data version afresh, as a new process would
    (rcp/data_version.py)."""
    if isinstance(caches["default"], LocMemCache):
        cache.clear()
    data_version.forget()


@pytest.fixture(autouse=True)
def english_by_default():
    """Every test starts in English: LocaleMiddleware leaves the language of a request (/fr/)
    active on the test's thread, and under French ``Region.objects.create(name=...)`` would
    write ``name_fr`` (modeltranslation writes the active language's column)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def tripoli(db) -> Process:
    """The bundled Tripoli Process profile, loaded from fixtures/tripoli-process.json."""
    call_command("loaddata", str(FIXTURES / "tripoli-process.json"), verbosity=0)
    return Process.objects.get(slug="tripoli-process")


@pytest.fixture
def make_process_with_members(db):
    """Build a published process with ``n`` member countries, observers and organisations."""

    def build(n: int, **kwargs) -> Process:
        process = ProcessFactory(**kwargs)
        process.regions.add(Region.objects.create(name=f"Region of {process.name}"))
        for code in ALL_COUNTRY_CODES[:n]:
            ParticipationFactory(process=process, country=code, group="AU" if n % 2 else "EU")
        for code in ALL_COUNTRY_CODES[n : n + 3]:
            ParticipationFactory(process=process, country=code, role="observer")
        for position in range(3):
            process.organisation_roles.create(
                organisation=OrganisationFactory(), role="observer", position=position
            )
        return process

    return build


def unreachable_cache(location: str) -> dict:
    """A Redis cache at ``location`` that gives up quickly."""
    return {
        "default": {
            "BACKEND": "rcp.redis_cache.RedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture(params=["refused", "hung"])
def redis_down(request, settings):
    """Redis refusing connections (nothing listens), or accepting them and never answering."""
    if request.param == "refused":
        settings.CACHES = unreachable_cache(f"redis://127.0.0.1:{free_port()}/0")
        yield
        return
    proxy = TcpProxy("127.0.0.1", free_port()).start()
    proxy.hang()
    settings.CACHES = unreachable_cache(f"redis://127.0.0.1:{proxy.port}/0")
    yield
    proxy.stop()


@pytest.fixture
def admin_at_office():
    """The URLconf as it is with ADMIN_URL=office/ in the environment."""
    import tripoli.urls

    with override_settings(ADMIN_URL="office/"):
        importlib.reload(tripoli.urls)
        clear_url_caches()
        yield
    importlib.reload(tripoli.urls)
    clear_url_caches()


@pytest.fixture
def redis_values(settings):
    """The site's cache on the real Redis, under a prefix of this test's own; the fixture is a
    function returning every value stored under it (removed afterwards)."""
    if reason := redis_unreachable_reason():
        pytest.skip(reason)
    prefix = f"rcp-test-{free_port()}"
    settings.CACHES = {
        "default": {
            "BACKEND": "rcp.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    client = redis.Redis.from_url(REDIS_URL)

    def values() -> list[bytes]:
        return [client.get(key) or b"" for key in client.scan_iter(match=f"{prefix}:*")]

    yield values
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def rabat(db) -> Process:
    """A published process with two member countries (Morocco, France), for small imports."""
    process = ProcessFactory(name="Rabat Process", slug="rabat-process")
    ParticipationFactory(process=process, country="MA", group="AU")
    ParticipationFactory(process=process, country="FR", group="EU", note="since 2006")
    return process


@pytest.fixture
def staff_user(db, django_user_model):
    """A staff editor with view and change permission on participating countries only."""
    user = django_user_model.objects.create_user(username="editor", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="rcp",
            codename__in=["view_participation", "change_participation"],
        )
    )
    return user
