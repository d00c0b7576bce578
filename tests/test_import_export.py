"""CSV and Excel import/export: resources, formats, commands, admin and a whole-site round trip.

Every test asserts what an editor sees: the summary, the row/column messages, the preview, the
exported file. A refused file must leave the database exactly as it was.
"""

import csv
import datetime
import io
import os
import re
import tempfile
from html import unescape

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from rcp.formats import ImportFileError, SafeCSV, SafeXLSX
from rcp.models import (
    Chair,
    FocusArea,
    Meeting,
    Organisation,
    Participation,
    PendingUpload,
    Process,
    ProcessFocusArea,
    ProcessOrganisation,
    Region,
)
from rcp.resources import (
    ALL_RESOURCES,
    MeetingResource,
    OrganisationResource,
    ParticipationResource,
    ProcessOrganisationResource,
    ProcessResource,
)
from rcp.spreadsheets import describe_problems, export_bytes
from rcp.workflow import COMMAND_LINE, delete_profile

from .factories import (
    ChairFactory,
    FocusAreaFactory,
    MeetingFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProcessFactory,
    ProcessFocusAreaFactory,
    ProcessOrganisationFactory,
    RegionFactory,
)
from .spreadsheets import xlsx_bytes

RCP_MODELS = [
    Region,
    FocusArea,
    Organisation,
    Process,
    Participation,
    ProcessOrganisation,
    ProcessFocusArea,
    Chair,
    Meeting,
    Process.regions.through,
    Process.associated_organisations.through,
]

PARTICIPATION_RESOURCE = "rcp.resources.ParticipationResource"
IMPORT_URL = "/admin/rcp/participation/import/"
PROCESS_IMPORT_URL = "/admin/rcp/participation/process_import/"
EXPORT_URL = "/admin/rcp/participation/export/"
CHANGELIST_URL = "/admin/rcp/participation/"
PARTICIPATION_EXPORT_COLUMNS = [
    "process",
    "country",
    "country_name",
    "role",
    "group",
    "group_fr",
    "group_es",
    "note",
    "note_fr",
    "note_es",
]


# Helpers ----------------------------------------------------------------------------------


def english_cells(rows):
    """The rows of a participations CSV without their French and Spanish columns."""
    header = rows[0]
    english = [header.index(name) for name in header if not name.endswith(("_fr", "_es"))]
    return [[row[index] for index in english] for row in rows[1:]]


