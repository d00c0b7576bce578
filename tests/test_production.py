"""Production settings and hardening: the deploy check, refusing to start half-configured,
security headers on every response, hashed and compressed static files, the admin's address
and lockout, /healthz and structured logs.

What needs several processes (two app servers sharing PostgreSQL and Redis, a database that
goes away) is in test_servers.py.
"""

import io
import json
import logging
import re
import secrets
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, override_settings

from rcp.events import JsonFormatter, log_event
from rcp.resources import ParticipationResource
from rcp.spreadsheets import read_file
from tripoli import production

from .factories import ProcessFactory
from .pages import navigation_items, parse
from .servers import BASE_DIR, server_environment

PRODUCTION_ENVIRONMENT = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3Y-" + "x7Rq2-Lm9Zp4Wt8Vb1Nc6Hd3Fg0Js5Ke" * 2,
    "ALLOWED_HOSTS": "profiles.iom.int",
    "DATABASE_URL": "postgres://rcp@db.internal:5432/rcp",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "TRUSTED_PROXY_COUNT": "1",
}


def run_manage(environment: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=server_environment(**environment),
        capture_output=True,
        text=True,
        timeout=120,
    )


PASSWORD = "a long passphrase 42"


@pytest.fixture
def editor(db, settings):
    # Each attempt hashes a password: a fast hasher keeps these tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return get_user_model().objects.create_user("editor", password=PASSWORD, is_staff=True)


# --- Deploy check and start-up ------------------------------------------------------------------


def test_the_deploy_check_reports_nothing_with_production_settings():
    completed = run_manage(PRODUCTION_ENVIRONMENT, "check", "--deploy", "--fail-level", "WARNING")

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "System check identified no issues (0 silenced)."
    assert completed.stderr == ""


def test_the_deploy_check_flags_the_local_defaults():
    """The check above passes because of the production settings, not in spite of them."""
    completed = run_manage({}, "check", "--deploy")

    for warning in ("security.W004", "security.W008", "security.W009", "security.W012"):
        assert warning in completed.stderr


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "django-insecure-" + "a1b2c3d4e5" * 5}, "SECRET_KEY is not a real secret"),
        ({"SECRET_KEY": "short-but-random-9f8e7d"}, "SECRET_KEY is not a real secret"),
        ({"SECRET_KEY": "ab" * 40}, "SECRET_KEY is not a real secret"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is not set"),
        ({"ALLOWED_HOSTS": "profiles.iom.int,*"}, "not '*'"),
        ({"DEBUG": "1"}, "DEBUG is on"),
        ({"DATABASE_URL": ""}, "DATABASE_URL must name the PostgreSQL database"),
        ({"DATABASE_URL": "sqlite:///db.sqlite3"}, "DATABASE_URL must name the PostgreSQL"),
        ({"REDIS_URL": ""}, "REDIS_URL is not set"),
    ],
)
def test_production_lists_what_is_missing(change, complaint):
    found = production.problems({**PRODUCTION_ENVIRONMENT, **change})

    assert len(found) == 1
    assert complaint in found[0]


def test_production_settings_are_complete():
    assert production.problems(PRODUCTION_ENVIRONMENT) == []


@pytest.mark.parametrize("value", ["", "development", "prod", "staging"])
def test_only_an_explicit_django_env_means_production(value):
    assert not production.is_production({"DJANGO_ENV": value})
    assert production.is_production({"DJANGO_ENV": "Production"})


def test_manage_py_refuses_to_start_without_a_secret_key_and_hosts():
    environment = {**PRODUCTION_ENVIRONMENT, "SECRET_KEY": "", "ALLOWED_HOSTS": ""}

    completed = run_manage(environment, "check")

    assert completed.returncode != 0
    assert "ImproperlyConfigured" in completed.stderr
    assert "SECRET_KEY is not set" in completed.stderr
    assert "ALLOWED_HOSTS is not set" in completed.stderr


def test_gunicorn_refuses_to_start_without_a_secret_key():
    environment = server_environment(
        **{**PRODUCTION_ENVIRONMENT, "SECRET_KEY": ""},
        BIND="127.0.0.1:0",
        WEB_CONCURRENCY="1",
    )

    completed = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert completed.returncode != 0
    assert "SECRET_KEY is not set" in completed.stdout + completed.stderr


def test_local_use_needs_no_configuration():
    completed = run_manage({}, "check", "--fail-level", "WARNING")

    assert completed.returncode == 0, completed.stderr


# --- Security headers on every response ---------------------------------------------------------

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
CSP_DIRECTIVES = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
}


def assert_security_headers(response) -> None:
    for header, value in SECURITY_HEADERS.items():
        assert response.get(header) == value, (header, response.status_code)
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        directive, _space, value = part.strip().partition(" ")
        policy[directive] = value
    for directive, value in CSP_DIRECTIVES.items():
        assert policy.get(directive) == value, (directive, response.status_code)


def stylesheet_url(client) -> str:
    match = re.search(
        r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', client.get("/").content.decode()
    )
    assert match, "the page links the stylesheet by its hashed name"
    return match.group(1)


