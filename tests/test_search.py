"""Search that forgives (issue 15, point 4): country aliases and former names through the
imports' matcher, "did you mean" for typos, focus areas, organisations and meeting places,
snippets with the matched words marked, stored search vectors (PostgreSQL) kept up to date,
and hostile queries. Runs on SQLite and on PostgreSQL."""

import importlib

import pytest
from django.db import connection

from rcp.models import FocusArea, Meeting, Organisation
from rcp.search import snippets

from .factories import (
    FocusAreaFactory,
    MeetingFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProcessFactory,
    ProcessFocusAreaFactory,
    ProcessOrganisationFactory,
)
from .pages import get_page

pytestmark = pytest.mark.django_db


def main(page):
    return page.find("main")


def cards(page):
    return main(page).find_all("li", "process-list__item")


def names(page) -> list[str]:
    return [card.find("h2").text for card in cards(page)]


def search(client, query: str, prefix: str = ""):
    return get_page(client, f"{prefix}/search/?q={query}")


def snippet(card):
    return card.find("p", "search-snippet")


@pytest.fixture
def world(db):
    """Published profiles with countries under their former and informal names, a focus area,
    a meeting in Niamey, an organisation; and a draft with a distinctive name."""
    rabat = ProcessFactory(
        name="Rabat Process",
        name_fr="Processus de Rabat",
        objectives="A Euro-African dialogue on migration and development.",
        objectives_fr="Un dialogue euro-africain sur la migration et le développement.",
    )
    for code in ("GB", "CI", "SZ", "CZ", "MM", "ER"):
        ParticipationFactory(process=rabat, country=code)
    theme = FocusAreaFactory(name="Irregular migration", name_fr="Migration irrégulière")
    khartoum = ProcessFactory(name="Khartoum Process", objectives="Talks.")
    ProcessFocusAreaFactory(process=khartoum, focus_area=theme)
    ParticipationFactory(process=khartoum, country="ER")
    budapest = ProcessFactory(name="Budapest Process", objectives="Talks on the Silk Routes.")
    MeetingFactory(process=budapest, title="Senior officials", city="Niamey", country="NE")
    icmpd = OrganisationFactory(name="Centre for Policy Development", acronym="CPD")
    ProcessOrganisationFactory(process=budapest, organisation=icmpd)
    draft = ProcessFactory(name="Zanzibar Quietude Dialogue", status="draft", objectives="-")
    ParticipationFactory(process=draft, country="DZ")
    return {"rabat": rabat, "khartoum": khartoum, "budapest": budapest, "theme": theme}


# --- Countries by any name the imports know ----------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code", "country"),
    [
        ("UK", "gb", "United Kingdom"),
        ("Ivory Coast", "ci", "Côte d'Ivoire"),
        ("Swaziland", "sz", "Eswatini"),
        ("Czech Republic", "cz", "Czechia"),
        ("Burma", "mm", "Myanmar"),
    ],
)
def test_an_alias_or_former_name_finds_the_country_and_offers_its_page(
    client, world, query, code, country
):
    page = search(client, query)

    assert names(page) == ["Rabat Process"]
    links = main(page).find("p", "search-countries").find_all("a")
    assert [link.attrs["href"] for link in links] == [f"/countries/{code}/"]
    assert country in snippet(cards(page)[0]).text
    assert [mark.text for mark in snippet(cards(page)[0]).find_all("mark")] == [country]


def test_an_alias_finds_the_country_from_a_french_page_named_in_french(client, world):
    page = search(client, "UK", "/fr")

    assert names(page) == ["Processus de Rabat"]
    assert [mark.text for mark in snippet(cards(page)[0]).find_all("mark")] == ["Royaume-Uni"]


# --- Did you mean ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "query", "suggestion"),
    [
        ("", "Eriteria", "Eritrea"),
        ("/fr", "Eriteria", "Érythrée"),
        ("/es", "Eriteria", "Eritrea"),
        ("/fr", "Erytrée", "Érythrée"),
        ("", "Khartum Proces", "Khartoum Process"),
        ("", "irregullar migration", "Irregular migration"),
        ("", "Niamei", "Niamey"),
        ("", "Ivory Cost", "Côte d'Ivoire"),
    ],
)
def test_a_typo_gets_a_suggestion_linking_to_its_search(client, world, prefix, query, suggestion):
    page = search(client, query, prefix)

    assert names(page) == []
    offer = main(page).find("p", "search-suggestion")
    link = offer.find("a")
    assert link.text == suggestion
    assert link.attrs["href"].startswith(f"{prefix}/search/?q=")
    followed = get_page(client, link.attrs["href"])
    assert names(followed)


def test_the_suggestion_reads_as_a_question_in_each_language(client, world):
    english = main(search(client, "Eriteria")).find("p", "search-suggestion")
    french = main(search(client, "Eriteria", "/fr")).find("p", "search-suggestion")

    assert english.text == "Did you mean Eritrea?"
    assert french.find("a").text == "Érythrée"
    assert french.find("a").attrs["href"] == "/fr/search/?q=%C3%89rythr%C3%A9e"