def read_csv(content: str | bytes):
    """The dataset an uploaded CSV file gives, read as the admin and the command read it."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return SafeCSV().create_dataset(data)


def import_file(resource_class, content: str | bytes, *, dry_run=False):
    """Import a CSV file as the command line does; return the result and the messages an
    editor is shown."""
    resource = resource_class()
    result = resource.import_data(read_csv(content), dry_run=dry_run, user=COMMAND_LINE)
    return result, describe_problems(resource, result)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def csv_records(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def record_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in RCP_MODELS}


def participations(process) -> set[tuple[str, str, str, str]]:
    return {
        (p.country.code, p.role, p.group, p.note)
        for p in Participation.objects.filter(process=process)
    }


def hidden_inputs(html: str) -> dict[str, str]:
    """The hidden fields of the confirm form, as the browser would post them."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        kind = re.search(r'type="([^"]*)"', tag)
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if kind and kind.group(1) == "hidden" and name and name.group(1) != "csrfmiddlewaretoken":
            fields[name.group(1)] = unescape(value.group(1)) if value else ""
    return fields


def messages_shown(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def export_form_data(**extra) -> dict:
    """The export form as submitted with CSV and every column ticked."""
    data = {"format": "0", "resource": "0"}
    for column in ParticipationResource().get_export_order():
        data[f"participationresource_{column}"] = "on"
    data.update(extra)
    return data


# Fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def rich_process(db) -> Process:
    """A second profile using every kind of related record the pages show."""
    africa = RegionFactory(name="Africa")
    europe = RegionFactory(name="Europe")
    oau = OrganisationFactory(name="Organisation of Southern Unity", acronym="OSU")
    successor = OrganisationFactory(
        name="Southern Union", acronym="SU", website="https://su.example.org"
    )
    oau.ceased_year = 2002
    oau.succeeded_by = successor
    oau.save()
    french = OrganisationFactory(
        name="Conseil régional des migrations",
        acronym="CRM",
        english_name="Regional Migration Council",
    )
    secretariat = OrganisationFactory(name="Migration Secretariat", acronym="MS")
    process = ProcessFactory(
        name="Southern Dialogue",
        slug="southern-dialogue",
        acronym="SD",
        kind="interregional",
        activity="active",
        established=1999,
        website="https://sd.example.org",
        objectives=(
            "- Dialogue on *labour* migration\n- Data sharing\n\n"
            "See [the site](https://sd.example.org)."
        ),
        secretariat_organisation=secretariat,
        secretariat="Hosted by the secretariat in Pretoria.",
    )
    process.regions.set([africa, europe])
    process.associated_organisations.set([successor, french])
    ParticipationFactory(process=process, country="ZA", group="AU")
    ParticipationFactory(process=process, country="CI", group="AU", note="since 2004")
    ParticipationFactory(process=process, country="DE", group="EU")
    ParticipationFactory(process=process, country="NO", role="observer")
    ParticipationFactory(process=process, country="ZW", role="suspended", note="since 2021")
    ParticipationFactory(process=process, country="CH", role="guest")
    ProcessOrganisationFactory(process=process, organisation=successor, role="member", position=1)
    ProcessOrganisationFactory(process=process, organisation=oau, role="observer", position=2)
    ProcessOrganisationFactory(process=process, organisation=french, role="partner", position=3)
    ProcessFocusAreaFactory(
        process=process, focus_area=FocusAreaFactory(name="labour migration"), position=2
    )
    ProcessFocusAreaFactory(
        process=process, focus_area=FocusAreaFactory(name="border management"), position=1
    )
    ChairFactory(process=process, country="ZA", start_date=datetime.date(2019, 1, 1))
    ChairFactory(
        process=process,
        country="",
        organisation=successor,
        start_date=datetime.date(2021, 3, 1),
        end_date=datetime.date(2021, 12, 31),
        date_precision="day",
    )
    ChairFactory(
        process=process,
        country="DE",
        start_date=datetime.date(2090, 5, 1),
        date_precision="month",
    )
    MeetingFactory(
        process=process,
        title="Ministerial conference",
        start_date=datetime.date(2014, 4, 2),
        end_date=datetime.date(2014, 4, 3),
        city="Pretoria",
        country="ZA",
    )
    MeetingFactory(
        process=process,
        title="Senior officials meeting",
        start_date=datetime.date(2016, 6, 15),
        date_precision="month",
        city="",
        country="",
    )
    MeetingFactory(
        process=process,
        title="Founding meeting",
        start_date=datetime.date(1999, 1, 1),
        date_precision="year",
        city="Geneva",
        country="CH",
    )
    return process


def grant(user, codename: str):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="rcp", codename=codename)
    )


# Participation: export columns and the country names people write -------------------------


def test_csv_export_starts_with_a_byte_order_mark_so_excel_reads_accents(tripoli):
    data = export_bytes(ParticipationResource())

    assert data.startswith("\ufeff".encode())
    assert "Côte d'Ivoire" in data.decode("utf-8-sig")


def test_participation_export_has_codes_and_readable_country_names(tripoli):
    data = export_bytes(ParticipationResource())

    rows = csv_rows(data)
    assert rows[0] == PARTICIPATION_EXPORT_COLUMNS
    assert ["tripoli-process", "AO", "Angola", "member", "AU", ""] in english_cells(rows)
    assert len(rows) - 1 == Participation.objects.filter(process=tripoli).count()


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("MA", "MA"),
        ("ma", "MA"),
        ("DZA", "DZ"),
        ("Côte d'Ivoire", "CI"),
        ("Côte d’Ivoire", "CI"),
        ("Czech Republic", "CZ"),
        ("Swaziland", "SZ"),
        ("Cape Verde", "CV"),
        ("UK", "GB"),
        ("United Kingdom", "GB"),
    ],
)
def test_participation_import_accepts_codes_and_names_as_iom_and_iso_write_them(db, written, code):
    process = ProcessFactory(slug="rabat-process")

    result, problems = import_file(
        ParticipationResource, f"process,country,role\nrabat-process,{written},MEMBER\n"
    )

    assert problems == []
    assert result.totals["new"] == 1
    assert participations(process) == {(code, "member", "", "")}


def test_participation_role_is_read_in_any_case_and_by_its_label(rabat):
    _result, problems = import_file(
        ParticipationResource,
        "process,country,role\n"
        "rabat-process,SN,OBSERVER\n"
        "rabat-process,ML,Suspended member\n"
        "rabat-process,ES,guest\n",
    )

    assert problems == []
    roles = dict(Participation.objects.filter(process=rabat).values_list("country", "role"))
    assert roles == {
        "MA": "member",
        "FR": "member",
        "SN": "observer",
        "ML": "suspended",
        "ES": "guest",
    }


def test_participation_export_imports_back_into_an_empty_process(tripoli):
    before = participations(tripoli)
    exported = export_bytes(ParticipationResource())
    Participation.objects.all().delete()

    result, problems = import_file(ParticipationResource, exported)

    assert problems == []
    assert result.totals["new"] == len(before) == 82
    assert participations(tripoli) == before
    assert export_bytes(ParticipationResource()) == exported


def test_reimporting_an_unchanged_file_changes_nothing_and_reports_every_row_skipped(tripoli):
    exported = export_bytes(ParticipationResource())
    ids_before = set(Participation.objects.values_list("pk", flat=True))

    result, problems = import_file(ParticipationResource, exported)

    assert problems == []
    assert result.totals["skip"] == 82
    assert result.totals["new"] == result.totals["update"] == 0
    assert set(Participation.objects.values_list("pk", flat=True)) == ids_before


@pytest.mark.parametrize("resource_class", ALL_RESOURCES, ids=lambda r: r.__name__)
def test_every_resource_skips_every_row_of_its_own_unchanged_export(
    tripoli, rich_process, resource_class
):
    exported = export_bytes(resource_class())
    rows = len(csv_rows(exported)) - 1
    counts = record_counts()

    result, problems = import_file(resource_class, exported)

    assert problems == []
    assert result.totals["skip"] == rows
    assert result.totals["new"] == result.totals["update"] == 0
    assert record_counts() == counts


# Process: a file with only some columns ---------------------------------------------------


