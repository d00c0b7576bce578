"""Load benchmark (issue: Production): gunicorn as `make serve` runs it, measured with wrk over
loopback, every figure a ratio within one run so that the machine's speed cancels out.

    make bench          # or: .venv/bin/python -m bench.load

It creates a PostgreSQL database of its own and a key prefix in Redis (both dropped at the end)
and runs the servers in production mode, as IOM does (requests say they came over HTTPS, as the
load balancer does). Without PostgreSQL or Redis it falls back to SQLite and local memory in
local mode, and says so: the figures are then less representative. The data: the bundled
Tripoli Process (82 countries) and profiles with 10, 100 and 1,000 member countries (made-up
countries beyond the world's 249, see bench/settings.py).

One line per figure:

- warm-cache profile page throughput ÷ a static file's, both through gunicorn (goal ≥ 0.8);
- an uncached profile render's cost ÷ a trivial view's, i.e. the trivial view's throughput ÷
  the uncached render's (goal ≤ 3);
- queries for the profile page at 10, 100 and 1,000 countries (goal: the same number);
- 50 concurrent clients for 20 s on the public pages and the stylesheet: errors (goal: none)
  and the 99th percentile latency;
- with PostgreSQL and Redis: a second server reaching Redis through a proxy that then hangs
  (accepts connections, never answers): its profile page throughput ÷ the uncached render's
  (goal ≥ 0.5: pages render at uncached speed instead of waiting for Redis; the issue measured
  2,621 → 2.7 requests/s for the profile page when Redis hung; on a loaded 2-core machine the
  ratio was 0.20 before the circuit breaker of rcp/redis_cache.py, 3.2 ÷ 16 requests/s, and 0.74
  with it, 16.2 ÷ 22), and once the proxy answers again, the seconds until every worker serves
  the page from the cache again (goal ≤ 6: REDIS_SKIP_SECONDS, 5, and a request; 1.5 s).

Throughputs are medians of three rounds, each measuring the four pages in turn (wrk, 8
connections, 3 s), so that other load on the machine weighs on every figure alike. Bounded in
time (about two minutes), traffic only to 127.0.0.1. Never part of the test
suite; nothing here gates CI.
"""

import io
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))  # each throughput measurement
ROUNDS = 3  # the four throughputs are measured in turn, this many times; medians are printed
CONCURRENT_CLIENTS, CONCURRENT_SECONDS = 50, 20
SIZES = (10, 100, 1_000)
TRIPOLI = "/processes/tripoli-process/"


# --- Set-up -------------------------------------------------------------------------------------


def postgres_available() -> bool:
    import psycopg

    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def redis_available() -> bool:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError:
        return False
    return True


def postgres_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as connection:
        connection.execute(sql)


class Setup:
    """The environment of the bench servers and of this process; undone by :meth:`close`."""

    def __init__(self):
        self.temp = Path(tempfile.mkdtemp(prefix="rcp-bench-load-"))
        self.database = None
        self.prefix = f"rcp-bench-{uuid.uuid4().hex[:12]}"
        self.production = postgres_available() and redis_available()
        environment = {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
        }
        if self.production:
            self.database = f"rcp_bench_{uuid.uuid4().hex[:12]}"
            postgres_admin(f'CREATE DATABASE "{self.database}"')
            environment.update(
                DJANGO_ENV="production",
                DATABASE_URL=urlsplit(POSTGRES_URL)._replace(path=f"/{self.database}").geturl(),
                REDIS_URL=REDIS_URL,
                CACHE_KEY_PREFIX=self.prefix,
                TRUSTED_PROXY_COUNT="1",
            )
            self.description = "PostgreSQL and Redis, production settings"
        else:
            environment.update(
                DJANGO_ENV="development",
                DATABASE_URL=f"sqlite:///{self.temp / 'bench.sqlite3'}",
                REDIS_URL="",
            )
            self.description = (
                "SQLite and local memory, local settings (PostgreSQL or Redis unreachable: "
                "figures less representative)"
            )
        os.environ.update(environment)

    def close(self) -> None:
        if self.production:
            import redis

            client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
            keys = list(client.scan_iter(match=f"{self.prefix}*", count=1000))
            if keys:
                client.delete(*keys)
            from django.db import connections

            connections.close_all()
            postgres_admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        shutil.rmtree(self.temp, ignore_errors=True)


