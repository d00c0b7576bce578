"""Several app servers, as IOM runs them: gunicorn in production mode behind a (simulated) load
balancer, sharing one PostgreSQL database and one Redis.

The module creates its own PostgreSQL database (whatever database the rest of the suite uses),
migrates it, loads the bundled Tripoli profile, and starts two servers, A and B, with two
workers each; everything is stopped and dropped at the end. A third server, C, reaches the
database through a proxy the tests cut and restore; a fourth, D, reaches Redis through one that
the tests cut, hang and restore. Requests say they came over HTTPS (``X-Forwarded-Proto``), as
the load balancer does.
"""

import json
import re
import time
import types
import uuid
from urllib.parse import urlsplit

import pytest

from .admin_forms import form_data
from .pages import navigation_items, parse
from .servers import (
    POSTGRES_URL,
    REDIS_URL,
    Browser,
    Database,
    GunicornServer,
    TcpProxy,
    delete_redis_keys,
    django_shell,
    manage,
    production_environment,
    require_postgres_and_redis,
    wait_until,
)

TRIPOLI = "/processes/tripoli-process/"
EDITOR, PASSWORD = "editor", "a long passphrase 42"


@pytest.fixture(scope="module")
def site():
    """Servers A and B on one new PostgreSQL database and one Redis."""
    require_postgres_and_redis()
    database = Database()
    prefix = f"rcp-test-{uuid.uuid4().hex[:12]}"
    servers: list[GunicornServer] = []
    database.create()
    try:
        environment = production_environment(database.url, prefix)
        manage(environment, "migrate", "--noinput")
        manage(environment, "load_bundled_profiles")
        django_shell(
            environment,
            "from django.contrib.auth import get_user_model; "
            f"get_user_model().objects.create_superuser({EDITOR!r}, '', {PASSWORD!r})",
        )
        for name in ("A", "B"):
            servers.append(GunicornServer(environment, workers=2, name=name).start())
        yield types.SimpleNamespace(
            a=servers[0], b=servers[1], environment=environment, database=database
        )
    finally:
        for server in servers:
            server.stop()
        database.drop()
        delete_redis_keys(prefix)


def page_text(response) -> str:
    return parse(response.body).text


# --- Cross-server invalidation ------------------------------------------------------------------


def test_an_edit_in_the_admin_of_one_server_shows_at_once_on_the_other(site):
    before = site.b.get(TRIPOLI)
    assert before.status == 200
    assert site.b.get(TRIPOLI).header("X-Page-Cache") == "hit"  # B serves it from Redis
    assert "Agreed by the ministers in Lisbon." not in before.body

    editor = Browser(site.a, client_address="192.0.2.10")
    assert editor.log_in(EDITOR, PASSWORD).status == 302
    pk = django_shell(
        site.environment,
        "from rcp.models import Process; print(Process.objects.get(slug='tripoli-process').pk)",
    ).strip()
    change_url = f"/admin/rcp/process/{pk}/change/"
    form = editor.get(change_url)
    data = form_data(types.SimpleNamespace(content=form.body.encode()))
    data["objectives_en"] = "Agreed by the ministers in Lisbon."
    saved = editor.post(change_url, data)
    assert saved.status == 302, saved.body[:2000]

    after = site.b.get(TRIPOLI)
    assert after.status == 200
    assert "Agreed by the ministers in Lisbon." in page_text(after)


def test_an_edit_through_the_orm_in_another_process_shows_at_once_on_both(site):
    for server in (site.a, site.b):
        server.get("/")
        assert "Tripoli Process (renamed)" not in server.get("/").body

    django_shell(
        site.environment,
        "from django.db import transaction\n"
        "from rcp.models import Process\n"
        "with transaction.atomic():\n"
        "    process = Process.objects.get(slug='tripoli-process')\n"
        "    process.name = 'Tripoli Process (renamed)'\n"
        "    process.save()\n",
    )

    for server in (site.a, site.b):
        assert "Tripoli Process (renamed)" in page_text(server.get("/"))
        assert "Tripoli Process (renamed)" in page_text(server.get(TRIPOLI))


def test_publishing_and_unpublishing_in_another_process_shows_at_once_on_both(site):
    slug = "/processes/bali-process/"
    django_shell(
        site.environment,
        "from rcp.models import Process\n"
        "Process.objects.create(name='Bali Process', slug='bali-process', status='draft')",
    )
    assert (site.a.get(slug).status, site.b.get(slug).status) == (404, 404)

    set_status = (
        "from rcp.models import Process\n"
        "from rcp.workflow import COMMAND_LINE, set_status\n"
        "process = Process.objects.get(slug='bali-process')\n"
        "set_status(process, {!r}, actor=COMMAND_LINE)\n"
    )
    django_shell(site.environment, set_status.format("published"))
    published = (site.a.get(slug).status, site.b.get(slug).status)
    django_shell(site.environment, set_status.format("archived"))
    archived = (site.a.get(slug).status, site.b.get(slug).status)

    assert published == (200, 200)
    assert archived == (404, 404)


