"""Open data carries every language a profile is written in (issue 13): each text keeps its key
with the English (as before translations existed) and gains ``<key>_fr`` and ``<key>_es``,
null while not yet translated; the countries CSV has ``group_fr``, ``note_es``... columns."""

import csv
import io
import json

import pytest
from django.utils import translation

from rcp.models import Region

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


def get_json(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def get_csv(client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))


def translated_profile(slug: str = "tripoli-process", number: int = 0):
    """A profile with a text of every kind in English, French and Spanish, except its Spanish
    objectives, Spanish focus area and Spanish note, not yet translated."""
    translation.activate("en")  # a page asked for before leaves its language active
    iom = OrganisationFactory(
        name=f"International Organization for Migration {number}",
        name_fr=f"Organisation internationale pour les migrations {number}",
        name_es=f"Organización Internacional para las Migraciones {number}",
        acronym="IOM",
        acronym_fr="OIM",
        acronym_es="OIM",
    )
    process = ProcessFactory(
        name=f"Tripoli Process {number}",
        name_fr=f"Processus de Tripoli {number}",
        name_es=f"Proceso de Trípoli {number}",
        slug=slug,
        objectives="A dialogue between Africa and Europe.",
        objectives_fr="Un dialogue entre l’Afrique et l’Europe.",
        secretariat="IOM provides the secretariat.",
        secretariat_fr="L’OIM assure le secrétariat.",
        secretariat_es="La OIM ejerce la secretaría.",
        secretariat_organisation=iom,
    )
    process.regions.add(
        Region.objects.create(name=f"Africa {number}", name_fr=f"Afrique {number}"),
    )
    process.associated_organisations.add(iom)
    ParticipationFactory(
        process=process,
        country="MA",
        group="AU",
        group_fr="UA",
        group_es="UA",
        note="Chair in 2019",
        note_fr="Présidence en 2019",
    )
    ecowas = OrganisationFactory(
        name=f"Economic Community of West African States {number}",
        name_fr=f"Communauté économique des États de l’Afrique de l’Ouest {number}",
        name_es=f"Comunidad Económica de los Estados de África Occidental {number}",
        acronym="ECOWAS",
        acronym_fr="CEDEAO",
        acronym_es="CEDEAO",
    )
    ProcessOrganisationFactory(
        process=process,
        organisation=ecowas,
        role="observer",
        group="Regional communities",
        group_fr="Communautés régionales",
        group_es="Comunidades regionales",
    )
    ProcessFocusAreaFactory(
        process=process,
        focus_area=FocusAreaFactory(
            name=f"irregular migration {number}", name_fr=f"migration irrégulière {number}"
        ),
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
    )
    return process


@pytest.fixture
def tripoli(db):
    return translated_profile()


@pytest.mark.parametrize("prefix", ["", "/fr", "/es"])
def test_a_profile_carries_every_text_in_every_language(client, tripoli, prefix):
    data = get_json(client, f"{prefix}/processes/tripoli-process.json")

    assert (data["name"], data["name_fr"], data["name_es"]) == (
        "Tripoli Process 0",
        "Processus de Tripoli 0",
        "Proceso de Trípoli 0",
    )
    assert (data["regions"], data["regions_fr"], data["regions_es"]) == (
        ["Africa 0"],
        ["Afrique 0"],
        [None],
    )
    assert (data["objectives"], data["objectives_fr"], data["objectives_es"]) == (
        "A dialogue between Africa and Europe.",
        "Un dialogue entre l’Afrique et l’Europe.",
        None,
    )
    iom = {
        "slug": "iom",
        "name": "International Organization for Migration 0",
        "name_fr": "Organisation internationale pour les migrations 0",
        "name_es": "Organización Internacional para las Migraciones 0",
        "acronym": "IOM",
        "acronym_fr": "OIM",
        "acronym_es": "OIM",
    }
    assert data["secretariat"] == {
        "official": True,
        "organisation": iom,
        "details": "IOM provides the secretariat.",
        "details_fr": "L’OIM assure le secrétariat.",
        "details_es": "La OIM ejerce la secretaría.",
    }
    assert data["associated_organisations"] == [iom]
    [country] = data["countries"]
    assert {key: value for key, value in country.items() if key != "name"} == {
        "country": "MA",
        "role": "member",
        "group": "AU",
        "group_fr": "UA",
        "group_es": "UA",
        "note": "Chair in 2019",
        "note_fr": "Présidence en 2019",
        "note_es": None,
    }
    [organisation] = data["organisations"]
    assert (organisation["acronym"], organisation["acronym_fr"]) == ("ECOWAS", "CEDEAO")
    assert organisation["name_es"] == "Comunidad Económica de los Estados de África Occidental 0"
    assert (organisation["group"], organisation["group_fr"], organisation["group_es"]) == (
        "Regional communities",
        "Communautés régionales",
        "Comunidades regionales",
    )
    assert data["focus_areas"] == [
        {
            "slug": "irregular-migration-0",
            "name": "irregular migration 0",
            "name_fr": "migration irrégulière 0",
            "name_es": None,
        }
    ]
    [meeting] = data["meetings"]
    assert [meeting[key] for key in ("title", "title_fr", "title_es")] == [
        "Ministerial conference",
        "Conférence ministérielle",
        "Conferencia ministerial",
    ]
    assert [meeting[key] for key in ("city", "city_fr", "city_es")] == [
        "Brussels",
        "Bruxelles",
        "Bruselas",
    ]


