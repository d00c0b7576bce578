"""The public pages in French and Spanish: what editors wrote reads in the page's language; a
text not yet translated reads in English inside an element with ``lang="en"`` (WCAG 2.1, 3.1.2
Language of Parts), and the profile then says it is not fully translated; lists sort by the
names as the page shows them; each language has its own cached page.

Pages are read from their parsed HTML (tests/pages.py).
"""

import datetime

import pytest
from django.utils import translation

from rcp.models import Organisation, Region

from .factories import (
    FocusAreaFactory,
    MeetingFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProcessFactory,
    ProcessFocusAreaFactory,
    ProcessOrganisationFactory,
    iom_in_every_language,
)
from .pages import Element, facts, get_page, items, profile_url, section
from .test_profile_page import PROCESS_LIST_QUERIES, PROFILE_PAGE_QUERIES

pytestmark = pytest.mark.django_db

PREFIXES = {"en": "", "fr": "/fr", "es": "/es"}
# As a reader sees it (tests/pages.py reads the no-break space before ":" as a space).
NOTE = {
    "fr": "Ce profil n'est pas encore entièrement traduit : certains textes sont en anglais.",
    "es": "Este perfil aún no está traducido por completo: algunos textos están en inglés.",
}


def in_language(language: str, url: str) -> str:
    return PREFIXES[language] + url


def main(page: Element) -> Element:
    return page.find("main")


def marked_english(page: Element) -> list[str]:
    """The texts of the page's content marked as English, in the order they appear."""
    return [element.text for element in main(page).iter() if element.attrs.get("lang") == "en"]


def translation_notes(page: Element) -> list[str]:
    return [p.text for p in main(page).find_all("p", "translation-note")]


def card_names(page: Element) -> list[str]:
    return [card.find("a").text for card in main(page).find_all("li", "process-list__item")]


# --- Data ---------------------------------------------------------------------------------------


@pytest.fixture
def profile(db):
    """A profile written in English, French and Spanish: name, acronym, objectives, secretariat,
    region, focus area, organisation (IOM, OIM in French and Spanish), groups (AU and EU, UA and
    UE), a note and a meeting."""
    process = ProcessFactory(
        name="Tripoli Process",
        name_fr="Processus de Tripoli",
        name_es="Proceso de Trípoli",
        slug="tripoli-process",
        acronym="TP",
        acronym_fr="PT",
        acronym_es="PT",
        objectives="A dialogue between *Africa* and Europe.",
        objectives_fr="Un dialogue entre l'*Afrique* et l'Europe.",
        objectives_es="Un diálogo entre *África* y Europa.",
        secretariat="The African Union Commission.",
        secretariat_fr="La Commission de l'Union africaine.",
        secretariat_es="La Comisión de la Unión Africana.",
    )
    process.regions.add(Region.objects.create(name="Africa", name_fr="Afrique", name_es="África"))
    iom = iom_in_every_language(slug="iom")
    ProcessOrganisationFactory(process=process, organisation=iom, role="observer")
    theme = FocusAreaFactory(
        name="irregular migration", name_fr="migration irrégulière", name_es="migración irregular"
    )
    ProcessFocusAreaFactory(process=process, focus_area=theme)
    for code in ("MA", "DZ"):
        ParticipationFactory(
            process=process, country=code, group="AU", group_fr="UA", group_es="UA"
        )
    ParticipationFactory(
        process=process,
        country="FR",
        group="EU",
        group_fr="UE",
        group_es="UE",
        note="since 2006",
        note_fr="depuis 2006",
        note_es="desde 2006",
    )
    MeetingFactory(
        process=process,
        title="Ministerial conference",
        title_fr="Conférence ministérielle",
        title_es="Conferencia ministerial",
        city="Brussels",
        city_fr="Bruxelles",
        city_es="Bruselas",
        country="BE",
        start_date=datetime.date(2006, 11, 22),
    )
    return process


TRANSLATED = {
    "fr": {
        "h1": "Processus de Tripoli (PT)",
        "regions": "Régions : Afrique",
        "objectives": "Un dialogue entre l'Afrique et l'Europe.",
        "secretariat": "La Commission de l'Union africaine.",
        "focus": ["migration irrégulière"],
        "organisations": ["Organisation internationale pour les migrations (OIM)"],
        "header": "3 membres (2 États membres UA et 1 État membre UE)",
        "note": "(depuis 2006)",
        "meeting": "Conférence ministérielle, 22 novembre 2006, Bruxelles, Belgique",
        "sections": ("Objectifs", "Priorités actuelles", "Secrétariat", "Membres"),
        "observers": "Observateurs",
        "meetings": "Réunions",
    },
    "es": {
        "h1": "Proceso de Trípoli (PT)",
        "regions": "Regiones: África",
        "objectives": "Un diálogo entre África y Europa.",
        "secretariat": "La Comisión de la Unión Africana.",
        "focus": ["migración irregular"],
        "organisations": ["Organización Internacional para las Migraciones (OIM)"],
        "header": "3 miembros (2 Estados miembros UA y 1 Estado miembro UE)",
        "note": "(desde 2006)",
        "meeting": "Conferencia ministerial, 22 de noviembre de 2006, Bruselas, Bélgica",
        "sections": ("Objetivos", "Prioridades actuales", "Secretaría", "Miembros"),
        "observers": "Observadores",
        "meetings": "Reuniones",
    },
}


