import importlib
from pathlib import Path

from django.core.management.base import CommandError
from import_export.command_utils import get_resource_class

from rcp.formats import ImportFileError
from rcp.history_records import Source, SourceKind, changeset
from rcp.spreadsheets import describe_problems, read_file, summarise
from rcp.workflow import COMMAND_LINE

# "import" is a keyword, so the library's command module is loaded by name.
library_import = importlib.import_module("import_export.management.commands.import")


class Command(library_import.Command):
    help = (
        "Import a CSV or XLSX file through a resource, e.g. "
        "`import rcp.resources.ParticipationResource members.csv --noinput`. "
        "Every row is validated as in the admin; one bad row and nothing is written, "
        "and the command exits non-zero with the row, column and problem of each error."
    )

    def handle(self, *args, **options):
        if (
            options["interactive"]
            and input("Are you sure you want to import the data? [yes/no]: ") != "yes"
        ):
            raise CommandError("Import cancelled.")
        if options["import_file_name"] == "-":
            raise CommandError(
                "Give the file's path: reading from standard input is not supported."
            )

        resource = get_resource_class(options["resource"])()
        path = Path(options["import_file_name"])
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        try:
            dataset = read_file(path, options.get("format"))
        except ImportFileError as error:
            raise CommandError(f"{path}: {error} Nothing was imported.") from error

        dry_run = options.get("dry_run")
        with changeset(Source(SourceKind.COMMAND, f"manage.py import {path.name}")):
            result = resource.import_data(
                dataset,
                dry_run=dry_run,
                raise_errors=False,
                rollback_on_validation_errors=True,
                user=COMMAND_LINE,  # the IT team: may publish (see rcp.workflow)
            )
        if result.has_errors() or result.has_validation_errors():
            for line in describe_problems(resource, result):
                self.stderr.write(self.style.ERROR(line))
            raise CommandError(f"{path}: the file has errors. Nothing was imported.")
        prefix = "Dry run, nothing written: " if dry_run else "Imported: "
        self.stdout.write(self.style.SUCCESS(prefix + summarise(resource, result)))
