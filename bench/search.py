"""Benchmark of search (issue 15, point 4): a search at 1,000 profiles on PostgreSQL, against
the 50 ms goal, and the stored, GIN-indexed vectors against the vector computed for every row
on every search (the search before issue 15), side by side in one run.

The data: 1,000 published profiles (and 100 drafts) with 20 countries, two focus areas, an
organisation and three meetings each, written in bulk into a PostgreSQL database of the run's
own (``BENCH_POSTGRES_URL``, by default postgres://postgres@127.0.0.1:5432/rcp_bench_search,
created if missing and emptied first); SQLite's figures are printed beside them for reference
(SQLite has no full-text search: a plain match). Each figure is the median of several runs
of the whole search (every query and the Python around them, the page's rendering aside),
then the whole page through Django's test client with the page cache off.

    make bench          # or: .venv/bin/python -m bench.search [postgresql|sqlite]

Never part of the test suite; nothing here gates CI.
"""

import json
import os
import statistics
import sys
import time

from bench import run_child

PROFILES = 1_000
DRAFTS = 100
COUNTRIES_PER_PROFILE = 20
RUNS = 15
GOAL_MS = 50.0
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/rcp_bench_search"
)
QUERIES = [
    ("migration", "in every profile"),
    ("Dialogue 517", "one name"),
    ("Morocco", "a country"),
    ("UK", "an alias"),
    ("irregular migration", "a focus area"),
    ("Niamey", "a meeting city"),
    ("Eriteria", "a typo: did you mean"),
]