# --- A translated profile -----------------------------------------------------------------------


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_translated_profile_reads_entirely_in_the_pages_language(client, profile, language):
    expected = TRANSLATED[language]
    objectives, focus, secretariat, members = expected["sections"]

    page = get_page(client, in_language(language, profile_url(profile)))

    assert page.find("html").attrs["lang"] == language
    assert main(page).find("h1").text == expected["h1"]
    assert expected["regions"] in facts(page)
    assert section(page, objectives).find("p").text == expected["objectives"]
    assert items(section(page, focus).find("ul")) == expected["focus"]
    assert section(page, secretariat).find("p").text == expected["secretariat"]
    assert section(page, members).find("p", "profile__count").text == expected["header"]
    country_lists = section(page, members).find_all("ul", "country-list")
    assert expected["note"] in " ".join(country_list.text for country_list in country_lists)
    observers = section(page, expected["observers"]).find("ul", "organisation-list")
    assert items(observers) == expected["organisations"]
    assert items(section(page, expected["meetings"]).find("ul")) == [expected["meeting"]]
    assert marked_english(page) == []
    assert translation_notes(page) == []


def test_the_organisation_and_theme_pages_read_in_french_too(client, profile):
    organisation = get_page(client, "/fr/organisations/iom/")
    theme = get_page(client, "/fr/focus/irregular-migration/")

    assert main(organisation).find("h1").text == (
        "Organisation internationale pour les migrations (OIM)"
    )
    assert items(main(organisation).find("ul", "participation-list")) == [
        "Processus de Tripoli: Observateur"
    ]
    assert main(theme).find("h1").text == "Migration irrégulière"
    assert card_names(theme) == ["Processus de Tripoli"]
    assert marked_english(organisation) == marked_english(theme) == []


# --- Texts not yet translated -------------------------------------------------------------------


@pytest.fixture
def partly_translated(profile):
    """The profile with its name, objectives, a group, the IOM's acronym and the meeting's city
    still to translate into French (Spanish is complete)."""
    profile.name_fr = None
    profile.objectives_fr = ""
    profile.save()
    profile.participations.filter(country="FR").update(group_fr="")
    Organisation.objects.filter(slug="iom").update(acronym_fr="")
    profile.meetings.update(city_fr="")
    return profile


def test_a_text_not_yet_translated_reads_in_english_marked_as_english(client, partly_translated):
    page = get_page(client, in_language("fr", profile_url(partly_translated)))

    h1 = main(page).find("h1")
    assert h1.text == "Tripoli Process (PT)"
    assert [span.text for span in h1.find_all("span") if span.attrs.get("lang") == "en"] == [
        "Tripoli Process"
    ]
    # Formatted text is marked by a block around its paragraphs.
    objectives = section(page, "Objectifs")
    assert [(div.attrs["lang"], div.find("p").text) for div in objectives.find_all("div")] == [
        ("en", "A dialogue between Africa and Europe.")
    ]
    assert section(page, "Membres").find("p", "profile__count").text == (
        "3 membres (2 États membres UA et 1 État membre EU)"
    )
    assert marked_english(page) == [
        "Tripoli Process",
        "A dialogue between Africa and Europe.",
        "EU",
        "EU",
        "IOM",
        "Brussels",
    ]


def test_a_profile_not_fully_translated_says_so_near_the_top(client, partly_translated):
    page = get_page(client, in_language("fr", profile_url(partly_translated)))

    header = main(page).find("header", "profile__header")
    note = header.find("p", "translation-note")
    assert note.attrs["role"] == "note"
    assert note.text == NOTE["fr"]


def test_the_note_is_only_on_the_pages_of_the_languages_not_complete(client, partly_translated):
    spanish = get_page(client, in_language("es", profile_url(partly_translated)))

    assert translation_notes(spanish) == []
    assert marked_english(spanish) == []


def test_english_pages_have_no_note_and_nothing_marked_as_english(client, partly_translated):
    page = get_page(client, profile_url(partly_translated))
    home = get_page(client, "/")

    assert main(page).find("h1").text == "Tripoli Process (TP)"
    assert translation_notes(page) == []
    assert marked_english(page) == marked_english(home) == []


def test_untranslated_names_in_lists_and_cards_are_marked_as_english(client, partly_translated):
    home = get_page(client, "/fr/")
    country = get_page(client, "/fr/countries/fr/")

    assert card_names(home) == ["Tripoli Process"]
    assert marked_english(home) == ["Tripoli Process"]
    assert items(main(country).find("ul", "participation-list")) == ["Tripoli Process: Membre (EU)"]
    assert marked_english(country) == ["Tripoli Process", "EU"]


# --- The members header -------------------------------------------------------------------------


