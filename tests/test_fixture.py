"""The bundled Tripoli Process profile, fixtures/tripoli-process.json, as it loads and renders.

The lists below quote IOM's own Tripoli Process page (``SEED_PAGE``), defects included:
it says "82 Members" but lists 81 countries, Austria twice, "Eriteria", a reviewer's
"[KG1]" in the objectives, trailing commas after observer organisations and meeting dates
written five ways. The fixture mends them; these tests check that the page a reader gets
shows the seed's content with those defects gone, and that the fixture is valid data.
"""

import os
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management import call_command

from rcp.models import Meeting, Organisation, Participation

from .conftest import FIXTURES
from .pages import get_page, items, outline, parse, section

FIXTURE = FIXTURES / "tripoli-process.json"
PAGE = "/processes/tripoli-process/"

# IOM's page as published; the quotations below are checked against it when it is present.
SEED_PAGE = Path(os.environ.get("RCP_TRIPOLI_SEED", "/work/shared/seeds/000_fe76727cfa66afe6.txt"))

# Typographic characters are escaped: "\u2013" is an en dash, "\u2018" and "\u2019" are
# curly single quotes.
SEED_MEMBERS_HEADER = "82 Members (53 AU Member States and 28 EU Member States)"

SEED_FOCUS_AREAS = [
    "concern for the human rights and wellbeing of migrants",
    "human resources and brain drain",
    "irregular migration",
    "migration and development",
    "migration management challenges",
    "opportunities for regular migration",
    "peace and security",
    "protection of refugees",
    "sharing best practices",
]

SEED_MEMBERS = [
    "Algeria",
    "Austria",
    "Angola",
    "Austria",
    "Belgium",
    "Benin",
    "Botswana",
    "Bulgaria",
    "Burkina Faso",
    "Burundi",
    "Cameroon",
    "Cabo Verde",
    "Central African Republic",
    "Chad",
    "Comoros",
    "Côte d\u2019Ivoire",
    "Croatia",
    "Cyprus",
    "Czechia",
    "Democratic Republic of the Congo",
    "Denmark",
    "Djibouti",
    "Egypt",
    "Equatorial Guinea",
    "Eriteria",
    "Estonia",
    "Eswatini",
    "Ethiopia",
    "Finland",
    "France",
    "Gabon",
    "Gambia",
    "Germany",
    "Ghana",
    "Greece",
    "Guinea",
    "Guinea-Bissau",
    "Hungary",
    "Ireland",
    "Italy",
    "Kenya",
    "Latvia",
    "Lesotho",
    "Liberia",
    "Libya",
    "Lithuania",
    "Luxembourg",
    "Madagascar",
    "Malawi",
    "Mali",
    "Malta",
    "Mauritania",
    "Mauritius",
    "Morocco",
    "Mozambique",
    "Namibia",
    "Netherlands",
    "Niger",
    "Nigeria",
    "Poland",
    "Portugal",
    "Republic of the Congo",
    "Romania",
    "Rwanda",
    "São Tomé and Príncipe",
    "Senegal",
    "Seychelles",
    "Sierra Leone",
    "Slovakia",
    "Slovenia",
    "South Africa",
    "South Sudan",
    "Spain",
    "Sudan",
    "Sweden",
    "Tanzania",
    "Togo",
    "Tunisia",
    "Uganda",
    "United Kingdom",
    "Zambia",
    "Zimbabwe",
]

SEED_OBSERVER_STATES = ["Switzerland"]

SEED_OBSERVER_ORGANIZATIONS = [
    "Conseil des Organisations Non Gouvernementales d'Appui au Développement "
    "(CONGAD, Council of Non-Governmental Development Support)",
    "Economic Community of West African States (ECOWAS)",
    "IRD",
    "International Labour Organization (ILO),",
    "International Organization for Migration (IOM),",
    "United Nations Office for the Coordination of Humanitarian Affairs (UNOCHA),",
    "Organisation of African Unity (OAU),",
    "Organisation for Economic Co-operation and Development (OECD),",
    "West African Economic and Monetary Union (UEMOA),",
    "Joint United Nations Programme on HIV/AIDS (UNAIDS),",
    "Office of the United Nations High Commissioner for Refugees (UNHCR),",
    "United Nations Children's Fund (UNICEF),",
    "United Nations Office on Drugs and Crime (UNODC)",
    "United Nations World Food Programme (WFP)",
]

SEED_MEETINGS = [
    "4th EU- Africa summit, Brussels, April 02-03, 2014",
    "Africa\u2013EU Summit “Adoption of the Second Action Plan, which covers 2011\u20132013,” "
    "29\u201330 November 2010, Tripoli, Libya",
    "2nd Africa-EU Summit, Lisbon, Portugal, 8 December \u2013 9 December 2007",
    "The EU-African Union meeting “The Joint Africa\u2013EU Declaration on Migration and "
    "Development” (\u2018Tripoli Conference\u2019), 22\u201323 November 2006, Tripoli, Libya",
    "1st Africa-EU Summit, Cairo, Egypt, April 2000",
]

