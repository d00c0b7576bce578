"""Benchmark of CSV import/export (issue: CSV and Excel import/export).

Imports 10,000 participation rows (100 processes x 100 countries) into an empty table, then
the same file again unchanged, and exports them; compares the first import with a plain
``bulk_create`` of the same rows and prints times, ratios and peak memory. Runs on its own
SQLite file unless DATABASE_URL is set. Never part of the test suite; nothing here gates CI.

    make bench          # or: .venv/bin/python -m bench.import_export
"""

import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

PROCESSES = 100
COUNTRIES_PER_PROCESS = 100


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if not os.environ.get("DATABASE_URL"):
        database = Path(tempfile.mkdtemp(prefix="rcp-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tripoli.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(function):
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def peak_memory(function) -> tuple[float, int]:
    tracemalloc.start()
    try:
        seconds, _ = timed(function)
        return seconds, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    setup_django()
    from django_countries import countries

    from rcp.formats import SafeCSV
    from rcp.models import Participation, Process
    from rcp.resources import ParticipationResource
    from rcp.spreadsheets import export_bytes

    Participation.objects.all().delete()
    Process.objects.filter(slug__startswith="bench-").delete()
    processes = Process.objects.bulk_create(
        Process(name=f"Bench process {n}", slug=f"bench-{n}") for n in range(PROCESSES)
    )
    codes = [code for code, _name in countries][:COUNTRIES_PER_PROCESS]
    rows = [(p, code) for p in processes for code in codes]

    def csv_for(selected_rows) -> bytes:
        lines = ["process,country,role,group"]
        lines += [f"{p.slug},{code},member,AU" for p, code in selected_rows]
        return ("\n".join(lines) + "\n").encode()

    full_file = csv_for(rows)

    bulk_seconds, _ = timed(
        lambda: Participation.objects.bulk_create(
            Participation(process=p, country=code, role="member", group="AU") for p, code in rows
        )
    )
    Participation.objects.all().delete()

    def import_file(data: bytes):
        dataset = SafeCSV().create_dataset(data)
        result = ParticipationResource().import_data(dataset, dry_run=False)
        assert not result.has_errors() and not result.has_validation_errors()
        return result

    first_seconds, first = timed(lambda: import_file(full_file))
    assert Participation.objects.count() == len(rows)
    again_seconds, again = timed(lambda: import_file(full_file))
    export_seconds, exported = timed(lambda: export_bytes(ParticipationResource(), "CSV"))
    assert exported.count(b"\n") == len(rows) + 1

    print(f"rows                          {len(rows):>10,}")
    print(f"bulk_create                   {bulk_seconds:>10.2f} s")
    print(
        f"first import                  {first_seconds:>10.2f} s   "
        f"{first_seconds / bulk_seconds:6.1f}x bulk_create (goal < 5x)   "
        f"{first.totals['new']:,} new"
    )
    print(
        f"unchanged re-import           {again_seconds:>10.2f} s   "
        f"{again_seconds / first_seconds:6.2f}x first import (goal < 1)   "
        f"{again.totals['skip']:,} skipped"
    )
    print(f"export to CSV                 {export_seconds:>10.2f} s   (goal < 1 s)")

    for size in (1_000, 5_000, 10_000):
        data = csv_for(rows[:size])
        Participation.objects.all().delete()
        seconds, peak = peak_memory(lambda data=data: import_file(data))
        print(
            f"peak memory, {size:>6,} rows     {peak / 1e6:>10.1f} MB   "
            f"{peak / size / 1e3:6.1f} kB per row   ({seconds:.2f} s under tracemalloc)"
        )


if __name__ == "__main__":
    main()