def test_process_file_with_some_columns_gives_defaults_and_keeps_unmentioned_columns(tripoli):
    tripoli_before = Process.objects.get(pk=tripoli.pk)

    result, problems = import_file(
        ProcessResource,
        "slug,name,acronym,established\n"
        "tripoli-process,Tripoli Process,TP,2002\n"
        "khartoum-process,Khartoum Process,,2014\n",
    )

    assert problems == []
    assert (result.totals["update"], result.totals["new"]) == (1, 1)
    new = Process.objects.get(slug="khartoum-process")
    assert new.status == "draft"
    assert new.has_official_secretariat is True
    assert (new.name, new.acronym, new.established) == ("Khartoum Process", "", 2014)
    updated = Process.objects.get(pk=tripoli.pk)
    assert (updated.acronym, updated.established) == ("TP", 2002)
    assert updated.objectives == tripoli_before.objectives != ""
    assert updated.secretariat == tripoli_before.secretariat
    assert updated.status == "published"
    assert updated.has_official_secretariat is False


# Bad input: a clear message, and nothing from the file is written --------------------------


def test_unknown_country_is_refused_with_a_suggestion_and_nothing_is_written(rabat):
    counts = record_counts()

    _result, problems = import_file(
        ParticipationResource,
        "process,country,role\nrabat-process,SN,member\nrabat-process,Eriteria,member\n",
    )

    assert problems == [
        "Line 3, column “country”: “Eriteria” is not a country. Did you mean “Eritrea”?"
    ]
    assert record_counts() == counts
    assert not Participation.objects.filter(country__in=["SN", "ER"]).exists()


def test_country_with_no_close_name_is_refused_without_a_guess(rabat):
    counts = record_counts()

    _result, problems = import_file(
        ParticipationResource, "process,country\nrabat-process,Atlantis Republic\n"
    )

    assert problems == [
        "Line 2, column “country”: “Atlantis Republic” is not a country. Write its name in "
        "English, or its two-letter ISO code, e.g. “MA” for Morocco."
    ]
    assert record_counts() == counts


def test_unknown_process_slug_is_named_with_the_close_one_suggested(rabat):
    counts = record_counts()

    _result, problems = import_file(
        ParticipationResource,
        "process,country\nrabat-process,SN\nrabat-proces,ML\n",
    )

    assert problems == [
        "Line 3, column “process”: There is no process “rabat-proces”. "
        "Did you mean “rabat-process”?"
    ]
    assert record_counts() == counts


def test_unknown_associated_organisation_is_refused_not_dropped(tripoli):
    counts = record_counts()

    _result, problems = import_file(
        ProcessResource,
        "slug,name,associated_organisations\n"
        "new-process,New Process,au\n"
        'tripoli-process,Tripoli Process,"au,ecowass"\n',
    )

    assert problems == [
        "Line 3, column “associated_organisations”: There is no organisation “ecowass”. "
        "Check the spelling, or import it first."
    ]
    assert record_counts() == counts
    assert not Process.objects.filter(slug="new-process").exists()
    assert list(tripoli.associated_organisations.all()) == []


def test_unknown_organisation_of_a_process_is_refused_with_a_suggestion(tripoli):
    counts = record_counts()

    _result, problems = import_file(
        ProcessOrganisationResource,
        "process,organisation,role\ntripoli-process,oecd,member\ntripoli-process,ecowass,member\n",
    )

    assert problems == [
        "Line 3, column “organisation”: There is no organisation “ecowass”. Did you mean “ecowas”?"
    ]
    assert record_counts() == counts
    assert ProcessOrganisation.objects.get(organisation__slug="oecd").role == "observer"


def test_more_than_two_associated_organisations_are_refused(tripoli):
    counts = record_counts()

    _result, problems = import_file(
        ProcessResource,
        "slug,name,associated_organisations\n"
        "new-process,New Process,au\n"
        'tripoli-process,Tripoli Process,"au,ecowas,uemoa"\n',
    )

    assert problems == [
        "Line 3, column “associated_organisations”: A process is associated with at most 2 "
        "regional organisations; 3 were chosen."
    ]
    assert record_counts() == counts
    assert list(tripoli.associated_organisations.all()) == []


def test_two_associated_organisations_are_accepted(tripoli):
    _result, problems = import_file(
        ProcessResource,
        'slug,name,associated_organisations\ntripoli-process,Tripoli Process,"au, ecowas"\n',
    )

    assert problems == []
    assert {o.slug for o in tripoli.associated_organisations.all()} == {"au", "ecowas"}


def test_duplicate_rows_are_refused_naming_the_earlier_row(rabat):
    counts = record_counts()

    _result, problems = import_file(
        ParticipationResource,
        "process,country,role\n"
        "rabat-process,SN,member\n"
        "rabat-process,ML,member\n"
        "rabat-process,Senegal,observer\n",
    )

    assert problems == [
        "Line 4: This line repeats line 2 (Senegal in rabat-process). Each appears once: remove "
        "one of the two lines."
    ]
    assert record_counts() == counts


def test_file_without_a_required_column_is_refused_whole(rabat):
    counts = record_counts()

    result, problems = import_file(ParticipationResource, "process,role\nrabat-process,member\n")

    assert result.has_errors()
    assert problems == [
        "The file has no “country” column; it is needed. Columns this import reads: process, "
        "country, country_name, role, group, group_fr, group_es, note, note_fr, note_es."
    ]
    assert record_counts() == counts


