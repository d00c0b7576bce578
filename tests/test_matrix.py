"""The membership matrix, as a researcher reads it: countries by processes with each country's
role in each cell (spelt out by a key), filtered by type and region, a page of processes at a
time; the same matrix, whole, as CSV and XLSX, formula-like cells escaped; drafts never in it."""

import csv
import io

import openpyxl
import pytest

from rcp.models import Region
from rcp.views import matrix as matrix_views

from .factories import ParticipationFactory, ProcessFactory
from .pages import Element, get_page, items

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def main(page: Element) -> Element:
    return page.find("main")


def table(page: Element) -> list[list[str]]:
    """The matrix as a reader reads it: the header row, then a row per country."""
    found = main(page).find("table", "matrix__table")
    return [[cell.text for cell in row.elements] for row in found.find_all("tr")]


def notices(page: Element) -> list[str]:
    return [p.text for p in main(page).find_all("p", "notice")]


def download(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    if url.split("?")[0].endswith(".csv"):
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            'attachment; filename="rcp-membership-matrix.csv"'
        )
        text = response.content.decode("utf-8")
        assert text.startswith("\ufeff")
        return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="rcp-membership-matrix.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [
        ["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)
    ]


@pytest.fixture
def world(db):
    """Two published processes (a forum in Africa and Europe, an RCP in Africa) with countries
    in every role, a process with no type nor region, a draft and an archived profile with a
    country (Algeria) and a region (Antarctica) of their own."""
    africa = Region.objects.create(name="Africa")
    europe = Region.objects.create(name="Europe")
    antarctica = Region.objects.create(name="Antarctica")
    rabat = ProcessFactory(
        name="Rabat Process", name_fr="Processus de Rabat", slug="rabat", kind="interregional"
    )
    rabat.regions.add(africa, europe)
    midwa = ProcessFactory(name="Migration Dialogue for West Africa", slug="midwa", kind="rcp")
    midwa.regions.add(africa)
    loose = ProcessFactory(name="Tripoli Process", slug="tripoli")
    for process, country, role in [
        (rabat, "MA", "member"),
        (rabat, "FR", "member"),
        (rabat, "CH", "observer"),
        (rabat, "ML", "suspended"),
        (midwa, "SN", "member"),
        (midwa, "MA", "guest"),
        (loose, "MA", "member"),
    ]:
        ParticipationFactory(process=process, country=country, role=role)
    draft = ProcessFactory(name="Draft Dialogue", slug="draft", kind="global", status="draft")
    draft.regions.add(antarctica, africa)
    archived = ProcessFactory(name="Archived Dialogue", slug="archived", status="archived")
    for process in (draft, archived):
        ParticipationFactory(process=process, country="DZ")
        ParticipationFactory(process=process, country="MA")
    return {"rabat": rabat, "midwa": midwa}


WHOLE = [
    ["Country", "Migration Dialogue for West Africa", "Rabat Process", "Tripoli Process"],
    ["Mali", "", "S", ""],
    ["France", "", "M", ""],
    ["Morocco", "G", "M", "M"],
    ["Senegal", "M", "", ""],
    ["Switzerland", "", "O", ""],
]


def test_the_matrix_shows_each_countrys_role_in_each_published_process(client, world):
    page = get_page(client, "/matrix/")

    rows = table(page)
    assert rows[0] == WHOLE[0]
    assert sorted(rows[1:]) == sorted(WHOLE[1:])
    assert [row[0] for row in rows[1:]] == ["France", "Mali", "Morocco", "Senegal", "Switzerland"]
    assert "Draft" not in main(page).text and "Archived" not in main(page).text
    assert "Algeria" not in main(page).text


def test_the_key_spells_out_every_abbreviation(client, world):
    page = get_page(client, "/matrix/")

    key = main(page).find("dl", "matrix__key")
    assert [(d.find("dt").text, d.find("dd").text) for d in key.elements] == [
        ("M", "Member"),
        ("O", "Observer"),
        ("S", "Suspended member"),
        ("G", "Guest"),
    ]


