"""The public pages as a reader sees them: a profile at /processes/<slug>/ and the list on /.

Each test reads the rendered HTML (parsed with Python's html.parser into a small
tree) rather than the template context, so it checks what reaches the browser.
"""

import datetime
import json
import time

import pytest
from django.utils import translation

from rcp.models import Organisation, Region
from rcp.text import FORMATTED_TEXT_MAX_LENGTH

from .factories import (
    ChairFactory,
    FocusAreaFactory,
    MeetingFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProcessFactory,
    ProcessFocusAreaFactory,
    ProcessOrganisationFactory,
)
from .pages import (
    facts,
    get_page,
    h2_texts,
    items,
    navigation_items,
    outline,
    parse,
    profile_url,
    section,
)

# The IOM header navigation, as on iom.int and in the seed page.
IOM_NAVIGATION = [
    "Who we are",
    "Our Work",
    "What We Do",
    "Partnerships",
    "Highlights",
    "Where we work",
    "Take Action",
    "Work with us",
    "Get involved",
    "Data and Research",
    "2030 Agenda",
]

# Queries a page runs, measured with the prefetching in Process.objects.for_profile_page():
# the process (with its secretariat organisation), then one each for regions, associated
# organisations, participations, organisation roles, focus areas, chairs and meetings.
PROFILE_PAGE_QUERIES = 8
# The landscape on /: the counts by type and by region, the regions offered by the filter, the
# page's processes (counted, then with their member counts, regions and associations) and the
# map's count of processes per country.
PROCESS_LIST_QUERIES = 8


# "\u2013" in expected texts is the en dash between the ends of a date range.

# --- A small HTML tree, enough to read a page as a reader would --------------------------------


def add_members(process, codes: list[str], group: str = "", role: str = "member"):
    for code in codes:
        ParticipationFactory(process=process, country=code, group=group, role=role)


# --- Fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def full_process(db):
    """A profile with every section filled in, each with one entry."""
    process = ProcessFactory(
        name="Migration Dialogue for Everywhere",
        has_official_secretariat=False,
        secretariat="IOM provides support.",
    )
    ProcessFocusAreaFactory(process=process, focus_area__name="irregular migration")
    ChairFactory(process=process, country="MA")
    add_members(process, ["MA"])
    add_members(process, ["CH"], role="observer")
    ProcessOrganisationFactory(process=process, role="partner")
    MeetingFactory(process=process)
    return process


# --- Header and facts ---------------------------------------------------------------------------


def test_profile_page_has_the_iom_header_navigation_in_order(client, full_process):
    page = get_page(client, profile_url(full_process))

    assert navigation_items(page) == IOM_NAVIGATION
    links = page.find("header").find("nav", "site-nav").find_all("a")
    assert [link.text for link in links] == IOM_NAVIGATION
    assert all(link.attrs["href"].startswith("https://www.iom.int/") for link in links)


def test_process_name_is_the_only_h1_and_the_page_title(client, db):
    process = ProcessFactory(name="Tripoli Process")

    page = get_page(client, profile_url(process))

    assert [h1.text for h1 in page.find_all("h1")] == ["Tripoli Process"]
    assert page.find("title").text.startswith("Tripoli Process")


def test_acronym_follows_the_name_in_the_h1(client, db):
    process = ProcessFactory(name="Migration Dialogue for Southern Africa", acronym="MIDSA")

    page = get_page(client, profile_url(process))

    assert [h1.text for h1 in page.find_all("h1")] == [
        "Migration Dialogue for Southern Africa (MIDSA)"
    ]


def test_facts_show_only_the_year_established_when_nothing_else_is_set(client, db):
    process = ProcessFactory(established=2001)

    page = get_page(client, profile_url(process))

    assert facts(page) == ["Established: 2001"]


def test_facts_show_type_regions_association_and_status_when_set(client, db):
    process = ProcessFactory(established=2000, kind="rcp", activity="active")
    process.regions.add(
        Region.objects.create(name="Southern Africa"), Region.objects.create(name="East Africa")
    )
    process.associated_organisations.add(
        OrganisationFactory(name="Southern African Development Community", acronym="SADC"),
        OrganisationFactory(name="Common Market for Eastern and Southern Africa", acronym="COMESA"),
    )

    page = get_page(client, profile_url(process))

    assert facts(page) == [
        "Established: 2000",
        "Type: Regional Consultative Process",
        "Regions: East Africa, Southern Africa",
        "Association: Common Market for Eastern and Southern Africa (COMESA), "
        "Southern African Development Community (SADC)",
        "Status: Active",
    ]


