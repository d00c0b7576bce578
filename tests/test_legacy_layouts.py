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


def observer_organisations(profile):
    return sorted(o.acronym or o.name for o in profile.organisations if o.role == "observer")


def with_members_last(members_text, observers_text=None):
    """The sample page with its members (and observers) as the last lines of the page."""
    replace = {"members": members_text}
    without = ["meetings"]
    if observers_text is None:
        without.append("observers")
    else:
        replace["observers"] = observers_text
    order = ["title", "established", "objectives", "members", "observers"]
    return build(order=order, without=without, replace=replace)


@pytest.mark.parametrize(
    "sentence",
    [
        "The members of the dialogue include Ghana, Senegal and Mali, as well as Togo.",
        "Its members are Ghana, Senegal, Mali and Togo.",
        "The Dialogue brings together Ghana, Senegal, Mali and Togo.",
        "Les membres du dialogue sont le Ghana, le Sénégal, le Mali ainsi que le Togo.",
        "Los miembros son Ghana, Senegal y Malí, así como Togo.",
    ],
)
def test_a_sentence_introducing_the_members_lists_them(sentence):
    profile, report = parse_page(build(replace={"members": f"Members\n{sentence}"}))
    assert members(profile) == ["GH", "ML", "SN", "TG"]
    assert profile.organisations == [] or all(o.role != "member" for o in profile.organisations)
    assert not [f for f in report.findings if f.kind in {"unknown_name", "unplaced"}]


def test_a_count_in_the_sentence_introducing_the_list_is_checked():
    text = "Members\nThe Dialogue brings together 5 states: Ghana, Senegal, Mali and Togo."
    profile, report = parse_page(build(replace={"members": text}))
    assert members(profile) == ["GH", "ML", "SN", "TG"]
    assert any("states 5" in m and "lists 4" in m for m in messages(report))


def test_a_sentence_about_membership_is_not_a_list():
    text = "Members\nMembership is open to all states of the region, including newcomers.\nGhana"
    profile, report = parse_page(build(replace={"members": text}))
    assert members(profile) == ["GH"]
    unplaced = [f for f in report.findings if f.kind == "unplaced"]
    assert len(unplaced) == 1 and "Membership is open" in unplaced[0].message


def test_organisations_introduced_by_a_sentence_are_observers():
    text = "Observers\nObservers include: Italy, Spain, IOM and UNHCR."
    profile, _report = parse_page(build(replace={"observers": text}))
    assert sorted(c.code for c in profile.countries if c.role == "observer") == ["ES", "IT"]
    assert observer_organisations(profile) == ["IOM", "UNHCR"]


def test_slash_lists_of_countries_and_of_organisations():
    page = with_members_last(
        "Member States (4)\nGhana/ Senegal/ Mali /Togo", "Observers\nIOM/ UNHCR/ ICMPD"
    )
    profile, report = parse_page(page)
    assert members(profile) == ["GH", "ML", "SN", "TG"]
    # The last line of the page ends in an acronym, not in a word cut short.
    assert observer_organisations(profile) == ["ICMPD", "IOM", "UNHCR"]
    assert report.of_kind("cut_off") == [] and report.of_kind("count") == []


def test_a_pipe_table_and_a_semicolon_list():
    page = build(
        replace={
            "members": "Member States (5)\n| Ghana | Senegal | Mali |\n| Togo | Niger | |",
            "observers": "Observer States\nItaly; Spain; Malta",
        }
    )
    profile, report = parse_page(page)
    assert members(profile) == ["GH", "ML", "NE", "SN", "TG"]
    assert sorted(c.code for c in profile.countries if c.role == "observer") == ["ES", "IT", "MT"]
    assert report.of_kind("count") == [] and report.of_kind("read_as") == []