def test_a_draft_is_never_suggested(client, world):
    page = search(client, "Zanzibar Quietud Dialog")

    assert names(page) == []
    assert main(page).find_all("p", "search-suggestion") == []
    assert "Zanzibar" not in main(page).text.replace("Zanzibar Quietud", "")


def test_nothing_is_suggested_when_nothing_is_close(client, world):
    page = search(client, "Qwxzt")

    assert main(page).find_all("p", "search-suggestion") == []
    assert "0 results" in main(page).text


def test_nothing_is_suggested_when_the_query_finds_something(client, world):
    assert main(search(client, "Eritrea")).find_all("p", "search-suggestion") == []


# --- Focus areas, organisations, meeting places -----------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "query", "found"),
    [
        ("", "irregular migration", "Khartoum Process"),
        ("/fr", "migration irrégulière", "Khartoum Process"),
        ("", "Niamey", "Budapest Process"),
        ("", "Senior officials", "Budapest Process"),
        ("", "Policy Development", "Budapest Process"),
        ("", "CPD", "Budapest Process"),
    ],
)
def test_focus_areas_organisations_and_meeting_places_find_their_profiles(
    client, world, prefix, query, found
):
    assert names(search(client, query, prefix)) == [found]


def test_a_meeting_country_finds_its_profile(client, world):
    assert "Budapest Process" in names(search(client, "Niger"))


# --- Snippets ----------------------------------------------------------------------------------


def test_a_snippet_marks_the_matched_words_of_the_focus_area(client, world):
    card = cards(search(client, "irregular migration"))[0]

    assert snippet(card).text == "Focus areas: Irregular migration"
    assert [mark.text for mark in snippet(card).find_all("mark")] == ["Irregular migration"]


def test_a_snippet_shows_the_objectives_in_the_readers_language(client, world):
    english = snippet(cards(search(client, "dialogue"))[0])
    french = snippet(cards(search(client, "dialogue", "/fr"))[0])

    assert [mark.text for mark in english.find_all("mark")] == ["dialogue"]
    assert english.text.startswith("A Euro-African dialogue")
    assert french.text.startswith("Un dialogue euro-africain")


def test_a_snippet_of_untranslated_objectives_is_marked_english(client, world):
    card = cards(search(client, "Silk Routes", "/fr"))[0]

    assert snippet(card).find("span").attrs["lang"] == "en"
    assert [mark.text for mark in snippet(card).find_all("mark")] == ["Silk Routes"]


def test_a_meeting_snippet_names_its_place(client, world):
    card = cards(search(client, "Niamey"))[0]

    assert snippet(card).text == "Meetings: Senior officials, Niamey, Niger"
    assert [mark.text for mark in snippet(card).find_all("mark")] == ["Niamey"]


def test_hostile_text_in_a_profile_stays_text_in_its_snippet(client, db):
    theme = FocusAreaFactory(name="<script>alert('migration')</script> & <b>migration</b>")
    hostile = ProcessFactory(name="Hostile Process", objectives="Talks.")
    ProcessFocusAreaFactory(process=hostile, focus_area=theme)

    response = client.get("/search/?q=migration")
    html = response.content.decode()

    assert "<script>alert" not in html and "<b>migration" not in html
    card = cards(get_page(client, "/search/?q=migration"))[0]
    assert snippet(card).text == f"Focus areas: {theme.name}"
    assert [mark.text for mark in snippet(card).find_all("mark")] == ["migration", "migration"]


def test_a_long_text_is_cut_around_its_first_match():
    text = " ".join(f"word{n}" for n in range(100)) + " migration " + "end " * 50
    marked, score = snippets.highlight(text, snippets.Terms.of("migration"))

    assert score == 1
    assert marked.startswith("… ") and marked.endswith(" …")
    assert "<mark>migration</mark>" in marked
    assert len(marked) < 400


# --- Stored vectors stay up to date --------------------------------------------------------------


def test_a_renamed_process_is_found_by_its_new_name_only(client, world):
    rabat = world["rabat"]
    rabat.name_en, rabat.name_fr = "Atlantic Dialogue", "Dialogue atlantique"
    rabat.save()

    assert names(search(client, "Atlantic")) == ["Atlantic Dialogue"]
    assert "Atlantic Dialogue" not in names(search(client, "Rabat"))


def test_a_renamed_focus_area_is_found_by_its_new_name(client, world):
    theme = FocusArea.objects.get(pk=world["theme"].pk)
    theme.name_en = "Smuggling of migrants"
    theme.save()

    assert names(search(client, "smuggling")) == ["Khartoum Process"]
    assert names(search(client, "irregular migration")) == []


def test_a_bulk_update_is_searched_at_once(client, world):
    FocusArea.objects.filter(pk=world["theme"].pk).update(name_en="Trafficking in persons")
    Organisation.objects.filter(acronym_en="CPD").update(name_en="Bureau for Labour Mobility")

    assert names(search(client, "trafficking")) == ["Khartoum Process"]
    assert names(search(client, "Labour Mobility")) == ["Budapest Process"]


