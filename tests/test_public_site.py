"""The public site across profiles, as a reader (or a crawler, or a reuser of the data) sees it:
the list on /, the country, theme and organisation pages, search, open data, the sitemap and
robots.txt, the head of a profile page; that drafts stay off every public address; that every
page type does a constant number of queries; and that every page stays under 100 KB.

Pages are read from their parsed HTML (tests/pages.py), JSON and CSV from the bytes served.
"""

import csv
import io
import json
import re
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest

from rcp import opendata
from rcp.cache import invalidate_public_pages
from rcp.models import FocusArea, Organisation, Participation, Region

from .conftest import ALL_COUNTRY_CODES
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
from .pages import Element, get_page, items, parse, profile_url, section

pytestmark = pytest.mark.django_db

LANGUAGE_PREFIXES = {"en": "", "fr": "/fr", "es": "/es"}


# --- Helpers ------------------------------------------------------------------------------------


def add_members(process, codes, *, role="member", group="", note=""):
    for code in codes:
        ParticipationFactory(process=process, country=code, role=role, group=group, note=note)


def bulk_add_members(process, codes, *, role="member", group=""):
    """Many countries in one query. ``bulk_create()`` sends no signal, so the page cache is
    told here (as rcp/cache.py asks of such code)."""
    Participation.objects.bulk_create(
        Participation(process=process, country=code, role=role, group=group) for code in codes
    )
    invalidate_public_pages()


def main(page: Element) -> Element:
    return page.find("main")


def cards(page: Element) -> list[Element]:
    return main(page).find_all("li", "process-list__item")


def card_names(page: Element) -> list[str]:
    return [card.find("a").text for card in cards(page)]


def list_items(page: Element, class_: str) -> list[str]:
    return items(main(page).find("ul", class_))


def links(element: Element) -> dict[str, str]:
    """Link texts and their addresses."""
    return {a.text: a.attrs.get("href", "") for a in element.find_all("a")}


def meta(page: Element, **attrs) -> str:
    """The content of the <meta> whose attributes match, e.g. property="og:title"."""
    name, value = next(iter(attrs.items()))
    found = [m for m in page.find("head").find_all("meta") if m.attrs.get(name) == value]
    assert len(found) == 1, f"{len(found)} <meta {name}={value!r}>"
    return found[0].attrs["content"]


def head_links(page: Element, rel: str) -> list[dict[str, str]]:
    return [link.attrs for link in page.find("head").find_all("link") if link.attrs["rel"] == rel]