def test_the_table_has_a_caption_header_scopes_and_scrolls_in_a_focusable_region(client, world):
    page = get_page(client, "/matrix/")

    wrapper = main(page).find("div", "matrix")
    assert wrapper.attrs["role"] == "region"
    assert wrapper.attrs["tabindex"] == "0"
    caption = wrapper.find("caption")
    assert wrapper.attrs["aria-labelledby"] == caption.attrs["id"]
    assert caption.text == "Role of each country (rows) in each process (columns)"
    assert {th.attrs["scope"] for th in wrapper.find("thead").find_all("th")} == {"col"}
    assert {th.attrs["scope"] for th in wrapper.find("tbody").find_all("th")} == {"row"}
    links = [a.attrs["href"] for a in wrapper.find("thead").find_all("a")]
    assert links == ["/processes/midwa/", "/processes/rabat/", "/processes/tripoli/"]


@pytest.mark.parametrize(
    ("query", "processes", "countries"),
    [
        ("?kind=rcp", ["Migration Dialogue for West Africa"], ["Morocco", "Senegal"]),
        ("?region=europe", ["Rabat Process"], ["France", "Mali", "Morocco", "Switzerland"]),
        ("?kind=none&region=none", ["Tripoli Process"], ["Morocco"]),
        ("?kind=interregional&region=africa", ["Rabat Process"], None),
    ],
)
def test_the_matrix_filters_by_type_and_region(client, world, query, processes, countries):
    rows = table(get_page(client, "/matrix/" + query))

    assert rows[0][1:] == processes
    if countries is not None:
        assert [row[0] for row in rows[1:]] == countries


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?kind=global", "No published profile has the type “Global process”."),
        ("?region=antarctica", "No published profile covers a region “antarctica”."),
    ],
)
def test_a_filter_value_no_published_profile_has_says_so(client, world, query, message):
    page = get_page(client, "/matrix/" + query)

    assert notices(page) == [message + " Show every profile"]
    assert main(page).find_all("table") == []
    assert "Download" not in main(page).text
    response = client.get("/matrix.csv" + query)
    assert response.status_code == 400
    assert response.content.decode() == message


def test_the_filters_offer_only_what_published_profiles_have(client, world):
    page = get_page(client, "/matrix/")

    kinds = main(page).find("select")
    assert [o.attrs["value"] for o in kinds.find_all("option")] == [
        "",
        "rcp",
        "interregional",
        "none",
    ]


# --- Downloads ----------------------------------------------------------------------------------

HEADERS = [
    "country",
    "country_name",
    "Migration Dialogue for West Africa",
    "Rabat Process",
    "Tripoli Process",
]
ROWS = [
    ["FR", "France", "", "member", ""],
    ["ML", "Mali", "", "suspended", ""],
    ["MA", "Morocco", "guest", "member", "member"],
    ["SN", "Senegal", "member", "", ""],
    ["CH", "Switzerland", "", "observer", ""],
]


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_downloads_hold_the_whole_matrix_with_role_codes(client, world, extension):
    rows = download(client, f"/matrix.{extension}")

    assert rows == [HEADERS, *ROWS]


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_downloads_follow_the_filters(client, world, extension):
    rows = download(client, f"/matrix.{extension}?kind=rcp&region=africa")

    assert rows == [
        ["country", "country_name", "Migration Dialogue for West Africa"],
        ["MA", "Morocco", "guest"],
        ["SN", "Senegal", "member"],
    ]


def test_the_page_links_to_downloads_with_its_filters(client, world):
    page = get_page(client, "/matrix/?region=europe&page=1")

    links = {
        a.text: a.attrs["href"] for a in main(page).find("ul", "matrix__downloads").find_all("a")
    }
    assert links == {
        "Download as CSV": "/matrix.csv?region=europe",
        "Download as Excel workbook (.xlsx)": "/matrix.xlsx?region=europe",
    }


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_formula_like_names_are_escaped_in_the_downloads(client, db, extension):
    for name, slug in [('=HYPERLINK("http://x")', "hyperlink"), ("@SUM(A1)", "sum")]:
        ParticipationFactory(process=ProcessFactory(name=name, slug=slug), country="MA")

    rows = download(client, f"/matrix.{extension}")

    assert rows[0] == ["country", "country_name", '\'=HYPERLINK("http://x")', "'@SUM(A1)"]


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_processes_whose_names_read_alike_are_told_apart_by_their_slug(client, db, extension):
    ProcessFactory(name="Dialogue", slug="one")  # untranslated: reads "Dialogue" in French
    ProcessFactory(name="Other Dialogue", name_fr="Dialogue", slug="two")

    rows = download(client, f"/fr/matrix.{extension}")

    assert rows[0] == ["country", "country_name", "Dialogue (one)", "Dialogue (two)"]


