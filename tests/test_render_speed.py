"""Issue 15, point 6: a page does the same work however many countries and organisations it
lists. Formatted text is rendered once per request, country names come from a table made once
per language, and addresses from a pattern reversed once; the data set keeps its content.
(The times are bench/pages.py's: tests count the work, never the seconds.)"""

import json

import pytest
from django.urls import NoReverseMatch, reverse
from django.urls.resolvers import URLResolver
from django.utils import translation
from django_countries import Countries
from django_countries.fields import Country

import rcp.models
from rcp.addresses import address
from rcp.models import country_name
from rcp.opendata import full_dataset, in_every_language
from rcp.workflow import COMMAND_LINE, set_status

from .conftest import ALL_COUNTRY_CODES
from .factories import (
    OrganisationFactory,
    ParticipationFactory,
    ProcessFactory,
    ProcessOrganisationFactory,
)
from .pages import profile_url

PROFILE_PAGE_QUERIES = 8  # as tests/test_profile_page.py counts them


@pytest.fixture(autouse=True)
def uncached(settings):
    """Every request renders: the work counted is the render's."""
    settings.RCP_PAGE_CACHE_SECONDS = 0


class Calls:
    """Counts the calls of a function or method while wrapping it."""

    def __init__(self, monkeypatch, owner, name: str):
        self.count = 0
        original = getattr(owner, name)

        def counted(*args, **kwargs):
            self.count += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)


def profile(slug: str, countries: int, organisations: int, **fields):
    process = ProcessFactory(slug=slug, **fields)
    for index, code in enumerate(ALL_COUNTRY_CODES[:countries]):
        group = ("AU", "EU", "")[index % 3]
        ParticipationFactory(process=process, country=code, group=group, note="n" * (index % 2))
    for position in range(organisations):
        ProcessOrganisationFactory(
            process=process,
            organisation=OrganisationFactory(english_name="Its English name" * (position % 2)),
            role=("member", "observer", "partner")[position % 3],
            position=position,
        )
    return process


def work_of(client, monkeypatch, url: str, *, owner, name: str) -> int:
    """Calls of ``owner.name`` for one render of ``url`` (after one that fills the
    per-language tables)."""
    assert client.get(url).status_code == 200
    calls = Calls(monkeypatch, owner, name)
    assert client.get(url).status_code == 200
    monkeypatch.undo()
    return calls.count


@pytest.mark.parametrize("prefix", ["", "/fr"])
@pytest.mark.parametrize(
    ("owner", "name"),
    [(Countries, "name"), (URLResolver, "_reverse_with_prefix")],
    ids=["country name look-ups", "reverse() calls"],
)
def test_a_profile_page_does_the_same_work_for_10_or_60_countries(
    client, db, monkeypatch, prefix, owner, name
):
    small = profile("small", countries=10, organisations=2)
    large = profile("large", countries=60, organisations=12)
    small_work = work_of(
        client, monkeypatch, f"{prefix}{profile_url(small)}", owner=owner, name=name
    )
    large_work = work_of(
        client, monkeypatch, f"{prefix}{profile_url(large)}", owner=owner, name=name
    )
    assert small_work == large_work
    assert large_work < 20


@pytest.mark.parametrize("prefix", ["", "/fr"])
def test_formatted_text_is_rendered_once_per_field_and_request(client, db, monkeypatch, prefix):
    """The objectives show five times (body, meta and og: descriptions, JSON-LD summary)."""
    process = profile(
        "texts",
        countries=3,
        organisations=1,
        objectives="**Dialogue** on migration.\n\n- one\n- two",
        secretariat="Held by *the chair*.",
    )
    renders = Calls(monkeypatch, rcp.models, "render_formatted_text")
    response = client.get(f"{prefix}{profile_url(process)}")
    assert response.status_code == 200
    assert b"<strong>Dialogue</strong>" in response.content
    assert renders.count == 2  # the objectives and the secretariat, once each


def test_the_grouped_member_lists_do_a_constant_number_of_queries(
    client, db, django_assert_max_num_queries
):
    small = profile("small", countries=6, organisations=1)
    large = profile("large", countries=90, organisations=9)
    with django_assert_max_num_queries(PROFILE_PAGE_QUERIES) as small_queries:
        assert client.get(profile_url(small)).status_code == 200
    with django_assert_max_num_queries(PROFILE_PAGE_QUERIES) as large_queries:
        assert client.get(profile_url(large)).status_code == 200
    assert len(small_queries) == len(large_queries)