def test_unknown_column_is_refused_with_a_suggestion(rabat):
    counts = record_counts()

    result, problems = import_file(
        ParticipationResource, "process,country,rol\nrabat-process,SN,member\n"
    )

    assert result.has_errors()
    assert len(problems) == 1
    assert problems[0].startswith(
        "The column “rol” is not one this import knows. Did you mean “role”?"
    )
    assert record_counts() == counts


@pytest.mark.parametrize(
    ("start_date", "message"),
    [
        ("02/04/2014", "“02/04/2014” is not a date. Write dates as YYYY-MM-DD, e.g. 2014-04-02."),
        ("2014-02-30", "“2014-02-30” is not a real date (day is out of range for month)."),
    ],
    ids=["day-first", "february-30"],
)
def test_meeting_date_that_is_not_a_real_iso_date_is_refused(rabat, start_date, message):
    counts = record_counts()

    _result, problems = import_file(
        MeetingResource,
        "process,title,start_date\n"
        "rabat-process,Senior officials meeting,2014-01-10\n"
        f"rabat-process,Ministerial meeting,{start_date}\n",
    )

    assert problems == [f"Line 3, column “start_date”: {message}"]
    assert record_counts() == counts


def test_meeting_ending_before_it_starts_is_refused(rabat):
    counts = record_counts()

    _result, problems = import_file(
        MeetingResource,
        "process,title,start_date,end_date\n"
        "rabat-process,Senior officials meeting,2014-01-10,2014-01-11\n"
        "rabat-process,Ministerial meeting,2014-04-03,2014-04-02\n",
    )

    assert problems == [
        "Line 3, column “end_date”: The end date (2014-04-02) is before the start date "
        "(2014-04-03)."
    ]
    assert record_counts() == counts


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty: it has no column names and no rows."),
        (b"\r\n\r\n", "The file is empty: it has no column names and no rows."),
        (
            b"process,country,role\r\n",
            "The file has column names but no rows of data: there is nothing to import.",
        ),
        (
            b"\x00\x01PK\x03\x04garbage",
            "This file is neither a CSV file nor an Excel workbook (.xlsx)",
        ),
        (
            xlsx_bytes([["process", "country"], ["rabat-process", "SN"]]),
            "This file is neither a CSV file nor an Excel workbook (.xlsx)",
        ),
        (
            b"<!DOCTYPE html>\n<html><body><table><tr><td>SN</td></tr></table></body></html>",
            "This is not a CSV file: it is a web page (HTML or XML) renamed .csv.",
        ),
    ],
    ids=["empty", "blank-lines", "header-only", "binary", "xlsx-renamed", "html-renamed"],
)
def test_file_that_is_not_a_usable_csv_is_refused_with_a_message(content, message):
    with pytest.raises(ImportFileError) as refused:
        read_csv(content)

    assert str(refused.value).startswith(message)


def test_row_with_more_cells_than_columns_is_refused_naming_the_row():
    with pytest.raises(ImportFileError) as refused:
        read_csv(
            'process,note\nrabat-process,"since 2006, renewed"\nrabat-process,since 2006, renewed\n'
        )

    assert str(refused.value) == (
        "Line 3 has 3 cells but the file has 2 column names. Put a value that contains “,” in "
        "double quotes, or add the missing column name."
    )


def test_file_over_the_size_limit_is_refused_and_one_at_the_limit_accepted(settings):
    content = b"process,country\nrabat-process,SN\n"
    settings.RCP_IMPORT_MAX_BYTES = len(content) - 1

    with pytest.raises(ImportFileError) as refused:
        read_csv(content)

    assert "more than the 0.0 MB an import may hold" in str(refused.value)
    settings.RCP_IMPORT_MAX_BYTES = len(content)
    assert len(read_csv(content)) == 1


def test_file_over_the_row_limit_is_refused_and_one_at_the_limit_accepted(settings):
    settings.RCP_IMPORT_MAX_ROWS = 2
    header = "process,country\n"

    with pytest.raises(ImportFileError) as refused:
        read_csv(header + "rabat-process,SN\nrabat-process,ML\nrabat-process,NE\n")

    assert str(refused.value) == (
        "The file has more than the 2 rows an import may hold. Split it into smaller files."
    )
    assert len(read_csv(header + "rabat-process,SN\nrabat-process,ML\n")) == 2


def test_values_with_surrounding_spaces_are_accepted_and_stored_trimmed(rabat):
    result, problems = import_file(
        ParticipationResource,
        " process , Country ,role,group,note\n"
        "  rabat-process , Senegal , observer ,  AU , since 2010  \n",
    )

    assert problems == []
    assert result.totals["new"] == 1
    assert Participation.objects.get(process=rabat, country="SN").role == "observer"
    assert participations(rabat) >= {("SN", "observer", "AU", "since 2010")}


# Files as Excel saves them ----------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        "\ufeffprocess,country,note\r\nrabat-process,Côte d'Ivoire,élu en 2010\r\n".encode(),
        "process,country,note\r\nrabat-process,Côte d'Ivoire,élu en 2010\r\n".encode("cp1252"),
        "process;country;note\r\nrabat-process;Côte d'Ivoire;élu en 2010\r\n".encode("cp1252"),
        "\ufeffprocess;country;note\r\nrabat-process;Côte d’Ivoire;élu en 2010\r\n".encode(),
    ],
    ids=["utf8-bom", "windows-1252", "semicolons-1252", "semicolons-utf8-bom"],
)
def test_csv_saved_by_excel_imports_correctly(rabat, content):
    result, problems = import_file(ParticipationResource, content)

    assert problems == []
    assert result.totals["new"] == 1
    assert Participation.objects.get(process=rabat, country="CI").note == "élu en 2010"


