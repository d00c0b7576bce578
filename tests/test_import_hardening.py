"""Imports no file, editor or outage can turn against the site (issue 10, points 4, 5, 7, 8 and
the import's share of 10): uploads waiting for a confirmation, spreadsheet bombs, characters
no database stores, files that would garble or lose data, tampered confirmations and two
imports at once. Every refusal is checked for its message and for nothing being written."""

import datetime
import io
import re
import threading
import zipfile
from html import unescape

import openpyxl
import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from bench.import_export import header_row, inline_cell, workbook
from rcp.formats import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    ImportFileError,
    SafeCSV,
    SafeXLSX,
    escape_formula,
    unescape_formula,
)
from rcp.models import (
    FocusArea,
    Meeting,
    Organisation,
    Participation,
    PendingUpload,
    Process,
    ProcessOrganisation,
    Region,
)
from rcp.resources import ALL_RESOURCES, ParticipationResource, ProcessResource
from rcp.spreadsheets import describe_problems, export_bytes
from rcp.workflow import COMMAND_LINE

from . import test_import_export as spreadsheet_tests
from .factories import ProcessFactory
from .servers import wait_until, waiting_for_a_lock
from .spreadsheets import xlsx_bytes
from .test_import_export import (
    IMPORT_URL,
    PROCESS_IMPORT_URL,
    grant,
    hidden_inputs,
    import_file,
    messages_shown,
    read_csv,
    record_counts,
    upload,
)

# The spreadsheet tests' fixture of a process with every part (``rabat`` is in conftest.py).
rich_process = spreadsheet_tests.rich_process

GOOD_FILE = b"process,country,note\nrabat-process,SN,since 2010\n"
NO_LONGER_WAITING = "The uploaded file is no longer waiting for confirmation. Upload it again."


def refusal(read, content) -> str:
    with pytest.raises(ImportFileError) as refused:
        read(content)
    return str(refused.value)


def csv_refusal(content: bytes) -> str:
    return refusal(read_csv, content)


def xlsx_refusal(content: bytes) -> str:
    return refusal(SafeXLSX().create_dataset, content)


def in_the_cache(content: bytes) -> bool:
    """Whether the tests' local-memory cache holds ``content`` (it keeps values pickled)."""
    store = caches["default"]
    assert isinstance(store, LocMemCache)
    return any(content in value for value in store._cache.values())


def preview_html(response) -> str:
    return unescape(response.content.decode())


def confirm_of(response) -> dict[str, str]:
    return hidden_inputs(response.content.decode())


@pytest.fixture
def editor(db, django_user_model):
    """A second member of staff who may import participating countries."""
    user = django_user_model.objects.create_user(username="second-editor", is_staff=True)
    for codename in ("view_participation", "change_participation", "import_participation"):
        grant(user, codename)
    return user


# 4. Uploads wait for a confirmation in the database, for their uploader only -------------


@pytest.mark.parametrize(
    "content",
    [
        b"process,country\nrabat-process,Eriteria\n",  # a row error
        b"process,countri\nrabat-process,SN\n",  # a file error
        b"process,country\n" + b"rabat-process,SN\n" * 20_001,  # over the row limit
    ],
    ids=["invalid-row", "wrong-columns", "too-many-rows"],
)
def test_an_upload_whose_preview_has_errors_is_not_kept(admin_client, rabat, content):
    preview = upload(admin_client, content)

    assert preview.status_code == 200
    assert "Confirm the import" not in preview_html(preview)
    assert not PendingUpload.objects.exists()
    assert not in_the_cache(content)


def test_the_confirm_page_offers_a_cancel_that_deletes_the_upload_and_imports_nothing(
    admin_client,
    rabat,
):
    preview = upload(admin_client, GOOD_FILE)
    assert "Cancel the import" in preview_html(preview)
    token = confirm_of(preview)["import_file_name"]
    counts = record_counts()

    cancelled = admin_client.post(
        PROCESS_IMPORT_URL, {"import_file_name": token, "cancel": "Cancel the import"}, follow=True
    )

    assert cancelled.redirect_chain[-1][0] == IMPORT_URL
    assert messages_shown(cancelled) == [
        "Import cancelled: nothing was imported, and the file is deleted."
    ]
    assert not PendingUpload.objects.exists()
    assert record_counts() == counts
    late = admin_client.post(PROCESS_IMPORT_URL, confirm_of(preview), follow=True)
    assert messages_shown(late) == [NO_LONGER_WAITING, "Nothing was imported."]
    assert record_counts() == counts


