"""The spreadsheet files IOM editors actually have: CSV from Excel, LibreOffice or Google Sheets,
and XLSX workbooks.

django-import-export's formats assume a well-formed UTF-8 file. These read what Excel writes
(UTF-8 with a byte-order mark, Windows-1252, semicolons as separators), refuse what is not a
spreadsheet with a message an editor can act on, and escape every cell a spreadsheet would run
as a formula on export.

They also refuse a file that would cost more to read than an import is worth, before it costs
it: a file over the size limit before it is read; a workbook whose parts expand too much (a
"zip bomb": 300 KB holding a 300 MB cell) or hold more XML than the row limit needs before any
part is parsed (:func:`check_workbook_parts`); rows past the row limit as soon as the first one
is met, since rows are read one at a time (:func:`dataset_from_rows`), not after loading them
all. Every cell is checked as it is read: its length, and characters no database or workbook
can hold. Messages quote at most :func:`excerpt` of a cell.
"""

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator

import openpyxl
import tablib
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from import_export.formats import base_formats

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_ESCAPE = "'"

XLSX_SIGNATURE = b"PK\x03\x04"
#: Files that are certainly not CSV: a zip (XLSX, ODS, DOCX), an old Office file, a PDF, gzip.
BINARY_SIGNATURES = (XLSX_SIGNATURE, b"\xd0\xcf\x11\xe0", b"%PDF", b"\x1f\x8b")
MARKUP_STARTS = ("<!doctype", "<html", "<?xml", "<head", "<body", "<table", "<div", "<meta")

#: The most characters a cell may hold: Excel's own limit, so no workbook an editor made holds
#: more, and more than any field an import writes needs (formatted text holds 20,000).
MAX_CELL_CHARS = 32_767
#: The most columns a file may have; the widest import reads 14.
MAX_COLUMNS = 30
#: How much of a cell a message quotes.
EXCERPT_CHARS = 60
#: Characters no cell may hold: PostgreSQL cannot store a NUL, and an XLSX file can hold none of
#: these, so a record holding one could not be exported. (Tab, line feed and carriage return
#: are text.)
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# An XLSX file is a zip of XML parts, checked before any is parsed. The costs measured: reading
# one XML element of a sheet or of the shared-string table takes a few microseconds, one of the
# style sheet about forty, so each is counted (by its "<") against a budget.
#: At most this many parts.
XLSX_MAX_PARTS = 1_000
#: All parts together expand to at most this many times the upload limit.
XLSX_MAX_EXPANSION = 8
#: A part of more than a megabyte compressed more than this is a bomb: workbooks compress
#: about tenfold.
XLSX_MAX_RATIO = 100
XLSX_RATIO_FROM_BYTES = 1024 * 1024
#: XML tags the sheets and the shared-string table may hold together, per row of the row limit:
#: a row of 14 cells of distinct text holds about 115 as Excel writes it (a shared string each),
#: 86 as openpyxl does.
XLSX_TAGS_PER_ROW = 120
#: XML tags any other part (styles, workbook, properties) may hold.
XLSX_MAX_OTHER_TAGS = 50_000


class ImportFileError(ValueError):
    """A file that cannot be read as a spreadsheet; the message says why and what to do."""


def check_upload_present(in_stream) -> None:
    """An upload that is no longer there (``None``) is reported, not a server error."""
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


def excerpt(value, limit: int = EXCERPT_CHARS) -> str:
    """A cell as a message quotes it: whole if short, else its start and its length, so that a
    page of errors never repeats a huge cell. Invisible control characters show as "�"."""
    text = str(value)
    start = CONTROL_CHARACTER.sub("\ufffd", text[:limit])
    if len(text) <= limit:
        return start
    return _("%(start)s… (%(length)s characters)") % {"start": start, "length": f"{len(text):,}"}


def _escaped(value) -> bool:
    return isinstance(value, str) and value.startswith((*FORMULA_TRIGGERS, FORMULA_ESCAPE))


