"""Benchmark of CSV import/export (issue: CSV and Excel import/export) and of hostile
spreadsheets (issue 10, point 5).

Exports 10,000 participation rows (100 processes x 100 countries); their import is measured
by bench/imports.py.

Then the spreadsheet bombs: small files, built here, that expand when read (a 300 MB cell in a
workbook of a few hundred KB, two million rows, a sheet that claims 16,384 columns and a million
rows, cells packed up to the limits) and the largest files the limits allow, CSV and XLSX. Each
is read and imported (written, then rolled back) in a process of its own, which prints the
time taken and its peak memory (resident set size, Django included); the goal is any file
within the limits refused or imported in under 20 s with under 400 MB.

Runs on its own SQLite file unless DATABASE_URL is set. Never part of the test suite; nothing
here gates CI.

    make bench          # or: .venv/bin/python -m bench.import_export [bombs]
"""

import io
import json
import os
import random
import resource
import subprocess
import sys
import time
import zipfile

import bench

PROCESSES = 100
COUNTRIES_PER_PROCESS = 100


def setup_django() -> None:
    bench.setup_django()
    from django.core.management import call_command

    if not os.environ.get("RCP_BENCH_CHILD"):  # a bomb's process reuses its parent's database
        call_command("migrate", verbosity=0)


def timed(function):
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def main() -> None:
    """The export of 10,000 participation rows (their import: bench/imports.py)."""
    setup_django()
    from django_countries import countries

    from rcp.models import Participation, Process
    from rcp.resources import ParticipationResource
    from rcp.spreadsheets import export_bytes

    Participation.objects.all().delete()
    Process.objects.filter(slug__startswith="bench-").delete()
    processes = Process.objects.bulk_create(
        Process(name=f"Bench process {n}", slug=f"bench-{n}") for n in range(PROCESSES)
    )
    codes = [code for code, _name in countries][:COUNTRIES_PER_PROCESS]
    Participation.objects.bulk_create(
        Participation(process=p, country=code, role="member", group="AU")
        for p in processes
        for code in codes
    )
    export_seconds, exported = timed(lambda: export_bytes(ParticipationResource(), "CSV"))
    assert exported.count(b"\n") == PROCESSES * COUNTRIES_PER_PROCESS + 1
    print(
        f"export to CSV, {PROCESSES * COUNTRIES_PER_PROCESS:,} rows "
        f"{export_seconds:>8.2f} s   (goal < 1 s)"
    )


# Spreadsheet bombs -----------------------------------------------------------------------

BOMB_GOAL_SECONDS = 20
BOMB_GOAL_MB = 400
#: A bomb's process may use this much address space: the old code would take all the memory.
BOMB_MEMORY_CAP = 3 * 1024**3
BOMB_TIMEOUT = 120
MB = 1024 * 1024

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_REL_NS}">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_REL_NS}">'
    f'<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{REL_NS}/worksheet"/>'
    f'<Relationship Id="rId2" Target="sharedStrings.xml" Type="{REL_NS}/sharedStrings"/>'
    "</Relationships>"
)