def get_json(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def get_csv(client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # so that Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


def sitemap(client) -> dict[str, dict[str, str]]:
    """Each address in /sitemap.xml (path only) with its hreflang alternates (paths)."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    entries = {}
    for url in root.findall("sm:url", SITEMAP_NS):
        location = urlsplit(url.find("sm:loc", SITEMAP_NS).text).path
        entries[location] = {
            link.get("hreflang"): urlsplit(link.get("href")).path
            for link in url.findall("xhtml:link", SITEMAP_NS)
        }
    return entries


# --- Data ---------------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    """Two published processes, an archived one and a draft, with countries, organisations and
    themes, some of which only the unpublished ones have."""
    africa = Region.objects.create(name="Africa")
    europe = Region.objects.create(name="Europe")
    hidden_region = Region.objects.create(name="Antarctica")
    ecowas = OrganisationFactory(
        name="Economic Community of West African States", acronym="ECOWAS", slug="ecowas"
    )
    icmpd = OrganisationFactory(
        name="International Centre for Migration Policy Development", acronym="ICMPD", slug="icmpd"
    )
    labour = FocusAreaFactory(name="labour migration", slug="labour-migration")
    trafficking = FocusAreaFactory(name="trafficking in persons", slug="trafficking-in-persons")

    rabat = ProcessFactory(
        name="Rabat Process",
        slug="rabat-process",
        acronym="RP",
        kind="interregional",
        established=2006,
        objectives="Euro-African dialogue on migration and development.",
        secretariat_organisation=icmpd,
    )
    rabat.regions.add(africa, europe)
    add_members(rabat, ["MA", "SN"], group="AU")
    add_members(rabat, ["FR"], group="EU")
    add_members(rabat, ["CH"], role="observer")
    ProcessOrganisationFactory(process=rabat, organisation=ecowas, role="observer")
    ProcessFocusAreaFactory(process=rabat, focus_area=labour, position=1)
    ProcessFocusAreaFactory(process=rabat, focus_area=trafficking, position=2)

    midwa = ProcessFactory(
        name="Migration Dialogue for West Africa",
        slug="midwa",
        acronym="MIDWA",
        kind="rcp",
        established=2001,
        objectives="Cooperation on *border management* among West African states.",
    )
    midwa.regions.add(africa)
    midwa.associated_organisations.add(ecowas)
    add_members(midwa, ["SN", "ML"], group="ECOWAS")
    add_members(midwa, ["MA"], role="observer", group="Neighbours")
    ProcessFocusAreaFactory(process=midwa, focus_area=labour)

    # Only unpublished processes have Algeria, Antarctica's region, this organisation and
    # this theme.
    secret_org = OrganisationFactory(name="Secret Secretariat", acronym="SECRET", slug="secret")
    secret_theme = FocusAreaFactory(name="unannounced theme", slug="unannounced-theme")
    draft = ProcessFactory(
        name="Morocco Draft Dialogue",
        slug="morocco-draft",
        acronym="MDD",
        kind="rcp",
        status="draft",
        objectives="A hidden dialogue about Morocco and ECOWAS.",
        secretariat_organisation=secret_org,
    )
    draft.regions.add(hidden_region, africa)
    add_members(draft, ["MA", "DZ"])
    ProcessOrganisationFactory(process=draft, organisation=ecowas, role="member")
    ProcessFocusAreaFactory(process=draft, focus_area=secret_theme)
    ProcessFocusAreaFactory(process=draft, focus_area=labour)
    archived = ProcessFactory(
        name="Archived Dialogue", slug="archived-dialogue", status="archived", kind="global"
    )
    add_members(archived, ["DZ", "MA"])
    ProcessOrganisationFactory(process=archived, organisation=secret_org, role="partner")
    ProcessFocusAreaFactory(process=archived, focus_area=secret_theme)

    return {"rabat": rabat, "midwa": midwa, "draft": draft, "archived": archived}


# --- The list of processes on / -----------------------------------------------------------------


def test_home_shows_each_published_process_with_kind_regions_year_and_member_count(client, world):
    home = get_page(client, "/")

    shown = {
        card.find("h3").text: (
            card.find("h3").find("a").attrs["href"],
            items(card.find("ul", "profile__facts")),
            card.find_all("p")[-1].text,
        )
        for card in cards(home)
    }
    assert shown == {
        "Migration Dialogue for West Africa": (
            "/processes/midwa/",
            [
                "Established: 2001",
                "Type: Regional Consultative Process",
                "Regions: Africa",
                "Association: Economic Community of West African States (ECOWAS)",
            ],
            "2 Members",
        ),
        "Rabat Process": (
            "/processes/rabat-process/",
            ["Established: 2006", "Type: Inter-regional forum", "Regions: Africa, Europe"],
            "3 Members",
        ),
    }
    assert card_names(home) == ["Migration Dialogue for West Africa", "Rabat Process"]


def test_home_filters_by_kind(client, world):
    rcps = get_page(client, "/?kind=rcp")
    forums = get_page(client, "/?kind=interregional")
    global_processes = get_page(client, "/?kind=global")

    assert card_names(rcps) == ["Migration Dialogue for West Africa"]
    assert card_names(forums) == ["Rabat Process"]
    assert card_names(global_processes) == []
    assert "No published profile has the type “Global process”." in main(global_processes).text
    selected = [o.text for o in rcps.find("select").find_all("option") if "selected" in o.attrs]
    assert selected == ["Regional Consultative Process"]


def test_home_filters_by_region_and_offers_only_regions_of_published_processes(client, world):
    europe = get_page(client, "/?region=europe")
    africa = get_page(client, "/?region=africa")
    both = get_page(client, "/?region=africa&kind=rcp")

    assert card_names(europe) == ["Rabat Process"]
    assert card_names(africa) == ["Migration Dialogue for West Africa", "Rabat Process"]
    assert card_names(both) == ["Migration Dialogue for West Africa"]
    region_select = next(s for s in main(africa).find_all("select") if s.attrs["name"] == "region")
    assert [(o.attrs["value"], o.text) for o in region_select.find_all("option")] == [
        ("", "All regions"),
        ("africa", "Africa"),
        ("europe", "Europe"),
    ]
    assert "selected" in region_select.find_all("option")[1].attrs


def test_home_says_no_published_profile_has_an_unknown_kind_or_region(client, world):
    bogus = get_page(client, "/?kind=bogus")
    antarctica = get_page(client, "/?region=antarctica")

    assert card_names(bogus) == card_names(antarctica) == []
    assert "No published profile has the type “bogus”." in main(bogus).text
    assert "No published profile covers a region “antarctica”." in main(antarctica).text


# --- Countries ----------------------------------------------------------------------------------


def test_country_list_shows_every_participating_country_with_counts_and_none_from_drafts(
    client, world
):
    page = get_page(client, "/countries/")

    assert [h1.text for h1 in page.find_all("h1")] == ["Countries"]
    assert list_items(page, "country-index") == [
        "France (1 process)",
        "Mali (1 process)",
        "Morocco (2 processes)",
        "Senegal (2 processes)",
        "Switzerland (1 process)",
    ]
    assert links(main(page).find("ul", "country-index"))["Morocco"] == "/countries/ma/"
    assert "Algeria" not in page.text


def test_country_list_is_in_the_readers_language_and_order(client, world):
    page = get_page(client, "/es/countries/")

    names = [a.text for a in main(page).find("ul", "country-index").find_all("a")]
    assert names == ["Francia", "Malí", "Marruecos", "Senegal", "Suiza"]
    assert links(main(page))["Marruecos"] == "/es/countries/ma/"


def test_country_page_lists_its_processes_with_role_and_group(client, world):
    page = get_page(client, "/countries/ma/")

    assert [h1.text for h1 in page.find_all("h1")] == ["Morocco"]
    assert "Morocco takes part in 2 processes." in main(page).text
    assert list_items(page, "participation-list") == [
        "Migration Dialogue for West Africa: Observer (Neighbours)",
        "Rabat Process: Member (AU)",
    ]
    assert links(main(page).find("ul", "participation-list")) == {
        "Migration Dialogue for West Africa": "/processes/midwa/",
        "Rabat Process": "/processes/rabat-process/",
    }
    assert "Draft" not in main(page).text


def test_country_page_in_french_names_the_country_in_french(client, world):
    page = get_page(client, "/fr/countries/ma/")

    assert [h1.text for h1 in page.find_all("h1")] == ["Maroc"]
    assert links(main(page))["Rabat Process"] == "/fr/processes/rabat-process/"


@pytest.mark.parametrize(
    "path",
    [
        "/countries/zz/",  # no such country
        "/countries/morocco/",
        "/countries/us/",  # a country, in no process
        "/countries/dz/",  # a country only drafts and archived profiles list
        "/fr/countries/dz/",
    ],
)
def test_country_page_answers_404_for_an_unknown_code_or_a_country_in_no_published_process(
    client, world, path
):
    page = get_page(client, path, status=404)

    assert len(page.find_all("h1")) == 1
    assert "Algeria" not in page.text and "Algérie" not in page.text


# --- Themes -------------------------------------------------------------------------------------


def test_theme_page_lists_the_published_processes_discussing_it(client, world):
    labour = get_page(client, "/focus/labour-migration/")
    trafficking = get_page(client, "/focus/trafficking-in-persons/")

    assert [h1.text for h1 in labour.find_all("h1")] == ["Labour migration"]
    assert card_names(labour) == ["Migration Dialogue for West Africa", "Rabat Process"]
    assert card_names(trafficking) == ["Rabat Process"]
    assert items(cards(trafficking)[0].find("ul", "profile__facts"))[0] == "Established: 2006"


def test_theme_names_on_a_profile_link_to_their_theme_page(client, world):
    page = get_page(client, profile_url(world["rabat"]))
    french = get_page(client, "/fr" + profile_url(world["rabat"]))

    assert links(section(page, "Current Focus")) == {
        "labour migration": "/focus/labour-migration/",
        "trafficking in persons": "/focus/trafficking-in-persons/",
    }
    assert {"/fr/focus/labour-migration/", "/fr/focus/trafficking-in-persons/"} <= set(
        links(main(french)).values()
    )
    for href in links(section(page, "Current Focus")).values():
        get_page(client, href)


# --- Organisations ------------------------------------------------------------------------------


def test_organisation_page_says_how_it_takes_part_in_each_process(client, world):
    ecowas = get_page(client, "/organisations/ecowas/")
    icmpd = get_page(client, "/organisations/icmpd/")

    assert [h1.text for h1 in ecowas.find_all("h1")] == [
        "Economic Community of West African States (ECOWAS)"
    ]
    assert list_items(ecowas, "participation-list") == [
        "Rabat Process: Observer",
        "Migration Dialogue for West Africa: associated regional organisation",
    ]
    assert list_items(icmpd, "participation-list") == ["Rabat Process: secretariat"]
    assert links(main(icmpd).find("ul", "participation-list")) == {
        "Rabat Process": "/processes/rabat-process/"
    }


def test_organisation_role_shows_its_group(client, world):
    ProcessOrganisationFactory(
        process=world["midwa"], organisation__slug="au", role="member", group="Founders"
    )

    page = get_page(client, "/organisations/au/")

    assert list_items(page, "participation-list") == [
        "Migration Dialogue for West Africa: Member (Founders)"
    ]


def test_organisations_on_a_profile_link_to_their_page(client, world):
    page = get_page(client, profile_url(world["rabat"]))

    observers = links(section(page, "Observers"))
    assert observers["Economic Community of West African States (ECOWAS)"] == (
        "/organisations/ecowas/"
    )
    assert links(section(page, "Secretariat")) == {
        "International Centre for Migration Policy Development (ICMPD)": "/organisations/icmpd/"
    }


# --- Search -------------------------------------------------------------------------------------


def search(client, query: str, prefix: str = "") -> list[str]:
    page = get_page(client, f"{prefix}/search/?q={query}")
    return card_names(page)


@pytest.mark.parametrize("query", ["Morocco", "Maroc", "Marruecos", "morocco", "MAROC"])
@pytest.mark.parametrize("prefix", ["", "/fr", "/es"])
def test_a_country_is_found_by_its_name_in_any_supported_language(client, world, query, prefix):
    assert search(client, query, prefix) == ["Rabat Process", "Migration Dialogue for West Africa"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Rabat", ["Rabat Process"]),  # name
        ("rabat process", ["Rabat Process"]),
        ("MIDWA", ["Migration Dialogue for West Africa"]),  # acronym
        ("RP", ["Rabat Process"]),
        ("border management", ["Migration Dialogue for West Africa"]),  # objectives
        ("Euro-African", ["Rabat Process"]),
        ("ICMPD", ["Rabat Process"]),  # organisation acronym: secretariat
        ("Migration Policy Development", ["Rabat Process"]),  # organisation name
        ("ECOWAS", ["Migration Dialogue for West Africa", "Rabat Process"]),
        ("Sénégal", ["Migration Dialogue for West Africa", "Rabat Process"]),
        ("Suiza", ["Rabat Process"]),  # an observer, in Spanish
    ],
)
def test_search_finds_names_acronyms_objectives_countries_and_organisations(
    client, world, query, expected
):
    assert sorted(search(client, query)) == sorted(expected)


def test_search_results_link_to_the_profiles_and_say_how_many(client, world):
    page = get_page(client, "/fr/search/?q=Maroc")

    assert main(get_page(client, "/search/?q=Maroc")).find("p").text == "2 results for “Maroc”."
    assert [card.find("a").attrs["href"] for card in cards(page)] == [
        "/fr/processes/rabat-process/",
        "/fr/processes/midwa/",
    ]
    field = next(i for i in main(page).find_all("input") if i.attrs.get("name") == "q")
    assert field.attrs["value"] == "Maroc"


def test_search_links_to_the_pages_of_the_countries_it_names(client, world):
    english = get_page(client, "/search/?q=Morocco")
    french = get_page(client, "/fr/search/?q=gal")  # Sénégal, Portugal...
    hidden = get_page(client, "/search/?q=Algeria")  # only drafts list it

    assert links(main(english).find("p", "search-countries")) == {"Morocco": "/countries/ma/"}
    assert links(main(french).find("p", "search-countries")) == {"Sénégal": "/fr/countries/sn/"}
    assert main(hidden).find_all("p", "search-countries") == []


@pytest.mark.parametrize("query", ["Morocco Draft", "MDD", "hidden dialogue", "SECRET", "Algeria"])
def test_search_never_shows_a_draft_or_archived_profile(client, world, query):
    page = get_page(client, f"/search/?q={query}")

    assert card_names(page) == []
    assert "Draft" not in main(page).text.replace(query, "")
    assert "0 results" in main(page).text


def test_search_without_a_query_shows_the_form_and_no_results(client, world):
    page = get_page(client, "/search/")
    short = get_page(client, "/search/?q=M")

    assert cards(page) == [] and "result" not in main(page).text
    assert cards(short) == []


def test_search_ranks_a_name_match_before_a_country_match(client, db):
    """Four countries whose names contain "Guinea" count as one country match, not four."""
    named = ProcessFactory(name="Guinea Dialogue", objectives="Talks.")
    coastal = ProcessFactory(name="Atlantic Coast Process", objectives="Talks.")
    add_members(coastal, ["GN", "GQ", "GW", "PG"])
    add_members(named, ["FR"])

    assert search(client, "Guinea") == [named.name, coastal.name]


def test_search_ranks_a_name_match_before_an_organisation_match(client, db):
    """However many organisations a process lists, an organisation match counts once."""
    named = ProcessFactory(name="Colombo Process", objectives="Talks.")
    organisation = OrganisationFactory(name="Colombo Plan Secretariat", acronym="CPS")
    linked = ProcessFactory(
        name="Bali Process", objectives="Talks.", secretariat_organisation=organisation
    )
    linked.associated_organisations.add(OrganisationFactory(), OrganisationFactory())
    for _ in range(4):
        ProcessOrganisationFactory(process=linked)
    ProcessOrganisationFactory(process=linked, organisation=organisation)

    assert search(client, "Colombo") == [named.name, linked.name]


def test_search_ranks_a_member_before_an_observer_and_a_mention_in_the_objectives(client, db):
    mentioned = ProcessFactory(name="Alpha Process", objectives="Talks with Morocco.")
    observer = ProcessFactory(name="Beta Process", objectives="Talks.")
    member = ProcessFactory(name="Gamma Process", objectives="Talks.")
    add_members(observer, ["MA"], role="observer")
    add_members(member, ["MA"])

    found = search(client, "Morocco")

    assert found[0] == member.name
    assert sorted(found) == [mentioned.name, observer.name, member.name]


# --- Open data ----------------------------------------------------------------------------------


def documented_keys() -> set[str]:
    """Every key the schema in rcp/opendata.py's docstring names: ``"key": ...`` and the
    members of ``{"slug", "name", "acronym"}``."""
    keys = set(re.findall(r'"([a-z_]+)":', opendata.__doc__))
    for members in re.findall(r'\{((?:"[a-z_]+", )*"[a-z_]+")\}', opendata.__doc__):
        keys |= set(re.findall(r'"([a-z_]+)"', members))
    return keys


def test_profile_json_matches_the_documented_schema(client, world):
    data = get_json(client, "/processes/rabat-process.json")

    assert list(data) == [
        "slug",
        "name",
        "name_fr",
        "name_es",
        "acronym",
        "acronym_fr",
        "acronym_es",
        "url",
        "type",
        "regions",
        "regions_fr",
        "regions_es",
        "activity",
        "established",
        "website",
        "objectives",
        "objectives_fr",
        "objectives_es",
        "secretariat",
        "associated_organisations",
        "member_count",
        "countries",
        "organisations",
        "focus_areas",
        "chairs",
        "meetings",
        "last_updated",
    ]
    keys = set(data) | set(data["secretariat"]) | set(data["secretariat"]["organisation"])
    for list_key in ("countries", "organisations", "focus_areas"):
        for entry in data[list_key]:
            keys |= set(entry)
    assert keys <= documented_keys(), keys - documented_keys()
    assert data["slug"] == "rabat-process"
    assert data["name"] == "Rabat Process"
    assert data["acronym"] == "RP"
    assert data["url"] == "http://testserver/processes/rabat-process/"
    assert data["type"] == "interregional"
    assert data["regions"] == ["Africa", "Europe"]
    assert data["established"] == 2006
    assert data["member_count"] == 3
    # Not translated: null in French and Spanish; nothing to translate: "".
    untranslated = {"fr": None, "es": None}
    nothing = {"fr": "", "es": ""}

    def texts(key, english, translations):
        return {key: english, **{f"{key}_{code}": text for code, text in translations.items()}}

    assert data["secretariat"] == {
        "official": True,
        "organisation": {
            "slug": "icmpd",
            **texts("name", "International Centre for Migration Policy Development", untranslated),
            **texts("acronym", "ICMPD", untranslated),
        },
        **texts("details", "", nothing),
    }

    def country(code, name, role, group):
        return {
            "country": code,
            "name": name,
            "role": role,
            **texts("group", group, untranslated if group else nothing),
            **texts("note", "", nothing),
        }

    assert data["countries"] == [
        country("FR", "France", "member", "EU"),
        country("MA", "Morocco", "member", "AU"),
        country("SN", "Senegal", "member", "AU"),
        country("CH", "Switzerland", "observer", ""),
    ]
    assert data["organisations"] == [
        {
            "slug": "ecowas",
            **texts("name", "Economic Community of West African States", untranslated),
            **texts("acronym", "ECOWAS", untranslated),
            "role": "observer",
            **texts("group", "", nothing),
            "ceased": None,
        }
    ]
    assert data["focus_areas"] == [
        {"slug": "labour-migration", **texts("name", "labour migration", untranslated)},
        {"slug": "trafficking-in-persons", **texts("name", "trafficking in persons", untranslated)},
    ]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["last_updated"])


def test_profile_json_has_chairs_and_meetings_in_the_documented_shape(client, tripoli):
    ChairFactory(process=tripoli, country="MA")
    data = get_json(client, "/processes/tripoli-process.json")

    assert data["chairs"] and data["meetings"]
    assert data["chairs"][0] == {
        "country": "MA",
        "organisation": "",
        "start": "2019-01-01",
        "end": None,
        "precision": "year",
    }
    for chair in data["chairs"]:
        assert set(chair) == {"country", "organisation", "start", "end", "precision"}
    for meeting in data["meetings"]:
        assert set(meeting) == {
            *("title", "title_fr", "title_es", "start", "end", "precision"),
            *("city", "city_fr", "city_es", "country"),
        }
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", meeting["start"])
        assert meeting["precision"] in {"day", "month", "year"}
    assert data["member_count"] == len([c for c in data["countries"] if c["role"] == "member"]) + (
        len([o for o in data["organisations"] if o["role"] == "member"])
    )
    assert set(data) <= documented_keys()


def test_open_data_page_documents_every_key_of_a_profile(client, world):
    data = get_json(client, "/processes/rabat-process.json")
    page = get_page(client, "/data/")

    documentation = main(page).text
    for key in data:
        assert key in documentation, key
    assert links(main(page))["All profiles, as one JSON file"] == "/data/profiles.json"


def test_profile_json_names_countries_in_the_language_of_the_address(client, world):
    french = get_json(client, "/fr/processes/rabat-process.json")
    spanish = get_json(client, "/es/processes/rabat-process.json")

    assert {c["country"]: c["name"] for c in french["countries"]}["MA"] == "Maroc"
    assert {c["country"]: c["name"] for c in spanish["countries"]}["MA"] == "Marruecos"


def test_countries_csv_escapes_formulas_like_the_csv_export(client, world):
    rabat = world["rabat"]
    ParticipationFactory(process=rabat, country="DE", group='=HYPERLINK("http://x")', note="")
    ParticipationFactory(process=rabat, country="IT", group="EU", note="+1 since 2020")
    ParticipationFactory(process=rabat, country="ES", group="@SUM(A1)", note="-2")

    rows = get_csv(client, "/processes/rabat-process/countries.csv")

    assert list(rows[0]) == [
        *("process", "country", "country_name", "role"),
        *("group", "group_fr", "group_es", "note", "note_fr", "note_es"),
    ]
    by_country = {row["country"]: row for row in rows}
    assert sorted(by_country) == ["CH", "DE", "ES", "FR", "IT", "MA", "SN"]
    assert by_country["DE"]["group"] == '\'=HYPERLINK("http://x")'
    assert by_country["IT"]["note"] == "'+1 since 2020"
    assert by_country["ES"]["group"] == "'@SUM(A1)"
    assert by_country["ES"]["note"] == "'-2"
    assert by_country["MA"] == {
        "process": "rabat-process",
        "country": "MA",
        "country_name": "Morocco",
        "role": "member",
        "group": "AU",
        "group_fr": "",
        "group_es": "",
        "note": "",
        "note_fr": "",
        "note_es": "",
    }


def test_countries_csv_is_a_download_named_after_the_profile(client, world):
    response = client.get("/processes/midwa/countries.csv")

    assert response["Content-Disposition"] == 'attachment; filename="midwa-countries.csv"'


def test_the_whole_data_set_has_every_published_profile_and_no_draft(client, world):
    data = get_json(client, "/data/profiles.json")
    one = get_json(client, "/processes/midwa.json")

    assert data["schema_version"] == opendata.SCHEMA_VERSION
    assert sorted(profile["slug"] for profile in data["profiles"]) == ["midwa", "rabat-process"]
    assert [p for p in data["profiles"] if p["slug"] == "midwa"] == [one]
    text = json.dumps(data)
    for hidden in ("Morocco Draft Dialogue", "Archived Dialogue", "Secret Secretariat", "DZ"):
        assert hidden not in text


# --- Sitemap and robots.txt ---------------------------------------------------------------------


def test_sitemap_lists_published_pages_in_three_languages_with_alternates(client, world):
    entries = sitemap(client)

    public_paths = [
        "/",
        "/countries/",
        "/data/",
        "/processes/midwa/",
        "/processes/rabat-process/",
        "/countries/ch/",
        "/countries/fr/",
        "/countries/ma/",
        "/countries/ml/",
        "/countries/sn/",
        "/focus/labour-migration/",
        "/focus/trafficking-in-persons/",
        "/organisations/ecowas/",
        "/organisations/icmpd/",
    ]
    expected = {prefix + path for path in public_paths for prefix in LANGUAGE_PREFIXES.values()}
    assert set(entries) == expected
    assert entries["/fr/processes/rabat-process/"] == {
        "en": "/processes/rabat-process/",
        "fr": "/fr/processes/rabat-process/",
        "es": "/es/processes/rabat-process/",
        "x-default": "/processes/rabat-process/",
    }


def test_sitemap_leaves_out_drafts_and_what_only_drafts_list(client, world):
    text = client.get("/sitemap.xml").content.decode()

    for hidden in ("morocco-draft", "archived-dialogue", "/countries/dz/", "unannounced", "secret"):
        assert hidden not in text


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "Sitemap: http://testserver/sitemap.xml",
    ]


# --- The head of a profile page -----------------------------------------------------------------


def test_profile_page_has_canonical_url_description_and_open_graph(client, world):
    page = get_page(client, profile_url(world["rabat"]))

    assert head_links(page, "canonical") == [
        {"rel": "canonical", "href": "http://testserver/processes/rabat-process/"}
    ]
    description = "Euro-African dialogue on migration and development."
    assert meta(page, name="description") == description
    assert meta(page, property="og:title") == "Rabat Process"
    assert meta(page, property="og:description") == description
    assert meta(page, property="og:type") == "article"
    assert meta(page, property="og:url") == "http://testserver/processes/rabat-process/"
    assert meta(page, property="og:locale") == "en"
    assert {
        link["hreflang"]: link["href"]
        for link in head_links(page, "alternate")
        if "hreflang" in link
    } == {
        "en": "http://testserver/processes/rabat-process/",
        "fr": "http://testserver/fr/processes/rabat-process/",
        "es": "http://testserver/es/processes/rabat-process/",
        "x-default": "http://testserver/processes/rabat-process/",
    }
    assert {
        "rel": "alternate",
        "type": "application/json",
        "href": "/processes/rabat-process.json",
    } in head_links(page, "alternate")


def test_profile_page_in_french_has_a_french_canonical_url(client, world):
    page = get_page(client, "/fr" + profile_url(world["rabat"]))

    assert page.find("html").attrs["lang"] == "fr"
    assert head_links(page, "canonical")[0]["href"] == (
        "http://testserver/fr/processes/rabat-process/"
    )
    assert meta(page, property="og:url") == "http://testserver/fr/processes/rabat-process/"


def test_profile_page_has_schema_org_json_ld(client, world):
    page = get_page(client, profile_url(world["rabat"]))

    scripts = [s for s in page.find_all("script") if s.attrs.get("type") == "application/ld+json"]
    assert len(scripts) == 1
    data = json.loads(scripts[0].text)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Organization"
    assert data["name"] == "Rabat Process"
    assert data["alternateName"] == "RP"
    assert data["foundingDate"] == "2006"
    assert data["description"] == "Euro-African dialogue on migration and development."
    assert sorted(member["name"] for member in data["member"]) == ["France", "Morocco", "Senegal"]


def test_json_ld_cannot_close_its_script_element(client, db):
    process = ProcessFactory(
        name="</script><script>alert(1)</script> Process",
        objectives="Text with </script> & <b>tags</b>.",
    )

    response = client.get(profile_url(process))

    html = response.content.decode()
    script = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script
    assert json.loads(script)["name"] == "</script><script>alert(1)</script> Process"


# --- Drafts stay off every public address -------------------------------------------------------


@pytest.mark.parametrize("prefix", LANGUAGE_PREFIXES.values())
@pytest.mark.parametrize("key", ["draft", "archived"])
def test_an_unpublished_profile_answers_404_on_every_public_address(client, world, key, prefix):
    slug = world[key].slug

    get_page(client, f"{prefix}/processes/{slug}/", status=404)
    assert client.get(f"{prefix}/processes/{slug}.json").status_code == 404
    assert client.get(f"{prefix}/processes/{slug}/countries.csv").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/countries/dz/",
        "/focus/unannounced-theme/",
        "/organisations/secret/",
        "/fr/focus/unannounced-theme/",
        "/es/organisations/secret/",
    ],
)
def test_what_only_unpublished_profiles_list_answers_404(client, world, path):
    page = get_page(client, path, status=404)

    for hidden in ("Morocco Draft", "Archived Dialogue", "Secret Secretariat", "unannounced"):
        assert hidden not in page.text


def test_no_public_page_lists_an_unpublished_profile(client, world):
    pages = [
        "/",
        "/?kind=rcp",
        "/?region=africa",
        "/countries/",
        "/countries/ma/",
        "/focus/labour-migration/",
        "/organisations/ecowas/",
        "/search/?q=Morocco",
        "/search/?q=ECOWAS",
        "/search/?q=Algeria",
        "/data/",
    ]
    for path in pages:
        html = client.get(path).content.decode()
        for hidden in (
            "Morocco Draft",
            "morocco-draft",
            "Archived",
            "archived-dialogue",
            "Antarctica",
        ):
            assert hidden not in html, (path, hidden)


# --- Constant query counts ----------------------------------------------------------------------

# Measured on the small site and the large one (build_site); {slug} is the profile's slug.
PAGE_QUERIES = {
    # the landscape (processes by type, regions with counts, processes without a region), the
    # list's count, its page of processes with member counts, their regions and associations;
    # the map's countries
    "/": 8,
    "/?kind=rcp&region=africa": 8,
    "/matrix/": 6,  # the landscape; the processes (count, page); their countries
    "/matrix.csv": 5,  # the landscape; the processes; their countries
    # the process, then regions, associations, participations, organisation roles, themes,
    # chairs and meetings (Process.objects.for_profile_page())
    "/processes/{slug}/": 8,
    "/processes/{slug}.json": 8,
    "/processes/{slug}/countries.csv": 2,  # the process; its participations
    "/countries/": 1,  # one grouped query
    "/countries/ma/": 1,  # participations with their processes
    "/focus/theme/": 4,  # the theme; its processes, their regions and associations
    "/organisations/org/": 4,  # the organisation; its roles, associations and secretariats
    # text matches (one or two), countries, organisations, processes linked to them, the
    # processes found with their member counts, regions and associations
    "/search/?q=Morocco": 8,  # and the pages of the countries found
    "/search/?q=Process": 6,
    "/search/?q=ORG": 9,  # "org" is in "Georgia": a country match too
    "/data/": 0,
    "/data/profiles.json": 8,
    "/sitemap.xml": 4,  # processes, countries, themes, organisations
    "/robots.txt": 0,
}
UNCHANGING_PAGES = {"/data/", "/robots.txt"}


def build_site(first: int, count: int, members: int) -> None:
    """Published processes p<first>... with ``members`` member countries each (Morocco among
    them), an observer, organisations in every role (ORG as member, secretariat and
    association), two regions and the theme; and a draft."""
    theme = FocusArea.objects.get_or_create(name="theme", slug="theme")[0]
    organisation = Organisation.objects.get_or_create(
        name="The Organisation", acronym="ORG", slug="org"
    )[0]
    africa = Region.objects.get_or_create(name="Africa")[0]
    others = [code for code in ALL_COUNTRY_CODES if code not in {"MA", "ZW"}]
    for number in range(first, first + count):
        process = ProcessFactory(
            name=f"Process {number}",
            slug=f"p{number}",
            kind="rcp",
            secretariat_organisation=organisation,
        )
        process.regions.add(africa, Region.objects.create(name=f"Region {number}"))
        process.associated_organisations.add(organisation, OrganisationFactory())
        bulk_add_members(process, ["MA", *others[: members - 1]], group="AU")
        add_members(process, ["ZW"], role="observer")
        ProcessOrganisationFactory(process=process, organisation=organisation, role="member")
        ProcessOrganisationFactory(process=process, role="observer")
        ProcessOrganisationFactory(process=process, role="partner")
        ProcessFocusAreaFactory(process=process, focus_area=theme)
        ChairFactory(process=process)
        MeetingFactory(process=process)
    draft = ProcessFactory(name=f"Draft {first}", slug=f"draft-{first}", status="draft")
    add_members(draft, ["MA"])


@pytest.mark.parametrize("path", PAGE_QUERIES)
def test_every_public_page_does_a_constant_number_of_queries(
    client, db, django_assert_max_num_queries, path
):
    build_site(first=0, count=1, members=3)
    with django_assert_max_num_queries(PAGE_QUERIES[path]) as small:
        small_response = client.get(path.format(slug="p0"))
    build_site(first=1, count=8, members=60)
    with django_assert_max_num_queries(PAGE_QUERIES[path]) as large:
        large_response = client.get(path.format(slug="p1"))

    assert small_response.status_code == large_response.status_code == 200
    assert len(small) == len(large)
    if path not in UNCHANGING_PAGES:
        assert len(large_response.content) > len(small_response.content)


# --- Page weight --------------------------------------------------------------------------------

PAGE_WEIGHT_LIMIT = 100_000  # bytes of HTML and CSS, uncompressed


def page_weight(client, path: str, status: int = 200) -> int:
    """The bytes of a page and of every stylesheet it links."""
    response = client.get(path)
    assert response.status_code == status
    page = parse(response.content.decode())
    total = len(response.content)
    stylesheets = head_links(page, "stylesheet")
    assert stylesheets
    for link in stylesheets:
        css = client.get(link["href"])
        assert css.status_code == 200, link["href"]
        total += len(b"".join(css.streaming_content))
    return total


@pytest.fixture
def large_site(db):
    """A profile with 150 members, every country taking part somewhere, 30 processes."""
    build_site(first=0, count=28, members=10)  # Morocco in each: 28 search results
    large = ProcessFactory(
        name="Large Process",
        slug="large",
        objectives="Objectives. " * 100,
        secretariat="Details. " * 50,
    )
    bulk_add_members(large, ALL_COUNTRY_CODES[:150], group="AU")
    bulk_add_members(large, ALL_COUNTRY_CODES[150:170], role="observer")
    for _ in range(10):
        ProcessOrganisationFactory(process=large)
        ProcessFocusAreaFactory(process=large)
        MeetingFactory(process=large, title=f"Meeting {_}")
    rest = ProcessFactory(name="Everyone Else", slug="rest")
    bulk_add_members(rest, ALL_COUNTRY_CODES[170:])
    return large


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/processes/large/", 200),
        ("/es/processes/large/", 200),
        ("/countries/", 200),
        ("/fr/countries/", 200),
        ("/countries/ma/", 200),
        ("/focus/theme/", 200),
        ("/organisations/org/", 200),
        ("/search/?q=Morocco", 200),
        ("/data/", 200),
        ("/no-such-page/", 404),
    ],
)
def test_every_page_is_under_100_kb_of_html_and_css(client, large_site, path, status):
    weight = page_weight(client, path, status)

    assert weight < PAGE_WEIGHT_LIMIT, f"{path}: {weight} bytes"


def test_the_large_profile_and_the_country_list_show_everything(client, large_site):
    profile = get_page(client, "/processes/large/")
    countries = get_page(client, "/countries/")

    assert section(profile, "Members").find("p").text.startswith("150 Members")
    assert len(items(section(profile, "Members").find("ul", "country-list"))) == 150
    assert len(list_items(countries, "country-index")) == len(ALL_COUNTRY_CODES)