def test_an_upload_waits_an_hour_at_most(admin_client, rabat, settings):
    preview = upload(admin_client, GOOD_FILE)
    waited = datetime.timedelta(seconds=settings.RCP_UPLOAD_WAIT_SECONDS + 60)
    PendingUpload.objects.update(created_at=timezone.now() - waited)
    counts = record_counts()

    late = admin_client.post(PROCESS_IMPORT_URL, confirm_of(preview), follow=True)

    assert messages_shown(late) == [NO_LONGER_WAITING, "Nothing was imported."]
    assert record_counts() == counts
    upload(admin_client, GOOD_FILE)  # the next upload clears out the expired ones
    assert PendingUpload.objects.count() == 1


def test_another_user_cannot_confirm_or_cancel_an_upload_even_with_its_token(
    admin_client,
    rabat,
    editor,
):
    confirm = confirm_of(upload(admin_client, GOOD_FILE))
    other = Client()
    other.force_login(editor)
    counts = record_counts()

    stolen = other.post(PROCESS_IMPORT_URL, confirm, follow=True)
    other.post(PROCESS_IMPORT_URL, {**confirm, "cancel": "Cancel the import"})

    assert messages_shown(stolen) == [NO_LONGER_WAITING, "Nothing was imported."]
    assert record_counts() == counts
    assert PendingUpload.objects.filter(token=confirm["import_file_name"]).exists()
    mine = admin_client.post(PROCESS_IMPORT_URL, confirm, follow=True)
    assert messages_shown(mine)[0].startswith("Import finished: 1 new")


def test_an_upload_for_one_list_cannot_be_confirmed_by_the_import_of_another(
    admin_client,
    rabat,
):
    confirm = confirm_of(upload(admin_client, GOOD_FILE))
    counts = record_counts()

    elsewhere = admin_client.post("/admin/rcp/organisation/process_import/", confirm, follow=True)

    assert messages_shown(elsewhere) == [NO_LONGER_WAITING, "Nothing was imported."]
    assert record_counts() == counts


def test_one_user_holds_a_bounded_number_of_uploads_the_oldest_going_first(
    admin_client,
    rabat,
    settings,
):
    settings.RCP_UPLOADS_PER_USER = 2
    first, second, third = (
        confirm_of(upload(admin_client, GOOD_FILE.replace(b"SN", code)))
        for code in (b"SN", b"ML", b"NE")
    )

    assert PendingUpload.objects.count() == 2
    dropped = admin_client.post(PROCESS_IMPORT_URL, first, follow=True)
    assert messages_shown(dropped) == [NO_LONGER_WAITING, "Nothing was imported."]
    for kept in (second, third):
        done = admin_client.post(PROCESS_IMPORT_URL, kept, follow=True)
        assert messages_shown(done)[0].startswith("Import finished: 1 new")
    assert not PendingUpload.objects.exists()


def test_one_user_holds_a_bounded_number_of_bytes(admin_client, rabat, settings):
    big = GOOD_FILE + b"\n" * 5_000  # blank lines: the same import, 5 KB
    settings.RCP_UPLOAD_BYTES_PER_USER = 8_000
    upload(admin_client, big)
    upload(admin_client, big)

    assert PendingUpload.objects.count() == 1
    assert sum(PendingUpload.objects.values_list("size", flat=True)) <= 8_000


def test_upload_preview_and_confirm_work_while_redis_is_down(
    admin_client,
    rabat,
    redis_down,
):
    preview = upload(admin_client, GOOD_FILE)

    assert preview.status_code == 200
    assert "Confirm the import" in preview_html(preview)
    done = admin_client.post(PROCESS_IMPORT_URL, confirm_of(preview), follow=True)
    assert done.status_code == 200
    assert messages_shown(done)[0].startswith("Import finished: 1 new")
    assert Participation.objects.get(process=rabat, country="SN").note == "since 2010"


