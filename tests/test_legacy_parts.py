"""The pieces of the legacy page importer: names, dates, cities, ceased organisations."""

import datetime

import pytest

from rcp.countries import resolve_country
from rcp.legacy import report as kinds
from rcp.legacy.blocs import in_group
from rcp.legacy.ceased_organisations import find_ceased
from rcp.legacy.cities import country_of_city
from rcp.legacy.dates import find_dates, year_range
from rcp.legacy.names import parse_count, parse_organisation, split_countries
from rcp.legacy.naming import split_title
from rcp.legacy.parser import parse_page
from rcp.legacy.service import ImportRefused, import_profile

from .legacy_pages import build


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Slovak Republic", "SK"),
        ("the Marshall Islands", "MH"),
        ("Republic of Marshall Islands", "MH"),
        ("Federated States of Micronesia", "FM"),
        ("The Netherlands", "NL"),
        ("St. Lucia", "LC"),
        ("St Kitts and Nevis", "KN"),
        ("State of Palestine", "PS"),
        ("Sahrawi Arab Democratic Republic", "EH"),
        ("Kyrgyz Republic", "KG"),
    ],
)
def test_more_of_the_names_iom_pages_use_are_countries(written, code):
    assert resolve_country(written) == code


def test_short_words_are_not_read_as_country_codes():
    pieces, unread = split_countries("Austria and Andorra, Peru as well as Canada")

    assert [piece.code for piece in pieces] == ["AT", "AD", "PE", "CA"]
    assert unread == 0


def test_cities_know_their_countries_whatever_the_accents():
    assert country_of_city("Brussels") == "BE"
    assert country_of_city("Genève") == "CH"
    assert country_of_city("Yaounde") == country_of_city("Yaoundé") == "CM"
    assert country_of_city("Sampletown") is None


def test_ceased_organisations_by_name_not_by_a_bare_acronym():
    oau = find_ceased("Organisation of African Unity", "OAU")

    assert (oau.ceased_year, oau.successor_name, oau.successor_acronym) == (
        2002,
        "African Union",
        "AU",
    )
    assert find_ceased("Organization of African Unity") == oau
    assert find_ceased("European Commission", "EC") is None


def test_group_memberships():
    assert in_group("GB", "EU") and in_group("MA", "AU") and in_group("MA", "Non-EU")
    assert in_group("FR", "non-EU") is False
    assert in_group("FR", "Countries of origin") is None


@pytest.mark.parametrize(
    ("text", "name", "acronym", "english"),
    [
        ("Economic Community of West African States (ECOWAS)", "Economic Community of West "
         "African States", "ECOWAS", ""),
        ("Conseil régional des migrations (CRM, Regional Migration Council),",
         "Conseil régional des migrations", "CRM", "Regional Migration Council"),
        ("IRD", "IRD", "", ""),
        ("the Union for the Mediterranean - UfM", "Union for the Mediterranean", "UfM", ""),
    ],
)  # fmt: skip
def test_organisation_names_acronyms_and_english_names(text, name, acronym, english):
    found = parse_organisation(text)

    assert (found.name, found.acronym, found.english_name) == (name, acronym, english)


def test_counts_and_groups_in_a_header():
    statement = parse_count("82 Members (53 AU Member States and 28 EU Member States)")

    assert (statement.total, statement.groups) == (82, [("AU", 53), ("EU", 28)])
    assert parse_count("12 countries of origin and 5 countries of destination").groups == [
        ("Countries of origin", 12),
        ("Countries of destination", 5),
    ]
    assert parse_count("Participating States (15)").total == 15
    assert parse_count("Tel.: (241) 01 44", heading=False) is None


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("April 02-03, 2014", "2014-04-02", "2014-04-03", "day"),
        ("29\u201330 November 2010", "2010-11-29", "2010-11-30", "day"),
        ("8 December \u2013 9 December 2007", "2007-12-08", "2007-12-09", "day"),
        ("April 2000", "2000-04-01", None, "month"),
        ("May 11-12, 2016", "2016-05-11", "2016-05-12", "day"),
        ("September 17, 2020", "2020-09-17", None, "day"),
        ("December 30, 2010 \u2013 January 2, 2011", "2010-12-30", "2011-01-02", "day"),
        ("30 December \u2013 2 January 2011", "2010-12-30", "2011-01-02", "day"),
        ("du 2 au 3 avril 2014", "2014-04-02", "2014-04-03", "day"),
        ("1er décembre 2010", "2010-12-01", None, "day"),
        ("2014-04-02", "2014-04-02", None, "day"),
        ("15-16/11/2017", "2017-11-15", "2017-11-16", "day"),
        ("January 2018 \u2013 December 2019", "2018-01-01", "2019-12-01", "month"),
    ],
)
def test_date_styles(text, start, end, precision):
    found = find_dates(f"Meeting, {text}, Sampletown")

    assert found.dates.start == datetime.date.fromisoformat(start)
    assert found.dates.end == (datetime.date.fromisoformat(end) if end else None)
    assert found.dates.precision == precision


def test_impossible_dates_are_not_dates():
    assert find_dates("Meeting, 31 February 2014") is None


def test_chairs_years():
    assert str(year_range("(2018-2020)")) == "2018\u20132020"
    assert str(year_range("2019-21")) == "2019\u20132021"
    assert year_range("since 2006").end is None
    assert year_range("(2021-2019)") is None


def test_titles_give_a_name_and_a_short_name():
    assert split_title("Global Forum on Migration and Development (GFMD)") == (
        "Global Forum on Migration and Development",
        "GFMD",
    )
    assert split_title("EU-Horn of Africa Migration Route Initiative (Khartoum Process)") == (
        "EU-Horn of Africa Migration Route Initiative",
        "Khartoum Process",
    )
    assert split_title("The Sample Directors’ Conference") == ("Sample Directors’ Conference", "")


def test_names_from_the_first_sentences_and_the_page_address():
    no_title = build(
        without=["title"],
        replace={
            "objectives": "Objectives\nThe Sample Forum on migration (SFM) [formerly Sample "
            "Meeting] is a platform. The Western Sample Group or 3+3 Group was launched in 1990."
        },
    )
    addressed = "# source: https://www.example.org/western-sample-group\n" + no_title

    parsed, _report = parse_page(no_title)
    from_address, _report = parse_page(addressed)

    assert (parsed.name, parsed.acronym, parsed.name_source) == (
        "Sample Forum on migration",
        "SFM",
        "text",
    )
    assert (from_address.name, from_address.acronym) == ("Western Sample Group", "3+3 Group")


def test_an_acronym_alone_is_used_as_the_name_with_a_note():
    page = build(
        without=["title"],
        replace={"objectives": "Objectives\nThe SDM is a platform for ministries."},
    )

    parsed, report = parse_page(page)

    assert parsed.name == "SDM"
    [note] = report.of_kind(kinds.NAME)
    assert "only as “SDM”" in note.message
    assert report.blocking(accept_suggestions=True) == []


@pytest.mark.django_db
def test_a_page_without_a_name_is_not_imported():
    parsed, report = parse_page(build(without=["title", "objectives"]))

    with pytest.raises(ImportRefused, match="give the name"):
        import_profile(parsed, report, accept_suggestions=True)