def test_a_text_with_nothing_to_translate_is_empty_in_every_language(client, tripoli):
    """No acronym in English: "" in every language, not null (nothing is missing)."""
    data = get_json(client, "/processes/tripoli-process.json")

    assert (data["acronym"], data["acronym_fr"], data["acronym_es"]) == ("", "", "")
    assert (data["website"], data["type"]) == ("", "")


def test_an_untranslated_profile_says_null_in_french_and_spanish(client, db):
    ProcessFactory(name="Budapest Process", slug="budapest-process", objectives="Talks.")

    data = get_json(client, "/fr/processes/budapest-process.json")

    assert (data["name"], data["name_fr"], data["name_es"]) == ("Budapest Process", None, None)
    assert (data["objectives_fr"], data["objectives_es"]) == (None, None)


def test_the_whole_data_set_carries_every_language(client, tripoli):
    data = get_json(client, "/es/data/profiles.json")

    [profile] = data["profiles"]
    assert profile == get_json(client, "/es/processes/tripoli-process.json")
    assert profile["name_es"] == "Proceso de Trípoli 0"


def test_the_data_set_does_a_constant_number_of_queries_in_every_language(
    client, db, django_assert_max_num_queries
):
    translated_profile("p0", 0)
    with django_assert_max_num_queries(8) as small:
        small_data = get_json(client, "/fr/data/profiles.json")
    for number in range(1, 9):
        translated_profile(f"p{number}", number)
    with django_assert_max_num_queries(8) as large:
        large_data = get_json(client, "/fr/data/profiles.json")

    assert len(small_data["profiles"]) == 1 and len(large_data["profiles"]) == 9
    assert {p["name_fr"] for p in large_data["profiles"]} == {
        f"Processus de Tripoli {number}" for number in range(9)
    }
    assert len(small) == len(large)


def test_the_countries_csv_has_the_group_and_note_in_every_language(client, tripoli):
    rows = get_csv(client, "/fr/processes/tripoli-process/countries.csv")

    assert rows == [
        {
            "process": "tripoli-process",
            "country": "MA",
            "country_name": "Maroc",
            "role": "member",
            "group": "AU",
            "group_fr": "UA",
            "group_es": "UA",
            "note": "Chair in 2019",
            "note_fr": "Présidence en 2019",
            "note_es": "",
        }
    ]


def language_keys(value) -> set[str]:
    """Every key ending in _fr or _es, at any depth."""
    if isinstance(value, list):
        return set().union(*(language_keys(item) for item in value))
    if isinstance(value, dict):
        own = {key for key in value if key.endswith(("_fr", "_es"))}
        return own.union(*(language_keys(item) for item in value.values()))
    return set()


def test_the_open_data_page_documents_every_language_key_and_null(client, tripoli):
    data = get_json(client, "/processes/tripoli-process.json")
    page = get_page(client, "/data/")

    documentation = page.find("main").text
    keys = language_keys(data)
    assert {"name_fr", "details_es", "group_fr", "note_es", "title_fr", "city_es"} <= keys
    for key in keys:
        assert key in documentation, key
    assert "not yet written is null" in documentation
