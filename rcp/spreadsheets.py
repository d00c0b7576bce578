"""Running a resource's import or export outside the admin: the management commands, the
whole-site round trip and the benchmarks share these."""

from pathlib import Path

from django.utils.translation import gettext as _
from import_export.command_utils import get_format_class
from import_export.results import RowResult

from rcp.formats import SafeCSV, SafeXLSX, check_file_size, format_for_file_name

SPREADSHEET_FORMATS = {"csv": SafeCSV, "xlsx": SafeXLSX}


def format_named(name: str | None, file_name: str | None = None):
    """Our safe CSV/XLSX for "CSV"/"XLSX" (or from the file name); anything else as the library
    resolves it."""
    if not name:
        return format_for_file_name(file_name or "")
    if name.casefold() in SPREADSHEET_FORMATS:
        return SPREADSHEET_FORMATS[name.casefold()]()
    return get_format_class(name, file_name)


def read_file(path: Path, format_name: str | None = None):
    """A dataset from a file on disk, refusing an oversized file before reading it."""
    check_file_size(path.stat().st_size)
    return format_named(format_name, path.name).create_dataset(path.read_bytes())


def export_bytes(resource, format_name: str = "CSV", queryset=None) -> bytes:
    file_format = format_named(format_name)
    data = file_format.export_data(resource.export(queryset=queryset))
    return data.encode("utf-8") if isinstance(data, str) else data


def describe_problems(resource, result) -> list[str]:
    """Every problem of an import (an :class:`~rcp.imports.write.ImportOutcome`), one line
    each: the line, the column and what is wrong."""
    return result.problem_lines()


def summarise(resource, result) -> str:
    totals = result.totals
    return _("%(new)d new, %(updated)d updated, %(skipped)d unchanged (skipped) %(what)s.") % {
        "new": totals[RowResult.IMPORT_TYPE_NEW],
        "updated": totals[RowResult.IMPORT_TYPE_UPDATE],
        "skipped": totals[RowResult.IMPORT_TYPE_SKIP],
        "what": resource._meta.model._meta.verbose_name_plural,
    }
