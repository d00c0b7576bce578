"""The spreadsheet files IOM editors actually have: CSV from Excel, LibreOffice or Google Sheets,
and XLSX workbooks.

django-import-export's formats assume a well-formed UTF-8 file. These read what Excel writes
(UTF-8 with a byte-order mark, Windows-1252, semicolons as separators), refuse what is not a
spreadsheet with a message an editor can act on, refuse files over the configured limits before
parsing them, and escape every cell a spreadsheet would run as a formula on export.
"""

import csv
import io

import tablib
from django.conf import settings
from django.utils.translation import gettext as _
from import_export.formats import base_formats

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_ESCAPE = "'"

XLSX_SIGNATURE = b"PK\x03\x04"
MARKUP_STARTS = ("<!doctype", "<html", "<?xml", "<head", "<body", "<table", "<div", "<meta")


class ImportFileError(ValueError):
    """A file that cannot be read as a spreadsheet; the message says why and what to do."""


def check_upload_present(in_stream) -> None:
    """The admin's confirm step reads the upload back from the cache, which may have lost it."""
    if in_stream is None:
        raise ImportFileError(
            _("The uploaded file is no longer waiting for confirmation. Upload it again.")
        )


def max_import_bytes() -> int:
    return settings.RCP_IMPORT_MAX_BYTES


def max_import_rows() -> int:
    return settings.RCP_IMPORT_MAX_ROWS


def check_file_size(size: int) -> None:
    limit = max_import_bytes()
    if size > limit:
        raise ImportFileError(
            _(
                "The file is %(size)s, more than the %(limit)s an import may hold. Split it "
                "into smaller files, for example one per process."
            )
            % {"size": _megabytes(size), "limit": _megabytes(limit)}
        )


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def escape_formula(value):
    """Prefix an apostrophe, so a spreadsheet shows "=HYPERLINK(...)" as text, not a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return FORMULA_ESCAPE + value
    return value


def unescape_formula(value):
    """Undo :func:`escape_formula`, so exported files import back unchanged."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_ESCAPE)
        and value[1:].startswith(FORMULA_TRIGGERS)
    ):
        return value[1:]
    return value


def escaped_copy(dataset: tablib.Dataset) -> tablib.Dataset:
    escaped = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        escaped.append([escape_formula(cell) for cell in row])
    return escaped


def decode_text(data: bytes) -> str:
    """Text of a CSV file as Excel saves it: UTF-8 (with or without BOM), else Windows-1252."""
    if b"\x00" in data[:8192] or data.startswith(XLSX_SIGNATURE):
        raise ImportFileError(
            _(
                "This is not a CSV file: it looks like a binary file, such as an Excel workbook "
                "or a PDF renamed .csv. Choose the XLSX format for a workbook, or in Excel use "
                "File › Save As › “CSV UTF-8”."
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise ImportFileError(
                _(
                    "The file's characters could not be read. Save it from your spreadsheet as "
                    "“CSV UTF-8”."
                )
            ) from error
    if text.lstrip().lower().startswith(MARKUP_STARTS):
        raise ImportFileError(
            _(
                "This is not a CSV file: it is a web page (HTML or XML) renamed .csv. Export the "
                "data from your spreadsheet as “CSV UTF-8” instead."
            )
        )
    return text


def check_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """Refuse an empty file, a header-only file and one over the row limit."""
    if not dataset.headers or not any(str(h or "").strip() for h in dataset.headers):
        raise ImportFileError(_("The file is empty: it has no column names and no rows."))
    if len(dataset) == 0:
        raise ImportFileError(
            _("The file has column names but no rows of data: there is nothing to import.")
        )
    limit = max_import_rows()
    if len(dataset) > limit:
        raise ImportFileError(
            _(
                "The file has %(rows)d rows, more than the %(limit)d an import may hold. Split "
                "it into smaller files."
            )
            % {"rows": len(dataset), "limit": limit}
        )
    return dataset


def _overlong_row_message(text: str, delimiter: str) -> str:
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if row]
    width = len(rows[0])
    number = next((n for n, row in enumerate(rows[1:], 1) if len(row) > width), 1)
    return _(
        "Row %(row)d has %(cells)d cells but the file has %(columns)d column names. Put a value "
        "that contains “%(delimiter)s” in double quotes, or add the missing column name."
    ) % {"row": number, "cells": len(rows[number]), "columns": width, "delimiter": delimiter}


class SafeCSV(base_formats.CSV):
    """CSV that decodes Excel's encodings itself and escapes formulas on export."""

    def is_binary(self):
        # The upload is kept as bytes so that create_dataset() can pick the encoding.
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        check_upload_present(in_stream)
        if isinstance(in_stream, bytes | bytearray):
            check_file_size(len(in_stream))
            text = decode_text(bytes(in_stream))
        else:
            text = in_stream.lstrip("\ufeff")
        if not text.strip():
            raise ImportFileError(_("The file is empty: it has no column names and no rows."))
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        try:
            dataset = tablib.import_set(text, format="csv", delimiter=delimiter)
        except tablib.InvalidDimensions as error:
            # tablib's error has no message: say which row is too long.
            raise ImportFileError(_overlong_row_message(text, delimiter)) from error
        except csv.Error as error:
            raise ImportFileError(
                _(
                    "The file could not be read as CSV: %(error)s. Check that every row has the "
                    "same number of columns."
                )
                % {"error": error}
            ) from error
        return check_dataset(dataset)

    def export_data(self, dataset, **kwargs):
        # The byte-order mark makes Excel read the file as UTF-8, so accented names show
        # correctly; imports, here and in most tools, skip it.
        return "\ufeff" + super().export_data(escaped_copy(dataset), **kwargs)


class SafeXLSX(base_formats.XLSX):
    """XLSX that refuses non-workbooks clearly and escapes formulas on export."""

    def create_dataset(self, in_stream):
        check_upload_present(in_stream)
        data = bytes(in_stream)
        check_file_size(len(data))
        if not data.startswith(XLSX_SIGNATURE):
            raise ImportFileError(
                _(
                    "This is not an Excel workbook (.xlsx). Choose the CSV format for a CSV "
                    "file, or save the workbook from Excel as .xlsx."
                )
            )
        try:
            dataset = super().create_dataset(data)
        except Exception as error:
            raise ImportFileError(
                _("The workbook could not be read (%(error)s). Save it again from Excel as .xlsx.")
                % {"error": error}
            ) from error
        return check_dataset(dataset)

    def export_data(self, dataset, **kwargs):
        return super().export_data(escaped_copy(dataset), **kwargs)


FORMATS = [SafeCSV, SafeXLSX]


def format_for_file_name(file_name: str):
    """The format to read a file with, from its extension (CSV unless it ends in .xlsx)."""
    return SafeXLSX() if file_name.lower().endswith(".xlsx") else SafeCSV()
