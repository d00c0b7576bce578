"""Benchmark of spreadsheet imports (issue 12): the bulk path against ``bulk_create``, on SQLite
and on PostgreSQL, side by side in one run.

For each database, in a process of its own (a fresh peak memory): 10,000 participation rows
(100 profiles x 100 countries) are written with a plain ``bulk_create`` (the floor: what the
database needs to store them, without checks or history), then deleted and imported from a CSV
file, then imported again unchanged; three rounds, medians printed. Then the admin's two steps
on a file of the same size: the preview (every row read and checked, its plan kept with the
upload) and the confirmation (the kept plan written). Last, the largest file an upload may hold
(``RCP_IMPORT_MAX_ROWS`` rows), previewed and confirmed, against the 2 s an editor should wait
at most without a progress bar.

    make bench          # or: .venv/bin/python -m bench.imports [sqlite|postgresql]

PostgreSQL is the local server's (``BENCH_POSTGRES_URL``, by default
postgres://postgres@127.0.0.1:5432/rcp_bench, created if missing); it is skipped, with a note,
when it does not answer. Never part of the test suite; nothing here gates CI.
"""

import json
import os
import statistics
import sys
import time
import tracemalloc

from bench import run_child

PROCESSES = 100
COUNTRIES_PER_PROCESS = 100
ROUNDS = 3
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/rcp_bench")
GOALS = {
    "first": 5.0,  # x bulk_create
    "unchanged": 2.0,  # x bulk_create
    "confirm": 1.2,  # x the preview
    "largest": 2.0,  # seconds, each step
}


def timed(function):
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def measure() -> dict:
    """The figures on the database DATABASE_URL names (run in a child process)."""
    import bench

    bench.setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django_countries import countries

    from rcp import uploads
    from rcp.formats import SafeCSV
    from rcp.imports.write import stored_plan, write_stored_plan
    from rcp.models import Participation, Process, UploadPurpose
    from rcp.resources import ParticipationResource
    from rcp.workflow import COMMAND_LINE

    call_command("migrate", verbosity=0)
    Participation.objects.all().delete()
    Process.objects.filter(slug__startswith="bench-").delete()
    processes = Process.objects.bulk_create(
        Process(name=f"Bench process {n}", slug=f"bench-{n}") for n in range(PROCESSES)
    )
    codes = [code for code, _name in countries][:COUNTRIES_PER_PROCESS]
    rows = [(p, code) for p in processes for code in codes]
    editor, _created = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True}
    )

    def csv_for(selected, role="member") -> bytes:
        lines = ["process,country,role,group"]
        lines += [f"{p.slug},{code},{role},AU" for p, code in selected]
        return ("\n".join(lines) + "\n").encode()

    largest = settings.RCP_IMPORT_MAX_ROWS  # the largest file an upload may hold
    settings.RCP_IMPORT_MAX_ROWS = max(settings.RCP_IMPORT_MAX_ROWS, len(rows))

    def import_file(data: bytes, dry_run=False):
        outcome = ParticipationResource().import_data(
            SafeCSV().create_dataset(data), dry_run=dry_run, user=COMMAND_LINE
        )
        assert not outcome.has_errors() and not outcome.has_validation_errors()
        return outcome

    figures = {"rows": len(rows)}
    full_file = csv_for(rows)
    # Each figure is the median of ROUNDS, taken in turns, so that a slow moment of this
    # shared machine weighs on the floor and on the imports alike.
    samples = {"bulk_create": [], "first": [], "unchanged": []}
    for _round in range(ROUNDS):
        Participation.objects.all().delete()
        seconds, _ = timed(
            lambda: Participation.objects.bulk_create(
                Participation(process=p, country=code, role="member", group="AU")
                for p, code in rows
            )
        )
        samples["bulk_create"].append(seconds)
        Participation.objects.all().delete()
        seconds, first = timed(lambda: import_file(full_file))
        samples["first"].append(seconds)
        assert first.totals["new"] == len(rows)
        assert Participation.objects.count() == len(rows)
        seconds, again = timed(lambda: import_file(full_file))
        samples["unchanged"].append(seconds)
        assert again.totals["skip"] == len(rows)
    figures.update({name: statistics.median(values) for name, values in samples.items()})
    Participation.objects.all().delete()
    # The peak memory on its own run: tracing slows Python down several times.
    tracemalloc.start()
    import_file(full_file)
    figures["peak_bytes"] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    def admin_steps(data: bytes) -> tuple[float, float]:
        """The preview (plan, kept with the upload) and the confirmation (the kept plan
        written), as the admin runs them (rcp/admin/spreadsheets.py)."""

        def preview():
            plan = import_file(data, dry_run=True).plan
            return uploads.keep(
                editor, UploadPurpose.SPREADSHEET, data, details={"plan": stored_plan(plan)}
            ).token

        preview_seconds, token = timed(preview)

        def confirm():
            upload = uploads.take(editor, UploadPurpose.SPREADSHEET, token)
            return write_stored_plan(upload.details["plan"], user=editor)

        confirm_seconds, counts = timed(confirm)
        assert counts["changed"] + counts["new"] == len(data.splitlines()) - 1
        return preview_seconds, confirm_seconds

    figures["preview"], figures["confirm"] = admin_steps(csv_for(rows, role="observer"))
    Participation.objects.all().delete()
    figures["largest_rows"] = largest
    figures["largest_preview"], figures["largest_confirm"] = admin_steps(csv_for(rows[:largest]))
    return figures


def report(results: dict[str, dict]) -> None:
    names = list(results)
    print(f"{'':40}" + "".join(f"{name:>22}" for name in names))

    def line(label, values, goal=""):
        print(f"{label:40}" + "".join(f"{value:>22}" for value in values) + f"   {goal}")

    line("rows", [f"{r['rows']:,}" for r in results.values()])
    line("bulk_create (the floor)", [f"{r['bulk_create']:.2f} s" for r in results.values()])
    for key, label in (("first", "first import"), ("unchanged", "unchanged re-import")):
        line(
            label,
            [f"{r[key]:.2f} s {r[key] / r['bulk_create']:5.1f}x" for r in results.values()],
            f"goal <= {GOALS[key]:g}x bulk_create",
        )
    line(
        "preview (read, check, keep the plan)", [f"{r['preview']:.2f} s" for r in results.values()]
    )
    line(
        "confirm (write the kept plan)",
        [f"{r['confirm']:.2f} s {r['confirm'] / r['preview']:5.2f}x" for r in results.values()],
        f"goal <= {GOALS['confirm']:g}x the preview",
    )
    line("peak memory, first import", [f"{r['peak_bytes'] / 1e6:.1f} MB" for r in results.values()])
    for key, label in (("largest_preview", "preview"), ("largest_confirm", "confirm")):
        line(
            f"largest allowed file, {label}",
            [f"{r[key]:.2f} s ({r['largest_rows']:,} rows)" for r in results.values()],
            f"goal < {GOALS['largest']:g} s without a progress bar",
        )


def main(databases: list[str]) -> None:
    results = {}
    for database in databases:
        figures = run_child("bench.imports", database, POSTGRES_URL)
        if figures is not None:
            results[database] = figures
    if results:
        report(results)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(measure()))
    else:
        main(sys.argv[1:] or ["sqlite", "postgresql"])
