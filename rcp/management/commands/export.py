from django.core.management.base import CommandError
from import_export.command_utils import get_resource_class
from import_export.management.commands import export as library_export

from rcp.spreadsheets import export_bytes


class Command(library_export.Command):
    help = (
        "Export every record of a resource to standard output as CSV or XLSX, e.g. "
        "`export CSV rcp.resources.ParticipationResource > countries.csv`. Cells that a "
        "spreadsheet would run as formulas are escaped."
    )

    def handle(self, *args, **options):
        resource = get_resource_class(options["resource"])()
        data = export_bytes(resource, options["format"])
        if options["format"].casefold() != "csv" and self.stdout.isatty():
            raise CommandError("XLSX is binary: redirect the output to a file.")
        self.stdout.buffer.write(data)
        self.stdout.flush()