def test_the_data_set_looks_each_country_name_up_once_per_language(client, db, monkeypatch):
    for number in range(2):
        set_status(
            profile(f"p{number}", countries=5, organisations=1), "published", actor=COMMAND_LINE
        )
    small = work_of(client, monkeypatch, "/data/profiles.json", owner=Countries, name="name")
    for number in range(2, 8):
        set_status(
            profile(f"p{number}", countries=40, organisations=3), "published", actor=COMMAND_LINE
        )
    large = work_of(client, monkeypatch, "/data/profiles.json", owner=Countries, name="name")
    assert small == large == 0


# --- The same content -------------------------------------------------------------------------


def reference_in_every_language(record, field: str, key: str | None = None) -> dict:
    """The data set's texts as they were first written: rcp.multilingual's rules, one call per
    text and language."""
    from rcp.multilingual import column, is_untranslated, text_in

    key = key or field
    data = {key: text_in(record, field, "en")}
    for language in ("fr", "es"):
        untranslated = is_untranslated(record, field, language)
        data[column(key, language)] = None if untranslated else text_in(record, field, language)
    return data


def test_the_data_set_keeps_its_texts_and_names(client, tripoli):
    rows = list(tripoli.participations.all())
    rows[0].note, rows[0].note_fr = "since 2006", ""
    rows[0].save()
    for row in rows:
        for field in ("group", "note"):
            assert in_every_language(row, field) == reference_in_every_language(row, field)
    assert in_every_language(tripoli, "secretariat", "details") == reference_in_every_language(
        tripoli, "secretariat", "details"
    )
    for prefix, language in (("", "en"), ("/fr", "fr"), ("/es", "es")):
        data = json.loads(client.get(f"{prefix}/data/profiles.json").content)
        (countries,) = [profile["countries"] for profile in data["profiles"]]
        assert len(countries) == len(rows)
        with translation.override(language):
            assert [entry["name"] for entry in countries] == [
                str(Country(entry["country"]).name) for entry in countries
            ]
        assert data["profiles"] == full_dataset_in(language)["profiles"]


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_data_set_holds_each_profiles_own_json(client, tripoli, language):
    """The data set reads countries as values; each profile's JSON, as models."""
    other = profile("other", countries=30, organisations=4)
    ParticipationFactory(process=other, country="FR", role="suspended", note="since 2020")
    ParticipationFactory(process=other, country="DE", role="guest", group="EU")
    set_status(other, "published", actor=COMMAND_LINE)
    prefix = "" if language == "en" else f"/{language}"
    data = json.loads(client.get(f"{prefix}/data/profiles.json").content)
    assert len(data["profiles"]) == 2
    for profile_data in data["profiles"]:
        own = json.loads(client.get(f"{prefix}/processes/{profile_data['slug']}.json").content)
        assert profile_data == own


def full_dataset_in(language: str) -> dict:
    """The data set as the view builds it, with the view's absolute addresses."""
    with translation.override(language):
        return json.loads(
            json.dumps(full_dataset(build_absolute_uri=lambda url: f"http://testserver{url}"))
        )


# --- Names and addresses, once per language -----------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_country_names_are_django_countries_names_in_the_readers_language(language):
    with translation.override(language):
        for code in ("CI", "GB", "CV", "SZ", "CZ", "TR", "DZ"):
            assert country_name(code) == str(Country(code).name)


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize(
    ("viewname", "kwargs"),
    [
        ("rcp:country-detail", {"code": "ci"}),
        ("rcp:organisation-detail", {"slug": "iom"}),
        ("rcp:process-detail", {"slug": "tripoli-process"}),
        ("rcp:focus-area-detail", {"slug": "labour-migration_2"}),
        ("rcp:country-detail", {"code": "a b é?"}),  # quoted by reverse() itself
    ],
)
def test_addresses_are_those_reverse_gives(language, viewname, kwargs):
    with translation.override(language):
        assert address(viewname, **kwargs) == reverse(viewname, kwargs=kwargs)


def test_an_address_reverse_cannot_give_is_refused_as_reverse_refuses_it():
    with pytest.raises(NoReverseMatch):
        address("rcp:organisation-detail", slug="not a slug")
