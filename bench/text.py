"""Benchmark of formatted text (issue 10, point 1): the render time of the longest texts a
field accepts, built on the patterns that are slow for one step of the renderer or another.

For each, the best of three renders of a text at the limit (FORMATTED_TEXT_MAX_LENGTH), against
the goal of well under 100 ms, then the time for a text four times as long (which no field
accepts: it shows the growth, 4x for linear time, 16x for quadratic). Last, the text work of a
profile page whose two texts are at the limit (body, secretariat and summary, rendered once).
The renderer before issue 10 (Python-Markdown) took 2 s on one 20,000-character line and over
a minute on 20,000 "[".

Never part of the test suite; nothing here gates CI.

    make bench          # or: .venv/bin/python -m bench.text
"""

import os
import sys
import time
from pathlib import Path

GOAL_SECONDS = 0.1
GROWTH = 4


def worst_cases(length: int) -> dict[str, str]:
    def repeated(unit: str) -> str:
        return (unit * (length // len(unit) + 1))[:length]

    return {
        "one line of words": repeated("migration "),
        "one line without spaces": repeated("a"),
        "open brackets": repeated("["),
        "unclosed links": repeated("[a]("),
        "emphasis markers *_": repeated("*_"),
        "nested emphasis *a **b": repeated("*a **b "),
        "quotes in quotes >>>": repeated(">"),
        "lists in lists - + - +": repeated("- + "),
        "ampersands": repeated("&"),
        "double quotes": repeated('"'),
        "unclosed quoted attributes": repeated("<a x='"),
        "unclosed comments": repeated("<!--"),
        "unclosed scripts": repeated("<script>"),
        "nested html <ul><li>": repeated("<ul><li>"),
        "list items": repeated("- item\n"),
        "a line before each list": repeated("Text\n- item\n"),
        "numbered items": repeated("1. x\n"),
        "reference links": "[x]: https://x.org\n\n" + repeated("[x] "),
        "backticks": repeated("` a "),
        "hard line breaks": repeated("a  \n"),
    }


def best_of(runs: int, function) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tripoli.settings")
    import django

    django.setup()
    from rcp.models import Process
    from rcp.text import FORMATTED_TEXT_MAX_LENGTH, render_formatted_text

    limit = FORMATTED_TEXT_MAX_LENGTH
    print(
        f"Formatted text at the limit ({limit:,} characters); goal < {GOAL_SECONDS * 1000:.0f} ms"
    )
    print(
        f"{'text':30} {'at the limit':>12} {'of goal':>8} {f'{GROWTH}x as long':>12} {'growth':>7}"
    )
    at_limit, longer = worst_cases(limit), worst_cases(GROWTH * limit)
    slowest = 0.0
    for name, source in at_limit.items():
        seconds = best_of(3, lambda source=source: render_formatted_text(source))
        longer_seconds = best_of(3, lambda name=name: render_formatted_text(longer[name]))
        slowest = max(slowest, seconds)
        print(
            f"{name:30} {seconds * 1000:9.1f} ms {seconds / GOAL_SECONDS:8.2f} "
            f"{longer_seconds * 1000:9.1f} ms {longer_seconds / max(seconds, 1e-6):6.1f}x"
        )
    print(f"slowest: {slowest * 1000:.1f} ms, {slowest / GOAL_SECONDS:.2f} of the goal")

    def page_texts():
        process = Process(
            name="Bench process",
            objectives=at_limit["one line of words"],
            secretariat=at_limit["open brackets"],
        )
        for _ in range(5):  # body, meta and og: descriptions, JSON-LD, secretariat
            process.objectives_html, process.summary, process.secretariat_html  # noqa: B018

    seconds = best_of(3, page_texts)
    print(f"profile page with both texts at the limit: {seconds * 1000:.1f} ms of text work")


if __name__ == "__main__":
    main()
