from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rcp.history_records import Source, SourceKind, changeset
from rcp.legacy import limits
from rcp.legacy.parser import parse_page
from rcp.legacy.service import ImportRefused, import_profile
from rcp.workflow import COMMAND_LINE


class Command(BaseCommand):
    help = (
        "Import IOM legacy profile pages (the text a browser copies, or the saved HTML): "
        "create or update each profile (matched by name or acronym) and print what the page "
        "has wrong. Profiles are drafts unless --publish. A page naming something that is not "
        "a country is not imported unless --accept-suggestions. Exits non-zero if any page "
        "was not imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and check everything; write nothing."
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publish the profiles (default: drafts)."
        )
        parser.add_argument(
            "--accept-suggestions",
            action="store_true",
            help="Use the suggested country for each name that is not a country "
            "(“Eriteria” -> Eritrea); names with no suggestion are left out.",
        )
        parser.add_argument(
            "--name", help="The process's name, when the page has no title (one FILE only)."
        )

    def handle(self, *args, files, dry_run, publish, accept_suggestions, name, **options):
        if name and len(files) > 1:
            raise CommandError("--name names one profile: give a single FILE with it.")
        failed = []
        for path in files:
            self.stdout.write(self.style.MIGRATE_HEADING(f"== {path}"))
            if not path.is_file():
                self.stderr.write(self.style.ERROR(f"There is no file at {path}."))
                failed.append(path)
                continue
            try:
                limits.check_size(path.stat().st_size)
                parsed, report = parse_page(path.read_bytes(), name=name)
            except limits.PageTooLarge as error:
                self.stderr.write(self.style.ERROR(f"{path}: {error}"))
                failed.append(path)
                continue
            self.stdout.write(parsed.summary())
            command = f"manage.py import_legacy_page {path.name}"
            try:
                with changeset(Source(SourceKind.COMMAND, command)):
                    outcome = import_profile(
                        parsed,
                        report,
                        user=COMMAND_LINE,
                        publish=publish,
                        accept_suggestions=accept_suggestions,
                        dry_run=dry_run,
                        source_name=path.name,
                    )
            except ImportRefused as refused:
                self.write_report(report)
                for problem in refused.problems:
                    self.stderr.write(self.style.ERROR(problem))
                self.stderr.write(self.style.ERROR(f"{path}: not imported."))
                failed.append(path)
                continue
            self.write_report(report)
            prefix = "Dry run, nothing written: " if dry_run else ""
            self.stdout.write(self.style.SUCCESS(prefix + outcome.describe()))
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(files)} page(s) not imported: "
                + ", ".join(str(path) for path in failed)
            )

    def write_report(self, report) -> None:
        self.stdout.write("Report:")
        for line in report.lines():
            self.stdout.write(f"  {line}")