def log_in_attempt(client, password: str, username: str = "editor", **extra):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        **extra,
    )


REQUESTS = {
    "home": lambda c: c.get("/"),
    "home again, from the cache": lambda c: (c.get("/"), c.get("/"))[1],
    "profile": lambda c: c.get("/processes/rabat-process/"),
    "profile, HEAD": lambda c: c.head("/processes/rabat-process/"),
    "not found": lambda c: c.get("/processes/no-such-process/"),
    "no such address": lambda c: c.get("/no/such/address/"),
    "redirect to add a slash": lambda c: c.get("/processes/rabat-process"),
    "stylesheet": lambda c: c.get(stylesheet_url(c)),
    "admin's stylesheet": lambda c: c.get("/static/admin/css/base.css"),
    "admin, redirect to log in": lambda c: c.get("/admin/"),
    "admin log-in page": lambda c: c.get("/admin/login/"),
    "failed log-in": lambda c: log_in_attempt(c, "wrong"),
    "form without CSRF token": lambda c: Client(enforce_csrf_checks=True).post("/admin/login/"),
    "health check": lambda c: c.get("/healthz"),
    "health check, wrong method": lambda c: c.post("/healthz"),
    "refused: a NUL in the query string": lambda c: c.get("/search/?q=ab%00cd"),
    "refused: a NUL in a form": lambda c: c.post("/admin/login/", {"username": "a\x00"}),
    "refused: a host not allowed": lambda c: c.get("/", HTTP_HOST="evil.example"),
}


@pytest.mark.parametrize("name", REQUESTS)
def test_every_response_carries_the_security_headers(client, editor, name):
    ProcessFactory(name="Rabat Process", slug="rabat-process")

    response = REQUESTS[name](client)

    assert_security_headers(response)


def test_the_lockout_page_carries_the_security_headers(client, editor):
    for _ in range(5):
        response = log_in_attempt(client, "wrong")

    assert response.status_code == 429
    assert_security_headers(response)


# --- Static files -------------------------------------------------------------------------------


def test_static_files_have_hashed_names_long_lifetimes_and_compressed_copies(client, db):
    url = stylesheet_url(client)

    plain = client.get(url)
    compressed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")

    assert plain.status_code == 200
    assert "immutable" in plain["Cache-Control"]
    assert b".site-header" in b"".join(plain.streaming_content)
    assert compressed["Content-Encoding"] == "gzip"
    assert int(compressed["Content-Length"]) < int(plain["Content-Length"])


# --- Admin address ------------------------------------------------------------------------------


def test_the_admin_address_comes_from_the_settings(client, db, admin_at_office):
    response = client.get("/office/")

    assert response.status_code == 302
    assert response["Location"] == "/office/login/?next=/office/"
    assert client.get("/office/login/").status_code == 200
    assert client.get("/admin/").status_code == 404


def test_admin_url_is_read_from_the_environment():
    completed = run_manage(
        {"ADMIN_URL": "/office"},
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; from django.urls import reverse; "
        "print(settings.ADMIN_URL, reverse('admin:index'))",
    )

    assert completed.stdout.split() == ["office/", "/office/"]


# --- Lockout after repeated failures ------------------------------------------------------------


def logged_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_five_failed_log_ins_lock_the_account_out_even_with_the_right_password(client, editor):
    answers = [log_in_attempt(client, f"guess {n}").status_code for n in range(5)]

    right = log_in_attempt(client, PASSWORD)

    assert answers == [200, 200, 200, 200, 429]
    assert right.status_code == 429
    text = right.content.decode()
    assert "Too many failed log-in attempts" in text
    assert "Try again in 15 minutes." in text
    assert not logged_in(client)


def test_the_lockout_page_is_in_the_sites_design(client, editor):
    for n in range(5):
        response = log_in_attempt(client, f"guess {n}")

    page = parse(response.content.decode())
    assert navigation_items(page)[0] == "Who we are"
    assert [h1.text for h1 in page.find_all("h1")] == ["Too many failed log-in attempts"]


def test_a_lockout_holds_one_user_name_from_one_address(client, editor):
    for n in range(5):
        log_in_attempt(client, f"guess {n}")
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")

    response = log_in_attempt(elsewhere, PASSWORD)

    assert response.status_code == 302
    assert logged_in(elsewhere)


