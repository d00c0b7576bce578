from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rcp.history_records import Source, SourceKind, changeset
from rcp.legacy import limits
from rcp.legacy import report as kinds
from rcp.legacy.labels import LANGUAGES
from rcp.legacy.parser import parse_page
from rcp.legacy.service import ImportRefused, import_profile
from rcp.workflow import COMMAND_LINE


class Command(BaseCommand):
    help = (
        "Import IOM legacy profile pages (the text a browser copies, or the saved HTML): "
        "create or update each profile (matched by name or acronym) and print what the page "
        "has wrong, and what the import changed. Profiles are drafts unless --publish. A page "
        "naming something that is not a country is not imported unless --accept-suggestions. "
        "What a published profile has and the page does not list stays unless "
        "--remove-unlisted. A French or Spanish page (its language is that of its labels, or "
        "--language) fills that language's texts of the profile it translates, which must exist. "
        "Exits non-zero if any page was not imported."
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
            "--remove-unlisted",
            action="store_true",
            help="On a published profile, also remove the countries, organisations, focus "
            "areas, meetings and chairs the page does not list (a draft loses them anyway).",
        )
        parser.add_argument(
            "--name", help="The process's name, when the page has no title (one FILE only)."
        )
        parser.add_argument(
            "--language",
            choices=LANGUAGES,
            help="The language the pages are written in (default: that of their labels).",
        )

    def handle(
        self,
        *args,
        files,
        dry_run,
        publish,
        accept_suggestions,
        remove_unlisted,
        name,
        language=None,
        **options,
    ):
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
                parsed, report = parse_page(path.read_bytes(), name=name, language=language)
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
                        remove_unlisted=remove_unlisted,
                        dry_run=dry_run,
                        source_name=path.name,
                    )
            except ImportRefused as refused:
                self.write_report(report)
                for problem in refused.problems:
                    self.stderr.write(self.style.ERROR(problem))
                if any(f.kind == kinds.UNKNOWN_NAME for f in report.blocking()):
                    self.stderr.write("Give --accept-suggestions to use the suggested countries.")
                self.stderr.write(self.style.ERROR(f"{path}: not imported."))
                failed.append(path)
                continue
            self.write_report(report)
            if report.of_kind(kinds.NAME):
                self.stdout.write("Give --name to set the profile's name.")
            self.write_plan(outcome.plan)
            prefix = "Dry run, nothing written: " if dry_run else ""
            self.stdout.write(self.style.SUCCESS(prefix + outcome.describe()))
            if outcome.kept_unlisted:
                self.stdout.write("Give --remove-unlisted to remove them.")
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(files)} page(s) not imported: "
                + ", ".join(str(path) for path in failed)
            )

    def write_plan(self, plan) -> None:
        """What the import changes in an existing profile, part by part."""
        if plan.created:
            return
        if plan.is_translation:
            self.stdout.write(plan.translation_summary())
            for difference in plan.differences:
                self.stdout.write(f"  Not imported: {difference}")
        if plan.changes_nothing:
            self.stdout.write("Changes: none, the page matches the profile.")
            return
        self.stdout.write("Changes:")
        for change in plan.field_changes:
            self.stdout.write(f"  {change.label}: {_arrow(change)}")
        for part in plan.parts_on_page:
            if not part.has_rows:
                continue
            unlisted = "not on the page" if plan.removals_need_consent else "to remove"
            self.stdout.write(
                f"  {part.heading}: {len(part.added)} to add, {len(part.changed)} to change, "
                f"{len(part.unlisted)} {unlisted}"
            )
            for row in part.added:
                self.stdout.write(f"    + {row.label}")
            for row in part.changed:
                changes = "; ".join(f"{c.label}: {_arrow(c)}" for c in row.changes)
                self.stdout.write(f"    ~ {row.label}: {changes}")
            for row in part.unlisted:
                self.stdout.write(f"    - {row.label}")
        for part in plan.parts_kept:
            self.stdout.write(f"  {part.heading}: not on the page, kept as they are")

    def write_report(self, report) -> None:
        self.stdout.write("Report:")
        for line in report.lines():
            self.stdout.write(f"  {line}")


def _arrow(change) -> str:
    return f"{change.old or '—'} -> {change.new or '—'}"
