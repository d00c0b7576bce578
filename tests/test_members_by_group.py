"""Issue 15, point 3: a profile whose member states have groups lists them by group, each
sub-list headed as the Members header counts it ("53 AU Member States"), the states in no group
last ("3 other Member States"); group labels in the reader's language, marked English while
not translated."""

import pytest

from .factories import ParticipationFactory, ProcessFactory, ProcessOrganisationFactory
from .pages import get_page, outline, profile_url, section


def member(process, country: str, group: str = "", **kwargs):
    return ParticipationFactory(process=process, country=country, group=group, **kwargs)


@pytest.fixture
def grouped(db):
    """Three AU states, two EU states (one translated only in French), one in no group."""
    process = ProcessFactory(name="Grouped Process", slug="grouped")
    for code in ("MA", "DZ", "TN"):
        member(process, code, "AU", group_fr="UA", group_es="UA")
    member(process, "FR", "EU", group_fr="UE")
    member(process, "BE", "EU")
    member(process, "CH")
    member(process, "IT", "EU", role="observer")  # not a member: in no member group
    return process


def members_outline(client, process, prefix: str = ""):
    page = get_page(client, f"{prefix}{profile_url(process)}")
    return outline(section(page, {"": "Members", "/fr": "Membres"}[prefix]))


def test_member_states_are_listed_under_a_heading_per_group_then_the_others(client, grouped):
    assert members_outline(client, grouped) == [
        ("p", "6 Members (3 AU Member States, 2 EU Member States and 1 other Member State)"),
        ("h3", "3 AU Member States"),
        ("ul", ["Algeria", "Morocco", "Tunisia"]),
        ("h3", "2 EU Member States"),
        ("ul", ["Belgium", "France"]),
        ("h3", "1 other Member State"),
        ("ul", ["Switzerland"]),
    ]


def test_each_heading_is_the_headers_own_words(client, grouped):
    """The sub-lists add up to the header: one method groups the states for both."""
    page = get_page(client, profile_url(grouped))
    members = section(page, "Members")
    header = members.find("p", "profile__count").text
    headings = [h3.text for h3 in members.find_all("h3")]
    assert headings and all(heading in header for heading in headings)
    counted = sum(int(heading.split()[0]) for heading in headings)
    assert counted == len(grouped.participations.filter(role="member"))


def test_group_headings_read_in_the_readers_language_marked_english_when_untranslated(
    client, grouped
):
    page = get_page(client, f"/fr{profile_url(grouped)}")
    headings = section(page, "Membres").find_all("h3", "profile__group")
    assert [h3.text for h3 in headings] == [
        "3 États membres UA",
        "2 États membres UE",
        "1 autre État membre",
    ]
    # "UE" is written in French on one of the EU rows: the group reads in French, unmarked.
    assert not [span for h3 in headings for span in h3.find_all("span")]

    for row in grouped.participations.filter(group_en="EU"):
        row.group_fr = ""
        row.save()
    page = get_page(client, f"/fr{profile_url(grouped)}")
    eu = section(page, "Membres").find_all("h3", "profile__group")[1]
    assert eu.text == "2 États membres EU"
    assert eu.find("span").attrs["lang"] == "en"


def test_a_phrase_group_heads_its_list_as_a_phrase(client, db):
    process = ProcessFactory(slug="phrases")
    member(process, "SN", "Countries of origin")
    member(process, "ML", "Countries of origin")
    member(process, "ES", "Countries of destination")
    assert members_outline(client, process) == [
        ("p", "3 Members (2 countries of origin and 1 countries of destination)"),
        ("h3", "2 countries of origin"),
        ("ul", ["Mali", "Senegal"]),
        ("h3", "1 countries of destination"),
        ("ul", ["Spain"]),
    ]


def test_without_groups_the_member_states_are_one_list_without_a_heading(client, db):
    process = ProcessFactory(slug="plain")
    for code in ("MA", "DZ"):
        member(process, code)
    assert members_outline(client, process) == [
        ("p", "2 Members"),
        ("ul", ["Algeria", "Morocco"]),
    ]


def test_groups_come_before_member_organisations_and_suspended_members(client, grouped):
    ProcessOrganisationFactory(process=grouped, role="member", organisation__name="Union")
    member(grouped, "ML", role="suspended")
    headings = [entry for entry in members_outline(client, grouped) if entry[0] == "h3"]
    assert headings == [
        ("h3", "3 AU Member States"),
        ("h3", "2 EU Member States"),
        ("h3", "1 other Member State"),
        ("h3", "Member Organizations"),
        ("h3", "Suspended Members"),
    ]


def test_only_groups_no_other_heading(client, db):
    process = ProcessFactory(slug="all-grouped")
    member(process, "MA", "AU")
    member(process, "FR", "EU")
    headings = [text for tag, text in members_outline(client, process) if tag == "h3"]
    assert headings == ["1 AU Member State", "1 EU Member State"]


def test_a_hostile_group_label_is_escaped_in_header_and_heading(client, db):
    process = ProcessFactory(slug="hostile")
    member(process, "MA", "<script>x</script>")
    response = client.get(profile_url(process))
    assert b"<script>x</script>" not in response.content
    assert response.content.count(b"&lt;script&gt;x&lt;/script&gt;") >= 2


def test_the_tripoli_process_lists_its_african_union_and_european_union_states(client, tripoli):
    entries = members_outline(client, tripoli)
    headings = [text for tag, text in entries if tag == "h3"]
    assert headings[:2] == ["53 AU Member States", "28 EU Member States"]
    lists = [names for tag, names in entries if tag == "ul"]
    assert len(lists[0]) == 53 and len(lists[1]) == 28
    assert "Algeria" in lists[0] and "France" in lists[1]