def test_uploads_never_reach_redis(admin_client, rabat, redis_values):
    marker = b"marker-that-only-the-uploads-hold"
    refused = b"process,country,note\n" + (b"rabat-process,SN," + marker + b"\n") * 20_001
    accepted = GOOD_FILE.replace(b"since 2010", marker)

    upload(admin_client, refused)
    upload(admin_client, accepted)

    assert not any(marker in value for value in redis_values())


# 10a. A tampered confirmation answers a message, not a server error ----------------------


@pytest.mark.parametrize(
    "tampered",
    [
        {"format": "1"},  # the XLSX format for a CSV upload, as the library's form had it
        {"resource": "9"},
        {"plan": '{"new": []}'},
    ],
    ids=["other-format", "other-resource", "a-plan"],
)
def test_a_confirmation_writes_what_was_previewed_whatever_else_it_posts(
    admin_client,
    rabat,
    tampered,
):
    """The confirmation names the upload, nothing more: its format and plan are the ones kept
    with it at the preview."""
    confirm = confirm_of(upload(admin_client, GOOD_FILE))

    done = admin_client.post(PROCESS_IMPORT_URL, {**confirm, **tampered}, follow=True)

    assert messages_shown(done)[0].startswith("Import finished: 1 new")
    assert Participation.objects.get(process=rabat, country="SN").note == "since 2010"


@pytest.mark.parametrize(
    "tampered",
    [
        {"import_file_name": None},
        {"import_file_name": ""},
        {"import_file_name": "made-up-token"},
        {"import_file_name": "../../etc/passwd"},
        {"import_file_name": "x" * 10_000},
    ],
    ids=["no-token", "empty-token", "made-up", "path", "huge"],
)
def test_a_confirmation_naming_no_waiting_upload_is_refused_with_a_message(
    admin_client,
    rabat,
    tampered,
):
    confirm = confirm_of(upload(admin_client, GOOD_FILE))
    posted = {key: value for key, value in {**confirm, **tampered}.items() if value is not None}
    counts = record_counts()

    done = admin_client.post(PROCESS_IMPORT_URL, posted, follow=True)

    assert done.status_code == 200
    assert done.redirect_chain[-1][0] == IMPORT_URL
    assert messages_shown(done) == [NO_LONGER_WAITING, "Nothing was imported."]
    assert record_counts() == counts


# 5. Spreadsheet bombs: refused before they cost, with a message ----------------------------


def shared_string_cell(text_chunks, dimension="A1:C2") -> bytes:
    """A workbook whose row 2 holds one shared string built from ``text_chunks``."""
    row = f'<row r="2">{inline_cell("A2", "rabat-process")}{inline_cell("B2", "SN")}'
    row += '<c r="C2" t="s"><v>0</v></c></row>'
    return workbook([header_row(), row], ["<si><t>", *text_chunks, "</t></si>"], dimension)


def test_a_workbook_that_expands_past_the_limit_is_refused_before_it_is_parsed(
    rabat,
    settings,
):
    settings.RCP_IMPORT_MAX_BYTES = 100_000  # 800 KB unpacked at most
    content = shared_string_cell(["A" * 1024 * 1024])
    assert len(content) < 10_000

    message = xlsx_refusal(content)

    assert message.startswith(
        "The workbook holds more than an import may read: once unpacked it is 1.0 MB"
    )
    assert "AAAAAAAAAA" not in message


def test_a_part_compressed_like_a_bomb_is_refused(rabat):
    content = shared_string_cell(["A" * 1024 * 1024] * 3)  # 3 MB in a few KB

    assert xlsx_refusal(content).startswith("The workbook holds more than an import may read")


def test_a_workbook_of_more_cells_or_strings_than_the_limits_allow_is_refused(settings):
    settings.RCP_IMPORT_MAX_ROWS = 10
    strings = [f"<si><t>{n}</t></si>" for n in range(10_000)]  # distinct: compresses as data

    message = xlsx_refusal(workbook([header_row()], strings, dimension="A1:C1"))

    assert message.startswith("The workbook holds more than an import may read")