def test_workbook_built_in_excel_imports(rabat):
    content = xlsx_bytes(
        [
            ["process", "country", "role", "group"],
            ["rabat-process", "Senegal", "Observer", None],
            ["rabat-process", "MLI", "member", "AU"],
        ]
    )
    resource = ParticipationResource()

    result = resource.import_data(SafeXLSX().create_dataset(content), dry_run=False)

    assert describe_problems(resource, result) == []
    assert result.totals["new"] == 2
    assert participations(rabat) >= {("SN", "observer", "", ""), ("ML", "member", "AU", "")}


def test_workbook_date_cells_import_as_dates(rabat):
    content = xlsx_bytes(
        [
            ["process", "title", "start_date", "end_date"],
            ["rabat-process", "Ministerial meeting", datetime.datetime(2014, 4, 2), None],
        ]
    )
    resource = MeetingResource()

    result = resource.import_data(SafeXLSX().create_dataset(content), dry_run=False)

    assert describe_problems(resource, result) == []
    meeting = Meeting.objects.get(process=rabat)
    assert (meeting.start_date, meeting.end_date) == (datetime.date(2014, 4, 2), None)


def test_csv_file_chosen_as_xlsx_is_refused_with_a_message():
    with pytest.raises(ImportFileError) as refused:
        SafeXLSX().create_dataset(b"process,country\nrabat-process,SN\n")

    assert str(refused.value).startswith("This is not an Excel workbook (.xlsx):")


# Export: formula escaping -----------------------------------------------------------------

FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]


@pytest.mark.parametrize("start", FORMULA_STARTS, ids=repr)
def test_csv_export_escapes_cells_a_spreadsheet_would_run_as_formulas(db, start):
    name = f"{start}SUM(A1:A9) Union"
    OrganisationFactory(name=name, slug="union")

    records = csv_records(export_bytes(OrganisationResource(), "CSV"))

    assert [r["name"] for r in records] == ["'" + name]


@pytest.mark.parametrize("start", FORMULA_STARTS, ids=repr)
def test_xlsx_export_escapes_cells_a_spreadsheet_would_run_as_formulas(db, start):
    name = f"{start}SUM(A1:A9) Union"
    OrganisationFactory(name=name, slug="union")

    workbook = openpyxl.load_workbook(io.BytesIO(export_bytes(OrganisationResource(), "XLSX")))

    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=headers.index("name") + 1)
    assert cell.data_type == "s"
    # XML reads a carriage return back as a line feed; the cell is still escaped text.
    assert cell.value == "'" + name.replace("\r", "\n")


def test_export_leaves_ordinary_text_unescaped(db):
    OrganisationFactory(name="Union (A-B) = 1", acronym="", slug="union")

    records = csv_records(export_bytes(OrganisationResource(), "CSV"))

    assert records[0]["name"] == "Union (A-B) = 1"


@pytest.mark.parametrize("format_name", ["CSV", "XLSX"])
def test_organisation_named_like_a_formula_round_trips_as_the_same_text(db, format_name):
    name = '=HYPERLINK("http://evil","x")'
    OrganisationFactory(name=name, acronym="", slug="evil")
    exported = export_bytes(OrganisationResource(), format_name)
    Organisation.objects.all().delete()

    file_format = SafeCSV() if format_name == "CSV" else SafeXLSX()
    resource = OrganisationResource()
    result = resource.import_data(file_format.create_dataset(exported), dry_run=False)

    assert describe_problems(resource, result) == []
    assert Organisation.objects.get(slug="evil").name == name


# Command line -----------------------------------------------------------------------------


@pytest.fixture
def write_file(tmp_path):
    def write(name: str, content: str | bytes):
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return str(path)

    return write