def test_a_loose_bullet_list_with_blank_lines_between_the_items():
    text = "Member States (4)\n\n- Ghana\n\n- Senegal\n\n\n- Mali\n\n- Togo\n"
    profile, report = parse_page(build(replace={"members": text}))
    assert members(profile) == ["GH", "ML", "SN", "TG"]
    assert report.of_kind("count") == []


def test_a_table_saved_as_text_is_split_where_country_names_end():
    # Read across the rows: the alphabet runs down the columns; one cell is empty.
    table = (
        "Member States (15)\n"
        "Algeria        Egypt          Libya        South Africa\n"
        "Angola         Eritrea        Mali         Togo\n"
        "Central African Republic     Ethiopia     Namibia\n"
        "Chad           Greece         Niger        Tunisia"
    )
    profile, report = parse_page(build(replace={"members": table}))
    assert members(profile) == sorted("DZ EG LY ZA AO ER ML TG CF ET NA TD GR NE TN".split())
    read_as = report.of_kind("read_as")
    assert len(read_as) == 1
    assert "read as a 4-column table" in read_as[0].message
    assert read_as[0].section == "Members" and "Lines " in read_as[0].message
    assert report.of_kind("count") == [] and report.of_kind("unknown_name") == []


def test_a_two_column_table_of_names_that_begin_alike():
    table = (
        "Member States\nGuinea          Equatorial Guinea\n"
        "Congo           Democratic Republic of the Congo\nNiger           Nigeria\nMali"
    )
    profile, report = parse_page(build(replace={"members": table}))
    assert members(profile) == sorted("GN GQ CG CD NE NG ML".split())
    assert "read as a 2-column table" in report.of_kind("read_as")[0].message


def test_a_list_cut_off_by_the_end_of_the_page():
    profile, report = parse_page(
        with_members_last("Member States (5)\n- Ghana\n\n- Senegal\n\n- Mali\n\n- Togo\n\n- Nige")
    )
    assert members(profile) == ["GH", "ML", "SN", "TG"]
    cut = report.of_kind("cut_off")
    assert len(cut) == 1 and "“Nige”" in cut[0].message
    assert report.of_kind("unknown_name") == []


def test_a_misspelt_country_ending_the_page_is_a_name_to_correct_not_a_cut():
    _profile, report = parse_page(with_members_last("Member States\nGhana, Senegal, Eriteria"))
    unknown = report.of_kind("unknown_name")
    assert len(unknown) == 1 and unknown[0].suggestion == "ER"
    assert report.of_kind("cut_off") == []


def test_each_finding_says_the_line_of_the_page_it_is_about():
    text = (
        "Member States (6)\nGhana\nSenegall\n"
        "Membership is open to all states of the region, as agreed.\nMali"
    )
    page = build(replace={"members": text})
    number = {line: n for n, line in enumerate(page.splitlines(), start=1)}
    _profile, report = parse_page(page)

    lines = {f.kind: f.line for f in report.findings}
    assert lines["unknown_name"] == number["Senegall"]
    assert lines["count"] == number["Member States (6)"]
    assert lines["unplaced"] == number[text.splitlines()[3]]
    unknown = report.of_kind("unknown_name")[0]
    assert str(unknown).startswith(f"Members, line {number['Senegall']}: “Senegall”")


@pytest.mark.parametrize(
    "sentence",
    ["Former members include Togo and Benin.", "Les anciens membres sont le Togo et le Bénin."],
)
def test_a_sentence_giving_its_list_another_role_is_not_read_as_members(sentence):
    profile, report = parse_page(build(replace={"members": f"Members\nGhana\n{sentence}"}))
    assert members(profile) == ["GH"]
    assert any(f.kind == "unplaced" and sentence[:10] in f.message for f in report.findings)


def test_observers_introduced_by_a_sentence_without_a_colon():
    profile, _report = parse_page(
        build(replace={"observers": "Observers\nObservers include Italy, Spain and IOM."})
    )
    assert sorted(c.code for c in profile.countries if c.role == "observer") == ["ES", "IT"]