# The same meetings, newest first, in the house style: "title, dates, city, country".
MENDED_MEETINGS = [
    "4th EU-Africa Summit, 2\u20133 April 2014, Brussels, Belgium",
    "Africa\u2013EU Summit “Adoption of the Second Action Plan, which covers 2011\u20132013”, "
    "29\u201330 November 2010, Tripoli, Libya",
    "2nd Africa-EU Summit, 8\u20139 December 2007, Lisbon, Portugal",
    "The EU-African Union meeting “The Joint Africa\u2013EU Declaration on Migration and "
    "Development” (\u2018Tripoli Conference\u2019), 22\u201323 November 2006, Tripoli, Libya",
    "1st Africa-EU Summit, April 2000, Cairo, Egypt",
]

# The seed's spelling mistake, and its typographic apostrophe where country names use "'".
MENDED_SPELLINGS = {"Eriteria": "Eritrea", "Côte d\u2019Ivoire": "Côte d'Ivoire"}

EU_MEMBER_STATES = {
    "Austria", "Belgium", "Bulgaria", "Croatia", "Cyprus", "Czechia", "Denmark", "Estonia",
    "Finland", "France", "Germany", "Greece", "Hungary", "Ireland", "Italy", "Latvia",
    "Lithuania", "Luxembourg", "Malta", "Netherlands", "Poland", "Portugal", "Romania",
    "Slovakia", "Slovenia", "Spain", "Sweden", "United Kingdom",
}  # fmt: skip


def alphabetical(name: str) -> str:
    """Dictionary order: accents and case ignored."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def mended_members() -> list[str]:
    names = {MENDED_SPELLINGS.get(name, name) for name in SEED_MEMBERS}
    return sorted(names, key=alphabetical)


def page_members(page) -> list[str]:
    """The member states of every group's list, group after group."""
    lists = section(page, "Members").find_all("ul", "country-list")
    return [country for country_list in lists for country in items(country_list)]


