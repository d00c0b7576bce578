"""A legacy page imported onto a profile that exists: a diff before anything is written.

The preview lists what the import adds, changes (field by field) and removes; what the page
lacks stays; rows the page does not list leave a published profile only with a tick that says
how many; a confirmation after the profile changed imports nothing and shows the preview again;
every message is in an editor's words (no command-line flag) and language.

The main scenario is IOM's seed page (the Tripoli Process) onto the bundled profile imported
from it, since edited by hand: another year, two more countries, a group cleared, a meeting
moved, an organisation added and a focus area dropped.
"""

import itertools
import re
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from rcp.legacy.parser import parse_page
from rcp.legacy.plan import plan_profile_import
from rcp.legacy.service import import_profile
from rcp.models import FocusArea, Meeting, Participation, Process, ProcessFocusArea
from rcp.workflow import COMMAND_LINE

from .conftest import ALL_COUNTRY_CODES
from .factories import (
    OrganisationFactory,
    ParticipationFactory,
    ProcessOrganisationFactory,
)
from .legacy_pages import SEED_PAGE, build
from .pages import Element, items, parse

needs_seed = pytest.mark.skipif(
    not SEED_PAGE.exists(), reason=f"IOM's seed page is not at {SEED_PAGE} (../shared is absent)"
)

UPLOAD_URL = "/admin/rcp/process/import-legacy-page/"
CONFIRM_URL = "/admin/rcp/process/import-legacy-page/confirm/"
FLAG = re.compile(r"--[a-z]")


@pytest.fixture(autouse=True)
def in_english():
    """Outside requests, English (a request in French leaves its language active in the
    thread); the admin's requests take the editor's language themselves."""
    with translation.override("en"):
        yield


def seed_text(*, without_established: bool = False) -> str:
    text = SEED_PAGE.read_text(encoding="utf-8")
    if without_established:
        text = "\n".join(line for line in text.splitlines() if not line.startswith("Established"))
    return text


@pytest.fixture
def edited_tripoli(tripoli) -> Process:
    """The published Tripoli profile, edited since its page was imported."""
    ParticipationFactory(process=tripoli, country="BR")
    ParticipationFactory(process=tripoli, country="AR", role="observer")
    Participation.objects.filter(process=tripoli, country="DZ").update(group="")
    Meeting.objects.filter(process=tripoli, title="2nd Africa-EU Summit").update(city="Porto")
    ProcessOrganisationFactory(
        process=tripoli,
        organisation=OrganisationFactory(name="Sample Migration Network", acronym="SMN"),
        position=15,
    )
    ProcessFocusArea.objects.filter(process=tripoli, focus_area__name="peace and security").delete()
    tripoli.refresh_from_db()
    tripoli.established = 1999
    tripoli.save()
    return tripoli


def preview(client, text: str, **headers):
    upload = SimpleUploadedFile("tripoli.txt", text.encode("utf-8"))
    response = client.post(UPLOAD_URL, {"page_file": upload}, headers=headers)
    assert response.status_code == 200
    return response


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def main(response) -> Element:
    return parse(response.content.decode()).find("div", "legacy-preview")


def plan_section(response) -> Element:
    return main(response).find("section", "legacy-plan")


def table_rows(table: Element) -> list[list[str]]:
    return [[cell.text for cell in row.elements] for row in table.find("tbody").find_all("tr")]


def lists_under_headings(section: Element) -> list[tuple[str, list[str]]]:
    """Each h4 followed by a list, with the list's items."""
    found = []
    children = section.elements
    for heading, following in itertools.pairwise(children):
        if heading.tag == "h4" and following.tag == "ul":
            found.append((heading.text, items(following)))
    return found


def messages_shown(response) -> list[str]:
    """The messages of a page: its message list (errors and confirmations) and its report."""
    page = parse(response.content.decode())
    shown = [li.text for ul in page.find_all("ul", "messagelist") for li in ul.elements]
    return shown + [li.text for ul in page.find_all("ul", "legacy-report") for li in ul.elements]


def countries_of(process) -> set[str]:
    return {p.country.code for p in Participation.objects.filter(process=process)}


# --- The preview ------------------------------------------------------------------------------


