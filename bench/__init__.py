"""Benchmarks (`make bench`): figures printed as ratios with their goals, never gating CI."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    """Django set up from the checkout, on a SQLite file of the run's own unless
    DATABASE_URL is set (a benchmark never touches the local database)."""
    sys.path.insert(0, str(BASE_DIR))
    if not os.environ.get("DATABASE_URL"):
        database = Path(tempfile.mkdtemp(prefix="rcp-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tripoli.settings")
    import django

    django.setup()


def ensure_postgres_database(url: str) -> bool:
    """Create the database ``url`` names unless it exists; False (and says why) when
    PostgreSQL cannot be reached."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    try:
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        print(f"PostgreSQL skipped: {error}".strip())
        return False
    return True


def run_child(module: str, database: str, postgres_url: str) -> dict | None:
    """Run ``python -m module --child`` on ``database`` ("postgresql" at ``postgres_url``, or
    "sqlite"), each database in a process of its own, and read the figures it prints as the
    last line of JSON; None when the database is unreachable or the child failed."""
    env = dict(os.environ)
    if database == "postgresql":
        if not ensure_postgres_database(postgres_url):
            return None
        env["DATABASE_URL"] = postgres_url
    else:
        env.pop("DATABASE_URL", None)
    completed = subprocess.run(
        [sys.executable, "-m", module, "--child"],
        env=env,
        capture_output=True,
        text=True,
        cwd=BASE_DIR,
    )
    if completed.returncode:
        print(f"{database}: the benchmark failed\n{completed.stderr[-3000:]}")
        return None
    return json.loads(completed.stdout.strip().splitlines()[-1])