def run_import(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command(
            "import", PARTICIPATION_RESOURCE, *args, "--noinput", stdout=stdout, stderr=stderr
        )
    except CommandError as error:
        return error, stdout.getvalue(), stderr.getvalue()
    return None, stdout.getvalue(), stderr.getvalue()


def test_import_command_imports_a_good_file(rabat, write_file):
    path = write_file("members.csv", "process,country,role\nrabat-process,SN,member\n")

    error, stdout, _stderr = run_import(path)

    assert error is None
    assert "Imported: 1 new, 0 updated, 0 unchanged (skipped) participating countries." in stdout
    assert participations(rabat) >= {("SN", "member", "", "")}


def test_import_command_reads_a_workbook_by_its_extension(rabat, write_file):
    path = write_file(
        "members.xlsx", xlsx_bytes([["process", "country"], ["rabat-process", "Senegal"]])
    )

    error, stdout, _stderr = run_import(path)

    assert error is None
    assert "1 new" in stdout
    assert Participation.objects.filter(process=rabat, country="SN").exists()


def test_import_command_fails_on_a_bad_file_explaining_each_row(rabat, write_file):
    counts = record_counts()
    path = write_file(
        "members.csv",
        "process,country,role\nrabat-process,SN,member\nrabat-process,Eriteria,member\n"
        "rabat-proces,ML,member\n",
    )

    error, _stdout, stderr = run_import(path)

    assert isinstance(error, CommandError)
    assert str(error) == f"{path}: the file has errors. Nothing was imported."
    assert stderr.splitlines() == [
        "Line 3, column “country”: “Eriteria” is not a country. Did you mean “Eritrea”?",
        "Line 4, column “process”: There is no process “rabat-proces”. "
        "Did you mean “rabat-process”?",
    ]
    assert record_counts() == counts


def test_import_command_exits_non_zero(rabat, write_file):
    path = write_file("members.csv", "process,country\nrabat-process,Eriteria\n")

    with pytest.raises(CommandError) as failed:
        call_command("import", PARTICIPATION_RESOURCE, path, "--noinput", stderr=io.StringIO())

    assert failed.value.returncode != 0


def test_import_command_refuses_a_file_that_is_not_csv(rabat, write_file):
    counts = record_counts()
    path = write_file("members.csv", b"\x00\x01PK\x03\x04garbage")

    error, _stdout, _stderr = run_import(path)

    assert str(error).startswith(f"{path}: This file is neither a CSV file nor an Excel workbook")
    assert str(error).endswith("Nothing was imported.")
    assert record_counts() == counts


def test_import_command_refuses_an_oversized_file(rabat, write_file, settings):
    settings.RCP_IMPORT_MAX_BYTES = 10
    path = write_file("members.csv", "process,country\nrabat-process,SN\n")

    error, _stdout, _stderr = run_import(path)

    assert "more than the 0.0 MB an import may hold" in str(error)
    assert not Participation.objects.filter(country="SN").exists()


def test_import_command_dry_run_writes_nothing(rabat, write_file):
    counts = record_counts()
    path = write_file("members.csv", "process,country,role\nrabat-process,SN,member\n")

    error, stdout, _stderr = run_import(path, "--dry-run")

    assert error is None
    assert "Dry run, nothing written: 1 new" in stdout
    assert record_counts() == counts


def test_import_command_reports_a_missing_file(db, tmp_path):
    error, _stdout, _stderr = run_import(str(tmp_path / "nowhere.csv"))

    assert str(error) == f"There is no file at {tmp_path / 'nowhere.csv'}."


def test_export_command_writes_csv_that_the_import_command_reads_back(tripoli, write_file):
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    before = participations(tripoli)

    call_command("export", "CSV", PARTICIPATION_RESOURCE, stdout=out)

    data = out.buffer.getvalue()
    rows = csv_rows(data)
    assert rows[0] == PARTICIPATION_EXPORT_COLUMNS
    assert ["tripoli-process", "AO", "Angola", "member", "AU", ""] in english_cells(rows)
    assert len(rows) == 83
    Participation.objects.all().delete()
    error, stdout, _stderr = run_import(write_file("countries.csv", data))
    assert error is None
    assert "Imported: 82 new, 0 updated, 0 unchanged (skipped)" in stdout
    assert participations(tripoli) == before


def test_export_command_writes_a_workbook(tripoli):
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")

    call_command("export", "XLSX", PARTICIPATION_RESOURCE, stdout=out)

    sheet = openpyxl.load_workbook(io.BytesIO(out.buffer.getvalue())).active
    assert [c.value for c in sheet[1]] == PARTICIPATION_EXPORT_COLUMNS
    assert sheet.max_row == 83


class TerminalOutput(io.TextIOWrapper):
    def isatty(self):
        return True


def test_export_command_refuses_to_print_a_workbook_to_a_terminal(tripoli):
    out = TerminalOutput(io.BytesIO(), encoding="utf-8")

    with pytest.raises(CommandError, match=r"^XLSX is binary: redirect the output to a file\.$"):
        call_command("export", "XLSX", PARTICIPATION_RESOURCE, stdout=out)

    assert out.buffer.getvalue() == b""


# Admin: upload, preview, confirm ----------------------------------------------------------


def upload(client, content: bytes, name="members.csv", file_format="0"):
    return client.post(
        IMPORT_URL,
        {
            "resource": "0",
            "format": file_format,
            "import_file": SimpleUploadedFile(name, content, content_type="text/csv"),
        },
    )


def test_admin_import_previews_then_writes_only_on_confirm(admin_client, rabat):
    content = (
        b"process,country,role,group,note\n"
        b"rabat-process,SN,member,AU,\n"
        b"rabat-process,FR,member,EU,since 2007\n"
        b"rabat-process,MA,member,AU,\n"
    )
    counts = record_counts()

    preview = upload(admin_client, content)

    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Confirm the import" in html
    summary = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", html))
    assert summary == {"New": "1", "Changed": "1", "Unchanged": "1", "With errors": "0"}
    confirm = hidden_inputs(html)
    assert set(confirm) == {"import_file_name"}
    assert record_counts() == counts

    done = admin_client.post(PROCESS_IMPORT_URL, confirm, follow=True)

    assert done.redirect_chain[-1][0] == CHANGELIST_URL
    assert messages_shown(done) == [
        "Import finished: 1 new, 1 changed and 1 unchanged participating countries."
    ]
    assert participations(rabat) == {
        ("MA", "member", "AU", ""),
        ("FR", "member", "EU", "since 2007"),
        ("SN", "member", "AU", ""),
    }


def test_admin_import_preview_of_a_bad_file_shows_row_errors_and_no_confirm(admin_client, rabat):
    counts = record_counts()

    preview = upload(
        admin_client,
        b"process,country\nrabat-process,SN\nrabat-process,Eriteria\n",
    )

    html = preview.content.decode()
    assert "Lines with errors" in html
    assert "“Eriteria” is not a country. Did you mean “Eritrea”?" in unescape(html)
    assert "Confirm the import" not in html
    assert "import_file_name" not in html
    assert record_counts() == counts


def test_admin_import_of_a_file_with_wrong_columns_explains_and_offers_no_confirm(
    admin_client, rabat
):
    preview = upload(admin_client, b"process,countri\nrabat-process,SN\n")

    html = unescape(preview.content.decode())
    assert "The column “countri” is not one this import knows. Did you mean “country”?" in html
    assert "Traceback" not in html
    assert "Confirm the import" not in html


def test_admin_import_of_a_binary_file_says_it_is_not_csv(admin_client, rabat):
    preview = upload(admin_client, b"\x00\x01PK\x03\x04garbage")

    html = unescape(preview.content.decode())
    assert "This file is neither a CSV file nor an Excel workbook (.xlsx)" in html
    assert "Confirm the import" not in html


def test_admin_import_refuses_an_oversized_file_before_reading_it(
    admin_client, rabat, settings, monkeypatch
):
    settings.RCP_IMPORT_MAX_BYTES = 20
    parsed = []
    original_create_dataset = SafeCSV.create_dataset

    def spy_create_dataset(self, in_stream, **kwargs):
        parsed.append(in_stream)
        return original_create_dataset(self, in_stream, **kwargs)

    monkeypatch.setattr(SafeCSV, "create_dataset", spy_create_dataset)

    preview = upload(admin_client, b"process,country\nrabat-process,SN\n")

    html = unescape(preview.content.decode())
    assert "more than the 0.0 MB an import may hold" in html
    assert "Confirm the import" not in html
    assert parsed == []
    assert not PendingUpload.objects.exists()


def test_admin_upload_waits_in_the_database_as_its_uploaders_until_confirmed(
    admin_client, admin_user, rabat
):
    content = b"process,country\nrabat-process,SN\n"

    confirm = hidden_inputs(upload(admin_client, content).content.decode())

    waiting = PendingUpload.objects.get()
    assert waiting.token == confirm["import_file_name"]
    assert (waiting.user, bytes(waiting.data), waiting.name) == (admin_user, content, "members.csv")
    assert not os.path.exists(os.path.join(tempfile.gettempdir(), waiting.token))
    admin_client.post(PROCESS_IMPORT_URL, confirm)
    assert not PendingUpload.objects.exists()
    assert Participation.objects.filter(process=rabat, country="SN").exists()


def test_admin_confirm_after_the_upload_expired_asks_to_upload_again(admin_client, rabat):
    preview = upload(admin_client, b"process,country\nrabat-process,SN\n")
    confirm = hidden_inputs(preview.content.decode())
    PendingUpload.objects.filter(token=confirm["import_file_name"]).delete()
    counts = record_counts()

    done = admin_client.post(PROCESS_IMPORT_URL, confirm, follow=True)

    assert done.redirect_chain[-1][0] == IMPORT_URL
    assert messages_shown(done) == [
        "The uploaded file is no longer waiting for confirmation. Upload it again.",
        "Nothing was imported.",
    ]
    assert record_counts() == counts


def test_admin_confirm_after_the_profile_was_deleted_since_the_preview_imports_nothing(
    admin_client, rabat
):
    preview = upload(admin_client, b"process,country\nrabat-process,SN\n")
    confirm = hidden_inputs(preview.content.decode())
    rabat.record_publication_approval(rabat.publication_decision(delete=True))
    rabat.delete()  # another editor
    counts = record_counts()

    done = admin_client.post(PROCESS_IMPORT_URL, confirm, follow=True)

    assert done.redirect_chain[-1][0] == IMPORT_URL
    assert messages_shown(done) == [
        "Since the preview, someone else changed or deleted 1 of the records this file refers "
        "to (line 2). Nothing was imported: upload the file again to see a new preview.",
        "Nothing was imported.",
    ]
    assert record_counts() == counts


def test_admin_confirm_writes_into_the_previewed_profile_even_if_renamed_since(admin_client, rabat):
    preview = upload(admin_client, b"process,country\nrabat-process,SN\n")
    confirm = hidden_inputs(preview.content.decode())
    Process.objects.filter(pk=rabat.pk).update(slug="rabat-processus")  # another editor

    done = admin_client.post(PROCESS_IMPORT_URL, confirm, follow=True)

    assert messages_shown(done)[0].startswith("Import finished: 1 new")
    assert Participation.objects.filter(process=rabat, country="SN").exists()


# Admin: export ----------------------------------------------------------------------------


def test_admin_export_page_returns_every_row_as_csv(admin_client, rabat):
    page = admin_client.get(EXPORT_URL)
    assert page.status_code == 200

    response = admin_client.post(EXPORT_URL, export_form_data())

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response.content)
    assert rows[0] == PARTICIPATION_EXPORT_COLUMNS
    assert sorted(english_cells(rows)) == [
        ["rabat-process", "FR", "France", "member", "EU", "since 2006"],
        ["rabat-process", "MA", "Morocco", "member", "AU", ""],
    ]