def test_an_edited_meeting_is_found_in_its_new_city(client, world):
    meeting = Meeting.objects.get(city_en="Niamey")
    meeting.city_en = "Ouagadougou"
    meeting.save()

    assert names(search(client, "Ouagadougou")) == ["Budapest Process"]
    assert names(search(client, "Niamey")) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's stored vectors")
def test_the_stored_vectors_follow_every_write(world):
    def vector(table, pk):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT search_en::text FROM {table} WHERE id = %s", [pk])
            return cursor.fetchone()[0]

    khartoum = world["khartoum"]
    assert "'khartoum'" in vector("rcp_process", khartoum.pk)
    khartoum.objectives_en = "Talks on smuggling."
    khartoum.save()
    assert "'smuggl'" in vector("rcp_process", khartoum.pk)
    FocusArea.objects.filter(pk=world["theme"].pk).update(name_en="Border management")
    assert "'border'" in vector("rcp_focusarea", world["theme"].pk)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN indexes")
def test_each_language_vector_has_a_gin_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%%USING gin%%' "
            "AND tablename LIKE 'rcp_%%'"
        )
        indexes = {row[0] for row in cursor.fetchall()}
    for table in ("rcp_process", "rcp_focusarea", "rcp_organisation", "rcp_meeting"):
        for language in ("en", "fr", "es"):
            assert f"{table}_search_{language}" in indexes


def test_every_column_the_search_triggers_read_is_a_column_of_its_model(db):
    """Migration 0015's triggers name the columns they read: a later migration renaming or
    dropping one must recreate its trigger, and this fails until the migration's list of
    columns says so too (on SQLite as well, where the columns are the models')."""
    from django.apps import apps

    search_vectors = importlib.import_module("rcp.migrations.0015_search_vectors")
    tables = {model._meta.db_table: model for model in apps.get_app_config("rcp").get_models()}
    for table, parts in search_vectors.PARTS.items():
        columns = {field.column for field in tables[table]._meta.concrete_fields}
        for language in search_vectors.CONFIGS:
            read = {column.format(l=language) for _, names, _ in parts for column in names}
            assert read <= columns, f"{table} has no column {sorted(read - columns)}"


# --- Drafts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["Zanzibar", "Quietude", "Algeria", "Algérie"])
def test_a_draft_is_never_found(client, world, query):
    page = search(client, query)

    assert names(page) == []
    assert "Quietude" not in main(page).text.replace(query, "")


# --- Hostile queries ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "a%20%26%20%7C%20!%20%3A*",  # a & | ! :*
        "!!!%20%3F%3F%3F",
        "%27%3B%20DROP%20TABLE%20rcp_process%3B%20--",
        "%22unclosed",
        "(((",
        "migration%20%26%20!",
        "x" * 5000,
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "%E2%80%8B%E2%80%8B",  # zero-width spaces
        "%C2%A0",
        "%25%25%25_",
    ],
)
def test_a_hostile_query_gets_a_page(client, world, query):
    response = client.get(f"/search/?q={query}")

    assert response.status_code == 200
    assert b"<script>alert(1)" not in response.content


def test_a_query_with_a_nul_byte_is_refused_or_answered_never_a_server_error(client, world):
    response = client.get("/search/?q=mig%00ration")

    assert response.status_code in (200, 400)


def test_a_nul_byte_inside_the_query_is_dropped_by_search():
    from rcp.search import clean_query

    assert clean_query("mig\x00ration \x07 talks") == "mig ration talks"
    assert len(clean_query("y" * 10_000)) == 200


# --- Constant queries ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "limit"),
    [
        ("migration", 5),  # processes; their member counts, regions, associations
        ("UK", 6),  # and the participations of the countries named
        ("Eriteria", 7),  # and the data version, the words, the suggestion's two searches
    ],
)
def test_a_search_does_a_constant_number_of_queries(
    client, db, django_assert_max_num_queries, query, limit
):
    def build(first, count):
        theme = FocusArea.objects.get_or_create(name="Irregular migration")[0]
        for number in range(first, first + count):
            process = ProcessFactory(name=f"Dialogue {number}", objectives="On migration.")
            ParticipationFactory(process=process, country="GB")
            ParticipationFactory(process=process, country="ER")
            ProcessFocusAreaFactory(process=process, focus_area=theme)
            MeetingFactory(process=process)

    build(0, 1)
    with django_assert_max_num_queries(limit) as small:
        client.get(f"/search/?q={query}")
    build(1, 60)
    with django_assert_max_num_queries(limit) as large:
        page = client.get(f"/search/?q={query}")

    assert page.status_code == 200
    assert len(small) == len(large)


def test_at_most_twenty_results_are_shown_and_the_page_says_so(client, db):
    for number in range(25):
        ProcessFactory(name=f"Dialogue {number}", objectives="On migration.")

    page = search(client, "migration")

    assert len(cards(page)) == 20
    assert main(page).find("p").text == "25 results for “migration”."
    assert "add words to narrow the search" in main(page).find("p", "search-more").text
