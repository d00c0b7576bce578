"""The guide on the import page: each column of a file (required or optional, what it holds, an
example), a template to download (CSV or XLSX: the header and one example row) that imports
back as it is, and export-only columns never offered as importable."""

import csv
import io

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.template.loader import render_to_string
from django.test import RequestFactory
from import_export.results import RowResult

from rcp.imports.guide import column_guide, identifying_rows, importable_columns
from rcp.models import FocusArea, Organisation, Participation, Process, Region
from rcp.resources import (
    ALL_RESOURCES,
    NaturalKeyWidget,
    ParticipationResource,
    ProcessResource,
    StrictManyToManyWidget,
)
from rcp.spreadsheets import SPREADSHEET_FORMATS, describe_problems
from rcp.workflow import COMMAND_LINE

from .factories import FocusAreaFactory, OrganisationFactory, ProcessFactory, RegionFactory
from .pages import parse

PARTICIPATION_COLUMNS = [
    "process",
    "country",
    "role",
    "group",
    "group_fr",
    "group_es",
    "note",
    "note_fr",
    "note_es",
]
PARTICIPATION_EXAMPLE = ["tripoli-process", "Morocco", "member", "AU", "UA", "UA", "", "", ""]
FACTORIES = {
    Process: ProcessFactory,
    Organisation: OrganisationFactory,
    Region: RegionFactory,
    FocusArea: FocusAreaFactory,
}


def guide_of(resource_class) -> dict:
    return {column.name: column for column in column_guide(resource_class())}


def template_url(model, format_name: str) -> str:
    return f"/admin/rcp/{model._meta.model_name}/import/template.{format_name}"


def read_rows(format_name: str, content: bytes) -> list[list[str]]:
    if format_name == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    return [["" if cell is None else cell for cell in row] for row in sheet.values]


def create_referenced_records(resource) -> None:
    """The records the resource's example row names by slug."""
    for field in resource.get_import_fields():
        if not isinstance(field.widget, NaturalKeyWidget | StrictManyToManyWidget):
            continue
        for slug in str(resource.example_row.get(field.column_name, "")).split(","):
            model = field.widget.model
            if slug.strip() and not model.objects.filter(slug=slug.strip()).exists():
                FACTORIES[model](slug=slug.strip())


def guide_page(user) -> str:
    request = RequestFactory().get("/admin/rcp/participation/import/")
    request.user = user
    context = admin.site.get_model_admin(Participation).import_guide_context(request)
    return render_to_string("admin/rcp/includes/import_guide.html", context, request=request)


# The columns ------------------------------------------------------------------------------


def test_participations_need_process_and_country_which_identify_the_row():
    columns = guide_of(ParticipationResource)

    assert [name for name, column in columns.items() if column.required] == ["process", "country"]
    assert [name for name, column in columns.items() if column.identifies] == [
        "process",
        "country",
    ]
    assert identifying_rows(ParticipationResource()) == (
        "Rows with the same “process” and “country” as an existing participating country "
        "update it; other rows add new participating countries."
    )


def test_a_choice_column_lists_every_accepted_value_with_its_name_and_an_example():
    role = guide_of(ParticipationResource)["role"]

    assert not role.required
    assert [(choice.value, choice.label) for choice in role.choices] == [
        ("member", "Member"),
        ("observer", "Observer"),
        ("suspended", "Suspended member"),
        ("guest", "Guest"),
    ]
    assert role.example == "member"
    assert role.if_empty == "An empty cell keeps what is stored; a new row gets “member”."


def test_each_column_says_what_it_holds_from_its_widget_and_the_fields_help():
    columns = guide_of(ParticipationResource)
    process = guide_of(ProcessResource)

    assert columns["country"].holds == (
        "A country: its name or its two-letter code, e.g. Morocco or MA."
    )
    assert columns["country"].example == "Morocco"
    assert columns["process"].holds == (
        "The slug of one of the processes, as an export of the processes gives it. Import new "
        "processes first."
    )
    assert columns["group"].holds.startswith("Text of at most 60 characters. Optional. A short")
    assert columns["note"].if_empty == "May be empty: an empty cell clears what is stored."
    assert process["regions"].holds == (
        "The slugs of regions, separated by commas, as an export of the regions gives them. "
        "Import new regions first."
    )
    assert process["established"].holds == "A year, in four digits. E.g. 2001."
    assert process["has_official_secretariat"].holds == (
        "“yes” or “no” (also accepted: 1, true, x, y for yes; 0, false, n for no)."
    )
    assert process["name"].if_empty == "Cannot be empty."
    assert process["slug"].label == "Web address"