def test_a_workbook_whose_cells_repeat_one_long_shared_string_is_refused_early(rabat):
    """A few KB that read as hundreds of MB: every note points at one 20,000-character string.
    Each cell is within the cap and the file within every size limit; the text is not."""
    rows = (
        f'<row r="{n}">{inline_cell(f"A{n}", "rabat-process")}{inline_cell(f"B{n}", "SN")}'
        f'<c r="C{n}" t="s"><v>0</v></c></row>'
        for n in range(2, 5_002)
    )
    content = workbook([header_row(), *rows], [f"<si><t>{'x' * 20_000}</t></si>"], "A1:C5001")
    assert len(content) < 100_000

    assert xlsx_refusal(content) == (
        "By line 263 the file already holds more than 5.0 MB of text once read, more than an "
        "import may hold (in a workbook, text repeated in many cells counts each time). Split "
        "it into smaller files."
    )


def test_a_workbook_with_too_much_formatting_is_refused():
    formats = "".join(f'<xf numFmtId="{n % 150}" fontId="{n % 7}"/>' for n in range(60_000))
    styles = f'<styleSheet><cellXfs count="60000">{formats}</cellXfs></styleSheet>'

    message = xlsx_refusal(workbook([header_row()], styles=styles, dimension="A1:C1"))

    assert message.startswith("The workbook holds more than an import may read")


@pytest.mark.parametrize(
    "sheet",
    [
        ["<row/>" * 30_000],  # 30,000 empty rows
        [f'<row r="1048576">{inline_cell("A1048576", "rabat-process")}</row>'],  # a far row
    ],
    ids=["empty-rows", "far-row"],
)
def test_a_sheet_is_read_row_by_row_and_refused_at_the_first_row_past_the_limit(
    rabat,
    sheet,
):
    content = workbook([header_row(), *sheet], dimension="A1:C1048576")

    assert xlsx_refusal(content) == (
        "The file has more than the 5,000 rows an import may hold. Split it into smaller "
        "files. Empty rows of the sheet count too: delete any below the data."
    )


def test_a_sheet_is_read_as_it_is_not_as_its_claimed_size(rabat):
    rows = [
        f'<row r="{n}">{inline_cell(f"A{n}", "rabat-process")}{inline_cell(f"B{n}", code)}</row>'
        for n, code in ((2, "SN"), (3, "ML"))
    ]
    claims_too_much = workbook([header_row(), *rows], dimension="A1:XFD1048576")
    claims_too_little = workbook([header_row(), *rows], dimension="A1:C1")

    for content in (claims_too_much, claims_too_little):
        dataset = SafeXLSX().create_dataset(content)
        assert dataset.headers == ["process", "country", "note"]
        assert [row[:2] for row in dataset] == [("rabat-process", "SN"), ("rabat-process", "ML")]


def test_a_file_with_too_many_columns_is_refused(rabat):
    header = ",".join(f"column{n}" for n in range(MAX_COLUMNS + 1))
    expected = (
        f"The file has more than {MAX_COLUMNS} columns; no import reads that many. Keep only "
        "the columns to import (the import page lists them)."
    )

    assert csv_refusal(header.encode() + b"\n") == expected
    assert csv_refusal(b"," * 4_000_000 + b"\n") == expected
    assert xlsx_refusal(xlsx_bytes([header.split(","), ["x"] * (MAX_COLUMNS + 1)])) == expected


def test_millions_of_tiny_csv_rows_are_refused_at_the_first_row_past_the_limit(
    rabat,
):
    content = b"process\n" + b"a\n" * 2_500_000

    assert csv_refusal(content) == (
        "The file has more than the 5,000 rows an import may hold. Split it into smaller files."
    )


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_cell_longer_than_the_cap_is_refused_naming_its_row_and_column_and_quoting_little(
    rabat,
    file_format,
):
    long_note = "Lorem ipsum " + "x" * MAX_CELL_CHARS  # (openpyxl would cut it to the cap)
    if file_format == "csv":
        message = csv_refusal(
            f"process,country,note\nrabat-process,SN,\nrabat-process,ML,{long_note}\n".encode()
        )
    else:
        rows = [
            f'<row r="{n}">{inline_cell(f"A{n}", "rabat-process")}{inline_cell(f"B{n}", code)}'
            f"{inline_cell(f'C{n}', note)}</row>"
            for n, code, note in ((2, "SN", "short"), (3, "ML", long_note))
        ]
        message = xlsx_refusal(workbook([header_row(), *rows], dimension="A1:C3"))

    assert message.startswith(
        "Line 3, column “note”: the cell holds 32,779 characters, more than the 32,767 a cell "
        "may hold (it starts “Lorem ipsum xxxx"
    )
    assert len(message) < 300