def median_ms(function, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def build() -> None:
    from django.core.management import call_command
    from django_countries import countries

    from rcp.models import (
        FocusArea,
        Meeting,
        Organisation,
        Participation,
        Process,
        ProcessFocusArea,
        ProcessOrganisation,
    )
    from rcp.workflow import COMMAND_LINE, authorise

    call_command("flush", interactive=False, verbosity=0)
    codes = [code for code, _name in countries]
    themes = FocusArea.objects.bulk_create(
        [
            FocusArea(name="Irregular migration", name_fr="Migration irrégulière", slug="irr"),
            FocusArea(name="Labour migration", name_fr="Migration de travail", slug="lab"),
            *(FocusArea(name=f"Theme {n}", slug=f"theme-{n}") for n in range(50)),
        ]
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {n}", acronym=f"ORG{n}", slug=f"org-{n}")
        for n in range(200)
    )
    processes = []
    for number in range(PROFILES + DRAFTS):
        process = Process(
            name=f"Dialogue {number}",
            name_fr=f"Dialogue {number} (fr)",
            slug=f"dialogue-{number}",
            status="published" if number < PROFILES else "draft",
            objectives=(
                f"The {number}th regional dialogue on migration and development, border "
                "management, labour mobility and the protection of migrants. " * 3
            ),
        )
        authorise(process, actor=COMMAND_LINE)
        processes.append(process)
    processes = Process.objects.bulk_create(processes)
    Participation.objects.bulk_create(
        Participation(process=process, country=codes[(index * 7 + n) % len(codes)])
        for index, process in enumerate(processes)
        for n in range(COUNTRIES_PER_PROFILE)
    )
    ProcessFocusArea.objects.bulk_create(
        ProcessFocusArea(process=process, focus_area=themes[(index + n) % len(themes)], position=n)
        for index, process in enumerate(processes)
        for n in range(2)
    )
    ProcessOrganisation.objects.bulk_create(
        ProcessOrganisation(process=process, organisation=organisations[index % 200])
        for index, process in enumerate(processes)
    )
    cities = ["Niamey", "Rabat", "Dakar", "Bamako", "Tunis", "Vienna", "Bangkok"]
    Meeting.objects.bulk_create(
        Meeting(
            process=process,
            title=f"Meeting {n}",
            city=cities[(index + n) % len(cities)],
            country="NE",
            start_date=f"201{n}-05-0{n + 1}",
        )
        for index, process in enumerate(processes)
        for n in range(3)
    )


def old_text_query(query: str) -> list:
    """The text query of the search before issue 15: each language's vector computed from the
    columns of every row, on every search."""
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
    from django.db.models import Q
    from django.db.models.functions import Greatest

    from rcp.models import Process
    from rcp.search.query import any_of
    from rcp.search.vectors import TEXT_SEARCH_CONFIGS

    documents, matches, ranks = {}, [], []
    for language, config in TEXT_SEARCH_CONFIGS.items():
        vector = (
            SearchVector(f"name_{language}", weight="A", config=config)
            + SearchVector(f"acronym_{language}", weight="A", config="simple")
            + SearchVector(f"objectives_{language}", weight="C", config=config)
        )
        search_query = SearchQuery(query, search_type="websearch", config=config) | (
            SearchQuery(query, search_type="websearch", config="simple")
        )
        documents[f"document_{language}"] = vector
        matches.append(Q(**{f"document_{language}": search_query}))
        ranks.append(SearchRank(vector, search_query))
    return list(
        Process.objects.published()
        .annotate(**documents)
        .filter(any_of(matches))
        .annotate(rank=Greatest(*ranks))
        .values_list("pk", "rank")
    )


def new_text_query(query: str) -> list:
    """The same question on the stored vectors."""
    from rcp.models import Process
    from rcp.search.vectors import StoredMatch, StoredRank

    return list(
        Process.objects.published()
        .filter(StoredMatch(query))
        .annotate(rank=StoredRank(query))
        .values_list("pk", "rank")
    )


def measure() -> dict:
    import bench

    bench.setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from rcp.search import search

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    build()
    figures = {"build_s": time.perf_counter() - started, "queries": {}}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would soon after a bulk import
    settings.RCP_PAGE_CACHE_SECONDS = 0
    setup_test_environment()
    client = Client()
    for query, _label in QUERIES:
        page = search(query)
        search(query)  # the words of "did you mean" are read once per change of the data
        figures["queries"][query] = {
            "found": page.total,
            "suggestion": page.suggestion,
            "search_ms": median_ms(lambda q=query: search(q)),
            "page_ms": median_ms(lambda q=query: client.get("/search/", {"q": q}), runs=7),
        }
    if connection.vendor == "postgresql":
        for query in ("migration", "Dialogue 517", "border management"):
            figures.setdefault("vectors", {})[query] = {
                "old_ms": median_ms(lambda q=query: old_text_query(q)),
                "new_ms": median_ms(lambda q=query: new_text_query(q)),
            }
    return figures


def report(results: dict[str, dict]) -> None:
    print(f"Search at {PROFILES:,} profiles (issue 15): median of {RUNS} searches")
    names = list(results)
    print(f"{'':36}" + "".join(f"{name:>26}" for name in names))
    for query, label in QUERIES:
        cells = []
        for figures in results.values():
            found = figures["queries"][query]
            cells.append(
                f"{found['search_ms']:6.1f} ms ({found['page_ms']:5.1f} page)"
                f"{'' if found['found'] else ' 0'}"
            )
        print(
            f"{f'{query!r} ({label})':36}"
            + "".join(f"{c:>26}" for c in cells)
            + f"   goal <= {GOAL_MS:.0f} ms on postgresql"
        )
    for name, figures in results.items():
        for query, found in figures["queries"].items():
            if found["suggestion"]:
                print(f"  {name}: {query!r}: did you mean {found['suggestion']!r}")
        for query, vector in figures.get("vectors", {}).items():
            print(
                f"  {name}: text query {query!r}: stored vectors {vector['new_ms']:.1f} ms, "
                f"computed per row {vector['old_ms']:.1f} ms: "
                f"{vector['old_ms'] / max(vector['new_ms'], 0.001):.0f}x faster"
            )
        print(f"  {name}: data written in {figures['build_s']:.1f} s")


def main(databases: list[str]) -> None:
    results = {}
    for database in databases:
        figures = run_child("bench.search", database, POSTGRES_URL)
        if figures is not None:
            results[database] = figures
    if results:
        report(results)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(measure()))
    else:
        main(sys.argv[1:] or ["postgresql", "sqlite"])
