"""The home page as the landscape of the published processes: how many of each type and in each
region, each count a link to its list; filters offering only what exists and never hiding a
profile under "All"; the list a page at a time, whatever the address asks for."""

import pytest

from rcp.models import Region
from rcp.views import home

from .factories import ParticipationFactory, ProcessFactory
from .pages import Element, get_page, items

pytestmark = pytest.mark.django_db


def main(page: Element) -> Element:
    return page.find("main")


def card_names(page: Element) -> list[str]:
    return [card.find("h3").text for card in main(page).find_all("li", "process-list__item")]


def counts(page: Element, heading: str) -> dict[str, str]:
    """The items of the landscape section under ``heading``, each with its link."""
    section = next(s for s in main(page).find_all("section") if s.find("h2").text == heading)
    return {li.text: li.find("a").attrs["href"] for li in section.find("ul").find_all("li")}


def options(page: Element, name: str) -> list[tuple[str, str]]:
    select = next(s for s in main(page).find_all("select") if s.attrs["name"] == name)
    return [(o.attrs["value"], o.text) for o in select.find_all("option")]


def notices(page: Element) -> list[str]:
    return [p.text for p in main(page).find_all("p", "notice")]


def pagination(page: Element) -> dict[str, str]:
    nav = main(page).find("nav", "pagination")
    return {a.text: a.attrs["href"] for a in nav.find_all("a")}


@pytest.fixture
def landscape(tripoli):
    """Tripoli (bundled: no type, no region), a forum in Africa and Europe, an RCP in Africa,
    a global process only as a draft (in Antarctica) and an archived one."""
    africa = Region.objects.create(name="Africa", name_fr="Afrique")
    europe = Region.objects.create(name="Europe")
    antarctica = Region.objects.create(name="Antarctica")
    rabat = ProcessFactory(name="Rabat Process", slug="rabat-process", kind="interregional")
    rabat.regions.add(africa, europe)
    midwa = ProcessFactory(name="Migration Dialogue for West Africa", slug="midwa", kind="rcp")
    midwa.regions.add(africa)
    draft = ProcessFactory(name="Draft Dialogue", slug="draft", kind="global", status="draft")
    draft.regions.add(antarctica, africa)
    ProcessFactory(name="Archived Dialogue", slug="archived", kind="rcp", status="archived")
    for process in (rabat, midwa, draft):
        ParticipationFactory(process=process, country="MA")
    return {"tripoli": tripoli, "rabat": rabat, "midwa": midwa}


ALL = ["Migration Dialogue for West Africa", "Rabat Process", "Tripoli Process"]


def test_home_counts_the_published_profiles_by_type_and_region_each_a_link(client, landscape):
    home = get_page(client, "/")

    assert "3 profiles" in main(home).text
    assert counts(home, "By type") == {
        "Regional Consultative Process (1)": "?kind=rcp",
        "Inter-regional forum (1)": "?kind=interregional",
        "Not classified (1)": "?kind=none",
    }
    assert counts(home, "By region") == {
        "Africa (2)": "?region=africa",
        "Europe (1)": "?region=europe",
        "No region (1)": "?region=none",
    }


def test_each_count_leads_to_as_many_profiles_and_tripoli_without_type_is_reachable(
    client, landscape
):
    home = get_page(client, "/")
    reached = set()

    for heading in ("By type", "By region"):
        for text, href in counts(home, heading).items():
            listed = card_names(get_page(client, "/" + href))
            assert f"({len(listed)})" in text, (text, listed)
            reached.update(listed)

    assert reached == set(ALL)
    assert card_names(get_page(client, "/?kind=none")) == ["Tripoli Process"]
    assert card_names(get_page(client, "/?region=none")) == ["Tripoli Process"]


@pytest.mark.parametrize("query", ["", "?kind=", "?region=", "?kind=&region=", "?kind=+&page=1"])
def test_all_types_and_all_regions_hide_no_profile(client, landscape, query):
    assert card_names(get_page(client, "/" + query)) == ALL


def test_filters_offer_only_the_types_and_regions_published_profiles_have(client, landscape):
    home = get_page(client, "/?kind=rcp&region=africa")

    assert options(home, "kind") == [
        ("", "All types"),
        ("rcp", "Regional Consultative Process"),
        ("interregional", "Inter-regional forum"),
        ("none", "Not classified"),
    ]
    assert options(home, "region") == [
        ("", "All regions"),
        ("africa", "Africa"),
        ("europe", "Europe"),
        ("none", "No region"),
    ]
    selected = [o.attrs["value"] for o in main(home).find_all("option") if "selected" in o.attrs]
    assert selected == ["rcp", "africa"]
    assert card_names(home) == ["Migration Dialogue for West Africa"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?kind=global", "No published profile has the type “Global process”."),
        ("?kind=bogus", "No published profile has the type “bogus”."),
        ("?region=antarctica", "No published profile covers a region “antarctica”."),
        ("?region=%3Cscript%3E", "No published profile covers a region “<script>”."),
        ("?kind=rcp&region=mars", "No published profile covers a region “mars”."),
    ],
)
def test_a_filter_value_no_published_profile_has_says_so_and_lists_nothing(
    client, landscape, query, message
):
    page = get_page(client, "/" + query)

    assert card_names(page) == []
    assert notices(page) == [message + " Show every profile"]
    assert "No published profile matches." not in main(page).text
    assert "Antarctica" not in main(page).text


def test_a_long_made_up_filter_value_is_quoted_shortened(client, landscape):
    page = get_page(client, "/?region=" + "x" * 5000)

    (notice,) = notices(page)
    assert len(notice) < 200


def test_the_counts_name_regions_in_the_readers_language(client, landscape):
    home = get_page(client, "/fr/")

    regions = counts(home, "Par région")
    assert "Afrique (2)" in regions
    assert "Europe (1)" in regions


