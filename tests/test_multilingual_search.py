"""Search finds a profile by what its editors wrote in English, French or Spanish, from a page
in any language, and shows it in the page's language (issue 13).

Runs on SQLite (a case-insensitive match of each word) and on PostgreSQL (each language's
columns read with its text search configuration); the stemming cases are PostgreSQL's only.
"""

import pytest
from django.db import connection
from django.utils import translation

from .factories import ParticipationFactory, ProcessFactory, iom_in_every_language
from .pages import get_page

pytestmark = pytest.mark.django_db

PREFIXES = ["", "/fr", "/es"]
#: The Tripoli Process as each page language names it.
TRIPOLI = {"": "Tripoli Process", "/fr": "Processus de Tripoli", "/es": "Proceso de Trípoli"}

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="stemming and stop words are PostgreSQL's text search; SQLite matches words as typed",
)


@pytest.fixture
def profiles(db):
    """The Tripoli Process in three languages, with IOM (OIM) as its secretariat and ECOWAS
    (CEDEAO) among its members; the Budapest Process in English only; a French-named draft."""
    iom = iom_in_every_language()
    tripoli = ProcessFactory(
        name="Tripoli Process",
        name_fr="Processus de Tripoli",
        name_es="Proceso de Trípoli",
        slug="tripoli-process",
        objectives="A dialogue between Africa and Europe on migration and development.",
        objectives_fr="Un dialogue entre l’Afrique et l’Europe pour lutter contre la migration "
        "irrégulière.",
        objectives_es="Un diálogo entre África y Europa para luchar contra la migración irregular.",
        secretariat_organisation=iom,
    )
    ParticipationFactory(process=tripoli, country="FR")
    budapest = ProcessFactory(
        name="Budapest Process", objectives="Talks on labour migration along the Silk Routes."
    )
    ParticipationFactory(process=budapest, country="TR")
    ProcessFactory(name="Hidden Dialogue", name_fr="Dialogue caché", status="draft")
    return {"tripoli": tripoli, "budapest": budapest, "iom": iom}


def search(client, query: str, prefix: str = "") -> list[str]:
    page = get_page(client, f"{prefix}/search/?q={query}")
    return [card.find("h2").text for card in page.find("main").find_all("li", "process-list__item")]


@pytest.mark.parametrize(
    "query",
    ["Tripoli Process", "Processus de Tripoli", "Proceso de Trípoli", "processus de tripoli"],
)
@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_profile_is_found_by_its_name_in_any_language_from_any_page(
    client, profiles, query, prefix
):
    assert search(client, query, prefix) == [TRIPOLI[prefix]]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("lutter contre la migration irrégulière", "French objectives"),
        ("luchar contra la migración irregular", "Spanish objectives"),
        ("Africa and Europe", "English objectives"),
        ("OIM", "French and Spanish acronym of its secretariat"),
        ("Organisation internationale pour les migrations", "French name of its secretariat"),
        ("Organización Internacional", "Spanish name of its secretariat"),
    ],
)
@pytest.mark.parametrize("prefix", PREFIXES)
def test_objectives_and_organisations_are_found_in_any_language(
    client, profiles, query, reason, prefix
):
    assert search(client, query, prefix) == [TRIPOLI[prefix]], reason


def test_a_french_query_does_not_find_a_profile_only_written_in_english(client, profiles):
    assert search(client, "Processus de Budapest", "/fr") == []
    assert search(client, "Budapest", "/fr") == ["Budapest Process"]


def test_an_untranslated_name_in_the_results_is_marked_english(client, profiles):
    page = get_page(client, "/fr/search/?q=Process")

    headings = {
        card.find("h2").text: card.find("h2")
        for card in page.find("main").find_all("li", "process-list__item")
    }
    assert sorted(headings) == ["Budapest Process", "Processus de Tripoli"]
    assert [s.attrs.get("lang") for s in headings["Budapest Process"].find_all("span")] == ["en"]
    assert headings["Processus de Tripoli"].find_all("span") == []


def test_a_draft_is_not_found_by_its_translated_name(client, profiles):
    assert search(client, "Dialogue caché", "/fr") == []


@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_translated_name_ranks_before_a_country_match(client, db, prefix):
    """ "Guinée" is in four French country names; a process named so in French comes first."""
    ProcessFactory(name="Conakry Dialogue", name_fr="Dialogue de Guinée", objectives="-")
    coastal = ProcessFactory(name="Atlantic Coast Process", objectives="Talks.")
    for code in ("GN", "GQ", "GW", "PG"):
        ParticipationFactory(process=coastal, country=code)

    found = search(client, "Guinée", prefix)

    shown = "Dialogue de Guinée" if prefix == "/fr" else "Conakry Dialogue"
    assert found == [shown, "Atlantic Coast Process"]


@postgresql_only
@pytest.mark.parametrize(
    "query",  # none of which SQLite's word-for-word match finds
    [
        "des migrations irrégulières",  # French plural and stop word: "la migration irrégulière"
        "lucha contra las migraciones",  # Spanish: "luchar contra la migración"
        "Proceso de Tripoli",  # the Spanish stemmer drops the accent of "Trípoli"
    ],
)
def test_each_language_is_read_with_its_own_stemming_and_stop_words(client, profiles, query):
    assert search(client, query, "/fr") == ["Processus de Tripoli"]


def test_search_in_every_language_does_a_constant_number_of_queries(
    client, db, django_assert_max_num_queries
):
    def build(first, count):
        translation.activate("en")  # the page asked for leaves Spanish active
        for number in range(first, first + count):
            process = ProcessFactory(
                name=f"Dialogue {number}",
                name_fr=f"Processus {number}",
                name_es=f"Proceso {number}",
                objectives="Talks.",
            )
            ParticipationFactory(process=process, country="FR")

    build(0, 1)
    with django_assert_max_num_queries(6) as small:
        small_page = search(client, "Processus", "/es")
    build(1, 8)
    with django_assert_max_num_queries(6) as large:
        large_page = search(client, "Processus", "/es")

    assert len(small_page) == 1 and len(large_page) == 9
    assert len(small) == len(large)