def load_data() -> dict[int, str]:
    """The Tripoli Process and one profile per size; returns the profiles' addresses."""
    from django.conf import settings
    from django.core.management import call_command

    from rcp.cache import invalidate_public_pages
    from rcp.models import Participation, Process
    from rcp.workflow import COMMAND_LINE, set_status

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_bundled_profiles", verbosity=0, stdout=io.StringIO())
    urls = {}
    for size in SIZES:
        process = Process.objects.create(name=f"Bench Process {size}", slug=f"bench-{size}")
        set_status(process, "published", actor=COMMAND_LINE)
        Participation.objects.bulk_create(
            Participation(process=process, country=code, group="AU")
            for code in settings.BENCH_COUNTRY_CODES[:size]
        )
        urls[size] = process.get_absolute_url()
    invalidate_public_pages()  # bulk_create sends no signal
    return urls


def count_queries(url: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/bench/uncached{url}")
    assert response.status_code == 200, response.status_code
    return len(queries)


# --- The server and wrk -------------------------------------------------------------------------


class Server:
    def __init__(self, port: int, log: Path):
        self.port = port
        self.log = log.open("w")
        environment = {
            **os.environ,
            "BIND": f"127.0.0.1:{port}",
            "GUNICORN_ACCESS_LOG": "-",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=BASE_DIR,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                self.get("/healthz")
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start; see {log}") from None
                time.sleep(0.2)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> tuple[int, bytes]:
        return self.request(path)[:2]

    def request(self, path: str) -> tuple[int, bytes, str | None]:
        """Status, body and ``X-Page-Cache`` (``hit`` when the page came from the cache)."""
        request = urllib.request.Request(self.url(path), headers={"X-Forwarded-Proto": "https"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read(), response.headers.get("X-Page-Cache")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(server: Server, paths: list[str], seconds: float, clients: int, threads: int = 2) -> dict:
    """Run wrk against ``paths`` (in turn); return requests/s, errors and latencies (ms)."""
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    quoted = ", ".join(f'"{p}"' for p in paths)
    script.write_text(
        f"local paths = {{{quoted}}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\n'
        "end\n"
    )
    try:
        completed = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{clients}",
                f"-d{seconds:g}s",
                "--timeout",
                "10s",
                "--latency",
                "-H",
                "X-Forwarded-Proto: https",
                "-s",
                str(script),
                server.url("/"),
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            check=True,
        )
    finally:
        script.unlink()
    return parse_wrk(completed.stdout)


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(output: str) -> dict:
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": 0,
        "latency": {},
    }
    for percent, value, unit in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)$", output, re.M):
        result["latency"][int(percent)] = float(value) * UNITS[unit]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        result["errors"] += int(non_2xx.group(1))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        result["errors"] += sum(int(n) for n in socket_errors.groups())
    return result


def throughputs(server: Server, paths: dict[str, str]) -> dict[str, list[float]]:
    """Requests per second of each path, measured in turn ``ROUNDS`` times, so that a change in
    the machine's load during the run affects every figure alike."""
    for path in paths.values():
        wrk(server, [path], seconds=1, clients=8)  # warm up every worker
    measured = {name: [] for name in paths}
    for _ in range(ROUNDS):
        for name, path in paths.items():
            measured[name].append(wrk(server, [path], seconds=SECONDS, clients=8)["rps"])
    return measured


def median_ratio(numerators: list[float], denominators: list[float]) -> float:
    return statistics.median(n / d for n, d in zip(numerators, denominators, strict=True))


def redis_hung(setup: Setup, uncached_rps: float) -> None:
    """The profile page on a server whose Redis hangs, then comes back (see the docstring)."""
    from tests.servers import TcpProxy  # the proxy the outage tests cut and hang

    target = urlsplit(REDIS_URL)
    proxy = TcpProxy(target.hostname, target.port or 6379).start()
    os.environ.update(
        REDIS_URL=target._replace(netloc=f"127.0.0.1:{proxy.port}").geturl(),
        CACHE_KEY_PREFIX=f"{setup.prefix}-proxied",
    )
    server = None
    try:
        server = Server(free_port(), setup.temp / "gunicorn-redis-proxied.log")
        for _ in range(20):
            assert server.get(TRIPOLI)[0] == 200
        proxy.hang()
        hung = wrk(server, [TRIPOLI], seconds=max(SECONDS, 5), clients=8)
        p50 = hung["latency"].get(50)
        print(
            f"profile page with Redis hung ÷ uncached    {hung['rps'] / uncached_rps:6.2f}   "
            f"(goal ≥ 0.5)   {hung['rps']:,.1f} ÷ {uncached_rps:,.0f} requests/s, "
            f"p50 {'-' if p50 is None else f'{p50:,.1f}'} ms, {hung['errors']} errors"
        )
        proxy.resume()
        back, hits = time.monotonic(), 0
        while hits < 20 and time.monotonic() - back < 60:  # 20 hits in a row: every worker
            hits = hits + 1 if server.request(TRIPOLI)[2] == "hit" else 0
            time.sleep(0.02)
        recovered = f"{time.monotonic() - back:.1f} s" if hits >= 20 else "not within 60 s"
        print(f"Redis back: every worker serves from the cache again after {recovered} (goal ≤ 6)")
    finally:
        if server is not None:
            server.stop()
        proxy.stop()
        os.environ.update(REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=setup.prefix)


# --- The figures --------------------------------------------------------------------------------


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("bench.load needs wrk (Debian: apt-get install wrk); `make bench` installs it.")
    sys.path.insert(0, str(BASE_DIR))
    setup = Setup()
    server = None
    try:
        import django

        django.setup()
        from django.templatetags.static import static

        urls = load_data()
        queries = {size: count_queries(url) for size, url in urls.items()}
        stylesheet = static("css/site.css")

        server = Server(free_port(), setup.temp / "gunicorn.log")
        workers = os.environ.get("WEB_CONCURRENCY") or "gunicorn.conf.py's default"
        print(f"load: gunicorn on 127.0.0.1 ({workers} workers), {setup.description}")
        for path in ["/", TRIPOLI, stylesheet, *urls.values()]:
            assert server.get(path)[0] == 200, path

        rps = throughputs(
            server,
            {
                "static": stylesheet,
                "cached": TRIPOLI,
                "trivial": "/bench/trivial/",
                "uncached": f"/bench/uncached{TRIPOLI}",
            },
        )
        medians = {name: statistics.median(values) for name, values in rps.items()}
        print(
            f"warm-cache profile page ÷ static file      "
            f"{median_ratio(rps['cached'], rps['static']):6.2f}   (goal ≥ 0.8)   "
            f"{medians['cached']:,.0f} ÷ {medians['static']:,.0f} requests/s"
        )
        print(
            f"uncached profile render ÷ trivial view     "
            f"{median_ratio(rps['trivial'], rps['uncached']):6.2f}   (goal ≤ 3)     "
            f"time per request {1000 / medians['uncached']:.2f} ÷ "
            f"{1000 / medians['trivial']:.2f} ms"
        )
        counts = " / ".join(str(queries[size]) for size in SIZES)
        same = "same" if len(set(queries.values())) == 1 else "NOT the same"
        print(
            f"profile page queries at 10 / 100 / 1,000 countries   {counts}   ({same}; goal: "
            "the same number)"
        )
        mix = ["/", TRIPOLI, stylesheet, *urls.values()]
        wrk(server, mix, seconds=1, clients=CONCURRENT_CLIENTS)
        run = wrk(server, mix, seconds=CONCURRENT_SECONDS, clients=CONCURRENT_CLIENTS)
        print(
            f"{CONCURRENT_CLIENTS} concurrent clients for {CONCURRENT_SECONDS} s   "
            f"{run['errors']} errors (goal: 0)   p99 {run['latency'][99]:.1f} ms   "
            f"(p50 {run['latency'][50]:.1f} ms, {run['requests']:,} requests, "
            f"{run['rps']:,.0f}/s; public pages and the stylesheet)"
        )
        if setup.production:
            server.stop()
            server = None
            redis_hung(setup, medians["uncached"])
    finally:
        if server is not None:
            server.stop()
        setup.close()


if __name__ == "__main__":
    main()