def test_admin_export_selected_action_returns_only_the_selected_rows(admin_client, rabat):
    morocco = Participation.objects.get(process=rabat, country="MA")

    form = admin_client.post(
        CHANGELIST_URL,
        {"action": "export_admin_action", "index": "0", "_selected_action": [morocco.pk]},
    )

    assert form.status_code == 200
    assert 'name="participationresource_country"' in form.content.decode()
    selected = hidden_inputs(form.content.decode())
    assert selected.get("export_items") == str(morocco.pk)
    response = admin_client.post(EXPORT_URL, export_form_data(export_items=[morocco.pk]))
    rows = csv_rows(response.content)
    assert rows[0] == PARTICIPATION_EXPORT_COLUMNS
    assert english_cells(rows) == [["rabat-process", "MA", "Morocco", "member", "AU", ""]]


# Permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "codenames",
    [["view_participation"], ["view_participation", "change_participation"]],
    ids=["view", "view-and-change"],
)
def test_staff_without_spreadsheet_permissions_cannot_import_or_export(
    client, admin_client, django_user_model, rabat, codenames
):
    user = django_user_model.objects.create_user(username="viewer", is_staff=True)
    for codename in codenames:
        grant(user, codename)
    client.force_login(user)
    # A confirm form an administrator's preview produced, so the upload is in the cache.
    confirm = hidden_inputs(
        upload(admin_client, b"process,country\nrabat-process,SN\n").content.decode()
    )
    counts = record_counts()

    changelist = client.get(CHANGELIST_URL)

    assert changelist.status_code == 200
    html = changelist.content.decode()
    assert IMPORT_URL not in html
    assert EXPORT_URL not in html
    assert "export_admin_action" not in html
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, b"process,country\nrabat-process,SN\n").status_code == 403
    assert client.post(PROCESS_IMPORT_URL, confirm).status_code == 403
    assert client.get(PROCESS_IMPORT_URL).status_code == 405  # POST only, before any check
    assert client.get(EXPORT_URL).status_code == 403
    assert client.post(EXPORT_URL, export_form_data()).status_code == 403
    action = client.post(
        CHANGELIST_URL,
        {
            "action": "export_admin_action",
            "index": "0",
            "_selected_action": [rabat.participations.first().pk],
        },
    )
    assert action.status_code == 200
    assert "export_items" not in hidden_inputs(action.content.decode())
    assert 'name="participationresource_country"' not in action.content.decode()
    assert record_counts() == counts