def test_a_cell_of_the_whole_csv_file_is_refused_naming_its_row_and_column():
    content = b"process,country,note\nrabat-process,SN," + b"A" * 4_000_000 + b"\n"

    message = csv_refusal(content)

    assert message.startswith("Line 2, column “note”: the cell holds 4,000,000 characters")
    assert len(message) < 300


def test_a_cell_a_widget_refuses_is_quoted_as_an_excerpt(admin_client, rabat):
    country = "Atlantis " + "y" * 10_000
    content = f"process,country,note\nrabat-process,{country},\n".encode()

    _result, problems = import_file(ParticipationResource, content)
    preview = preview_html(upload(admin_client, content))

    assert problems == [
        "Line 2, column “country”: “Atlantis " + "y" * 51 + "… (10,009 characters)” is not a "
        "country. Write its name in English, or its two-letter ISO code, e.g. “MA” for Morocco."
    ]
    assert "y" * 100 not in preview
    assert "Atlantis " + "y" * 51 + "… (10,009 characters)" in preview


def test_many_unknown_slugs_are_quoted_five_at_most_each_as_an_excerpt(rabat):
    slugs = ["r" * 5_000] + [f"region-{n}" for n in range(7)]
    content = f'slug,regions\nrabat-process,"{",".join(slugs)}"\n'.encode()

    _result, problems = import_file(ProcessResource, content)

    assert problems == [
        "Line 2, column “regions”: There is no region “" + "r" * 60 + "… (5,000 characters)”, "
        "“region-0”, “region-1”, “region-2”, “region-3”. Check the spelling, or import it "
        "first. (and 3 more)"
    ]


# 7. Characters no database stores ---------------------------------------------------------


@pytest.mark.parametrize("nul_cell", ["ab\x00cd", "\x00\x00", "\x00"])
def test_a_nul_in_a_csv_cell_is_refused_naming_its_row_and_column(
    admin_client,
    rabat,
    nul_cell,
):
    content = f"process,country,note\nrabat-process,SN,\nrabat-process,ML,{nul_cell}\n".encode()
    counts = record_counts()
    expected = (
        "Line 3, column “note”: the cell holds an invisible control character (U+0000, a NUL "
        "byte) that cannot be stored. Delete it (it often comes with text copied from another "
        "program) and import the file again."
    )

    assert csv_refusal(content) == expected
    preview = upload(admin_client, content)
    assert preview.status_code == 200
    assert expected in preview_html(preview)
    assert "Confirm the import" not in preview_html(preview)
    assert record_counts() == counts
    assert not PendingUpload.objects.exists()


def test_a_nul_or_control_character_in_a_column_name_is_refused():
    assert csv_refusal(b"process,coun\x00try\nrabat-process,SN\n").startswith(
        "The name of column 2 is not usable: the cell holds an invisible control character "
        "(U+0000, a NUL byte)"
    )
    assert csv_refusal(b"process,country\x0b\nrabat-process,SN\n").startswith(
        "The name of column 2 is not usable: the cell holds an invisible control character (U+000B)"
    )


def test_a_workbook_whose_xml_holds_a_nul_is_refused_as_unreadable(rabat):
    row = f'<row r="2">{inline_cell("A2", "rabat-process")}{inline_cell("B2", "S&#0;N")}</row>'

    message = xlsx_refusal(workbook([header_row(), row], dimension="A1:C2"))

    assert message.startswith("The workbook could not be read (")
    assert message.endswith("Save it again from Excel as .xlsx.")


