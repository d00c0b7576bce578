"""Real servers for tests that need more than one process: gunicorn app servers on loopback, a
PostgreSQL database of their own, Redis, and a TCP proxy that can cut a connection and restore it.

Everything here has a deadline and is cleaned up by the fixtures that use it; a test that needs
PostgreSQL or Redis is skipped, saying which, only when that server cannot be reached.
"""

import http.client
import os
import re
import secrets
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

#: Where the multi-process tests find PostgreSQL (a maintenance database to create theirs from)
#: and Redis. The defaults are the CI machine's.
POSTGRES_URL = os.environ.get(
    "RCP_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("RCP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

#: Variables of the test process's environment that must not leak into a server's.
SETTINGS_VARIABLES = (
    "DJANGO_ENV",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
    "ADMIN_URL",
    "TRUSTED_PROXY_COUNT",
    "SECURE_SSL_REDIRECT",
    "RCP_PAGE_CACHE_SECONDS",
    "WEB_CONCURRENCY",
    "DJANGO_SETTINGS_MODULE",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, timeout: float, interval: float = 0.1, what: str = "condition"):
    """Poll ``condition()`` until it returns something true; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def waiting_for_a_lock() -> bool:
    """Whether another connection to the test database waits for a lock (PostgreSQL)."""
    from django.db import connection

    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL shows the activity as it first read it, unless told.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


# --- PostgreSQL and Redis -----------------------------------------------------------------------


def postgres_unreachable_reason() -> str | None:
    import psycopg

    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except psycopg.Error as error:
        return f"PostgreSQL is not reachable at {POSTGRES_URL} ({error})"
    return None


def redis_unreachable_reason() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        return f"Redis is not reachable at {REDIS_URL} ({error})"
    return None


def require_postgres_and_redis() -> None:
    for reason in (postgres_unreachable_reason(), redis_unreachable_reason()):
        if reason:
            pytest.skip(reason)


@dataclass
class Database:
    """A PostgreSQL database created for one test module, migrated, and dropped afterwards."""

    name: str = field(default_factory=lambda: f"rcp_servers_{uuid.uuid4().hex[:12]}")

    @property
    def url(self) -> str:
        return urlsplit(POSTGRES_URL)._replace(path=f"/{self.name}").geturl()

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as connection:
            connection.execute(sql)

    def create(self) -> None:
        self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def delete_redis_keys(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


# --- Processes ----------------------------------------------------------------------------------


def server_environment(**settings) -> dict[str, str]:
    """The test process's environment without its Django settings, plus ``settings``."""
    environment = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    environment.update({k: str(v) for k, v in settings.items()})
    environment["PYTHONUNBUFFERED"] = "1"
    return environment


def production_environment(database_url: str, cache_prefix: str, **extra) -> dict[str, str]:
    """What a production app server is given (see README, "Production")."""
    return server_environment(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=cache_prefix,
        TRUSTED_PROXY_COUNT="1",
        LOG_LEVEL="WARNING",
        **extra,
    )


def manage(environment: dict[str, str], *args: str, timeout: float = 120) -> str:
    """Run ``manage.py`` in its own process; fail the test with its output if it fails."""
    completed = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if completed.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed.stdout


def django_shell(environment: dict[str, str], code: str, timeout: float = 60) -> str:
    return manage(environment, "shell", "--no-imports", "-c", code, timeout=timeout)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class GunicornServer:
    """``gunicorn -c gunicorn.conf.py`` on a free loopback port, as `make serve` runs it."""

    def __init__(self, environment: dict[str, str], workers: int = 2, name: str = "server"):
        self.port = free_port()
        self.name = name
        self.workers = workers
        self.environment = {
            **environment,
            "BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_ACCESS_LOG": "",
        }
        self.process: subprocess.Popen | None = None
        self.log = ""

    def start(self, timeout: float = 30) -> "GunicornServer":
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=BASE_DIR,
            env=self.environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read_log, daemon=True).start()

        def answering():
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited at start:\n{self.log}")
            try:
                return self.request("GET", "/healthz", timeout=2).status in (200, 503)
            except OSError:
                return False

        wait_until(answering, timeout, what=f"{self.name} to answer")
        return self

    def _read_log(self):
        for line in self.process.stdout:
            self.log += line

    def _logged_pids(self, message: str) -> set[int]:
        return {int(pid) for pid in re.findall(rf"{re.escape(message)}:? (\d+)", self.log)}

    def reload(self, timeout: float = 60) -> None:
        """``kill -HUP`` the master, as a deploy does: gunicorn starts new workers and stops the
        old ones; returns once every old worker has exited and the new ones answer."""
        old = self._logged_pids("Booting worker with pid")
        os.kill(self.process.pid, signal.SIGHUP)

        def replaced():
            booted = self._logged_pids("Booting worker with pid")
            exited = self._logged_pids("Worker exiting (pid")
            return len(booted - old) >= self.workers and old <= exited

        wait_until(replaced, timeout, what=f"{self.name}'s workers to be replaced")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        https: bool = True,
        timeout: float = 15,
    ) -> Response:
        """One request; ``https`` says the load balancer received it over HTTPS."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        all_headers = {"X-Forwarded-Proto": "https"} if https else {}
        all_headers.update(headers or {})
        try:
            connection.request(method, path, body=body, headers=all_headers)
            answer = connection.getresponse()
            raw_headers = answer.getheaders()
            headers_out = {}
            for name, value in raw_headers:
                key = name.lower()
                headers_out[key] = f"{headers_out[key]}\n{value}" if key in headers_out else value
            return Response(answer.status, headers_out, answer.read().decode("utf-8", "replace"))
        finally:
            connection.close()

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)


class Browser:
    """A person at ``client_address``: cookies and CSRF for posting forms to one server, over
    (proxied) HTTPS."""

    def __init__(self, server: GunicornServer, client_address: str = "192.0.2.1"):
        self.server = server
        self.client_address = client_address
        self.cookies: dict[str, str] = {}

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        # The load balancer appends the address it received the request from.
        headers = {"X-Forwarded-For": self.client_address, **(extra or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _remember(self, response: Response) -> Response:
        for line in (response.header("set-cookie") or "").split("\n"):
            if "=" in line:
                name, value = line.split(";", 1)[0].split("=", 1)
                if value and value != '""':
                    self.cookies[name.strip()] = value.strip()
                else:
                    self.cookies.pop(name.strip(), None)
        return response

    def get(self, path: str) -> Response:
        return self._remember(self.server.get(path, headers=self._headers()))

    def post(self, path: str, data: dict | list) -> Response:
        from urllib.parse import urlencode

        headers = self._headers(
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"https://127.0.0.1:{self.server.port}",
                "Referer": f"https://127.0.0.1:{self.server.port}{path}",
            }
        )
        body = urlencode(data, doseq=True).encode()
        return self._remember(self.server.request("POST", path, body=body, headers=headers))

    def log_in(self, username: str, password: str, admin_url: str = "/admin/") -> Response:
        self.get(f"{admin_url}login/")
        return self.post(
            f"{admin_url}login/",
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
                "next": admin_url,
            },
        )


# --- A TCP proxy that can be cut -----------------------------------------------------------------


class TcpProxy:
    """Forwards a loopback port to ``target``. :meth:`stop` closes the port and every connection
    through it (the server behind looks gone: refused, reset); :meth:`start` opens it again.
    :meth:`hang` makes the server behind look hung instead: connections are accepted and
    nothing is ever answered, until :meth:`resume`. ``accepted`` counts the connections made."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.accepted = 0
        self._listener: socket.socket | None = None
        self._connections: set[socket.socket] = set()
        self._held: set[socket.socket] = set()  # accepted while hung, never answered
        self._lock = threading.Lock()
        self._running = threading.Event()
        self._hung = threading.Event()

    def start(self) -> "TcpProxy":
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.2)
        self._listener = listener
        self._running.set()
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        self._running.clear()
        self._hung.clear()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        self._close_all()

    def hang(self) -> None:
        """From now on nothing is answered: open connections go silent, new ones are accepted
        and then ignored (a Redis or database that is overloaded or half dead)."""
        self._hung.set()

    def resume(self) -> None:
        """Answer again; the connections that hung are closed (their clients gave up on them)."""
        self._close_all()
        self._hung.clear()

    def _close_all(self) -> None:
        with self._lock:
            for connection in self._connections | self._held:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                connection.close()
            self._connections.clear()
            self._held.clear()

    def _accept(self, listener: socket.socket) -> None:
        while self._running.is_set():
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.accepted += 1
                if self._hung.is_set():
                    self._held.add(client)
                    continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            client.settimeout(None)
            with self._lock:
                if not self._running.is_set():
                    client.close()
                    upstream.close()
                    return
                self._connections.update((client, upstream))
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        try:
            selector.register(a, selectors.EVENT_READ, b)
            selector.register(b, selectors.EVENT_READ, a)
            while True:
                if self._hung.is_set():
                    time.sleep(0.05)  # read nothing, answer nothing
                    continue
                for key, _events in selector.select(timeout=0.2):
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            selector.close()
            with self._lock:
                for sock in (a, b):
                    self._connections.discard(sock)
                    sock.close()