def inline_cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def workbook(sheet_chunks, shared_string_chunks=(), dimension="A1", styles=None, sheets=1) -> bytes:
    """An XLSX file whose sheet data and shared strings are written chunk by chunk, so that a
    bomb of hundreds of megabytes is built in a few megabytes of memory. ``sheets`` more
    than one adds that many copies of a sheet without a dimension (which openpyxl reads whole
    when it opens the workbook)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        content_types, book, book_rels = CONTENT_TYPES, WORKBOOK, WORKBOOK_RELS
        if styles is not None:
            content_types = content_types.replace(
                "</Types>",
                '<Override PartName="/xl/styles.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
            )
            book_rels = book_rels.replace(
                "</Relationships>",
                f'<Relationship Id="rId3" Target="styles.xml" Type="{REL_NS}/styles"/>'
                "</Relationships>",
            )
            archive.writestr("xl/styles.xml", styles)
        for n in range(2, sheets + 1):
            book = book.replace(
                "</sheets>", f'<sheet name="Sheet{n}" sheetId="{n}" r:id="rIdS{n}"/></sheets>'
            )
            book_rels = book_rels.replace(
                "</Relationships>",
                f'<Relationship Id="rIdS{n}" Target="worksheets/extra{n}.xml" '
                f'Type="{REL_NS}/worksheet"/></Relationships>',
            )
            rows = "<row><c><v>1</v></c></row>" * 1_000
            archive.writestr(
                f"xl/worksheets/extra{n}.xml",
                f'<worksheet xmlns="{MAIN_NS}"><sheetData>{rows}</sheetData></worksheet>',
            )
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", book)
        archive.writestr("xl/_rels/workbook.xml.rels", book_rels)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}">'.encode())
            for chunk in shared_string_chunks:
                part.write(chunk.encode())
            part.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">'
                f'<dimension ref="{dimension}"/><sheetData>'.encode()
            )
            for chunk in sheet_chunks:
                part.write(chunk.encode())
            part.write(b"</sheetData></worksheet>")
    return out.getvalue()


def header_row() -> str:
    return f'<row r="1">{inline_cell("A1", "process")}{inline_cell("B1", "country")}' + (
        f"{inline_cell('C1', 'note')}</row>"
    )


def huge_cell_workbook() -> bytes:
    """One cell of 300 MB, shared-string table, in a few hundred KB (the issue's probe)."""

    def strings():
        yield "<si><t>"
        for _ in range(300):
            yield "A" * MB
        yield "</t></si>"

    row = f'<row r="2">{inline_cell("A2", "bench-0")}{inline_cell("B2", "MA")}'
    row += '<c r="C2" t="s"><v>0</v></c></row>'
    return workbook([header_row(), row], strings(), dimension="A1:C2")


def million_rows_workbook(rows=2_000_000) -> bytes:
    """Two million rows, each one shared string, in well under a megabyte."""

    def sheet():
        yield header_row()
        for _ in range(rows // 10_000):
            yield '<row><c t="s"><v>0</v></c></row>' * 10_000

    return workbook(sheet(), ["<si><t>bench-0</t></si>"], dimension=f"A1:C{rows + 1}")


def phantom_size_workbook() -> bytes:
    """Three real rows in a sheet whose dimension claims 16,384 columns and a million rows."""
    rows = [header_row()] + [
        f'<row r="{n}">{inline_cell(f"A{n}", "bench-0")}{inline_cell(f"B{n}", "MA")}</row>'
        for n in (2, 3)
    ]
    return workbook(rows, dimension="A1:XFD1048576")


def far_row_workbook() -> bytes:
    """A header and one row numbered 1,048,576: a million missing rows in between."""
    row = f'<row r="1048576">{inline_cell("A1048576", "bench-0")}</row>'
    return workbook([header_row(), row])


def packed_cells_workbook(cells: int) -> bytes:
    """Rows of a thousand one-digit cells (random digits, so that the sheet compresses as
    ordinary data does), ``cells`` in all: the most XML a sheet may hold, to be parsed."""
    digits = random.Random(0)

    def sheet():
        yield header_row()
        for _ in range(cells // 1_000):
            row = "".join(f"<c><v>{digits.randrange(10)}</v></c>" for _ in range(1_000))
            yield f"<row>{row}</row>"

    return workbook(sheet(), dimension="A1:ALL20001")


def many_strings_workbook(strings: int) -> bytes:
    """A shared-string table of ``strings`` distinct short strings: the most Python objects a
    workbook may make."""

    def table():
        for start in range(0, strings, 10_000):
            yield "".join(f"<si><t>{m}</t></si>" for m in range(start, start + 10_000))

    return workbook([header_row()], table())


def tag_budget() -> int:
    """The XML tags the limits let a workbook's sheets and strings hold (rcp.formats)."""
    from django.conf import settings

    from rcp.formats import XLSX_TAGS_PER_ROW

    return (settings.RCP_IMPORT_MAX_ROWS + 1) * XLSX_TAGS_PER_ROW


def styles_workbook(formats: int) -> bytes:
    """A style sheet of ``formats`` cell formats (Excel allows about 64,000): openpyxl builds
    an object for each, some forty microseconds apiece."""
    formats_xml = "".join(
        f'<xf numFmtId="{n % 200}" fontId="0" fillId="0" borderId="0"/>' for n in range(formats)
    )
    styles = (
        f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN_NS}">'
        f'<cellXfs count="{formats}">{formats_xml}</cellXfs></styleSheet>'
    )
    return workbook([header_row()], styles=styles, dimension="A1:C1")


def largest_csv(rows: int) -> bytes:
    lines = ["process,country,note"]
    lines += [f"bench-{n // 200},{CODES[n % 200]},note {n}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def largest_workbook(rows: int) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["process", "country", "note"])
    for n in range(rows):
        sheet.append([f"bench-{n // 200}", CODES[n % 200], f"note {n}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CODES: list[str] = []


def bombs() -> dict:
    """Name -> (description, format, builder). Limits are read in the bomb's own process."""
    from django.conf import settings

    limit, rows = settings.RCP_IMPORT_MAX_BYTES, settings.RCP_IMPORT_MAX_ROWS

    def csv_cell():
        return b"process,note\nbench-0," + b"A" * (limit - 30) + b"\n"

    def csv_rows():
        return b"process\n" + b"a\n" * (limit // 2 - 8)

    def csv_columns():
        return b"," * (limit - 1) + b"\n"

    return {
        "xlsx-cell": ("XLSX, one 300 MB cell", "xlsx", huge_cell_workbook),
        "xlsx-rows": ("XLSX, 2,000,000 rows", "xlsx", million_rows_workbook),
        "xlsx-phantom": ("XLSX claiming 16,384 x 1,048,576", "xlsx", phantom_size_workbook),
        "xlsx-far-row": ("XLSX, one row numbered 1,048,576", "xlsx", far_row_workbook),
        "xlsx-cells": (
            "XLSX, 3,000,000 one-digit cells",
            "xlsx",
            lambda: packed_cells_workbook(3_000_000),
        ),
        "xlsx-cells-max": (
            "XLSX, cells up to the tag limit",
            "xlsx",
            lambda: packed_cells_workbook(tag_budget() // 4 - 10_000),
        ),
        "xlsx-strings": (
            "XLSX, 2,000,000 distinct strings",
            "xlsx",
            lambda: many_strings_workbook(2_000_000),
        ),
        "xlsx-strings-max": (
            "XLSX, strings up to the tag limit",
            "xlsx",
            lambda: many_strings_workbook(tag_budget() // 4 - 10_000),
        ),
        "xlsx-styles-200k": (
            "XLSX, 200,000 cell formats",
            "xlsx",
            lambda: styles_workbook(200_000),
        ),
        "xlsx-styles-45k": ("XLSX, 45,000 cell formats", "xlsx", lambda: styles_workbook(45_000)),
        "xlsx-sheets": (
            "XLSX, 900 sheets of 1,000 rows",
            "xlsx",
            lambda: workbook([header_row()], dimension="A1:C1", sheets=900),
        ),
        "csv-cell": ("CSV, one cell of the whole file", "csv", csv_cell),
        "csv-rows": ("CSV, a row per 2 bytes", "csv", csv_rows),
        "csv-columns": ("CSV, one line of commas", "csv", csv_columns),
        "csv-largest": (f"CSV, {rows:,} good rows", "csv", lambda: largest_csv(rows)),
        "xlsx-largest": (f"XLSX, {rows:,} good rows", "xlsx", lambda: largest_workbook(rows)),
    }


def run_bomb(name: str) -> None:
    """In a process of its own: build one bomb, read and import it, print what happened."""
    setup_django()
    from django.db import transaction
    from django_countries import countries

    from rcp.formats import SafeCSV, SafeXLSX
    from rcp.resources import ParticipationResource
    from rcp.spreadsheets import describe_problems

    CODES.extend(code for code, _name in countries)
    _description, file_format, build = bombs()[name]
    data = build()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    started = time.perf_counter()
    try:
        dataset = (SafeCSV() if file_format == "csv" else SafeXLSX()).create_dataset(data)
        resource_ = ParticipationResource()
        with transaction.atomic():
            result = resource_.import_data(dataset, dry_run=False)
            transaction.set_rollback(True)
        problems = describe_problems(resource_, result)
        outcome = f"refused: {problems[0]}" if problems else f"imported {len(dataset):,} rows"
    except MemoryError:
        outcome = f"MemoryError (over {BOMB_MEMORY_CAP // MB:,} MB)"
    except Exception as error:
        outcome = f"refused: {type(error).__name__}: {error}"
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        json.dumps(
            {
                "size": len(data),
                "seconds": seconds,
                "peak": peak,
                "before": before,
                "outcome": outcome[:160],
            }
        )
    )


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (BOMB_MEMORY_CAP, BOMB_MEMORY_CAP))


def measure_bombs() -> None:
    """Each bomb in a child process (a fresh peak memory, and a crash stays there)."""
    setup_django()
    from django_countries import countries

    from rcp.models import Process

    codes = [code for code, _name in countries]
    assert len(codes) >= 200
    Process.objects.bulk_create(
        (Process(name=f"Bench process {n}", slug=f"bench-{n}") for n in range(PROCESSES)),
        ignore_conflicts=True,
    )
    environment = {**os.environ, "RCP_BENCH_CHILD": "1"}
    print(
        f"\nspreadsheet bombs (goal: refused or imported in < {BOMB_GOAL_SECONDS} s "
        f"with < {BOMB_GOAL_MB} MB peak memory)"
    )
    for name, (description, _format, _build) in bombs().items():
        try:
            child = subprocess.run(
                [sys.executable, "-m", "bench.import_export", "--bomb", name],
                capture_output=True,
                text=True,
                env=environment,
                timeout=BOMB_TIMEOUT,
                preexec_fn=limit_memory,
                check=False,
            )
            report = json.loads(child.stdout.strip().splitlines()[-1])
        except subprocess.TimeoutExpired:
            print(f"{description:<38} over {BOMB_TIMEOUT} s: stopped")
            continue
        except (IndexError, ValueError):
            print(f"{description:<38} crashed: {child.stderr.strip().splitlines()[-1:]}")
            continue
        verdict = (
            "ok"
            if report["seconds"] < BOMB_GOAL_SECONDS and report["peak"] < BOMB_GOAL_MB * MB
            else "OVER GOAL"
        )
        print(
            f"{description:<38} {report['size'] / MB:6.2f} MB file "
            f"{report['seconds']:7.2f} s {report['peak'] / MB:7.0f} MB peak "
            f"({report['before'] / MB:.0f} MB before reading)  {verdict}\n"
            f"{'':<40}{report['outcome']}"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--bomb"]:
        run_bomb(sys.argv[2])
    elif sys.argv[1:2] == ["bombs"]:
        measure_bombs()
    else:
        main()
        measure_bombs()