# --- Sections -----------------------------------------------------------------------------------


def test_sections_follow_the_order_of_the_iom_profile(client, full_process):
    page = get_page(client, profile_url(full_process))

    assert h2_texts(page) == [
        "Objectives",
        "Current Focus",
        "Secretariat",
        "Chairs",
        "Members",
        "Observers",
        "Partner Organizations",
        "Meetings",
    ]


def test_a_process_with_only_a_name_shows_no_sections(client, db):
    process = ProcessFactory(name="Bare Process", objectives="", established=None)

    page = get_page(client, profile_url(process))

    assert h2_texts(page) == []
    assert page.find("main").find_all("h3") == []
    assert "Established" not in page.find("main").text


def test_empty_sections_are_left_out(client, db):
    process = ProcessFactory(objectives="   ")
    add_members(process, ["MA"])
    MeetingFactory(process=process)

    page = get_page(client, profile_url(process))

    assert h2_texts(page) == ["Members", "Meetings"]
    assert "Specific areas of discussion" not in page.text
    assert "Secretariat" not in page.text


def test_objectives_paragraphs_are_kept(client, db):
    process = ProcessFactory(objectives="First paragraph.\n\nSecond paragraph.")

    page = get_page(client, profile_url(process))

    assert outline(section(page, "Objectives")) == [
        ("p", "First paragraph."),
        ("p", "Second paragraph."),
    ]


def test_current_focus_lists_focus_areas_in_their_position_order(client, db):
    process = ProcessFactory()
    for position, name in [
        (3, "irregular migration"),
        (1, "protection of refugees"),
        (2, "human resources and brain drain"),
    ]:
        ProcessFocusAreaFactory(
            process=process, focus_area=FocusAreaFactory(name=name), position=position
        )

    page = get_page(client, profile_url(process))

    assert outline(section(page, "Current Focus")) == [
        ("p", "Specific areas of discussion include:"),
        (
            "ul",
            ["protection of refugees", "human resources and brain drain", "irregular migration"],
        ),
    ]


def test_secretariat_says_there_is_no_official_secretariat_before_the_details(client, db):
    process = ProcessFactory(
        has_official_secretariat=False,
        secretariat="IOM provides support to capacity building activities.",
    )

    page = get_page(client, profile_url(process))

    assert outline(section(page, "Secretariat")) == [
        ("p", "No official Secretariat."),
        ("p", "IOM provides support to capacity building activities."),
    ]


def test_a_process_without_secretariat_or_details_still_says_so(client, db):
    process = ProcessFactory(has_official_secretariat=False, secretariat="")

    page = get_page(client, profile_url(process))

    assert outline(section(page, "Secretariat")) == [("p", "No official Secretariat.")]


def test_secretariat_names_the_secretariat_organisation(client, db):
    process = ProcessFactory(
        secretariat_organisation=OrganisationFactory(
            name="Economic Community of West African States", acronym="ECOWAS"
        ),
        secretariat="Based in Abuja.",
    )

    page = get_page(client, profile_url(process))

    assert outline(section(page, "Secretariat")) == [
        ("p", "Economic Community of West African States (ECOWAS)"),
        ("p", "Based in Abuja."),
    ]


@pytest.mark.parametrize(
    ("groups", "member_organisations", "header"),
    [
        (
            {"AU": ["DZ", "AO", "BJ"], "EU": ["AT", "BE"]},
            0,
            "5 Members (3 AU Member States and 2 EU Member States)",
        ),
        (
            {"EU": ["AT"], "AU": ["DZ", "AO"]},
            0,
            "3 Members (2 AU Member States and 1 EU Member State)",
        ),
        ({"": ["MA", "SN"]}, 1, "3 Members (2 Member States and 1 Member Organization)"),
        ({"": ["MA"]}, 0, "1 Member"),
    ],
)
def test_members_header_is_computed_from_the_members(
    client, db, groups, member_organisations, header
):
    process = ProcessFactory()
    for group, codes in groups.items():
        add_members(process, codes, group=group)
    for _ in range(member_organisations):
        ProcessOrganisationFactory(process=process, role="member")

    page = get_page(client, profile_url(process))

    assert section(page, "Members").find("p").text == header


def test_member_countries_are_sorted_alphabetically_ignoring_accents(client, db):
    process = ProcessFactory()
    add_members(process, ["CZ", "CI", "HR", "KM", "CM"])

    page = get_page(client, profile_url(process))

    assert items(section(page, "Members").find("ul")) == [
        "Cameroon",
        "Comoros",
        "Côte d'Ivoire",
        "Croatia",
        "Czechia",
    ]