def test_the_import_command_refuses_a_nul_with_its_row_and_column(rabat, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "members.csv"
    path.write_bytes(b"process,country\nrabat-process,S\x00N\n")

    with pytest.raises(CommandError, match="Line 2, column “country”: the cell holds an invisible"):
        call_command("import", "rcp.resources.ParticipationResource", str(path), "--noinput")
    assert not Participation.objects.filter(country="SN").exists()


# 8. Files that would garble or lose data --------------------------------------------------


def test_a_utf8_file_with_windows_1252_lines_is_refused_naming_those_lines(rabat):
    content = (
        b"process,country,note\n"
        + "rabat-process,SN,Organización Ñandú\n".encode()
        + "rabat-process,ML,Organización Ñandú\n".encode("cp1252")
        + b"rabat-process,NE,plain\n"
        + "rabat-process,TD,Organización Ñandú\n".encode("cp1252")
    )
    counts = record_counts()

    message = csv_refusal(content)

    assert message.startswith(
        "The file mixes two encodings: it is UTF-8, but lines 3, 5 are in another encoding "
        "(probably Windows-1252)"
    )
    assert record_counts() == counts
    with_bom = b"\xef\xbb\xbfprocess,country,note\nrabat-process,ML,r\xe9gion\n"
    assert "but line 2 is in another encoding" in csv_refusal(with_bom)


def test_a_file_all_in_windows_1252_is_still_read_as_such(rabat):
    content = "process,country,note\nrabat-process,SN,Organización Ñandú\n".encode("cp1252")

    _result, problems = import_file(ParticipationResource, content)

    assert problems == []
    assert Participation.objects.get(process=rabat, country="SN").note == "Organización Ñandú"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            "process,country,note,note",
            "The column “note” appears 2 times: column 3 (“note”), column 4 (“note”).",
        ),
        (
            "process,country,Note,note ",
            "The column “note” appears 2 times: column 3 (“Note”), column 4 (“note ”).",
        ),
        (
            "Process,country, process",
            "The column “process” appears 2 times: column 1 (“Process”), column 3 (“ process”).",
        ),
    ],
    ids=["same", "case-and-space", "key-column"],
)
def test_a_column_named_twice_is_refused_naming_it(rabat, header, message):
    width = header.count(",") + 1
    row = ",".join(["rabat-process", "SN", "first", "second"][:width])
    counts = record_counts()

    _result, problems = import_file(ParticipationResource, f"{header}\n{row}\n")

    assert len(problems) == 1
    assert problems[0].startswith(message + " A row would keep only one of its values")
    assert record_counts() == counts


def test_a_value_starting_with_an_apostrophe_round_trips_exactly():
    for value in ["'=1+1", "=1+1", "''x", "'", "'hello", "-5", "@x", "plain"]:
        assert unescape_formula(escape_formula(value)) == value
    assert escape_formula("'=1+1") == "''=1+1"
    assert unescape_formula("'hello") == "'hello"  # typed by hand: not an escape


def test_text_pasted_into_the_admin_with_control_characters_still_exports_to_excel(rabat):
    """Word's manual line break (a vertical tab) and other control characters, which a
    workbook cannot hold, used to make the XLSX export fail."""
    Participation.objects.filter(country="MA").update(note="first\x0bsecond\x07")

    exported = SafeXLSX().create_dataset(export_bytes(ParticipationResource(), "XLSX"))
    notes = dict(zip(exported["country"], exported["note"], strict=True))

    assert notes == {"MA": "first\nsecond", "FR": "since 2006"}
    # A CSV file holds them as they are (and an import of it names the character to delete).
    assert b"first\x0bsecond\x07" in export_bytes(ParticipationResource(), "CSV")


#: Values that a spreadsheet or the round trip used to change: a formula typed with its
#: apostrophe, text starting with one, line breaks as the admin saves them ("\r\n") and a
#: lone carriage return.
AWKWARD_TEXTS = ["'=1+1", "'quoted", "first line\r\nsecond line", "a\rb"]


#: The text columns of each kind of record (chairs and focus links have none).
TEXT_COLUMNS = {
    Region: ["name"],
    FocusArea: ["name"],
    Organisation: ["name", "acronym", "english_name"],
    Process: ["acronym", "objectives", "secretariat"],
    Participation: ["group", "note"],
    ProcessOrganisation: ["group"],
    Meeting: ["title", "city"],
}


def awkward_profile_data() -> None:
    """Every text column of every record holding an awkward value (each its own: names are
    unique)."""
    texts = iter(AWKWARD_TEXTS * 1_000)
    for model, columns in TEXT_COLUMNS.items():
        for pk in model.objects.values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(
                **{
                    column: f"{next(texts)} {pk}"[: 30 if column == "acronym" else 60]
                    for column in columns
                }
            )