def escape_formula(value):
    """Prefix an apostrophe, so a spreadsheet shows "=HYPERLINK(...)" as text, not a formula.

    A value that already starts with an apostrophe gets one too, so that the import, which
    removes one apostrophe before a formula or an apostrophe, gives back exactly the value
    exported ("'=1+1" is exported as "''=1+1")."""
    return FORMULA_ESCAPE + value if _escaped(value) else value


def unescape_formula(value):
    """Undo :func:`escape_formula`, so exported files import back unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_ESCAPE) and _escaped(value[1:]):
        return value[1:]
    return value


def escaped_copy(dataset: tablib.Dataset, clean=None) -> tablib.Dataset:
    escaped = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        escaped.append([escape_formula(clean(cell) if clean else cell) for cell in row])
    return escaped


def workbook_text(value):
    """``value`` as a workbook can hold it: openpyxl refuses control characters, which text
    pasted into the admin may carry (Word's manual line break is a vertical tab). That one
    becomes a line break; the others, invisible anyway, are dropped, so an export never fails."""
    if isinstance(value, str) and CONTROL_CHARACTER.search(value):
        return CONTROL_CHARACTER.sub("", value.replace("\x0b", "\n"))
    return value


_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # bytes that are not UTF-8, as surrogateescape reads them
_UTF8_LETTER = re.compile("[^\x00-\x7f\udc80-\udcff]")  # a character UTF-8 encodes in several bytes


def _looks_binary(data: bytes) -> bool:
    """A known binary signature, or control bytes in more than a tenth of the first 8 KB (a
    text file with a NUL in one cell is text, whose cell is refused with its row and column)."""
    head = data[:8192]
    return data.startswith(BINARY_SIGNATURES) or len(_BINARY_BYTES.findall(head)) * 10 > len(head)


def decode_text(data: bytes) -> str:
    """Text of a CSV file as Excel saves it: UTF-8 (with or without BOM), else Windows-1252, but
    never a mix of the two (which would garble the UTF-8 lines)."""
    if _looks_binary(data):
        raise ImportFileError(
            _(
                "This file is neither a CSV file nor an Excel workbook (.xlsx): it looks like "
                "another kind of file, such as an old Excel workbook (.xls) or a PDF. In Excel "
                "use File › Save As › “Excel Workbook (.xlsx)” or “CSV UTF-8”."
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _decode_windows_1252(data)
    if text.lstrip().lower().startswith(MARKUP_STARTS):
        raise ImportFileError(
            _(
                "This is not a CSV file: it is a web page (HTML or XML) renamed .csv. Export the "
                "data from your spreadsheet as “CSV UTF-8” instead."
            )
        )
    return text


def _decode_windows_1252(data: bytes) -> str:
    """A file that is not all UTF-8: Windows-1252, unless some of its lines are UTF-8.

    Such a file was pasted together from two sources; read as Windows-1252, its UTF-8 lines
    would be stored garbled ("Organización" as "OrganizaciÃ³n"), read as UTF-8 the others would
    be lost. Neither is right: the editor is told which lines to fix."""
    utf8_lines, other_lines = 0, []
    for number, line in enumerate(data.split(b"\n"), 1):
        if line.isascii():
            continue
        text = line.decode("utf-8", "surrogateescape")
        if _NOT_UTF8.search(text):
            other_lines.append(number)
        if _UTF8_LETTER.search(text):
            utf8_lines += 1
    if utf8_lines and other_lines:
        shown = ", ".join(str(number) for number in other_lines[:10])
        if len(other_lines) > 10:
            shown += " " + _("and %(count)d more") % {"count": len(other_lines) - 10}
        raise ImportFileError(
            ngettext(
                "The file mixes two encodings: it is UTF-8, but line %(lines)s is in another "
                "encoding (probably Windows-1252), so its accented letters would be garbled. "
                "Save the whole file again from your spreadsheet as “CSV UTF-8”, or retype "
                "the accented letters of that line (the column names are line 1).",
                "The file mixes two encodings: it is UTF-8, but lines %(lines)s are in another "
                "encoding (probably Windows-1252), so their accented letters would be garbled. "
                "Save the whole file again from your spreadsheet as “CSV UTF-8”, or retype "
                "the accented letters of those lines (the column names are line 1).",
                len(other_lines),
            )
            % {"lines": shown}
        )
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _(
                "The file's characters could not be read. Save it from your spreadsheet as "
                "“CSV UTF-8”."
            )
        ) from error


def check_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """Refuse an empty file and a header-only file."""
    if not dataset.headers or not any(str(h or "").strip() for h in dataset.headers):
        raise ImportFileError(_("The file is empty: it has no column names and no rows."))
    if len(dataset) == 0:
        raise ImportFileError(
            _("The file has column names but no rows of data: there is nothing to import.")
        )
    return dataset


# Reading rows one at a time ----------------------------------------------------------------


def _too_many_rows(*, sheet: bool) -> ImportFileError:
    message = _(
        "The file has more than the %(limit)s rows an import may hold. Split it into smaller files."
    ) % {"limit": f"{max_import_rows():,}"}
    if sheet:
        message += " " + _("Empty rows of the sheet count too: delete any below the data.")
    return ImportFileError(message)


def _cell_problem(value) -> str | None:
    """What is wrong with a cell's value, if anything."""
    if not isinstance(value, str):
        return None
    if len(value) > MAX_CELL_CHARS:
        return _(
            "the cell holds %(length)s characters, more than the %(limit)s a cell may hold "
            "(it starts “%(start)s”). Shorten it."
        ) % {
            "length": f"{len(value):,}",
            "limit": f"{MAX_CELL_CHARS:,}",
            "start": excerpt(value[:EXCERPT_CHARS]),
        }
    found = CONTROL_CHARACTER.search(value)
    if found:
        code = f"U+{ord(found.group()):04X}"
        if found.group() == "\x00":
            code += ", " + _("a NUL byte")
        return _(
            "the cell holds an invisible control character (%(code)s) that cannot be stored. "
            "Delete it (it often comes with text copied from another program) and import "
            "the file again."
        ) % {"code": code}
    return None


def _column_names(headers) -> list[str]:
    """The columns as messages name them, each header checked like a cell."""
    names = []
    for number, header in enumerate(headers, 1):
        problem = _cell_problem(header)
        if problem:
            raise ImportFileError(
                _("The name of column %(number)d is not usable: %(problem)s")
                % {"number": number, "problem": problem}
            )
        name = str(header if header is not None else "").strip()
        names.append(excerpt(name) if name else _("column %(number)d") % {"number": number})
    return names


def _check_width(headers) -> None:
    if len(headers) > MAX_COLUMNS:
        raise ImportFileError(
            _(
                "The file has more than %(limit)d columns; no import reads that many. Keep "
                "only the columns to import (the import page lists them)."
            )
            % {"limit": MAX_COLUMNS}
        )


def dataset_from_rows(
    headers, rows: Iterable, *, sheet: bool = False, lines: list[int] | None = None
) -> tablib.Dataset:
    """The dataset of a header and rows read one at a time: each cell is checked as it comes,
    and reading stops at the first row past the row limit. (A ``sheet``'s empty rows are
    rows; a CSV file's blank lines are skipped.) ``lines``: the line of each row as it is
    read, when it is not the row's number plus one (the column names' line)."""
    headers = list(headers)
    _check_width(headers)
    if not any(str(header if header is not None else "").strip() for header in headers):
        raise ImportFileError(_("The file is empty: it has no column names and no rows."))
    names = _column_names(headers)
    dataset = tablib.Dataset(headers=headers)
    limit = max_import_rows()
    # A workbook's cells may all point at one long shared string: bound the text the rows
    # hold once read, at what a CSV file within the size limit could hold.
    text_limit, text = max_import_bytes(), 0
    for number, row in enumerate(rows, 1):
        if number > limit:
            raise _too_many_rows(sheet=sheet)
        line = lines[-1] if lines else number + 1
        for value, name in zip(row, names, strict=False):
            problem = _cell_problem(value)
            if problem:
                raise ImportFileError(
                    _("Line %(line)d, column “%(column)s”: %(error)s")
                    % {"line": line, "column": name, "error": problem}
                )
            if isinstance(value, str):
                text += len(value)
        if text > text_limit:
            raise ImportFileError(
                _(
                    "By line %(line)d the file already holds more than %(limit)s of text once "
                    "read, more than an import may hold (in a workbook, text repeated in many "
                    "cells counts each time). Split it into smaller files."
                )
                % {"line": line, "limit": _megabytes(text_limit)}
            )
        dataset.append(row)
    return check_dataset(dataset)


def _csv_rows(reader, width: int, delimiter: str, lines: list[int]) -> Iterator[list]:
    """The data rows of a CSV file: blank lines skipped, short rows padded, a long one refused.

    ``lines`` receives each row's line as a spreadsheet numbers it (the column names are line
    1, a blank line counts, a cell over several lines is one), for messages to name."""
    number = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportFileError(
                _(
                    "Line %(line)d could not be read as CSV: %(error)s. Check that every line "
                    "has the same number of columns."
                )
                % {"line": number + 1, "error": excerpt(error)}
            ) from error
        number += 1
        if not row:
            continue
        if len(row) > width:
            raise ImportFileError(
                _(
                    "Line %(line)d has %(cells)d cells but the file has %(columns)d column "
                    "names. Put a value that contains “%(delimiter)s” in double quotes, or add "
                    "the missing column name."
                )
                % {"line": number, "cells": len(row), "columns": width, "delimiter": delimiter}
            )
        lines.append(number)
        yield row + [""] * (width - len(row))


class SafeCSV(base_formats.CSV):
    """CSV that decodes Excel's encodings itself and escapes formulas on export."""

    shown_name = gettext_lazy("CSV file")

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
        first_line = text[: text.find("\n")] if "\n" in text else text
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        # The csv module refuses a field of over 131,072 characters with an error that names
        # neither its row nor its column. The file is within the size limit already, so let
        # it read any field and refuse a long cell where its row and column are known. (The
        # limit is the process's: raising it only lets other readers accept longer fields.)
        csv.field_size_limit(max(csv.field_size_limit(), max_import_bytes()))
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            headers = next(reader, [])
        except csv.Error as error:
            raise ImportFileError(
                _("The column names could not be read as CSV: %(error)s.")
                % {"error": excerpt(error)}
            ) from error
        lines: list[int] = []
        rows = _csv_rows(reader, len(headers), delimiter, lines)
        dataset = dataset_from_rows(headers, rows, lines=lines)
        dataset.rcp_lines = lines  # see rcp.imports.plan
        return dataset

    def export_data(self, dataset, **kwargs):
        # The byte-order mark makes Excel read the file as UTF-8, so accented names show
        # correctly; imports, here and in most tools, skip it.
        return "\ufeff" + super().export_data(escaped_copy(dataset), **kwargs)


def check_workbook_parts(data: bytes) -> None:
    """Refuse a workbook that would expand too much, before any of its parts is parsed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise _unreadable_workbook(error) from error
    with archive:
        parts = archive.infolist()
        expanded = sum(part.file_size for part in parts)
        if (
            len(parts) > XLSX_MAX_PARTS
            or expanded > max_import_bytes() * XLSX_MAX_EXPANSION
            or any(
                part.file_size > XLSX_RATIO_FROM_BYTES
                and part.file_size > XLSX_MAX_RATIO * part.compress_size
                for part in parts
            )
        ):
            raise _oversized_workbook(expanded)
        budget = (max_import_rows() + 1) * XLSX_TAGS_PER_ROW
        for part in parts:
            holds_cells = part.filename.startswith("xl/worksheets/") or part.filename == (
                "xl/sharedStrings.xml"
            )
            limit = budget if holds_cells else min(budget, XLSX_MAX_OTHER_TAGS)
            try:
                tags = _count_tags(archive, part, limit)
            except Exception as error:  # a damaged, encrypted or unsupported part
                raise _unreadable_workbook(error) from error
            budget -= tags
            if tags > limit:
                raise _oversized_workbook(expanded)


def _count_tags(archive: zipfile.ZipFile, part: zipfile.ZipInfo, limit: int) -> int:
    """The "<" in a part, reading it a megabyte at a time and stopping past ``limit``."""
    count = 0
    with archive.open(part) as stream:
        while count <= limit and (chunk := stream.read(1024 * 1024)):
            count += chunk.count(b"<")
    return count


def _oversized_workbook(expanded: int) -> ImportFileError:
    return ImportFileError(
        _(
            "The workbook holds more than an import may read: once unpacked it is "
            "%(size)s, or holds more cells, formatting or rows than the limits allow. Copy "
            "only the rows and columns to import into a new workbook (paste them as values), "
            "or save them as “CSV UTF-8”."
        )
        % {"size": _megabytes(expanded)}
    )


def _unreadable_workbook(error: Exception) -> ImportFileError:
    cause = error
    while cause.__cause__ is not None:
        cause = cause.__cause__
    return ImportFileError(
        _("The workbook could not be read (%(error)s). Save it again from Excel as .xlsx.")
        % {"error": excerpt(cause, 200)}
    )


def _xlsx_rows(rows: Iterator[tuple], width: int) -> Iterator[list]:
    """The data rows of the sheet, cut to the named columns (cells beyond them are ignored, as
    cells of an unnamed column are)."""
    for row in rows:
        yield list(row[:width])


class SafeXLSX(base_formats.XLSX):
    """XLSX that refuses non-workbooks clearly and escapes formulas on export."""

    shown_name = gettext_lazy("Excel workbook (.xlsx)")

    def create_dataset(self, in_stream):
        check_upload_present(in_stream)
        data = bytes(in_stream)
        check_file_size(len(data))
        if not data.startswith(XLSX_SIGNATURE):
            raise ImportFileError(
                _(
                    "This is not an Excel workbook (.xlsx): save it from Excel as .xlsx, or "
                    "import it as a CSV file."
                )
            )
        check_workbook_parts(data)
        try:
            with warnings.catch_warnings():
                # openpyxl warns of what it does not read (data validation, slicers...).
                warnings.simplefilter("ignore")
                book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:
            raise _unreadable_workbook(error) from error
        try:
            sheet = book.active
            # The size a sheet claims is not trusted: its rows are read as they are.
            sheet.reset_dimensions()
            rows = sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
            headers = list(next(rows, ()))
            while headers and (headers[-1] is None or str(headers[-1]).strip() == ""):
                headers.pop()
            return dataset_from_rows(headers, _xlsx_rows(rows, len(headers)), sheet=True)
        except ImportFileError:
            raise
        except Exception as error:
            raise _unreadable_workbook(error) from error
        finally:
            book.close()

    def export_data(self, dataset, **kwargs):
        return super().export_data(escaped_copy(dataset, clean=workbook_text), **kwargs)


FORMATS = [SafeCSV, SafeXLSX]


def detect_format(data: bytes):
    """The format a file is in, from its content, whatever its name says: a workbook is a zip
    archive, anything else is read as CSV (which refuses what is not text). Editors never pick
    one."""
    if bytes(data[: len(XLSX_SIGNATURE)]) == XLSX_SIGNATURE:
        return SafeXLSX()
    return SafeCSV()


def format_for_file_name(file_name: str):
    """The format to read a file with, from its extension (CSV unless it ends in .xlsx)."""
    return SafeXLSX() if file_name.lower().endswith(".xlsx") else SafeCSV()
