"""Imports editors can trust (issue 12): the bulk path, a preview of every line that an editor
can read, and a confirmation that writes what the preview showed."""

import datetime
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rcp.formats import SafeCSV, SafeXLSX
from rcp.imports import plan as planning
from rcp.models import Meeting, PageDataChange, Participation, PendingUpload, Process
from rcp.resources import MeetingResource, OrganisationResource, ParticipationResource
from rcp.workflow import COMMAND_LINE
from tests.factories import (
    MeetingFactory,
    OrganisationFactory,
    ProcessFactory,
)
from tests.spreadsheets import xlsx_bytes

IMPORT_URL = "/admin/rcp/participation/import/"
PROCESS_IMPORT_URL = "/admin/rcp/participation/process_import/"


def upload(client, content: bytes, name="members.csv"):
    return client.post(
        IMPORT_URL, {"import_file": SimpleUploadedFile(name, content, content_type="text/csv")}
    )


def page_text(response) -> str:
    """The page as a reader sees it: tags gone, spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def table_rows(response, caption: str) -> list[list[str]]:
    """The body rows of the table with ``caption``, each cell's text."""
    html = response.content.decode()
    table = re.search(
        r"<table[^>]*>\s*<caption>" + re.escape(caption) + r"</caption>(.*?)</table>", html, re.S
    )
    assert table, f"no table “{caption}”"
    body = "".join(re.findall(r"<tbody>(.*?)</tbody>", table.group(1), re.S))
    return [
        [
            re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", cell))).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def confirmation(response) -> dict[str, str]:
    token = re.search(r'name="import_file_name" value="([^"]+)"', response.content.decode())
    assert token, "the preview offers no confirmation"
    return {"import_file_name": token.group(1)}


def import_csv(resource_class, content: str, **kwargs):
    resource = resource_class()
    outcome = resource.import_data(
        SafeCSV().create_dataset(content.encode()), user=COMMAND_LINE, **kwargs
    )
    return outcome


# 3. A preview a non-programmer can read -------------------------------------------------


def test_the_preview_puts_the_summary_first_and_every_error_of_every_line_in_view(
    admin_client, rabat
):
    preview = upload(
        admin_client,
        b"process,country,role,group\n"
        b"rabat-process,SN,member,AU\n"
        b"rabat-proces,Eriteria,chair,AU\n"
        b"rabat-process,MA,observer,AU\n"
        b"rabat-process,Atlantis,member,AU\n",
    )

    text = page_text(preview)
    assert text.index("New 1 Changed 1 Unchanged 0 With errors 2") < text.index("Lines with")
    assert table_rows(preview, "Lines with errors") == [
        ["3", "process", "There is no process “rabat-proces”. Did you mean “rabat-process”?"],
        ["country", "“Eriteria” is not a country. Did you mean “Eritrea”?"],
        ["role", "“chair” is not allowed here. Use one of: member, observer, suspended, guest."],
        [
            "5",
            "country",
            "“Atlantis” is not a country. Write its name in English, or its two-letter ISO "
            "code, e.g. “MA” for Morocco.",
        ],
    ]
    assert "Nothing can be imported until every error below is corrected" in text
    assert "import_file_name" not in preview.content.decode()
    assert not PendingUpload.objects.exists()


def test_the_preview_shows_each_change_as_stored_now_and_after_and_values_as_read(
    admin_client, rabat
):
    preview = upload(
        admin_client,
        b"process,country,role,group,note\n"
        b"rabat-process,UK,member,EU,\n"
        b"rabat-process,Ivory Coast,observer,,\n"
        b"rabat-process,France,observer,EU,since 2006\n"
        b"rabat-process,MA,member,AU,\n",
    )

    assert table_rows(preview, "Lines that change what is stored") == [
        ["4", "France in rabat-process", "role", "Member", "Observer"],
    ]
    assert table_rows(preview, "New records") == [
        [
            "2",
            "United Kingdom in rabat-process",
            "process : rabat-process → Rabat Process country : UK → United Kingdom (GB)",
        ],
        [
            "3",
            "Côte d'Ivoire in rabat-process",
            "process : rabat-process → Rabat Process country : Ivory Coast → Côte d'Ivoire (CI)",
        ],
    ]
    assert "New 2 Changed 1 Unchanged 1 With errors 0" in page_text(preview)


def test_line_numbers_are_the_spreadsheets_blank_lines_and_multi_line_cells_included(rabat):
    outcome = import_csv(
        ParticipationResource,
        'process,country,note\n\nrabat-process,SN,"two\nlines"\n\nrabat-process,XX,\n',
        dry_run=True,
    )

    assert outcome.problem_lines() == [
        "Line 5, column “country”: “XX” is not a country. Write its name in English, or its "
        "two-letter ISO code, e.g. “MA” for Morocco."
    ]


def test_a_workbook_is_read_as_one_whatever_its_name_and_the_page_asks_no_format(
    admin_client, rabat
):
    workbook = xlsx_bytes([["process", "country"], ["rabat-process", "Senegal"]])

    page = admin_client.get(IMPORT_URL)
    preview = upload(admin_client, workbook, name="members.csv")

    assert 'name="format"' not in page.content.decode()
    assert "Read as: Excel workbook (.xlsx)." in page_text(preview)
    assert table_rows(preview, "New records")[0][:2] == ["2", "Senegal in rabat-process"]


def test_the_import_page_guides_through_the_columns_and_offers_no_export_only_one(admin_client):
    page = admin_client.get(IMPORT_URL)

    text = page_text(page)
    assert "The columns of a file of participating countries" in text
    columns = [
        row[0].split(" ")[0]
        for row in table_rows(page, "The columns of a file of participating countries")
    ]
    assert columns[:2] == ["process", "country"]
    assert "country_name" not in columns
    assert "/admin/rcp/participation/import/template.xlsx" in page.content.decode()


# 2. The confirmation writes what the preview showed ------------------------------------------


def test_the_confirmation_writes_the_kept_plan_without_reading_the_file_again(
    admin_client, rabat, monkeypatch
):
    preview = upload(admin_client, b"process,country,note\nrabat-process,SN,since 2010\n")

    def read_again(*args, **kwargs):
        raise AssertionError("the confirmation planned the file again")

    monkeypatch.setattr(planning, "plan_import", read_again)
    monkeypatch.setattr("rcp.resources.plan_import", read_again)
    done = admin_client.post(PROCESS_IMPORT_URL, confirmation(preview), follow=True)

    assert [str(m) for m in done.context["messages"]] == [
        "Import finished: 1 new, 0 changed and 0 unchanged participating countries."
    ]
    assert Participation.objects.get(process=rabat, country="SN").note == "since 2010"
    assert not PendingUpload.objects.exists()


def test_a_row_another_editor_changed_since_the_preview_stops_the_confirmation(admin_client, rabat):
    preview = upload(admin_client, b"process,country,role\nrabat-process,FR,observer\n")
    Participation.objects.filter(process=rabat, country="FR").update(role="suspended")

    done = admin_client.post(PROCESS_IMPORT_URL, confirmation(preview), follow=True)

    assert [str(m) for m in done.context["messages"]] == [
        "Since the preview, someone else changed or deleted 1 of the participating countries "
        "this file changes (line 2). Nothing was imported: upload the file again to see a new "
        "preview.",
        "Nothing was imported.",
    ]
    assert Participation.objects.get(process=rabat, country="FR").role == "suspended"


def test_a_small_kind_of_record_is_planned_again_and_refused_if_the_plan_differs(admin_client, db):
    url = "/admin/rcp/organisation/import/"
    preview = admin_client.post(
        url,
        {"import_file": SimpleUploadedFile("orgs.csv", b"slug,name\nau,African Union\n")},
    )
    token = confirmation(preview)
    from rcp.models import Organisation

    Organisation.objects.create(slug="au", name="African Union (AU)")  # another editor

    done = admin_client.post("/admin/rcp/organisation/process_import/", token, follow=True)

    assert next(str(m) for m in done.context["messages"]).startswith(
        "The data changed since the preview"
    )
    assert Organisation.objects.get(slug="au").name == "African Union (AU)"


# 1. The bulk path ------------------------------------------------------------------------


def test_a_bulk_import_is_one_changeset_one_version_per_profile_and_one_invalidation(rabat):
    other = ProcessFactory(slug="other-process")
    versions = dict(Process.objects.values_list("slug", "version"))
    changes = PageDataChange.objects.count()
    rows = [f"rabat-process,{code},observer" for code in ("SN", "ML", "NE", "FR")]
    rows += [f"other-process,{code},member" for code in ("SN", "ML")]

    outcome = import_csv(ParticipationResource, "process,country,role\n" + "\n".join(rows))

    assert outcome.written and outcome.totals["new"] == 5 and outcome.totals["update"] == 1
    records = Participation.history.filter(process__in=[rabat, other])
    added = records.filter(history_type="+", country__in=["SN", "ML", "NE"])
    assert added.count() == 5
    assert records.filter(history_type="~", country="FR").get().role == "observer"
    assert len(set(added.values_list("changeset", flat=True))) == 1
    assert set(added.values_list("source", flat=True)) == {"spreadsheet"}
    assert dict(Process.objects.values_list("slug", "version")) == {
        "rabat-process": versions["rabat-process"] + 1,
        "other-process": versions["other-process"] + 1,
    }
    assert PageDataChange.objects.count() == changes + 1


@pytest.mark.parametrize("rows", [10, 200])
def test_the_number_of_queries_of_an_import_does_not_grow_with_its_rows(
    rabat, rows, django_assert_max_num_queries
):
    from django_countries import countries

    codes = [code for code, _name in countries if code not in ("MA", "FR")][:rows]
    content = "process,country,group\n" + "\n".join(f"rabat-process,{c},AU" for c in codes)

    # SQLite takes at most 999 parameters a query: 200 rows of a participation's 11 columns
    # (each text in three languages) and their history are inserted in three batches each.
    with django_assert_max_num_queries(14):
        outcome = import_csv(ParticipationResource, content)

    assert outcome.totals["new"] == rows


def test_an_organisation_may_name_a_successor_added_lines_above_in_the_same_file(db):
    outcome = import_csv(
        OrganisationResource,
        "slug,name,succeeded_by\nau,African Union,\noau,Organisation of African Unity,au\n",
    )

    assert outcome.written, outcome.problem_lines()
    from rcp.models import Organisation

    assert Organisation.objects.get(slug="oau").succeeded_by.slug == "au"


def test_a_line_repeating_a_stored_record_is_refused_and_the_first_line_is_not_altered(rabat):
    outcome = import_csv(
        ParticipationResource,
        "process,country,note\nrabat-process,FR,first\nrabat-process,FR,second\n",
        dry_run=True,
    )

    assert outcome.problem_lines() == [
        "Line 3: This line repeats line 2 (France in rabat-process). Each appears once: remove "
        "one of the two lines."
    ]
    first = outcome.plan.rows[0]
    assert first.kind == "changed" and first.instance.note == "first"


@pytest.mark.parametrize("rows", [10, 200])
def test_the_preview_page_costs_the_same_queries_whatever_the_number_of_lines(
    admin_client, rabat, rows, django_assert_max_num_queries
):
    from django_countries import countries

    codes = [code for code, _name in countries if code not in ("MA", "FR")][:rows]
    content = "process,country\n" + "\n".join(f"rabat-process,{c}" for c in codes)

    with django_assert_max_num_queries(25):
        preview = upload(admin_client, content.encode())

    assert f"New {rows} Changed 0" in page_text(preview)


# What a second look found -----------------------------------------------------------------

MEETINGS_URL = "/admin/rcp/meeting/import/"


def test_a_meeting_file_confirmed_from_two_tabs_adds_the_meeting_once(admin_client, rabat):
    content = b"process,title,start_date\nrabat-process,Senior officials,2024-05-02\n"

    def preview():
        return admin_client.post(
            MEETINGS_URL, {"import_file": SimpleUploadedFile("meetings.csv", content)}
        )

    first, second = preview(), preview()
    admin_client.post("/admin/rcp/meeting/process_import/", confirmation(first))
    again = admin_client.post(
        "/admin/rcp/meeting/process_import/", confirmation(second), follow=True
    )

    assert Meeting.objects.filter(process=rabat, title="Senior officials").count() == 1
    assert [str(m) for m in again.context["messages"]][-2:] == [
        "Since the preview, someone else added 1 of the meetings this file adds (line 2). "
        "Nothing was imported: upload the file again to see a new preview.",
        "Nothing was imported.",
    ]


def test_dates_are_compared_as_they_are_stored_rounded_to_their_precision(rabat):
    meeting = MeetingFactory(
        process=rabat,
        title="Ministerial",
        start_date=datetime.date(2014, 4, 2),
        end_date=datetime.date(2014, 4, 20),
    )
    content = "process,title,start_date,end_date,date_precision\n"
    content += "rabat-process,Ministerial,2014-04-02,2014-04-20,month\n"

    preview = import_csv(MeetingResource, content, dry_run=True)
    changes = {c.column: (c.old, c.new) for c in preview.plan.rows[0].changes}
    outcome = import_csv(MeetingResource, content)
    again = import_csv(MeetingResource, content)

    assert changes == {
        "date_precision": ("Day", "Month"),
        "start_date": ("2014-04-02", "2014-04-01"),
        "end_date": ("2014-04-20", "2014-04-01"),
    }
    meeting.refresh_from_db()
    assert (meeting.start_date, meeting.end_date) == (
        datetime.date(2014, 4, 1),
        datetime.date(2014, 4, 1),
    )
    assert meeting.history.first().end_date == datetime.date(2014, 4, 1)
    assert outcome.totals["update"] == 1 and again.totals["skip"] == 1


def test_a_small_kind_of_record_changed_beyond_what_the_preview_quotes_stops_the_confirmation(
    admin_client, db
):
    long_name = "Organisation " + "x" * 80
    organisation = OrganisationFactory(slug="au", name=long_name + "a")
    preview = admin_client.post(
        "/admin/rcp/organisation/import/",
        {"import_file": SimpleUploadedFile("orgs.csv", f"slug,name\nau,{long_name}\n".encode())},
    )
    organisation.name = long_name + "b"  # another editor, past the 60 characters shown
    organisation.save()

    done = admin_client.post(
        "/admin/rcp/organisation/process_import/", confirmation(preview), follow=True
    )

    assert next(str(m) for m in done.context["messages"]).startswith(
        "The data changed since the preview"
    )
    organisation.refresh_from_db()
    assert organisation.name == long_name + "b"


def test_a_confirmation_is_logged_with_what_it_wrote(admin_client, rabat, caplog):
    preview = upload(admin_client, b"process,country\nrabat-process,SN\n")

    with caplog.at_level("INFO", logger="rcp.events"):
        admin_client.post(PROCESS_IMPORT_URL, confirmation(preview))

    (record,) = [r for r in caplog.records if r.event_fields.get("confirmation")]
    assert record.event_fields["outcome"] == "imported"
    assert record.event_fields["new"] == 1


def test_a_csv_file_named_xlsx_is_read_as_csv(admin_client, rabat):
    preview = upload(admin_client, b"process,country\nrabat-process,SN\n", name="members.xlsx")

    assert "Read as: CSV file." in page_text(preview)
    assert table_rows(preview, "New records")[0][:2] == ["2", "Senegal in rabat-process"]


def test_an_empty_row_of_a_sheet_is_skipped_and_its_dates_read_without_noise(rabat):
    workbook = xlsx_bytes(
        [
            ["process", "title", "start_date"],
            ["rabat-process", "Ministerial", datetime.datetime(2024, 5, 2)],
            [None, None, None],
            ["rabat-process", "Senior officials", datetime.datetime(2024, 6, 3)],
        ]
    )

    outcome = MeetingResource().import_data(
        SafeXLSX().create_dataset(workbook), dry_run=True, user=COMMAND_LINE
    )

    assert outcome.problem_lines() == []
    assert [row.line for row in outcome.plan.rows] == [2, 4]
    assert [r.column for r in outcome.plan.rows[0].readings] == ["process"]