def test_import_permission_allows_import_but_not_export(client, staff_user, rabat):
    grant(staff_user, "import_participation")
    client.force_login(staff_user)

    html = client.get(CHANGELIST_URL).content.decode()

    assert IMPORT_URL in html
    assert EXPORT_URL not in html
    assert "export_admin_action" not in html
    confirm = hidden_inputs(upload(client, b"process,country\nrabat-process,SN\n").content.decode())
    client.post(PROCESS_IMPORT_URL, confirm)
    assert Participation.objects.filter(process=rabat, country="SN").exists()
    assert client.get(EXPORT_URL).status_code == 403
    assert client.post(EXPORT_URL, export_form_data()).status_code == 403


def test_export_permission_allows_export_but_not_import(client, staff_user, rabat):
    grant(staff_user, "export_participation")
    client.force_login(staff_user)

    html = client.get(CHANGELIST_URL).content.decode()

    assert "export_admin_action" in html
    assert EXPORT_URL in html
    assert IMPORT_URL not in html
    response = client.post(EXPORT_URL, export_form_data())
    assert len(csv_rows(response.content)) == 3
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, b"process,country\nrabat-process,SN\n").status_code == 403


# The whole site, out and back in ----------------------------------------------------------


def render_public_pages(client) -> dict[str, bytes]:
    urls = ["/"] + [
        f"/processes/{slug}/" for slug in Process.objects.values_list("slug", flat=True)
    ]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content
    return pages


def without_last_updated(pages: dict[str, bytes]) -> dict[str, bytes]:
    return {
        url: re.sub(rb'<p class="profile__updated">.*?</p>', b"", html, flags=re.DOTALL)
        for url, html in pages.items()
    }


def test_whole_site_exported_deleted_and_imported_back_renders_identical_pages(
    client, tripoli, rich_process
):
    pages_before = render_public_pages(client)
    rich_page = pages_before["/processes/southern-dialogue/"].decode()
    for shown in [
        "Southern Union (SU)",  # association, chair, member organisation
        "Organisation of Southern Unity (OSU)",
        "(ceased to exist in 2002)",
        "Conseil régional des migrations (CRM, Regional Migration Council)",
        "Regions: Africa, Europe",
        "<li>Dialogue on <em>labour</em> migration</li>",
        'Senior officials meeting, <time datetime="2016-06-01">June 2016</time>',
        "Founding meeting",
        "(incoming)",
        'Côte d&#x27;Ivoire</a> <span class="note">(since 2004)</span>',
    ]:
        assert shown in rich_page
    assert "Last updated:" in rich_page
    counts_before = record_counts()
    files = {resource: export_bytes(resource()) for resource in ALL_RESOURCES}

    for process in Process.objects.all():
        delete_profile(process, actor=COMMAND_LINE)
    Organisation.objects.all().delete()
    FocusArea.objects.all().delete()
    Region.objects.all().delete()
    assert set(record_counts().values()) == {0}

    for resource_class in ALL_RESOURCES:
        result, problems = import_file(resource_class, files[resource_class])
        assert problems == [], resource_class.__name__
        assert result.totals["new"] == len(csv_rows(files[resource_class])) - 1

    assert record_counts() == counts_before
    # Everything but "Last updated", which is the date of the import (the day the test runs).
    assert without_last_updated(render_public_pages(client)) == without_last_updated(pages_before)
    assert {resource: export_bytes(resource()) for resource in ALL_RESOURCES} == files
