"""Benchmark of the profile editor (issue 11, point 1): the Tripoli Process change page.

Printed side by side from one run, on a database of the run's own (SQLite, or DATABASE_URL):

- the page's HTML size, its ``<option>`` and form-field counts (the test suite guards the
  size and the option count: tests/test_editor.py);
- the server's time to render it, as a ratio to the admin index rendered in the same run
  (goal: at most 10x), the median of several renders each;
- in Debian's chromium (Playwright), against a server of the run's own: the time until the page
  is loaded (goal: at most 1 s), the page's height and whether anything is wider than the window
  at 1024 and 1280 px.

Never part of the test suite; nothing here gates CI.

    make bench          # or: .venv/bin/python -m bench.editor
"""

import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import setup_django

GOAL_SERVER_RATIO = 10
GOAL_LOAD_SECONDS = 1.0
GOAL_BYTES = 150_000
GOAL_OPTIONS = 2_000
RENDERS = 7
CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent


def prepared_database():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from rcp.models import Process

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not Process.objects.filter(slug="tripoli-process").exists():
        call_command("loaddata", str(ROOT / "fixtures" / "tripoli-process.json"), verbosity=0)
    user, _created = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    user.set_password("bench-editor-passphrase")
    user.save()
    return user, Process.objects.get(slug="tripoli-process")


def median_seconds(client, url: str) -> tuple[float, bytes]:
    times, body = [], b""
    for _ in range(RENDERS):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content
    return statistics.median(times), body


def server_figures(user, process) -> dict:
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    setup_test_environment()
    client = Client()
    client.force_login(user)
    index_seconds, _body = median_seconds(client, reverse("admin:index"))
    change_seconds, body = median_seconds(
        client, reverse("admin:rcp_process_change", args=[process.pk])
    )
    html = body.decode()
    return {
        "bytes": len(body),
        "options": len(re.findall(r"<option\b", html)),
        "fields": len(re.findall(r"<(?:input|select|textarea)\b", html)),
        "index": index_seconds,
        "change": change_seconds,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def browser_figures(process) -> dict:
    """The page in chromium, served by gunicorn from this checkout on the run's database."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "DJANGO_DEBUG": "false"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        figures = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            for width in (1280, 1024):
                context = browser.new_context(viewport={"width": width, "height": 800})
                page = context.new_page()
                page.goto(f"{base}/admin/login/")
                page.fill("#id_username", "bench-editor")
                page.fill("#id_password", "bench-editor-passphrase")
                page.click("input[type=submit]")
                page.wait_for_load_state("load")
                url = f"{base}/admin/rcp/process/{process.pk}/change/"
                loads = []
                for _ in range(3):
                    started = time.perf_counter()
                    page.goto(url, wait_until="load")
                    loads.append(time.perf_counter() - started)
                figures[width] = {
                    "load": statistics.median(loads),
                    "height": page.evaluate("document.documentElement.scrollHeight"),
                    "overflow": page.evaluate(
                        "document.documentElement.scrollWidth - window.innerWidth"
                    ),
                }
                context.close()
            browser.close()
        return figures
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    setup_django()
    user, process = prepared_database()
    server = server_figures(user, process)
    ratio = server["change"] / server["index"]
    print("Profile editor: the Tripoli Process change page (issue 11)")
    print(f"  HTML: {server['bytes'] / 1000:,.0f} KB (goal: at most {GOAL_BYTES / 1000:.0f} KB)")
    print(f"  <option> elements: {server['options']:,} (goal: at most {GOAL_OPTIONS:,})")
    print(f"  form fields: {server['fields']:,}")
    print(
        f"  server: {server['change'] * 1000:.0f} ms, admin index {server['index'] * 1000:.0f} ms:"
        f" {ratio:.1f}x (goal: at most {GOAL_SERVER_RATIO}x)"
    )
    if not os.access(CHROMIUM, os.X_OK):
        print(f"  browser: {CHROMIUM} is missing (make browser-deps)")
        return
    for width, figures in browser_figures(process).items():
        print(
            f"  chromium at {width} px: loaded in {figures['load']:.2f} s (goal: at most "
            f"{GOAL_LOAD_SECONDS:.0f} s), {figures['height']:,} px tall, "
            f"{max(figures['overflow'], 0)} px wider than the window (goal: 0)"
        )


if __name__ == "__main__":
    main()
