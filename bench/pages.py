"""Benchmark of the public pages (issue 15, point 6): each main page at 10, 100 and 1,000
profiles, rendered (page cache off) and served from the page cache, in one table; then the
goals, each measured side by side with what it is compared to, so that the machine's noise
weighs on both alike.

    make bench          # or: .venv/bin/python -m bench.pages

The profiles are copies of the bundled Tripoli Process (82 countries in two groups, 14
organisations, 9 focus areas, meetings, formatted objectives), the first of them the Tripoli
Process itself, the page measured as "a profile". Requests go through the whole middleware
stack in this process (Django's test client), on PostgreSQL in a database of the bench's own
when it is reachable (``BENCH_POSTGRES_URL``, dropped at the end), else on SQLite.

The goals:

- the uncached profile render ÷ its own floor ≤ 1.5: the floor is what the page cannot do
  without, fetching the same profile with the same queries (``for_profile_page()``, the
  models built) and joining its HTML, plus the cheapest request through the same stack (a
  view with no template and no query, bench/urls.py);
- ``/data/profiles.json`` ≤ 300 ms at 1,000 profiles: it is served from the page cache
  and rebuilt once per data change (the build's own time is printed beside it);
- the home page ≤ 50 ms and search ≤ 50 ms at 1,000 profiles.

Add a page to :data:`PAGES`; one that answers 404 (not built yet) is left out, and said so.
Never part of the test suite; nothing here gates CI.
"""

import copy
import io
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
SIZES = (10, 100, 1_000)
TRIPOLI = "tripoli-process"

#: The pages of the table: a label and the address measured (with a query string if any).
PAGES = [
    ("home", "/"),
    ("a profile", f"/processes/{TRIPOLI}/"),
    ("a profile, in French", f"/fr/processes/{TRIPOLI}/"),
    ("country list", "/countries/"),
    ("a country page", "/countries/ly/"),
    ("search", "/search/?q=migration"),
    ("/data/profiles.json", "/data/profiles.json"),
    ("matrix", "/matrix/"),
]
#: The most time spent measuring one figure, and the fewest and most requests it takes.
BUDGET_SECONDS, MIN_RUNS, MAX_RUNS = 1.0, 3, 50
GOALS_MS = {"home": 50, "search": 50, "/data/profiles.json": 300}
FLOOR_GOAL = 1.5
FLOOR_ROUNDS = 60


# --- Set-up -------------------------------------------------------------------------------------