@needs_seed
@pytest.mark.django_db
def test_the_preview_lists_what_the_import_adds_changes_and_removes(admin_client, edited_tripoli):
    version = edited_tripoli.version

    response = preview(admin_client, seed_text())

    section = plan_section(response)
    assert section.find("h2").text == "What the import changes in “Tripoli Process”"
    assert table_rows(section.find("table", "legacy-plan-summary")) == [
        ["Profile fields", "—", "1", "—"],
        ["Countries", "0", "1", "2"],
        ["Organisations", "0", "0", "1"],
        ["Focus areas", "1", "0", "0"],
        ["Meetings", "0", "1", "0"],
    ]
    assert table_rows(section.find("table", "legacy-plan-fields")) == [
        ["Year established", "1999", "2001"]
    ]
    changed_rows = [table_rows(table) for table in section.find_all("table", "legacy-plan-rows")]
    assert changed_rows == [
        [["Algeria", "Group", "—", "AU"]],
        [["2nd Africa-EU Summit, 8–9 December 2007, Porto, Portugal", "City", "Porto", "Lisbon"]],
    ]
    assert lists_under_headings(section) == [
        ("Not on the page, kept unless you tick “Also remove” (2)", [
            "Brazil (Member)", "Argentina (Observer)",
        ]),
        ("Not on the page, kept unless you tick “Also remove” (1)", [
            "Sample Migration Network (SMN) (Observer)",
        ]),
        ("To add (1)", ["peace and security"]),
    ]  # fmt: skip
    text = section.text
    assert (
        "The published profile has 2 countries and 1 organisation that the page does not list. "
        "They stay on the profile unless you tick “Also remove” below."
    ) in text
    assert "The page does not have these parts; the profile's stay as they are: Chairs" in text
    form = main(response).find("form")
    assert "Also remove the 2 countries and 1 organisation the page does not list" in form.text
    # Nothing is written by the preview.
    edited_tripoli.refresh_from_db()
    assert edited_tripoli.version == version
    assert edited_tripoli.established == 1999
    assert {"BR", "AR"} <= countries_of(edited_tripoli)


@needs_seed
@pytest.mark.django_db
def test_a_year_the_page_does_not_give_is_kept(admin_client, edited_tripoli):
    response = preview(admin_client, seed_text(without_established=True))

    section = plan_section(response)
    assert not section.find_all("table", "legacy-plan-fields")  # no field changes
    assert (
        "The page does not give these fields; the profile keeps them: Year established: 1999"
        in (section.text)
    )
    admin_client.post(CONFIRM_URL, {"token": token_of(response), "accept_suggestions": "on"})

    edited_tripoli.refresh_from_db()
    assert edited_tripoli.established == 1999
    assert Participation.objects.get(process=edited_tripoli, country="DZ").group == "AU"


@needs_seed
@pytest.mark.django_db
def test_a_page_without_a_year_keeps_it_when_imported_in_the_command_too(edited_tripoli):
    parsed, report = parse_page(seed_text(without_established=True))

    import_profile(parsed, report, accept_suggestions=True, user=COMMAND_LINE)

    edited_tripoli.refresh_from_db()
    assert edited_tripoli.established == 1999


# --- Removing what the page does not list --------------------------------------------------------


@needs_seed
@pytest.mark.django_db
def test_without_the_tick_a_published_profile_keeps_what_the_page_does_not_list(
    admin_client, edited_tripoli
):
    response = preview(admin_client, seed_text())

    # As the form posts it without the tick, or as a request made by hand would.
    done = admin_client.post(
        CONFIRM_URL, {"token": token_of(response), "accept_suggestions": "on"}, follow=True
    )

    edited_tripoli.refresh_from_db()
    assert edited_tripoli.established == 2001  # the rest of the page is imported
    assert {"BR", "AR"} <= countries_of(edited_tripoli)
    assert edited_tripoli.organisation_roles.filter(organisation__acronym="SMN").exists()
    assert (
        "Updated the profile “Tripoli Process” (Published). The 2 countries and 1 organisation "
        "the page does not list stay on the profile."
    ) in " ".join(messages_shown(done))


@needs_seed
@pytest.mark.django_db
def test_with_the_tick_what_the_page_does_not_list_is_removed(admin_client, edited_tripoli):
    response = preview(admin_client, seed_text())
    data = {"token": token_of(response), "accept_suggestions": "on", "remove_unlisted": "on"}

    done = admin_client.post(CONFIRM_URL, data, follow=True)

    assert not {"BR", "AR"} & countries_of(edited_tripoli)
    assert not edited_tripoli.organisation_roles.filter(organisation__acronym="SMN").exists()
    assert messages_shown(done)[0].startswith(
        "Updated the profile “Tripoli Process” (Published). Its report"
    )
    # What the page lists is what the profile has now: a new preview changes nothing.
    again = preview(admin_client, seed_text())
    assert "The page matches the profile: importing it changes nothing" in plan_section(again).text
    assert "remove_unlisted" not in again.content.decode()


