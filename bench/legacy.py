"""Benchmark of the legacy page parser (issue 10, point 6): pages at the size limit.

Each page below is built here at the limit of a legacy page (RCP_LEGACY_MAX_BYTES, 1 MB, and
MAX_LINES lines), in one of the shapes that were slow for one step of the parser or another:
many list lines, names that are not countries, one huge line, many meetings and dates, huge
tables, deep HTML, many blank lines, organisations joined by "and", and a page over the line
limit (refused while it is read). Before issue 10 half a megabyte of member lines took 14.7 s
and pages of 2-5 MB passed the worker's 30 s timeout.

For each, in a process of its own (a page that takes too long is stopped): the time to parse
the page at the limit, the time per MB, the ratio to a linear baseline (decoding the same bytes
and splitting them into lines, the least any reader does), and the growth from a quarter of the
page to the whole (4x for linear time, 16x for quadratic). The goal: every page at the limit in
under 5 s, growing linearly. Then one admin upload of a page at the limit, preview included.

Never part of the test suite; nothing here gates CI.

    make bench          # or: .venv/bin/python -m bench.legacy [SHAPE ...]
"""

import json
import random
import subprocess
import sys
import time

from bench import setup_django

GOAL_SECONDS = 5.0
TIMEOUT_SECONDS = 120
GROWTH = 4

HEAD = (
    "Sample Dialogue on Migration (SDM)\n"
    "Type: Regional consultative process on migration (region covered: West Africa)\n"
    "Established: 2005\n"
    "Objectives\n"
    "The Sample Dialogue on Migration is a forum where ministries exchange practice.\n"
)
COUNTRIES = [
    "Ghana",
    "Senegal",
    "Mali",
    "Côte d'Ivoire",
    "Burkina Faso",
    "Trinidad and Tobago",
    "Guinea-Bissau",
    "the Netherlands",
    "St Lucia",
    "Democratic Republic of the Congo",
]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("aeioubcdfgklmnprstvz") for _ in range(rng.randint(4, 9)))


def _lines(head: str, size: int, lines: int, line) -> str:
    """``head`` and then up to ``lines`` lines from ``line(i)``, to ``size`` bytes at most."""
    rng = random.Random(10)
    lines -= head.count("\n") + 5  # the page's other lines count too
    width = max(size - len(head.encode()), 0) // max(lines, 1)
    out, total = [head], len(head.encode())
    for index in range(lines):
        text = line(index, rng, width)
        if total + len(text.encode()) > size:
            break
        out.append(text)
        total += len(text.encode())
    return "".join(out)


def _fill(unit, width: int, rng) -> str:
    parts, length = [], 0
    while length < width - 2:
        part = unit(rng)
        parts.append(part)
        length += len(part.encode()) + 2
    return ", ".join(parts)