def test_members_section_lists_countries_then_member_organisations_then_suspended_members(
    client, db
):
    process = ProcessFactory()
    add_members(process, ["SN", "MA"])
    add_members(process, ["ML"], role="suspended")
    ProcessOrganisationFactory(
        process=process,
        role="member",
        organisation=OrganisationFactory(name="African Union", acronym="AU"),
    )

    page = get_page(client, profile_url(process))

    assert outline(section(page, "Members")) == [
        ("p", "3 Members (2 Member States and 1 Member Organization)"),
        ("ul", ["Morocco", "Senegal"]),
        ("h3", "Member Organizations"),
        ("ul", ["African Union (AU)"]),
        ("h3", "Suspended Members"),
        ("ul", ["Mali"]),
    ]


def test_observers_are_listed_as_states_and_organisations_with_ceased_ones_marked(client, db):
    process = ProcessFactory()
    add_members(process, ["MA"])
    add_members(process, ["NO", "CH"], role="observer")
    for position, organisation in [
        (2, OrganisationFactory(name="Economic Community of West African States", acronym="")),
        (1, OrganisationFactory(name="Organisation of African Unity", acronym="OAU")),
    ]:
        ProcessOrganisationFactory(
            process=process, organisation=organisation, role="observer", position=position
        )
    Organisation.objects.filter(acronym="OAU").update(ceased_year=2002)

    page = get_page(client, profile_url(process))

    assert outline(section(page, "Observers")) == [
        ("h3", "Observer States"),
        ("ul", ["Norway", "Switzerland"]),
        ("h3", "Observer Organizations"),
        (
            "ul",
            [
                "Organisation of African Unity (OAU) (ceased to exist in 2002)",
                "Economic Community of West African States",
            ],
        ),
    ]
    assert "Norway" not in section(page, "Members").text


def test_meetings_are_listed_newest_first_in_one_date_style_with_their_place(client, db):
    process = ProcessFactory()
    day = datetime.date
    for title, start, end, precision, city, country in [
        ("Second summit", day(2007, 12, 8), day(2007, 12, 9), "day", "", ""),
        ("First summit", day(2000, 4, 17), None, "month", "Cairo", "EG"),
        ("Fourth summit", day(2014, 4, 2), day(2014, 4, 3), "day", "Brussels", "BE"),
        ("Third summit", day(2010, 11, 29), day(2010, 11, 30), "day", "Tripoli", "LY"),
    ]:
        MeetingFactory(
            process=process,
            title=title,
            start_date=start,
            end_date=end,
            date_precision=precision,
            city=city,
            country=country,
        )

    page = get_page(client, profile_url(process))

    meetings = section(page, "Meetings")
    assert items(meetings.find("ul")) == [
        "Fourth summit, 2\u20133 April 2014, Brussels, Belgium",
        "Third summit, 29\u201330 November 2010, Tripoli, Libya",
        "Second summit, 8\u20139 December 2007",
        "First summit, April 2000, Cairo, Egypt",
    ]
    assert [time.attrs["datetime"] for time in meetings.find_all("time")] == [
        "2014-04-02",
        "2010-11-29",
        "2007-12-08",
        "2000-04-01",
    ]


def test_formatted_text_is_sanitised_and_markdown_links_become_links(client, db):
    process = ProcessFactory(
        objectives=(
            "Read [the declaration](https://example.org/declaration).\n\n"
            "<script>alert('objectives')</script>\n\n"
            '<img src="x" onerror="alert(1)"> [trap](javascript:alert(2))'
        ),
        has_official_secretariat=False,
        secretariat="<script>alert('secretariat')</script>Hosted by *IOM*.",
    )

    response = client.get(profile_url(process))
    page = parse(response.content.decode())

    assert [
        script
        for script in page.find_all("script")
        if script.attrs.get("type") != "application/ld+json"
    ] == []
    assert page.find_all("img") == []
    assert "alert(" not in response.content.decode()
    links = section(page, "Objectives").find_all("a")
    assert [(link.text, link.attrs.get("href")) for link in links] == [
        ("the declaration", "https://example.org/declaration"),
    ]
    assert "trap" in section(page, "Objectives").text  # a javascript: link reads as its text
    assert section(page, "Secretariat").find("em").text == "IOM"