@pytest.mark.django_db
def test_a_draft_loses_what_the_page_does_not_list_and_the_preview_says_so(admin_client):
    import_profile(*parse_page(build()))
    process = Process.objects.get()
    ParticipationFactory(process=process, country="BR")

    response = preview(admin_client, build())

    section = plan_section(response)
    assert ("Not on the page, to remove (1)", ["Brazil (Member)"]) in lists_under_headings(section)
    assert "The page does not list 1 country of this profile: the import removes them." in (
        section.text
    )
    assert "remove_unlisted" not in response.content.decode()
    admin_client.post(CONFIRM_URL, {"token": token_of(response)})
    assert "BR" not in countries_of(process)


# --- A profile that changed after the preview --------------------------------------------------


@needs_seed
@pytest.mark.django_db
def test_a_confirmation_after_the_profile_changed_imports_nothing_and_previews_again(
    admin_client, edited_tripoli
):
    response = preview(admin_client, seed_text())
    ParticipationFactory(process=edited_tripoli, country="CL")  # a colleague adds a country
    data = {"token": token_of(response), "accept_suggestions": "on", "remove_unlisted": "on"}

    refused = admin_client.post(CONFIRM_URL, data)

    assert refused.status_code == 200
    assert (
        "The profile “Tripoli Process” changed after your preview, so nothing was imported. The "
        "preview below shows what the import would change now: check it, then import again."
    ) in messages_shown(refused)
    edited_tripoli.refresh_from_db()
    assert edited_tripoli.established == 1999
    assert {"BR", "AR", "CL"} <= countries_of(edited_tripoli)
    # The new preview counts the new country, and asks for the tick again.
    form = main(refused).find("form")
    assert "Also remove the 3 countries and 1 organisation the page does not list" in form.text
    assert 'name="remove_unlisted" id="id_remove_unlisted" checked' not in refused.content.decode()

    admin_client.post(CONFIRM_URL, data)

    edited_tripoli.refresh_from_db()
    assert edited_tripoli.established == 2001
    assert not {"BR", "AR", "CL"} & countries_of(edited_tripoli)


@pytest.mark.django_db
def test_a_profile_created_after_the_preview_is_not_overwritten(admin_client):
    response = preview(admin_client, build())
    assert "This page creates a new profile" in response.content.decode()
    import_profile(*parse_page(build(replace={"established": "Established: 2010"})))

    refused = admin_client.post(CONFIRM_URL, {"token": token_of(response)})

    assert "changed after your preview" in " ".join(messages_shown(refused))
    assert Process.objects.get().established == 2010
    assert "What the import changes in “Sample Dialogue on Migration”" in plan_section(refused).text


# --- Messages ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_message_the_admin_shows_mentions_a_command_line_flag(admin_client):
    import_profile(*parse_page(build()))
    renamed = build(
        replace={
            "title": "Sample Migration Dialogue (SDM)",
            "members": "Members\n- Ghana\n- Senegall\n- Ghana",
        }
    )

    response = preview(admin_client, renamed)
    refused = admin_client.post(CONFIRM_URL, {"token": token_of(response)})
    Process.objects.update(objectives="Changed by a colleague.")
    stale = admin_client.post(
        CONFIRM_URL, {"token": token_of(response), "accept_suggestions": "on"}
    )
    done = admin_client.post(
        CONFIRM_URL, {"token": token_of(response), "accept_suggestions": "on"}, follow=True
    )

    shown = [*messages_shown(response), *messages_shown(refused), *messages_shown(stale)]
    shown += messages_shown(done)
    assert any("keeps its name, “Sample Dialogue on Migration”" in m for m in shown)
    assert "Correct the page, or accept the suggestions for the names that are not countries." in (
        shown
    )
    assert any("changed after your preview" in m for m in shown)
    assert any(m.startswith("Updated the profile") for m in shown)
    assert [m for m in shown if FLAG.search(m)] == []
    for page in (response, refused, stale):
        assert not FLAG.search(main(page).text)


@pytest.mark.django_db
def test_the_command_keeps_its_own_flags_and_lists_the_changes(tmp_path):
    import_profile(*parse_page(build()), publish=True, user=COMMAND_LINE)
    ParticipationFactory(process=Process.objects.get(), country="BR")
    page = tmp_path / "sample.txt"
    page.write_text(build(replace={"established": "Established: 2006"}), encoding="utf-8")
    out = StringIO()

    call_command("import_legacy_page", str(page), stdout=out, stderr=StringIO())

    printed = out.getvalue()
    assert "  Year established: 2005 -> 2006" in printed
    assert "  Countries: 0 to add, 0 to change, 1 not on the page\n    - Brazil (Member)" in printed
    assert "The 1 country the page does not list stay on the profile." in printed
    assert "Give --remove-unlisted to remove them." in printed
    assert "BR" in countries_of(Process.objects.get())

    call_command("import_legacy_page", str(page), "--remove-unlisted", stdout=StringIO())

    assert "BR" not in countries_of(Process.objects.get())