def shapes(size: int, lines: int) -> dict[str, str]:
    """The pages: ``size`` bytes and ``lines`` lines at most."""

    def country(rng):
        return rng.choice(COUNTRIES)

    def unknown(rng):
        return _word(rng).capitalize()

    def organisation(rng):
        name = _word(rng).capitalize()
        return f"{name} Organization for Migration ({name[:4].upper()})"

    def meeting(index, rng, width):
        title = " ".join(_word(rng) for _ in range(max(width // 8 - 6, 1)))
        return f"- Ministerial Conference on {title}, Accra, Ghana, 3–4 May {2000 + index % 20}\n"

    def dates(index, rng, width):
        days = ", ".join(f"{rng.randint(1, 28)} May {2000 + n}" for n in range(6))
        return f"- Meeting {index} on {days}\n"

    def long_line(unit: str) -> str:
        return (unit * (size // len(unit.encode()) + 1))[: size - len(HEAD) - 20]

    html_head = (
        "<!DOCTYPE html><html><head><title>Sample Dialogue on Migration</title></head><body>"
        "<h1>Sample Dialogue on Migration</h1><p>Established: 2005</p><h2>Members</h2>"
    )
    return {
        "member lines (many countries each)": _lines(
            HEAD + "Members\n", size, lines, lambda i, r, w: "- " + _fill(country, w, r) + "\n"
        ),
        "names that are not countries": _lines(
            HEAD + "Members\n", size, lines, lambda i, r, w: "- " + _fill(unknown, w, r) + "\n"
        ),
        "one member line of 1 MB": HEAD + "Members\n" + long_line("Ghana, Senegal, Mali, "),
        "one line of 1 MB of capitals": HEAD + "Members\n" + long_line("Ab"),
        "one paragraph of 1 MB": HEAD + long_line("The ministries meet. ") + "\n",
        "many meetings": _lines(HEAD + "Meetings\n", size, lines, meeting),
        "many dates": _lines(HEAD + "Meetings\n", size, lines, dates),
        "organisations joined by and": _lines(
            HEAD + "Observers\nObserver Organizations\n",
            size,
            lines,
            lambda i, r, w: " and ".join(organisation(r) for _ in range(w // 45 or 1)) + "\n",
        ),
        "prose lines before the fields": _lines(
            "",
            size - len(HEAD),
            lines - 5,
            lambda i, r, w: " ".join(_word(r) for _ in range(w // 7)).capitalize() + ".\n",
        )
        + HEAD,
        "HTML table of countries": _lines(
            html_head + "<table>",
            size - 30,
            lines,
            lambda i, r, w: (
                "<tr>" + "".join(f"<td>{country(r)}</td>" for _ in range(max(w // 25, 1))) + "</tr>"
            ),
        )
        + "</table></body></html>",
        "deeply nested HTML": html_head + "<div><span>" * (size // 13) + "Ghana",
        "unclosed HTML comments": html_head + "<p>Ghana</p>" + "<!-- x " * (size // 8),
        "many blank lines": HEAD + "Members\n- Ghana\n" + "\n \n\t\n" * (size // 5),
        "over the line limit (refused)": HEAD
        + "Members\n"
        + "- Ghana\n" * ((size - len(HEAD)) // 8),
    }


def measure(name: str) -> dict:
    """Parse one shape at a quarter of the limit and at the limit (in this process)."""
    setup_django()
    from rcp.legacy import limits
    from rcp.legacy.extract import decode
    from rcp.legacy.parser import parse_page

    parse_page("Sample\nEstablished: 2005\n")  # load the tables of countries and cities first
    result = {}
    for label, scale in (("quarter", GROWTH), ("full", 1)):
        page = shapes(limits.max_bytes() // scale, limits.MAX_LINES // scale)[name].encode()
        started = time.perf_counter()
        decode(page).splitlines()
        baseline = time.perf_counter() - started
        started = time.perf_counter()
        try:
            parse_page(page)
            outcome = "read"
        except limits.PageTooLarge:
            outcome = "refused"
        result[label] = {
            "seconds": time.perf_counter() - started,
            "baseline": baseline,
            "bytes": len(page),
            "outcome": outcome,
        }
    return result


def upload_at_the_limit() -> tuple[float, int, int]:
    """One admin upload and preview of the page of many meetings (the largest preview), on a
    SQLite file of its own (or DATABASE_URL)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from rcp.legacy import limits
    from rcp.models import PendingUpload

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(
        username="bench-legacy", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    page = shapes(limits.max_bytes(), limits.MAX_LINES)["many meetings"].encode()
    started = time.perf_counter()
    response = client.post(
        "/admin/rcp/process/import-legacy-page/",
        {"page_file": SimpleUploadedFile("meetings.txt", page)},
    )
    elapsed = time.perf_counter() - started
    kept = PendingUpload.objects.filter(user=user).first()
    return elapsed, response.status_code, kept.size if kept else 0


def main(names: list[str]) -> None:
    setup_django()
    from rcp.legacy import limits

    size, lines = limits.max_bytes(), limits.MAX_LINES
    names = names or list(shapes(1000, 10))
    print(
        f"Legacy pages at the limit ({size / 1024 / 1024:.1f} MB, {lines:,} lines): parse time"
        f" (goal: under {GOAL_SECONDS:.0f} s), per MB, ratio to decoding and splitting the same"
        f" bytes, and growth from a quarter of the page (goal: about {GROWTH}x, linear)"
    )
    worst = 0.0
    for name in names:
        command = [sys.executable, "-m", "bench.legacy", "--child", name]
        try:
            child = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=True
            )
        except subprocess.TimeoutExpired:
            print(f"  {name:38} more than {TIMEOUT_SECONDS} s (stopped)")
            worst = float("inf")
            continue
        result = json.loads(child.stdout.strip().splitlines()[-1])
        full, quarter = result["full"], result["quarter"]
        seconds, megabytes = full["seconds"], full["bytes"] / 1024 / 1024
        worst = max(worst, seconds)
        print(
            f"  {name:38} {seconds:6.2f} s  {seconds / megabytes:6.2f} s/MB"
            f"  x{seconds / max(full['baseline'], 1e-6):6.0f} baseline"
            f"  growth x{seconds / max(quarter['seconds'], 1e-6):4.1f}"
            f"  ({full['outcome']}, {full['bytes'] / 1024:.0f} KB)"
        )
    verdict = "met" if worst < GOAL_SECONDS else "NOT met"
    print(f"  slowest: {worst:.2f} s (goal under {GOAL_SECONDS:.0f} s: {verdict})")
    if "many meetings" in names:
        elapsed, status, kept = upload_at_the_limit()
        print(
            f"Admin upload and preview of the page of many meetings: {elapsed:.2f} s "
            f"(status {status}; {kept / 1024:.0f} KB kept for its confirmation)"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(measure(sys.argv[2])))
    else:
        main(sys.argv[1:])