# --- Lockout across servers ---------------------------------------------------------------------


def test_a_lockout_on_one_server_holds_on_the_other(site):
    guesser = Browser(site.a, client_address="203.0.113.66")
    answers = [guesser.log_in(EDITOR, f"guess {n}").status for n in range(5)]

    on_b = Browser(site.b, client_address="203.0.113.66").log_in(EDITOR, PASSWORD)
    someone_else = Browser(site.b, client_address="198.51.100.7").log_in(EDITOR, PASSWORD)

    assert answers == [200, 200, 200, 200, 429]
    assert on_b.status == 429
    assert "Too many failed log-in attempts" in on_b.body
    assert someone_else.status == 302


# --- Production behaviour over HTTP -------------------------------------------------------------


def test_plain_http_is_redirected_to_https_except_the_health_check(site):
    redirect = site.a.get("/", https=False)
    health = site.a.get("/healthz", https=False)

    assert redirect.status == 301
    assert redirect.header("Location") == f"https://127.0.0.1:{site.a.port}/"
    assert health.status == 200
    assert json.loads(health.body)["status"] == "ok"


def test_https_responses_carry_hsts_and_cookies_are_secure(site):
    home = site.a.get("/")
    login = site.a.get("/admin/login/")

    assert (
        home.header("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload"
    )
    assert "upgrade-insecure-requests" in home.header("Content-Security-Policy")
    cookie = login.header("Set-Cookie")
    assert cookie.startswith("csrftoken=")
    assert "Secure" in cookie


def test_hashed_static_files_are_served_compressed_with_security_headers(site):
    url = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', site.a.get("/").body).group(1)

    response = site.a.get(url, headers={"Accept-Encoding": "gzip"})

    assert response.status == 200
    assert response.header("Content-Encoding") == "gzip"
    assert "immutable" in response.header("Cache-Control")
    assert response.header("Strict-Transport-Security")
    assert response.header("Content-Security-Policy")
    assert response.header("X-Content-Type-Options") == "nosniff"


def test_errors_show_the_sites_pages_never_a_traceback(site):
    missing = site.a.get("/processes/no-such-process/")
    bad_host = site.a.get("/", headers={"Host": "attacker.example"})

    assert missing.status == 404
    assert navigation_items(parse(missing.body))[0] == "Who we are"
    assert bad_host.status == 400
    for response in (missing, bad_host):
        assert "Traceback" not in response.body
        assert "DEBUG" not in response.body


# --- The database goes away and comes back ------------------------------------------------------


@pytest.fixture
def server_behind_a_database_proxy(site):
    """Server C: the same database, reached through a proxy (connections kept 60 s)."""
    address = urlsplit(POSTGRES_URL)
    proxy = TcpProxy(address.hostname, address.port or 5432).start()
    database_url = urlsplit(site.database.url)._replace(
        netloc=f"{address.username}@127.0.0.1:{proxy.port}"
    )
    prefix = f"rcp-test-{uuid.uuid4().hex[:12]}"  # nothing cached by A or B
    environment = production_environment(
        database_url.geturl(), prefix, CONN_MAX_AGE="60", DATABASE_CONNECT_TIMEOUT="2"
    )
    server = GunicornServer(environment, workers=1, name="C")
    try:
        server.start()
        yield server, proxy
    finally:
        server.stop()
        proxy.stop()
        delete_redis_keys(prefix)


def test_without_the_database_pages_answer_503_and_recover_by_themselves(
    server_behind_a_database_proxy,
):
    server, proxy = server_behind_a_database_proxy
    assert server.get(TRIPOLI).status == 200  # now cached; the database connection stays open
    assert server.get("/healthz").status == 200

    proxy.stop()  # the open connection is cut, new ones are refused
    home = server.get("/")
    missing = server.get("/processes/no-such-process/")
    health = server.get("/healthz")
    cached = server.get(TRIPOLI)
    admin = Browser(server, client_address="192.0.2.77").log_in(EDITOR, PASSWORD)

    for response in (home, missing, admin):
        assert response.status == 503
        assert response.header("Retry-After") == "30"
        assert "Traceback" not in response.body
        page = parse(response.body)
        assert navigation_items(page)[0] == "Who we are"
        assert [h1.text for h1 in page.find_all("h1")] == ["This page is temporarily unavailable"]
        assert response.header("Content-Security-Policy")
    assert health.status == 503
    assert json.loads(health.body)["checks"]["database"]["status"] == "unavailable"
    assert json.loads(health.body)["checks"]["cache"]["status"] == "ok"
    assert cached.status == 200  # a page already in the cache needs no database

    proxy.start()

    recovered = wait_until(
        lambda: (response := server.get("/")).status == 200 and response,
        timeout=10,
        what="the home page to come back",
    )
    assert "Tripoli Process" in page_text(recovered)
    assert server.get("/healthz").status == 200
    assert Browser(server, client_address="192.0.2.77").log_in(EDITOR, PASSWORD).status == 302


def test_a_server_started_while_the_database_is_away_serves_once_it_is_back(
    server_behind_a_database_proxy,
):
    server, proxy = server_behind_a_database_proxy
    proxy.stop()
    server.stop()
    server.start()  # nothing has connected yet

    assert server.get("/").status == 503
    proxy.start()

    assert wait_until(lambda: server.get("/").status == 200, timeout=10, what="the home page")


# --- Redis goes away, or hangs, and comes back --------------------------------------------------


@pytest.fixture
def server_behind_a_redis_proxy(site):
    """Server D: the same database, Redis reached through a proxy (its own key prefix, so
    nothing cached by A or B). Started by calling the fixture, with extra settings."""
    target = urlsplit(REDIS_URL)
    proxy = TcpProxy(target.hostname, target.port or 6379).start()
    prefix = f"rcp-test-{uuid.uuid4().hex[:12]}"
    started: list[GunicornServer] = []

    def start(**settings) -> tuple[GunicornServer, TcpProxy, dict[str, str]]:
        environment = production_environment(site.database.url, prefix, **settings)
        environment["REDIS_URL"] = target._replace(netloc=f"127.0.0.1:{proxy.port}").geturl()
        server = GunicornServer(environment, workers=2, name="D")
        started.append(server)
        return server.start(), proxy, environment

    try:
        yield start
    finally:
        for server in started:
            server.stop()
        proxy.stop()
        delete_redis_keys(prefix)


def create_published_process(environment, slug: str) -> str:
    """A published profile made in a process of its own; returns its primary key."""
    return django_shell(
        environment,
        "from rcp.models import Process\n"
        "from rcp.workflow import COMMAND_LINE, set_status\n"
        f"process = Process.objects.create(name='Outage Process', slug={slug!r})\n"
        "set_status(process, 'published', actor=COMMAND_LINE)\n"
        "print(process.pk)\n",
    ).strip()


def warm(server: GunicornServer, path: str) -> None:
    """Request ``path`` until both workers have served it from the cache."""
    hits = 0
    for _ in range(40):
        if server.get(path).header("X-Page-Cache") == "hit":
            hits += 1
            if hits >= 6:
                return
    pytest.fail(f"{path} was not served from the cache")


def test_a_profile_unpublished_while_redis_is_away_stays_unpublished_after_a_restart(
    server_behind_a_redis_proxy,
):
    """The issue's sequence: publish and warm; Redis goes away; a Publisher unpublishes in the
    admin; the workers are recycled (a deploy) before Redis returns. No worker may then serve
    the cached profile; the cache is used again within seconds."""
    server, proxy, environment = server_behind_a_redis_proxy()
    path = "/processes/outage-process/"
    pk = create_published_process(environment, "outage-process")
    warm(server, path)

    proxy.stop()
    publisher = Browser(server, client_address="192.0.2.20")
    assert publisher.log_in(EDITOR, PASSWORD).status == 302
    changelist = publisher.get("/admin/rcp/process/")
    assert changelist.status == 200
    unpublished = publisher.post(
        "/admin/rcp/process/",
        {
            "action": "unpublish",
            "_selected_action": pk,
            "index": "0",
            "csrfmiddlewaretoken": publisher.cookies["csrftoken"],
        },
    )
    assert unpublished.status == 302
    during = server.get(path)
    server.reload()
    proxy.start()

    back = time.monotonic()
    answers, cached_again = [], False  # for 7 s at least, and until the cache serves again
    while time.monotonic() - back < 7 or not cached_again:
        assert time.monotonic() - back < 30, "the cache never served a page again"
        answers.append(server.get(path).status)
        cached_again = cached_again or server.get("/").header("X-Page-Cache") == "hit"
        time.sleep(0.05)

    assert during.status == 404
    assert set(answers) == {404}, answers
    assert "Outage Process" not in page_text(server.get("/"))


def test_a_hung_redis_neither_slows_the_site_nor_fails_the_health_check(
    server_behind_a_redis_proxy,
):
    """Redis accepts connections and never answers: each worker waits for it once, then skips
    it, so pages render at uncached speed, and /healthz tells the load balancer to keep the
    server (database up) while saying the cache is degraded."""
    server, proxy, _environment = server_behind_a_redis_proxy(
        REDIS_TIMEOUT="2", REDIS_SKIP_SECONDS="60"
    )
    assert server.get(TRIPOLI).status == 200

    proxy.hang()
    started = time.monotonic()
    pages = [server.get(TRIPOLI, timeout=30) for _ in range(20)]
    elapsed = time.monotonic() - started
    health = server.get("/healthz", timeout=30)

    assert [page.status for page in pages] == [200] * 20
    assert "Tripoli Process" in page_text(pages[-1])
    # Waiting for Redis on every request would take 20 x 2 s at least; each worker waits
    # once (2 x 2 s), then renders without it.
    assert elapsed < 15, f"20 pages took {elapsed:.1f} s with Redis hung"
    assert health.status == 200
    body = json.loads(health.body)
    assert body["status"] == "degraded"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"]["status"] == "degraded"