def file_format_for(name: str):
    return SafeCSV() if name == "CSV" else SafeXLSX()


def rows_of(resource_class) -> list[tuple]:
    resource = resource_class()
    return [tuple(row) for row in resource.export()]


@pytest.mark.parametrize("format_name", ["CSV", "XLSX"])
@pytest.mark.parametrize("resource_class", ALL_RESOURCES, ids=lambda r: r.__name__)
def test_an_unchanged_export_imports_back_as_all_unchanged(
    rich_process,
    admin_user,
    resource_class,
    format_name,
):
    awkward_profile_data()
    exported = export_bytes(resource_class(), format_name)
    rows_before = rows_of(resource_class)
    resource = resource_class()

    result = resource.import_data(
        file_format_for(format_name).create_dataset(exported), dry_run=False, user=admin_user
    )

    assert describe_problems(resource, result) == []
    assert result.totals["new"] == result.totals["update"] == 0
    assert result.totals["skip"] == len(rows_before) > 0
    assert rows_of(resource_class) == rows_before


@pytest.mark.parametrize("format_name", ["CSV", "XLSX"])
def test_a_participation_group_typed_with_an_apostrophe_comes_back_with_it(
    rabat,
    format_name,
):
    Participation.objects.filter(process=rabat).update(group="'=1+1", note="'since 2006")
    exported = export_bytes(ParticipationResource(), format_name)
    Participation.objects.all().delete()
    resource = ParticipationResource()

    result = resource.import_data(
        file_format_for(format_name).create_dataset(exported), user=COMMAND_LINE
    )

    assert describe_problems(resource, result) == []
    assert set(Participation.objects.values_list("group", "note")) == {("'=1+1", "'since 2006")}


# 10b. Two imports at once -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_loser_of_two_concurrent_imports_is_told_to_import_again_and_nothing_is_saved(
    admin_user,
):
    if connection.vendor != "postgresql":
        pytest.skip("two connections writing at once: PostgreSQL only (SQLite locks the file)")
    process = ProcessFactory(name="Rabat Process", slug="rabat-process")
    admin = Client()
    admin.force_login(admin_user)
    preview = upload(admin, b"process,country\nrabat-process,ML\nrabat-process,SN\n")
    winner_wrote, release, outcome = threading.Event(), threading.Event(), {}

    def winner():
        try:
            with transaction.atomic():
                resource = ParticipationResource()
                dataset = read_csv(b"process,country,note\nrabat-process,SN,the winner\n")
                result = resource.import_data(dataset, user=COMMAND_LINE)
                outcome["winner"] = describe_problems(resource, result)
                winner_wrote.set()
                release.wait(60)
        finally:
            winner_wrote.set()
            connection.close()

    def loser():
        try:
            done = admin.post(PROCESS_IMPORT_URL, confirm_of(preview), follow=True)
            outcome["loser"] = messages_shown(done)
        finally:
            connection.close()

    threads = [threading.Thread(target=winner), threading.Thread(target=loser)]
    threads[0].start()
    winner_wrote.wait(60)
    threads[1].start()
    try:
        wait_until(waiting_for_a_lock, timeout=60, interval=0.05, what="the loser to wait")
    finally:
        release.set()
        for thread in threads:
            thread.join(60)

    assert outcome["winner"] == []
    # The loser waits for the winner's lock on the profile, then finds Senegal added.
    assert outcome["loser"] == [
        "Since the preview, someone else added 1 of the participating countries this file "
        "adds (line 3). Nothing was imported: upload the file again to see a new preview.",
        "Nothing was imported.",
    ]
    assert not any(re.search(r"Key \(|duplicate key", line) for line in outcome["loser"])
    assert list(Participation.objects.filter(process=process).values_list("country", "note")) == [
        ("SN", "the winner")
    ]
    assert not PendingUpload.objects.exists()


def test_a_bomb_never_reaches_openpyxl(monkeypatch):
    parsed = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: parsed.append(a))
    content = shared_string_cell(["A" * 1024 * 1024] * 3)

    xlsx_refusal(content)

    assert parsed == []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sum(part.file_size for part in archive.infolist()) > 3 * 1024 * 1024