def test_failures_short_of_the_limit_are_forgotten_after_a_successful_log_in(client, editor):
    for n in range(4):
        log_in_attempt(client, f"guess {n}")
    assert log_in_attempt(client, PASSWORD).status_code == 302
    client.post("/admin/logout/")

    answers = [log_in_attempt(client, f"guess {n}").status_code for n in range(4)]

    assert answers == [200, 200, 200, 200]
    assert log_in_attempt(client, PASSWORD).status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_load_balancer_a_forged_forwarded_address_does_not_escape_the_lockout(
    client, editor
):
    for n in range(5):
        log_in_attempt(
            client, f"guess {n}", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.7"
        )  # the client wrote "10.0.0.n"; the load balancer appended the address it saw

    blocked = log_in_attempt(client, PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7")
    other_client = log_in_attempt(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20")

    assert blocked.status_code == 429
    assert other_client.status_code == 302


def test_code_that_logs_in_without_a_request_is_not_counted(client, editor):
    """Management commands and the test client authenticate without a request; axes cannot
    count those, and they are not a way to guess passwords from the web."""
    for _ in range(6):
        assert not client.login(username="editor", password="wrong")

    assert client.login(username="editor", password=PASSWORD)


# --- /healthz -----------------------------------------------------------------------------------


def test_healthz_reports_the_database_and_the_cache(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
    }


def test_healthz_answers_a_load_balancer_calling_by_address(client, db):
    assert client.get("/healthz", HTTP_HOST="10.0.3.17:8000").status_code == 200
    assert client.get("/", HTTP_HOST="10.0.3.17:8000").status_code == 400


def test_healthz_answers_head_without_a_body(client, db):
    response = client.head("/healthz")

    assert response.status_code == 200
    assert response.content == b""


# --- Structured logs ----------------------------------------------------------------------------


def json_lines(records) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(record)) for record in records]


def events(caplog, name: str) -> list[dict]:
    return [line for line in json_lines(caplog.records) if line.get("event") == name]


def test_an_event_is_one_json_line_with_its_fields(caplog):
    with caplog.at_level(logging.INFO, logger="rcp.events"):
        log_event("publish", process="tripoli-process", version=7, user=None)

    (record,) = caplog.records
    line = JsonFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["event"] == "publish"
    assert parsed["level"] == "INFO"
    assert parsed["logger"] == "rcp.events"
    assert (parsed["process"], parsed["version"], parsed["user"]) == ("tripoli-process", 7, None)
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$", parsed["time"])


def test_event_fields_that_are_not_json_are_written_as_text(caplog, editor):
    import datetime

    with caplog.at_level(logging.INFO, logger="rcp.events"):
        log_event("revert", user=editor, on=datetime.date(2025, 1, 31), to={"version": 3})

    (line,) = events(caplog, "revert")
    assert (line["user"], line["on"], line["to"]) == ("editor", "2025-01-31", {"version": 3})


def test_other_log_records_are_json_lines_too(caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("django.request").exception("Internal Server Error: /x/")

    (line,) = json_lines(caplog.records)
    assert line["message"] == "Internal Server Error: /x/"
    assert line["level"] == "ERROR"
    assert "ValueError: boom" in line["exception"]


def test_an_import_from_the_command_line_is_logged(caplog, db, tmp_path):
    ProcessFactory(slug="rabat-process")
    path = tmp_path / "members.csv"
    path.write_text("process,country,role\nrabat-process,SN,member\nrabat-process,ML,observer\n")

    with caplog.at_level(logging.INFO, logger="rcp.events"):
        call_command(
            "import",
            "rcp.resources.ParticipationResource",
            str(path),
            "--noinput",
            stdout=io.StringIO(),
        )

    (line,) = events(caplog, "import")
    assert line["outcome"] == "imported"
    assert line["resource"] == "ParticipationResource"
    assert line["model"] == "rcp.Participation"
    assert (line["rows"], line["new"], line["updated"], line["skipped"]) == (2, 2, 0, 0)
    assert (line["invalid"], line["errors"], line["dry_run"]) == (0, 0, False)
    assert isinstance(line["duration_ms"], int)


def test_a_refused_import_is_logged_as_a_warning_with_the_user_and_file(caplog, editor, tmp_path):
    ProcessFactory(slug="rabat-process")
    path = tmp_path / "members.csv"
    path.write_text("process,country\nrabat-process,SN\nrabat-process,Narnia\n")

    with caplog.at_level(logging.INFO, logger="rcp.events"):
        ParticipationResource().import_data(
            read_file(path), dry_run=True, user=editor, file_name="members.csv"
        )

    (line,) = events(caplog, "import")
    assert (line["outcome"], line["level"]) == ("rejected", "WARNING")
    assert (line["user"], line["file"], line["dry_run"]) == ("editor", "members.csv", True)
    assert line["invalid"] == 1


def test_logs_are_written_as_json_lines_by_the_configured_handler():
    completed = run_manage(
        {},
        "shell",
        "--no-imports",
        "-c",
        "from rcp.events import log_event; log_event('publish', process='bali-process')",
    )

    lines = [json.loads(line) for line in completed.stderr.splitlines() if line.startswith("{")]
    assert [(line["event"], line["process"]) for line in lines] == [("publish", "bali-process")]


def test_log_format_text_writes_plain_lines():
    token = secrets.token_hex(4)
    completed = run_manage(
        {"LOG_FORMAT": "text"},
        "shell",
        "--no-imports",
        "-c",
        f"import logging; logging.getLogger('rcp').warning('plain %s', {token!r})",
    )

    assert completed.stderr.strip().endswith(f"WARNING rcp plain {token}")
