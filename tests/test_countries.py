"""Country names as IOM writes them, in English, French and Spanish."""

import pytest
from django.utils import translation
from django_countries import countries
from django_countries.fields import Country

from rcp.countries import is_start_of_country_name, resolve_country
from rcp.legacy.names import split_countries
from rcp.models import Process

from .factories import ParticipationFactory, ProcessFactory


def name(code: str) -> str:
    return str(Country(code=code).name)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("CG", "Republic of the Congo"),
        ("ST", "São Tomé and Príncipe"),
        ("CD", "Democratic Republic of the Congo"),
        ("TZ", "Tanzania"),
        ("GB", "United Kingdom"),
        ("CZ", "Czechia"),
        ("SZ", "Eswatini"),
        ("CI", "Côte d'Ivoire"),
        ("CV", "Cabo Verde"),
    ],
)
def test_english_names_are_iom_spellings(code, expected):
    assert name(code) == expected
    assert countries.name(code) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("CG", "Congo"),
        ("ST", "Sao Tomé-et-Principe"),
        ("CD", "République démocratique du Congo"),
        ("CZ", "République tchèque"),
        ("MA", "Maroc"),
        ("EG", "Égypte"),
    ],
)
def test_french_names_come_from_the_french_catalogue(code, expected):
    with translation.override("fr"):
        assert name(code) == expected
        assert countries.name(code) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [("ST", "Santo Tomé y Príncipe"), ("CG", "Congo"), ("MA", "Marruecos")],
)
def test_spanish_names_come_from_the_spanish_catalogue(code, expected):
    with translation.override("es"):
        assert name(code) == expected


def test_english_override_comes_back_after_another_language():
    with translation.override("fr"):
        assert name("CG") == "Congo"

    assert name("CG") == "Republic of the Congo"


def test_regional_english_uses_iom_spellings():
    with translation.override("en-gb"):
        assert name("ST") == "São Tomé and Príncipe"


def test_country_choices_list_the_iom_spelling():
    assert dict(countries)["CG"] == "Republic of the Congo"


def _member_names(process: Process) -> list[str]:
    return [p.country.name for p in Process.objects.get(pk=process.pk).member_states]


@pytest.fixture
def process_with_e_countries(db) -> Process:
    process = ProcessFactory()
    for code in ["ES", "EG", "DE", "ET", "DZ", "EC", "CG", "CD"]:
        ParticipationFactory(process=process, country=code)
    return process


def test_member_states_are_sorted_by_their_english_names(process_with_e_countries):
    assert _member_names(process_with_e_countries) == [
        "Algeria",
        "Democratic Republic of the Congo",
        "Ecuador",
        "Egypt",
        "Ethiopia",
        "Germany",
        "Republic of the Congo",
        "Spain",
    ]


def test_member_states_are_sorted_by_their_french_names(process_with_e_countries):
    with translation.override("fr"):
        names = _member_names(process_with_e_countries)

    assert names == [
        "Algérie",
        "Allemagne",
        "Congo",
        "Égypte",
        "Équateur",
        "Espagne",
        "Éthiopie",
        "République démocratique du Congo",
    ]


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Kingdom of Morocco", "MA"),
        ("the Republic of Yemen", "YE"),
        ("Hashemite Kingdom of Jordan", "JO"),
        ("Kingdom of the Netherlands", "NL"),
        ("Republic of the Congo", "CG"),
        ("Federal Democratic Republic of Ethiopia", "ET"),
        ("Royaume du Maroc", "MA"),
        ("République du Sénégal", "SN"),
        ("República del Ecuador", "EC"),
        ("Estado Plurinacional de Bolivia", "BO"),
        ("former Yugoslav Republic of Macedonia", "MK"),
        ("Libyan Arab Jamahiriya", "LY"),
        # A title that changes the country is not stripped.
        ("Democratic Republic of the Congo", "CD"),
        ("Democratic Republic of Congo", "CD"),
        ("Republic of Korea", "KR"),
        ("Republic of China", "TW"),
        ("People's Republic of China", "CN"),
    ],
)
def test_formal_names_read_as_the_country_they_name(written, code):
    assert resolve_country(written) == code


@pytest.mark.parametrize("written", ["Republic of", "Kingdom of", "State of Emergency", "Kosovo"])
def test_a_title_alone_or_with_no_country_is_not_a_country(written):
    assert resolve_country(written) is None


def test_formal_names_in_a_list_are_read_one_by_one():
    pieces, unread = split_countries(
        "Kingdom of Morocco, Republic of Tunisia and the State of Libya"
    )
    assert [piece.code for piece in pieces] == ["MA", "TN", "LY"] and unread == 0


@pytest.mark.parametrize(
    ("written", "cut_short"),
    [
        ("Tuni", True),
        ("Central African Rep", True),
        ("Tunisia", False),
        ("Ni", False),
        ("IOM", False),
    ],
)
def test_the_start_of_a_country_name_is_told_from_a_whole_one(written, cut_short):
    assert is_start_of_country_name(written) is cut_short