def use_own_database() -> str | None:
    """A PostgreSQL database of this run's own, if PostgreSQL is reachable; its name."""
    if os.environ.get("DATABASE_URL"):
        return None
    from bench.load import POSTGRES_URL, postgres_admin, postgres_available

    if not postgres_available():
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='rcp-bench-')}/b.db"
        return None
    name = f"rcp_bench_pages_{uuid.uuid4().hex[:12]}"
    postgres_admin(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlsplit(POSTGRES_URL)._replace(path=f"/{name}").geturl()
    return name


def drop_own_database(name: str | None) -> None:
    if name is None:
        return
    from django.db import connections

    from bench.load import postgres_admin

    connections.close_all()
    postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    os.environ["REDIS_URL"] = ""  # the page cache in local memory: this process's own
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    # Static files of the run's own, so that the manifest the pages name exists.
    override_settings(STATIC_ROOT=tempfile.mkdtemp(prefix="rcp-bench-static-")).enable()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_bundled_profiles", verbosity=0, stdout=io.StringIO())
    assert settings.RCP_PAGE_CACHE_SECONDS > 0


def clone(instance, **fields):
    """A copy of ``instance``, not yet saved, with ``fields`` changed."""
    from django.db.models.base import ModelState

    twin = copy.copy(instance)
    twin.__dict__ = {
        key: value for key, value in instance.__dict__.items() if not key.startswith("_")
    }
    twin._state = ModelState()
    twin.pk = None
    for name, value in fields.items():
        setattr(twin, name, value)
    return twin


def add_profiles(up_to: int) -> None:
    """Copies of the Tripoli Process until ``up_to`` profiles are published (bulk writes,
    hence the explicit invalidation)."""
    from rcp.cache import invalidate_public_pages
    from rcp.models import (
        Chair,
        Meeting,
        Participation,
        Process,
        ProcessFocusArea,
        ProcessOrganisation,
    )
    from rcp.workflow import COMMAND_LINE, authorise

    source = Process.objects.for_profile_page().get(slug=TRIPOLI)
    start = Process.objects.count()
    copies = []
    for number in range(start, up_to):
        twin = clone(
            source,
            slug=f"bench-{number}",
            name_en=f"Bench Process {number}",
            name_fr=f"Processus de banc {number}",
            name_es=f"Proceso de banco {number}",
            acronym_en="",
            acronym_fr="",
            acronym_es="",
        )
        twin._stored_status = None
        authorise(twin, actor=COMMAND_LINE)
        copies.append(twin)
    copies = Process.objects.bulk_create(copies)
    for related, model in (
        ("participations", Participation),
        ("organisation_roles", ProcessOrganisation),
        ("focus_area_links", ProcessFocusArea),
        ("chairs", Chair),
        ("meetings", Meeting),
    ):
        rows = list(getattr(source, related).all())
        model.objects.bulk_create(clone(row, process_id=twin.pk) for twin in copies for row in rows)
    for field in ("regions", "associated_organisations"):
        through = getattr(Process, field).through
        targets = list(getattr(source, field).all())
        target_column = through._meta.get_field(
            next(f.name for f in through._meta.fields if f.name not in {"id", "process"})
        ).attname
        through.objects.bulk_create(
            through(process_id=twin.pk, **{target_column: target.pk})
            for twin in copies
            for target in targets
        )
    invalidate_public_pages()


# --- Measuring ----------------------------------------------------------------------------------


def client():
    from django.test import Client

    return Client(HTTP_HOST="127.0.0.1")


def page_exists(path: str) -> bool:
    return client().get(path).status_code != 404


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def median_time(function) -> float:
    """The median of as many runs as fit in the budget (within MIN_RUNS..MAX_RUNS; a single
    run when one takes longer than the budget)."""
    first = timed(function)
    if first > BUDGET_SECONDS:
        return first
    runs = max(MIN_RUNS, min(MAX_RUNS, int(BUDGET_SECONDS / max(first, 1e-6))))
    return statistics.median([first, *(timed(function) for _ in range(runs - 1))])


def get(browser, path: str, *, cached: bool) -> None:
    response = browser.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert not cached or response.get("X-Page-Cache") == "hit", path


def measure_page(path: str) -> tuple[float, float]:
    """Seconds to render ``path`` with the page cache off, and to serve it from the cache."""
    from django.test.utils import override_settings

    browser = client()
    with override_settings(RCP_PAGE_CACHE_SECONDS=0):
        uncached = median_time(lambda: get(browser, path, cached=False))
    browser.get(path)  # stored
    cached = median_time(lambda: get(browser, path, cached=True))
    return uncached, cached


def profile_floor_ratio(path: str) -> tuple[float, float, float]:
    """The uncached profile render ÷ its floor (see the module docstring), measured in turn
    ``FLOOR_ROUNDS`` times: the median ratio, and the median times of each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from rcp.models import Process

    browser = client()
    slug = urlsplit(path).path.rstrip("/").rsplit("/", 1)[-1]
    with override_settings(RCP_PAGE_CACHE_SECONDS=0):
        html = browser.get(path).content.decode()
        with CaptureQueriesContext(connection) as page_queries:
            browser.get(path)
        with CaptureQueriesContext(connection) as floor_queries:
            Process.objects.for_profile_page().get(slug=slug)
        lines = html.splitlines(keepends=True)

        def render():
            get(browser, path, cached=False)

        def floor():
            get(browser, "/bench/trivial/", cached=False)
            Process.objects.for_profile_page().get(slug=slug)
            "".join(lines)

        renders, floors = [], []
        for _ in range(FLOOR_ROUNDS):
            renders.append(timed(render))
            floors.append(timed(floor))
    extra = len(page_queries) - len(floor_queries)
    assert extra <= 1, f"the page runs {extra} queries more than its floor"  # the session's
    ratio = statistics.median(r / f for r, f in zip(renders, floors, strict=True))
    return ratio, statistics.median(renders), statistics.median(floors)


def dataset_build_seconds() -> float:
    from django.utils import translation

    from rcp.opendata import full_dataset

    with translation.override("en"):
        return median_time(full_dataset)


# --- The figures --------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def main() -> None:
    database = use_own_database()
    try:
        setup_django()
        from django.db import connection

        pages = [(label, path) for label, path in PAGES if page_exists(path)]
        missing = [label for label, path in PAGES if (label, path) not in pages]
        print(
            f"pages: {connection.vendor}, in-process requests through the whole stack, "
            "median ms (uncached = page cache off, cached = served from the page cache)"
        )
        results, floors, builds = {}, {}, {}
        for size in SIZES:
            add_profiles(size)
            for label, path in pages:
                results[label, size] = measure_page(path)
            floors[size] = profile_floor_ratio(f"/processes/{TRIPOLI}/")
            builds[size] = dataset_build_seconds()

        header = "".join(f"{f'{size:,} uncached':>16}{f'{size:,} cached':>14}" for size in SIZES)
        print(f"{'page':24}{header}")
        for label, _path in pages:
            cells = "".join(
                f"{ms(results[label, size][0]):>16}{ms(results[label, size][1]):>14}"
                for size in SIZES
            )
            print(f"{label:24}{cells}")
        if missing:
            print(f"(not measured, no such page yet: {', '.join(missing)})")

        print()
        print("goals, at 10 / 100 / 1,000 profiles:")
        ratios = " / ".join(f"{floors[size][0]:.2f}" for size in SIZES)
        times = " / ".join(f"{ms(floors[size][1])} ÷ {ms(floors[size][2])}" for size in SIZES)
        print(
            f"uncached profile render ÷ its floor   {ratios}   (goal ≤ {FLOOR_GOAL})   {times} ms"
        )
        for label, goal in GOALS_MS.items():
            if (label, SIZES[-1]) not in results:
                continue
            uncached, cached = results[label, SIZES[-1]]
            served = cached if label == "/data/profiles.json" else uncached
            print(
                f"{label} at {SIZES[-1]:,} profiles   {ms(served)} ms = "
                f"{served * 1000 / goal:.2f} of the goal (≤ {goal} ms)"
                + (
                    f", from the page cache; rebuilt once per data change in {ms(uncached)} ms "
                    f"(the build itself {ms(builds[SIZES[-1]])} ms)"
                    if label == "/data/profiles.json"
                    else ", uncached"
                )
            )
    finally:
        drop_own_database(database)


if __name__ == "__main__":
    main()