@needs_seed
@pytest.mark.django_db
def test_the_admin_in_french_shows_the_changes_in_french(admin_client, edited_tripoli):
    response = preview(admin_client, seed_text(), **{"accept-language": "fr"})

    section = plan_section(response)
    assert section.find("h2").text == "Ce que l'importation change dans « Tripoli Process »"
    assert ["Année de création", "1999", "2001"] in table_rows(
        section.find("table", "legacy-plan-fields")
    )
    assert "Brésil (Membre)" in section.text
    assert (
        "Supprimer aussi les 2 pays et 1 organisation que la page ne cite pas"
        in main(response).find("form").text
    )


# --- The plan, part by part --------------------------------------------------------------------


def writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


@pytest.mark.django_db
def test_the_plan_reads_every_part_field_by_field_and_writes_nothing():
    import_profile(*parse_page(build()))
    changed = build(
        replace={
            "chairs": "Chairing Country\nCurrent Chair: Ghana (2021)\n"
            "Past Chairs: Senegal (2018-2021), Mali (2016-2017)",
            "observers": "Observers\nObserver States\n- France\nObserver Organizations\n"
            "- Sample Research Network\n- International Organization for Migration (IOM)",
            "meetings": "Meetings\n"
            "- Ministerial Conference on Mobility, Accra, Ghana, 3–4 May 2019\n"
            "- Senior Officials Meeting, Saint-Louis, Senegal, April 2017",
            "focus": "Current Focus\n- border management\n- labour migration\n- return",
        }
    )
    parsed, _report = parse_page(changed)

    with CaptureQueriesContext(connection) as queries:
        plan = plan_profile_import(parsed)

    assert writes(queries) == []
    parts = {part.kind: part for part in plan.parts}
    assert [(row.label, [(c.label, c.old, c.new) for c in row.changes])
            for row in parts["chairs"].changed] == [
        ("Senegal, 2018–2020", [("When", "2018–2020", "2018–2021")])
    ]  # fmt: skip
    assert [(row.label, [(c.label, c.old, c.new) for c in row.changes])
            for row in parts["organisations"].changed] == [
        ("Sample Research Network", [("Place in the list", "2", "1")]),
        ("International Organization for Migration (IOM)", [("Place in the list", "1", "2")]),
    ]  # fmt: skip
    assert [(c.label, c.old, c.new) for c in parts["meetings"].changed[0].changes] == [
        ("City", "Dakar", "Saint-Louis")
    ]
    assert [row.label for row in parts["focus_areas"].added] == ["return"]
    assert [row.label for row in parts["focus_areas"].unlisted] == ["diaspora engagement"]
    assert plan.shared_additions == [("Focus area", "return")]
    assert not FocusArea.objects.filter(name="return").exists()


@pytest.mark.django_db
def test_the_import_writes_what_the_plan_showed():
    import_profile(*parse_page(build()))
    changed = build(
        replace={
            "meetings": "Meetings\n- Senior Officials Meeting, Saint-Louis, Senegal, April 2017",
            "focus": "Current Focus\n- labour migration\n- border management",
        }
    )

    outcome = import_profile(*parse_page(changed))

    process = outcome.process
    assert [(m.title, m.city) for m in process.meetings.all()] == [
        ("Senior Officials Meeting", "Saint-Louis")
    ]
    assert [area.name for area in process.focus_areas] == ["labour migration", "border management"]
    assert plan_profile_import(parse_page(changed)[0]).changes_nothing


# --- Queries ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("extra_countries", [2, 60])
def test_the_preview_reads_a_fixed_number_of_queries(
    admin_client, django_assert_max_num_queries, extra_countries
):
    import_profile(*parse_page(build()), publish=True, user=COMMAND_LINE)
    process = Process.objects.get()
    taken = {"GH", "SN", "ML", "TG", "FR"}
    for code in [c for c in ALL_COUNTRY_CODES if c not in taken][:extra_countries]:
        ParticipationFactory(process=process, country=code)
    page = build(replace={"established": "Established: 2006"})

    with django_assert_max_num_queries(20):
        response = preview(admin_client, page)

    assert f"{extra_countries} countries" in plan_section(response).text