# --- Pages of the list --------------------------------------------------------------------------


@pytest.fixture
def many(db):
    """120 published RCPs (Process 000 to 119), half of them in Africa."""
    africa = Region.objects.create(name="Africa")
    for number in range(120):
        process = ProcessFactory(name=f"Process {number:03}", slug=f"p{number}", kind="rcp")
        if number % 2:
            process.regions.add(africa)


def test_the_list_is_shown_thirty_profiles_at_a_time_with_links_to_every_page(client, many):
    first = get_page(client, "/")
    last = get_page(client, "/?page=4")

    assert card_names(first) == [f"Process {n:03}" for n in range(30)]
    assert card_names(last) == [f"Process {n:03}" for n in range(90, 120)]
    assert "Profiles 1 to 30 of 120" in main(first).text
    assert pagination(first) == {
        "Page 1": "./",
        "Page 2": "?page=2",
        "Page 3": "?page=3",
        "Page 4": "?page=4",
        "Next page": "?page=2",
    }
    assert pagination(last) == {
        "Previous page": "?page=3",
        "Page 1": "./",
        "Page 2": "?page=2",
        "Page 3": "?page=3",
        "Page 4": "?page=4",
    }
    nav = main(last).find("nav", "pagination")
    assert nav.attrs["aria-label"] == "Pages"
    current = [a.text for a in nav.find_all("a") if a.attrs.get("aria-current") == "page"]
    assert current == ["Page 4"]
    seen = [name for n in range(1, 5) for name in card_names(get_page(client, f"/?page={n}"))]
    assert seen == [f"Process {n:03}" for n in range(120)]


def test_pages_keep_the_filters(client, many):
    page = get_page(client, "/?region=africa&page=2")

    assert card_names(page) == [f"Process {n:03}" for n in range(61, 120, 2)]
    assert pagination(page)["Page 1"] == "?region=africa"
    assert pagination(page)["Previous page"] == "?region=africa"


def test_a_site_with_many_pages_links_to_the_first_last_and_nearby_pages(client, db, monkeypatch):
    monkeypatch.setattr(home, "PAGE_SIZE", 2)
    for number in range(2 * 9):
        ProcessFactory(name=f"P{number:03}", slug=f"p{number}")

    page = get_page(client, "/?page=5")

    nav = main(page).find("nav", "pagination")
    assert items(nav.find("ul")) == [
        "Previous page",
        "Page 1",
        "…",
        "Page 3",
        "Page 4",
        "Page 5",
        "Page 6",
        "Page 7",
        "…",
        "Page 9",
        "Next page",
    ]


@pytest.mark.parametrize(
    ("page", "shown", "message"),
    [
        ("abc", 1, "There is no page “abc”: this is the first page."),
        ("1.5", 1, "There is no page “1.5”: this is the first page."),
        ("0", 1, "There is no page 0: this is the first page."),
        ("-4", 1, "There is no page -4: this is the first page."),
        ("5", 4, "There is no page 5: this is the last page, page 4."),
        (
            "99999999999999999999",
            4,
            "There is no page 99999999999999999999: this is the last page, page 4.",
        ),
        ("%3Cb%3E", 1, "There is no page “<b>”: this is the first page."),
    ],
)
def test_a_page_that_does_not_exist_shows_the_nearest_one_and_says_so(
    client, many, page, shown, message
):
    response = get_page(client, f"/?page={page}")

    assert notices(response) == [message]
    expected = get_page(client, f"/?page={shown}" if shown > 1 else "/")
    assert card_names(response) == card_names(expected)


def test_a_site_with_no_profile_says_so(client, db):
    page = get_page(client, "/")

    assert "No published profile matches." in main(page).text
    assert main(page).find_all("nav", "pagination") == []
    assert "By type" not in main(page).text


def test_the_home_page_links_to_the_membership_matrix_with_its_filters(client, landscape):
    home = get_page(client, "/")
    africa = get_page(client, "/?region=africa")

    def matrix_link(page):
        return next(
            a.attrs["href"] for a in main(page).find_all("a") if "membership matrix" in a.text
        )

    assert matrix_link(home) == "/matrix/"
    assert matrix_link(africa) == "/matrix/?region=africa"


# --- Queries ------------------------------------------------------------------------------------

#: The landscape (processes by type, regions with their counts, processes without a region),
#: the list's count, its page of processes with member counts, their regions and associations,
#: and the map's countries.
HOME_QUERIES = 8


@pytest.mark.parametrize("path", ["/", "/?page=2", "/?kind=rcp&region=africa", "/?kind=none"])
def test_the_home_page_does_a_constant_number_of_queries(
    client, db, django_assert_max_num_queries, path
):
    africa = Region.objects.create(name="Africa")

    def add(first, count):
        for number in range(first, first + count):
            process = ProcessFactory(name=f"Process {number:03}", slug=f"p{number}", kind="rcp")
            process.regions.add(africa, Region.objects.create(name=f"Region {number}"))
            ParticipationFactory(process=process, country="MA")
        ProcessFactory(name=f"Unclassified {first}", slug=f"u{first}")

    add(0, 60)
    with django_assert_max_num_queries(HOME_QUERIES) as small:
        client.get(path)
    add(60, 60)
    with django_assert_max_num_queries(HOME_QUERIES) as large:
        response = client.get(path)

    assert response.status_code == 200
    assert len(small) == len(large)


def test_not_classified_is_offered_only_when_a_profile_has_no_type(client, many):
    page = get_page(client, "/?kind=none")

    assert ("none", "Not classified") not in options(page, "kind")
    assert notices(page) == [
        "No published profile has the type “Not classified”. Show every profile"
    ]