def test_the_matrix_and_its_downloads_speak_the_readers_language(client, world):
    page = get_page(client, "/fr/matrix/")
    rows = download(client, "/fr/matrix.csv?region=europe")

    assert table(page)[0][1:] == [
        "Migration Dialogue for West Africa",
        "Processus de Rabat",
        "Tripoli Process",
    ]
    assert "Maroc" in [row[0] for row in table(page)[1:]]
    assert rows[0][2:] == ["Processus de Rabat"]
    assert ["MA", "Maroc", "member"] in rows


# --- Many processes -----------------------------------------------------------------------------


@pytest.fixture
def many(db):
    """45 published processes, each with Morocco as member and a country of its own."""
    from .conftest import ALL_COUNTRY_CODES

    others = [code for code in ALL_COUNTRY_CODES if code != "MA"]
    for number in range(45):
        process = ProcessFactory(name=f"Process {number:02}", slug=f"p{number}", kind="rcp")
        ParticipationFactory(process=process, country="MA")
        ParticipationFactory(process=process, country=others[number], role="observer")


def test_the_table_shows_twenty_processes_a_page_and_the_downloads_all(client, many):
    first = get_page(client, "/matrix/")
    third = get_page(client, "/matrix/?page=3")

    assert table(first)[0][1:] == [f"Process {n:02}" for n in range(20)]
    assert table(third)[0][1:] == [f"Process {n:02}" for n in range(40, 45)]
    assert len(table(third)) == 1 + 1 + 5  # the header, Morocco and a country per process
    assert "Processes 41 to 45 of 45" in main(third).text
    nav = main(first).find("nav", "pagination")
    assert nav.attrs["aria-label"] == "Pages of processes"
    assert items(nav.find("ul")) == ["Page 1", "Page 2", "Page 3", "Next page"]
    assert len(download(client, "/matrix.csv")[0]) == 2 + 45


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("x", "There is no page “x”: this is the first page."),
        ("7", "There is no page 7: this is the last page, page 3."),
    ],
)
def test_a_page_of_processes_that_does_not_exist_shows_the_nearest_one(client, many, page, message):
    assert notices(get_page(client, f"/matrix/?page={page}")) == [message]


def test_the_open_data_page_links_to_the_matrix(client, db):
    page = get_page(client, "/data/")

    assert "/matrix/" in [a.attrs["href"] for a in main(page).find_all("a")]


# --- Queries ------------------------------------------------------------------------------------

#: The landscape (three queries: rcp.landscape), the processes (count and page, or all of them
#: for a download), their countries.
MATRIX_QUERIES = {"/matrix/": 6, "/matrix/?kind=rcp&page=2": 6, "/matrix.csv": 5, "/matrix.xlsx": 5}


@pytest.mark.parametrize("path", MATRIX_QUERIES)
def test_the_matrix_does_a_constant_number_of_queries(
    client, db, django_assert_max_num_queries, path, monkeypatch
):
    monkeypatch.setattr(matrix_views, "PROCESSES_PER_PAGE", 3)
    africa = Region.objects.create(name="Africa")

    def add(first, count):
        for number in range(first, first + count):
            process = ProcessFactory(name=f"Process {number:03}", slug=f"p{number}", kind="rcp")
            process.regions.add(africa)
            for country in ("MA", "SN", "FR"):
                ParticipationFactory(process=process, country=country)

    add(0, 7)
    with django_assert_max_num_queries(MATRIX_QUERIES[path]) as small:
        client.get(path)
    add(7, 20)
    with django_assert_max_num_queries(MATRIX_QUERIES[path]) as large:
        response = client.get(path)

    assert response.status_code == 200
    assert len(small) == len(large)