def database_snapshot() -> dict[str, list[dict]]:
    """Every row of every table of the app, including many-to-many links."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("rcp").get_models(include_auto_created=True)
        if model._meta.model_name != "pagedatachange"  # the page cache's bookkeeping
    }


def test_the_seed_quotations_are_verbatim():
    if not SEED_PAGE.exists():
        pytest.skip(f"IOM's page is not at {SEED_PAGE}")
    seed_lines = [line.removeprefix("- ") for line in SEED_PAGE.read_text().splitlines()]

    def follows(heading: str, quoted: list[str]) -> bool:
        start = seed_lines.index(heading) + 1
        return seed_lines[start : start + len(quoted)] == quoted

    assert follows("Specific areas of discussion include:", SEED_FOCUS_AREAS)
    assert follows(SEED_MEMBERS_HEADER, SEED_MEMBERS)
    assert follows("Observer States", SEED_OBSERVER_STATES)
    assert follows("Observer Organizations", SEED_OBSERVER_ORGANIZATIONS)
    assert seed_lines[-len(SEED_MEETINGS) :] == SEED_MEETINGS  # the page ends with them


def test_the_seed_has_the_defects_the_fixture_mends():
    assert len(SEED_MEMBERS) == 82
    assert Counter(SEED_MEMBERS)["Austria"] == 2
    assert "Eriteria" in SEED_MEMBERS
    assert len(mended_members()) == 81


def test_the_fixture_renders_a_published_profile(client, tripoli):
    page = get_page(client, PAGE)

    assert [h1.text for h1 in page.find_all("h1")] == ["Tripoli Process"]
    assert items(page.find("ul", "profile__facts")) == ["Established: 2001"]
    assert [h2.text for h2 in page.find("main").find_all("h2")] == [
        "Objectives",
        "Current Focus",
        "Secretariat",
        "Members",
        "Observers",
        "Meetings",
    ]


def test_members_are_the_seeds_81_distinct_countries_sorted(client, tripoli):
    page = get_page(client, PAGE)
    members = page_members(page)
    groups = [items(ul) for ul in section(page, "Members").find_all("ul", "country-list")]

    assert [len(group) for group in groups] == [53, 28]
    assert all(group == sorted(group, key=alphabetical) for group in groups)
    assert sorted(members, key=alphabetical) == mended_members()
    assert len(members) == len(set(members)) == 81
    assert members.count("Austria") == 1
    assert "Eritrea" in members


def test_members_header_counts_81_members_from_the_data(client, tripoli):
    page = get_page(client, PAGE)

    assert section(page, "Members").find("p").text == (
        "81 Members (53 AU Member States and 28 EU Member States)"
    )
    assert "82 Members" not in page.text


def test_member_countries_are_grouped_53_au_and_28_eu(tripoli):
    members = Participation.objects.filter(process=tripoli, role="member")

    assert Counter(members.values_list("group", flat=True)) == {"AU": 53, "EU": 28}
    assert members.values("country").distinct().count() == 81
    assert {p.country.name for p in members if p.group == "EU"} == EU_MEMBER_STATES


def test_the_page_carries_none_of_the_seeds_typos_or_editorial_markers(client, tripoli):
    html = client.get(PAGE).content.decode()
    page = parse(html)

    assert "Eriteria" not in html
    assert "[KG1]" not in html
    # Once in the lists; the map's titles name it again, for a pointer.
    assert section(page, "Members").text.count("Austria") == 1
    objectives = outline(section(page, "Objectives"))
    assert [tag for tag, _text in objectives] == ["p", "p"]
    assert "Mobility and Employment (MME). MME is now a key part" in objectives[1][1]


def test_current_focus_lists_the_9_focus_areas_in_the_seeds_order(client, tripoli):
    page = get_page(client, PAGE)

    assert outline(section(page, "Current Focus")) == [
        ("p", "Specific areas of discussion include:"),
        ("ul", SEED_FOCUS_AREAS),
    ]


def test_secretariat_says_there_is_none_and_what_iom_does(client, tripoli):
    page = get_page(client, PAGE)

    assert outline(section(page, "Secretariat")) == [
        ("p", "No official Secretariat."),
        (
            "p",
            "IOM provides support to capacity building activities targeting both ECOWAS "
            "institutions and its Member States.",
        ),
    ]


def test_switzerland_is_the_one_observer_state(client, tripoli):
    page = get_page(client, PAGE)

    assert outline(section(page, "Observers"))[:2] == [
        ("h3", "Observer States"),
        ("ul", SEED_OBSERVER_STATES),
    ]
    assert "Switzerland" not in page_members(page)


def test_observer_organisations_are_the_seeds_14_in_its_order(client, tripoli):
    observers = section(get_page(client, PAGE), "Observers")
    headings = [h3.text for h3 in observers.find_all("h3")]
    organisations = observers.find("ul", "organisation-list").elements

    assert headings == ["Observer States", "Observer Organizations"]
    assert [li.text_without("note") for li in organisations] == [
        name.removesuffix(",") for name in SEED_OBSERVER_ORGANIZATIONS
    ]


def test_the_organisation_of_african_unity_is_marked_ceased_in_2002(client, tripoli):
    observers = section(get_page(client, PAGE), "Observers")
    notes = {
        li.text_without("note"): li.find("span", "note").text
        for li in observers.find("ul", "organisation-list").elements
        if li.find_all("span", "note")
    }
    oau = Organisation.objects.get(slug="oau")

    assert notes == {"Organisation of African Unity (OAU)": "(ceased to exist in 2002)"}
    assert oau.ceased_year == 2002
    assert oau.succeeded_by == Organisation.objects.get(name="African Union")


def test_the_5_meetings_show_their_dates_and_places_newest_first(client, tripoli):
    meetings = section(get_page(client, PAGE), "Meetings")

    assert items(meetings.find("ul")) == MENDED_MEETINGS


def test_the_first_summit_is_known_to_the_month_only(tripoli):
    first = tripoli.meetings.get(title="1st Africa-EU Summit")

    assert first.date_precision == "month"
    assert first.start_date.isoformat() == "2000-04-01"
    assert first.end_date is None
    assert first.dates_display == "April 2000"


def test_loading_the_fixture_twice_changes_nothing(tripoli):
    before = database_snapshot()

    call_command("loaddata", str(FIXTURE), verbosity=0)

    assert database_snapshot() == before
    assert Meeting.objects.count() == 5
    assert Participation.objects.count() == 82


def test_every_object_in_the_fixture_passes_full_clean(tripoli):
    with FIXTURE.open(encoding="utf-8") as source:
        deserialized = list(serializers.deserialize("json", source))
    errors = {}
    for item in deserialized:
        instance = item.object
        assert instance.pk is not None, f"{instance!r} did not resolve to the loaded row"
        # It is that row, so uniqueness is checked against the other rows only.
        instance._state.adding = False
        try:
            instance.full_clean()
        except ValidationError as error:
            errors[f"{instance._meta.label} {instance}"] = error

    assert errors == {}
    assert Counter(item.object._meta.label for item in deserialized) == {
        "rcp.Organisation": 15,
        "rcp.FocusArea": 9,
        "rcp.Process": 1,
        "rcp.Participation": 82,
        "rcp.ProcessOrganisation": 14,
        "rcp.ProcessFocusArea": 9,
        "rcp.Meeting": 5,
    }