def test_the_export_only_country_name_is_never_offered_as_importable():
    columns = guide_of(ParticipationResource)

    assert "country_name" in ParticipationResource().get_export_headers()
    assert columns["country_name"].export_only
    assert not columns["country_name"].required
    assert [name for name, column in columns.items() if not column.export_only] == (
        PARTICIPATION_COLUMNS
    )
    assert importable_columns(ParticipationResource()) == PARTICIPATION_COLUMNS


@pytest.mark.parametrize("resource_class", ALL_RESOURCES, ids=lambda r: r.__name__)
def test_every_resource_has_an_example_of_each_importable_column(resource_class):
    resource = resource_class()

    assert set(resource.example_row) == set(importable_columns(resource))
    assert [
        column for column in resource.required_columns if not resource.example_row[column]
    ] == []


# The page ---------------------------------------------------------------------------------


def test_the_guide_is_a_table_of_the_columns_with_the_two_templates(
    admin_user, django_assert_num_queries
):
    with django_assert_num_queries(0):
        page = parse(guide_page(admin_user))

    table = page.find("table")
    assert table.find("caption").text == "The columns of a file of participating countries"
    assert [th.text for th in table.find("thead").find_all("th")] == [
        "Column",
        "Required or optional",
        "What it holds",
        "Example",
    ]
    assert all(th.attrs["scope"] == "col" for th in table.find("thead").find_all("th"))
    rows = {
        row.find("th").find("code").text: [cell.text for cell in row.elements]
        for row in table.find("tbody").find_all("tr")
    }
    assert list(rows) == PARTICIPATION_COLUMNS
    assert all(row.find("th").attrs["scope"] == "row" for row in table.find_all("tr")[1:])
    assert rows["country"] == [
        "country Country",
        "Required Identifies the row",
        "A country: its name or its two-letter code, e.g. Morocco or MA.",
        "Morocco",
    ]
    assert rows["role"][1] == "Optional"
    assert rows["role"][2] == (
        "One of the values listed, or its name as shown, in any case. member (Member) observer "
        "(Observer) suspended (Suspended member) guest (Guest) An empty cell keeps what is "
        "stored; a new row gets “member”."
    )
    assert rows["note"][3] == "(empty)"
    links = {a.text: a.attrs["href"] for a in page.find_all("a")}
    assert links == {
        "Template as an Excel workbook (.xlsx)": template_url(Participation, "xlsx"),
        "Template as a CSV file (.csv)": template_url(Participation, "csv"),
    }
    assert "Rows with the same “process” and “country”" in page.text
    export_only = page.find("h3")
    assert export_only.text == "Only in exports, ignored when importing"
    assert [li.text for li in page.find_all("ul")[-1].elements] == [
        "country_name: Written by exports, to make them easier to read. A file may keep it or "
        "leave it out: an import ignores it."
    ]


# The templates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("format_name", "content_type"),
    [
        ("csv", "text/csv"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_a_template_has_the_header_and_one_example_row(
    admin_client, django_assert_max_num_queries, format_name, content_type
):
    with django_assert_max_num_queries(2):  # the session and the user
        response = admin_client.get(template_url(Participation, format_name))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="participating-countries-template.{format_name}"'
    )
    assert read_rows(format_name, response.content) == [
        PARTICIPATION_COLUMNS,
        PARTICIPATION_EXAMPLE,
    ]


@pytest.mark.parametrize("format_name", SPREADSHEET_FORMATS)
@pytest.mark.parametrize("resource_class", ALL_RESOURCES, ids=lambda r: r.__name__)
def test_every_downloaded_template_imports_back_as_one_new_row(
    admin_client, resource_class, format_name
):
    resource = resource_class()
    create_referenced_records(resource)
    response = admin_client.get(template_url(resource._meta.model, format_name))
    dataset = SPREADSHEET_FORMATS[format_name]().create_dataset(response.content)

    result = resource.import_data(dataset, dry_run=True, user=COMMAND_LINE)

    assert describe_problems(resource, result) == []
    assert result.totals[RowResult.IMPORT_TYPE_NEW] == 1


@pytest.mark.parametrize("format_name", SPREADSHEET_FORMATS)
def test_downloading_a_template_needs_the_import_permission(client, staff_user, format_name):
    url = template_url(Participation, format_name)
    client.force_login(staff_user)

    assert client.get(url).status_code == 403

    staff_user.user_permissions.add(
        Permission.objects.get(content_type__app_label="rcp", codename="import_participation")
    )
    staff_user = type(staff_user).objects.get(pk=staff_user.pk)  # permissions read afresh
    client.force_login(staff_user)
    assert client.get(url).status_code == 200


def test_a_template_is_for_staff_only(client, db):
    response = client.get(template_url(Participation, "csv"))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