def meta_content(page, **attribute) -> str:
    ((name, value),) = attribute.items()
    return next(m for m in page.find_all("meta") if m.attrs.get(name) == value).attrs["content"]


def json_ld(response) -> tuple[str, dict]:
    """The JSON-LD as the page carries it, and as a JSON reader reads it."""
    raw = response.content.decode().split('<script type="application/ld+json">', 1)[1]
    raw = raw.split("</script>", 1)[0]
    return raw, json.loads(raw)


@pytest.mark.parametrize(
    ("objectives", "text"),
    [
        (
            'Safe & "orderly" migration of children <18, not <img or \\</script> or \\<!-- tags.',
            'Safe & "orderly" migration of children <18, not <img or </script> or <!-- tags.',
        ),
        (
            "Fight <b>trafficking</b> &amp; smuggling; AT&T's <i>“quotes”</i> ' \" \u2028 end.",
            "Fight trafficking & smuggling; AT&T's “quotes” ' \" end.",
        ),
        (
            "<img src=x onerror=alert(1)>Dialogue on *labour* migration [with links](https://x.org).",
            "Dialogue on labour migration with links.",
        ),
    ],
    ids=["lookalike-tags", "entities-and-tags", "real-tags"],
)
def test_link_previews_and_json_ld_show_the_objectives_text_exactly_as_readers_see_it(
    client, db, objectives, text
):
    process = ProcessFactory(objectives=objectives)

    response = client.get(profile_url(process))

    page = parse(response.content.decode())
    assert section(page, "Objectives").text == f"Objectives {text}"
    assert meta_content(page, name="description") == text
    assert meta_content(page, property="og:description") == text
    raw, data = json_ld(response)
    assert data["description"] == text
    assert "<" not in raw and "\u2028" not in raw
    assert "onerror" not in response.content.decode()


def test_json_ld_cannot_be_broken_out_of_by_a_name(client, db):
    name = 'The </script><!-- <script>alert(1)</script> "Process"\u2028 & co'
    process = ProcessFactory(name=name)

    response = client.get(profile_url(process))

    raw, data = json_ld(response)
    assert data["name"] == name
    assert "<" not in raw and ">" not in raw and "\u2028" not in raw
    page = parse(response.content.decode())
    assert [s.attrs.get("type") for s in page.find_all("script")] == ["application/ld+json"]
    assert meta_content(page, property="og:title") == name


def test_a_profile_page_renders_each_formatted_text_once(client, db, monkeypatch):
    from rcp import models

    rendered = []
    render = models.render_formatted_text
    monkeypatch.setattr(
        models, "render_formatted_text", lambda source: rendered.append(source) or render(source)
    )
    process = ProcessFactory(objectives="The *objectives*.", secretariat="The secretariat.")

    get_page(client, profile_url(process))

    assert sorted(rendered) == ["The *objectives*.", "The secretariat."]


def test_a_profile_with_the_longest_accepted_texts_answers_quickly(client, db):
    process = ProcessFactory(
        objectives=("Objectives on one line " * 1000)[:FORMATTED_TEXT_MAX_LENGTH],
        secretariat="[" * FORMATTED_TEXT_MAX_LENGTH,
    )
    process.full_clean()  # both texts are accepted

    started = time.perf_counter()
    page = get_page(client, profile_url(process))
    elapsed = time.perf_counter() - started

    assert section(page, "Objectives").text.startswith("Objectives Objectives on one line")
    assert meta_content(page, name="description").startswith("Objectives on one line")
    # Tens of milliseconds; the old renderer took over a minute. 1 s survives a loaded machine.
    assert elapsed < 1, f"{elapsed:.2f} s"


# --- Languages ----------------------------------------------------------------------------------


def test_a_french_reader_sees_country_names_in_french_sorted_in_french(client, db):
    process = ProcessFactory()
    add_members(process, ["MA", "ES", "EG", "DE", "ZA"])
    MeetingFactory(
        process=process,
        title="Sommet Afrique-UE",
        start_date=datetime.date(2014, 4, 2),
        end_date=datetime.date(2014, 4, 3),
        city="Bruxelles",
        country="BE",
    )

    english = get_page(client, profile_url(process))
    with translation.override("en"):  # restores the test's language after the request
        french = get_page(client, "/fr" + profile_url(process))

    assert items(section(english, "Members").find("ul")) == [
        "Egypt",
        "Germany",
        "Morocco",
        "South Africa",
        "Spain",
    ]
    assert french.find("html").attrs["lang"] == "fr"
    assert items(section(french, "Membres").find("ul")) == [
        "Afrique du Sud",
        "Allemagne",
        "Égypte",
        "Espagne",
        "Maroc",
    ]
    assert items(section(french, "Réunions").find("ul")) == [
        "Sommet Afrique-UE, 2\u20133 avril 2014, Bruxelles, Belgique"
    ]


