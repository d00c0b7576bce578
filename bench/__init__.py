"""Benchmarks (`make bench`): figures printed as ratios with their goals, never gating CI."""

import os
import sys
import tempfile
from pathlib import Path


def setup_django() -> None:
    """Django set up from the checkout, on a SQLite file of the run's own unless
    DATABASE_URL is set (a benchmark never touches the local database)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if not os.environ.get("DATABASE_URL"):
        database = Path(tempfile.mkdtemp(prefix="rcp-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tripoli.settings")
    import django

    django.setup()
