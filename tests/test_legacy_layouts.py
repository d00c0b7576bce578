"""Legacy pages in layouts the first importer did not read: misspelt or reworded headings,
a country that looks like a group heading, names given only in the text."""

import pytest

from rcp.legacy.parser import parse_page
from tests.legacy_pages import build


def members(profile):
    return sorted(c.code for c in profile.countries if c.role == "member")


def messages(report):
    return [str(finding) for finding in report.findings]


@pytest.mark.parametrize(
    ("heading", "misspelt"),
    [
        ("Members States (4 States)", True),
        ("Memebr Sates (4)", True),
        ("Particpating Countries", True),
        ("Member States of the Sample Dialogue (4)", False),
        ("Members of the Process", False),
    ],
)
def test_a_reworded_or_misspelt_members_heading_still_starts_the_members(heading, misspelt):
    page = build(replace={"members": f"{heading}\nGhana\nSenegal\nMali\nTogo"})
    profile, report = parse_page(page)
    assert members(profile) == ["GH", "ML", "SN", "TG"]
    assert "Ghana" not in profile.objectives + profile.secretariat
    reported = [m for m in messages(report) if "not a heading this importer knows" in m]
    if misspelt:
        assert len(reported) == 1 and heading.split(" (")[0] in reported[0]
    else:
        assert reported == []


def test_a_country_name_is_never_taken_for_a_misspelt_heading():
    page = build(replace={"members": "Members\nMauritania\nMorocco\nOman\nMonaco"})
    profile, report = parse_page(page)
    assert members(profile) == ["MA", "MC", "MR", "OM"]
    assert not [m for m in messages(report) if "not a heading" in m]


def test_united_states_is_a_member_not_the_heading_of_a_group():
    page = build(replace={"members": "Member States (3 States)\nCosta Rica\nPanama\nUnited States"})
    profile, report = parse_page(page)
    assert members(profile) == ["CR", "PA", "US"]
    assert all(not c.group for c in profile.countries)
    assert not [m for m in messages(report) if "states 3" in m]


def test_a_title_that_is_the_short_name_of_the_name_the_text_gives():
    page = build(
        replace={
            "title": "Sample Process",
            "objectives": (
                "Objectives\nThe Sample Conference on Mobility (SCM) or the Sample Process was "
                "established in 2005 to exchange practice."
            ),
        }
    )
    profile, _report = parse_page(page)
    assert (profile.name, profile.acronym) == ("Sample Conference on Mobility", "SCM")


def test_a_short_name_made_of_an_acronym_gives_the_acronym():
    page = build(
        without=["title"],
        replace={
            "objectives": (
                "Objectives\nThe Sample Dialogue on Migration or SDM Process was designed as a "
                "platform for the region."
            )
        },
    )
    profile, _report = parse_page(page)
    assert (profile.name, profile.acronym) == ("Sample Dialogue on Migration", "SDM")


def test_a_page_naming_its_process_only_by_acronym_keeps_it_as_the_acronym_too():
    page = build(
        without=["title"],
        replace={"objectives": "Objectives\nThe SDM is a regional consultative process."},
    )
    profile, report = parse_page(page)
    assert (profile.name, profile.acronym) == ("SDM", "SDM")
    assert any("names the process only as “SDM”" in m for m in messages(report))
    assert not any(f.blocking for f in report.findings if f.kind == "error")


def test_countries_under_an_unknown_heading_in_the_secretariat_are_the_members():
    page = build(
        without=["members"],
        replace={
            "secretariat": (
                "Secretariat\nThe secretariat is hosted by the ECOWAS Commission in Abuja.\n"
                "States taking part (4)\nGhana\nSenegal\nMali\nTogo"
            )
        },
    )
    profile, report = parse_page(page)
    assert members(profile) == ["GH", "ML", "SN", "TG"]
    assert profile.secretariat == "The secretariat is hosted by the ECOWAS Commission in Abuja."
    found = [m for m in messages(report) if "lines of country names found" in m]
    assert len(found) == 1
    assert "4 lines of country names found in “Secretariat”" in found[0]
    assert "under “States taking part (4)”" in found[0]
    assert not [m for m in messages(report) if "states 4" in m]


def test_countries_in_the_objectives_under_an_observer_heading_are_observers():
    page = build(
        replace={
            "objectives": (
                "Objectives\nThe Sample Dialogue on Migration is a forum of ministries.\n"
                "Countries observing the talks\nFrance\nItaly\nSpain"
            )
        },
        without=["observers"],
    )
    profile, _report = parse_page(page)
    observers = sorted(c.code for c in profile.countries if c.role == "observer")
    assert observers == ["ES", "FR", "IT"]
    assert "France" not in profile.objectives


def test_two_country_lines_in_prose_stay_prose():
    page = build(
        replace={
            "objectives": "Objectives\nThe dialogue meets every year.\nGhana\nSenegal\nIt reports."
        }
    )
    profile, report = parse_page(page)
    assert "Ghana" in profile.objectives
    assert not [m for m in messages(report) if "lines of country names found" in m]


def test_past_chairs_with_years_are_not_taken_for_members():
    page = build(
        replace={
            "focus": (
                "Current Focus\n- border management\n- labour migration\n"
                "Ghana (2019)\nSenegal (2018)\nMali (2017)"
            )
        }
    )
    profile, _report = parse_page(page)
    assert members(profile) == ["GH", "ML", "SN", "TG"]


@pytest.mark.parametrize(
    ("sentence", "name", "acronym"),
    [
        (
            "The Sample Forum on Labour Mobility (SFLM) creates a space for dialogue.",
            "Sample Forum on Labour Mobility",
            "SFLM",
        ),
        (
            "The Sample (SDM) Dialogue is an inter-regional consultative forum on migration.",
            "Sample Dialogue",
            "SDM",
        ),
        ("SDM was formed as a regional forum of West African states.", "SDM", "SDM"),
    ],
)
def test_the_name_in_the_first_sentence_in_its_usual_forms(sentence, name, acronym):
    page = build(without=["title"], replace={"objectives": f"Objectives\n{sentence}"})
    profile, report = parse_page(page)
    assert (profile.name, profile.acronym) == (name, acronym)
    assert not [f for f in report.findings if f.blocking]


def test_a_sentence_before_the_fields_names_the_process():
    page = build(
        without=["title"],
        order=["objectives", "type", "established", "members"],
        replace={"objectives": "The Sample Forum on Mobility (SFM) is a forum of ministries."},
    )
    profile, _report = parse_page(page)
    assert (profile.name, profile.acronym) == ("Sample Forum on Mobility", "SFM")