def test_the_header_groups_states_by_their_english_group_while_it_is_translated(client):
    process = ProcessFactory(slug="p")
    ParticipationFactory(process=process, country="MA", group="AU", group_fr="UA")
    ParticipationFactory(process=process, country="DZ", group="AU")  # not yet translated
    ParticipationFactory(process=process, country="TN", group="AU", group_fr="UA")
    ParticipationFactory(process=process, country="FR", group="EU")

    page = get_page(client, "/fr/processes/p/")

    count = section(page, "Membres").find("p", "profile__count")
    assert count.text == "4 membres (3 États membres UA et 1 État membre EU)"
    assert [span.text for span in count.find_all("span")] == ["EU"]
    assert count.find("span").attrs["lang"] == "en"


# --- Lists sort by the names the page shows -----------------------------------------------------


@pytest.fixture
def three_processes(db):
    """Names whose order differs in French: "Processus d'Almaty" sorts after "Khartoum
    Process", which has no French name."""
    almaty = ProcessFactory(name="Almaty Process", name_fr="Processus d'Almaty", slug="almaty")
    khartoum = ProcessFactory(name="Khartoum Process", slug="khartoum")
    budapest = ProcessFactory(name="Budapest Process", name_fr="Processus de Budapest")
    iom = OrganisationFactory(slug="iom")
    theme = FocusAreaFactory(name="labour migration")
    for process in (almaty, khartoum, budapest):
        ProcessOrganisationFactory(process=process, organisation=iom)
        ProcessFocusAreaFactory(process=process, focus_area=theme)
    return theme


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("en", ["Almaty Process", "Budapest Process", "Khartoum Process"]),
        ("fr", ["Khartoum Process", "Processus d'Almaty", "Processus de Budapest"]),
    ],
)
def test_lists_of_processes_sort_by_the_name_the_page_shows(
    client, three_processes, language, names
):
    home = get_page(client, in_language(language, "/"))
    theme = get_page(client, in_language(language, "/focus/labour-migration/"))
    organisation = get_page(client, in_language(language, "/organisations/iom/"))

    assert card_names(home) == names
    assert card_names(theme) == names
    listed = items(main(organisation).find("ul", "participation-list"))
    assert [item.rsplit(":", 1)[0].strip() for item in listed] == names


def test_the_region_filter_sorts_by_the_name_the_page_shows(client):
    process = ProcessFactory()
    process.regions.add(
        Region.objects.create(name="Africa", name_fr="Afrique"),
        Region.objects.create(name="Europe"),  # not yet translated
        Region.objects.create(name="Americas", name_fr="Amériques"),
    )

    page = get_page(client, "/fr/")

    (select,) = [s for s in main(page).find_all("select") if s.attrs["name"] == "region"]
    regions = [option.text for option in select.find_all("option") if option.attrs["value"]]
    assert regions == ["Afrique", "Amériques", "Europe"]


# --- The page cache -----------------------------------------------------------------------------


def test_each_language_keeps_its_own_cached_page_and_a_french_edit_reaches_french_readers(
    client, profile
):
    url = profile_url(profile)
    english, french = client.get(url), client.get(in_language("fr", url))
    assert (english["X-Page-Cache"], french["X-Page-Cache"]) == ("miss", "miss")
    assert client.get(in_language("fr", url))["X-Page-Cache"] == "hit"
    assert client.get(url)["X-Page-Cache"] == "hit"

    profile.name_fr = "Processus de Tripoli sur la migration"
    profile.save()

    french = get_page(client, in_language("fr", url))
    english = get_page(client, url)
    assert main(french).find("h1").text == "Processus de Tripoli sur la migration (PT)"
    assert main(english).find("h1").text == "Tripoli Process (TP)"


# --- Queries ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "es"])
def test_a_profile_page_in_another_language_does_a_constant_number_of_queries(
    client, make_process_with_members, django_assert_max_num_queries, language
):
    small = make_process_with_members(10)
    large = make_process_with_members(200)

    with django_assert_max_num_queries(PROFILE_PAGE_QUERIES) as small_queries:
        small_page = get_page(client, in_language(language, profile_url(small)))
    with django_assert_max_num_queries(PROFILE_PAGE_QUERIES) as large_queries:
        large_page = get_page(client, in_language(language, profile_url(large)))

    assert len(small_queries) == len(large_queries)
    assert translation_notes(small_page) == [NOTE[language]]
    assert translation_notes(large_page) == [NOTE[language]]


def test_the_french_process_list_does_a_constant_number_of_queries(
    client, make_process_with_members, django_assert_max_num_queries
):
    make_process_with_members(2)
    with django_assert_max_num_queries(PROCESS_LIST_QUERIES) as few_queries:
        get_page(client, "/fr/")
    with translation.override("en"):  # the request left French active on this thread
        for _ in range(9):
            make_process_with_members(2)
    with django_assert_max_num_queries(PROCESS_LIST_QUERIES) as many_queries:
        page = get_page(client, "/fr/")

    assert len(few_queries) == len(many_queries)
    assert len(card_names(page)) == 10
