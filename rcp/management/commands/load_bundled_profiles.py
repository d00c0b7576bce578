from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from rcp.history import record_baseline
from rcp.models import Process


class Command(BaseCommand):
    help = (
        "Load the data bundled in fixtures/ into an empty database: the profiles, and the "
        "well-known organisations with their official names in English, French and Spanish. "
        "Does nothing once any profile exists, so editors' work is never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures-dir", default=str(Path(settings.BASE_DIR) / "fixtures"), type=Path
        )

    def handle(self, *args, fixtures_dir: Path, **options):
        if Process.objects.exists():
            self.stdout.write("Profiles already exist; bundled profiles not loaded.")
            return
        fixtures = sorted(str(path) for path in fixtures_dir.glob("*.json"))
        if not fixtures:
            self.stdout.write(f"No fixtures in {fixtures_dir}.")
            return
        call_command("loaddata", *fixtures, verbosity=0)
        record_baseline()
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {Process.objects.count()} bundled profile(s).")
        )