# --- Not found, drafts and the list of processes ------------------------------------------------


def test_an_unknown_slug_answers_404_with_the_site_design(client, db):
    page = get_page(client, "/processes/no-such-process/", status=404)

    assert navigation_items(page) == IOM_NAVIGATION
    assert [h1.text for h1 in page.find_all("h1")] == ["Page not found"]


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_an_unpublished_profile_is_hidden_from_the_public(client, db, status):
    hidden = ProcessFactory(name="Hidden Process", status=status)
    ProcessFactory(name="Public Process")

    get_page(client, profile_url(hidden), status=404)
    home = get_page(client, "/")

    assert [card.find("a").text for card in home.find_all("li", "process-list__item")] == [
        "Public Process"
    ]
    assert profile_url(hidden) not in [a.attrs.get("href") for a in home.find_all("a")]


def test_staff_preview_a_draft_with_a_draft_banner_but_it_stays_off_the_list(admin_client, db):
    draft = ProcessFactory(name="Draft Process", status="draft")

    page = get_page(admin_client, profile_url(draft))
    home = get_page(admin_client, "/")

    banners = page.find_all("p", "banner")
    assert [banner.text for banner in banners] == [
        "Draft: this profile is not public. Only staff can see this preview."
    ]
    assert [h1.text for h1 in page.find_all("h1")] == ["Draft Process"]
    assert "Draft Process" not in home.text


def test_a_published_profile_has_no_draft_banner_even_for_staff(admin_client, db):
    process = ProcessFactory(status="published")

    page = get_page(admin_client, profile_url(process))

    assert page.find_all("p", "banner") == []


def test_home_lists_published_processes_with_member_counts_and_links(client, db):
    tripoli = ProcessFactory(name="Tripoli Process", slug="tripoli-process")
    add_members(tripoli, ["DZ", "AO"], group="AU")
    add_members(tripoli, ["AT"], group="EU")
    add_members(tripoli, ["CH"], role="observer")
    midsa = ProcessFactory(name="Migration Dialogue for Southern Africa", slug="midsa")
    add_members(midsa, ["ZA"])
    ProcessOrganisationFactory(process=midsa, role="member")
    ProcessFactory(name="Empty Process", slug="empty")
    ProcessFactory(name="Draft Process", status="draft")

    home = get_page(client, "/")

    listed = [
        (item.find("h3").text, item.find("h3").find("a").attrs["href"], item.find_all("p")[-1].text)
        for item in home.find_all("li", "process-list__item")
    ]
    assert listed == [
        ("Empty Process", "/processes/empty/", "0 Members"),
        ("Migration Dialogue for Southern Africa", "/processes/midsa/", "2 Members"),
        ("Tripoli Process", "/processes/tripoli-process/", "3 Members"),
    ]
    assert navigation_items(home) == IOM_NAVIGATION


# --- Query counts -------------------------------------------------------------------------------


def test_profile_page_queries_do_not_grow_with_the_number_of_members(
    client, make_process_with_members, django_assert_max_num_queries
):
    small = make_process_with_members(10)
    large = make_process_with_members(200)

    with django_assert_max_num_queries(PROFILE_PAGE_QUERIES) as small_queries:
        small_page = get_page(client, profile_url(small))
    with django_assert_max_num_queries(PROFILE_PAGE_QUERIES) as large_queries:
        large_page = get_page(client, profile_url(large))

    assert len(small_queries) == len(large_queries)
    assert len(items(section(small_page, "Members").find("ul"))) == 10
    assert len(items(section(large_page, "Members").find("ul"))) == 200


def test_process_list_queries_do_not_grow_with_the_number_of_processes(
    client, make_process_with_members, django_assert_max_num_queries
):
    for _ in range(3):
        make_process_with_members(2)
    with django_assert_max_num_queries(PROCESS_LIST_QUERIES) as few_queries:
        few = get_page(client, "/")

    for _ in range(27):
        make_process_with_members(2)
    with django_assert_max_num_queries(PROCESS_LIST_QUERIES) as many_queries:
        many = get_page(client, "/")

    assert len(few_queries) == len(many_queries)
    assert len(few.find_all("li", "process-list__item")) == 3
    assert len(many.find_all("li", "process-list__item")) == 30
