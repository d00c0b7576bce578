"""Two editors saving the same profile: nothing of either is lost silently.

Alice and Bob open the same change page; Alice saves first. Bob's save keeps what does not
overlap (hers and his), and where both changed the same field, the page shows both values side
by side with a choice for each; nothing is saved until he chooses. Every test drives the admin
pages with the test client, reading the forms as a browser would.
"""

import datetime
import html
import re

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags

from rcp.history import record_baseline
from rcp.history_records import changeset
from rcp.models import FocusArea, Organisation, Participation, Process, ProcessOrganisation

from .admin_forms import form_data
from .factories import (
    ChairFactory,
    MeetingFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProcessFactory,
    ProcessFocusAreaFactory,
    ProcessOrganisationFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

OBJECTIVES = "To foster dialogue on migration between Africa and Europe."


# --- Helpers ------------------------------------------------------------------------------------


def change_url(process: Process) -> str:
    return f"/admin/rcp/process/{process.pk}/change/"


def visible_text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(strip_tags(response.content.decode()))).strip()


def messages_shown(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def row_of(data: dict, prefix: str, pk: int) -> str:
    """The prefix (``participations-3``) of the posted inline row with this id."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    rows = [f"{prefix}-{i}" for i in range(total) if data.get(f"{prefix}-{i}-id") == str(pk)]
    assert len(rows) == 1, f"no {prefix} row with id {pk}"
    return rows[0]


def conflicts_shown(response) -> list[str]:
    """Each conflict of the side-by-side panel as text: the field, theirs, yours."""
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    return [
        re.sub(r"\s+", " ", html.unescape(strip_tags(block))).strip()
        for block in re.findall(r'<fieldset class="merge-conflict">(.*?)</fieldset>', page, re.S)
    ]


def choice_names(response) -> list[str]:
    return sorted(set(re.findall(r'name="(merge-choice-[^"]+)"', response.content.decode())))


def stored(process: Process) -> Process:
    return Process.objects.get(pk=process.pk)


@pytest.fixture
def make_editor(db, django_user_model):
    def make(username: str, first_name="", last_name="") -> tuple:
        user = django_user_model.objects.create_user(
            username, first_name=first_name, last_name=last_name, is_staff=True
        )
        user.groups.add(Group.objects.get(name="Editors"))
        client = Client()
        client.force_login(user)
        return user, client

    return make


@pytest.fixture
def alice(make_editor) -> Client:
    return make_editor("alice", "Alice", "Silva")[1]


@pytest.fixture
def bob(make_editor) -> Client:
    return make_editor("bob")[1]


@pytest.fixture
def profile(db) -> Process:
    """A profile with rows in every part, created as one version."""
    with changeset():
        process = ProcessFactory(
            name="Rabat Process",
            slug="rabat-process",
            acronym="RP",
            objectives=OBJECTIVES,
            website="https://rabat.example.org/",
        )
        process.regions.add(RegionFactory(name="Africa"), RegionFactory(name="Europe"))
        process.associated_organisations.add(Organisation.objects.create(name="ECOWAS", slug="e"))
        ParticipationFactory(process=process, country="MA", group="AU", note="founding member")
        ParticipationFactory(process=process, country="FR", group="EU")
        ParticipationFactory(process=process, country="SN", role="observer")
        ProcessOrganisationFactory(
            process=process,
            organisation=OrganisationFactory(name="IOM"),
            role="partner",
            position=1,
        )
        ProcessFocusAreaFactory(process=process, focus_area=FocusArea.objects.create(name="return"))
        ChairFactory(process=process, country="MA", start_date=datetime.date(2019, 1, 1))
        MeetingFactory(process=process, title="Rabat Ministerial Conference", city="Rabat")
    return Process.objects.get(pk=process.pk)


def country(process: Process, code: str) -> Participation:
    return process.participations.get(country=code)


def both_open(alice: Client, bob: Client, process: Process) -> tuple[dict, dict]:
    return form_data(alice.get(change_url(process))), form_data(bob.get(change_url(process)))


# --- Different fields: both kept ----------------------------------------------------------------


def test_a_colleagues_change_to_another_field_is_kept_alongside_yours(alice, bob, profile):
    alices_page, bobs_page = both_open(alice, bob, profile)
    alices_page["website"] = "https://new.example.org/"
    assert alice.post(change_url(profile), alices_page).status_code == 302

    bobs_page["objectives_en"] = "Bob's objectives."
    response = bob.post(change_url(profile), bobs_page, follow=True)

    assert response.redirect_chain[-1][1] == 302
    saved = stored(profile)
    assert (saved.website, saved.objectives) == ("https://new.example.org/", "Bob's objectives.")
    assert messages_shown(response)[0] == (
        "Alice Silva saved this profile while you had it open; their changes were kept "
        "alongside yours: Official website."
    )


def test_a_colleagues_regions_are_kept_when_you_change_the_name(alice, bob, profile):
    alices_page, bobs_page = both_open(alice, bob, profile)
    asia = RegionFactory(name="Asia")
    alices_page["regions"] = [str(asia.pk)]
    assert alice.post(change_url(profile), alices_page).status_code == 302

    bobs_page["name_en"] = "Rabat Process (Euro-African Dialogue)"
    assert bob.post(change_url(profile), bobs_page).status_code == 302

    saved = stored(profile)
    assert saved.name == "Rabat Process (Euro-African Dialogue)"
    assert list(saved.regions.values_list("name", flat=True)) == ["Asia"]


def test_the_same_change_made_by_both_is_no_conflict(alice, bob, profile):
    alices_page, bobs_page = both_open(alice, bob, profile)
    alices_page["acronym_en"] = bobs_page["acronym_en"] = "RABAT"
    alice.post(change_url(profile), alices_page)

    assert bob.post(change_url(profile), bobs_page).status_code == 302
    assert stored(profile).acronym == "RABAT"


def test_an_unchanged_page_saved_after_a_colleagues_save_keeps_their_changes(alice, bob, profile):
    alices_page, bobs_page = both_open(alice, bob, profile)
    iom = profile.organisation_roles.get()
    alices_page["acronym_en"] = "ALI"
    alices_page[f"{row_of(alices_page, 'organisation_roles', iom.pk)}-role"] = "observer"
    alice.post(change_url(profile), alices_page)

    assert bob.post(change_url(profile), bobs_page).status_code == 302

    assert stored(profile).acronym == "ALI"
    iom.refresh_from_db()
    assert iom.role == "observer"


def test_a_publication_decision_is_not_undone_by_a_page_opened_before_it(make_editor, bob, profile):
    publisher, publishing = make_editor("carol")
    publisher.groups.set([Group.objects.get(name="Publishers")])
    carols_page = form_data(publishing.get(change_url(profile)))
    bobs_page = form_data(bob.get(change_url(profile)))
    carols_page["status"] = "published"
    assert publishing.post(change_url(profile), carols_page).status_code == 302

    bobs_page["acronym_en"] = "BOB"
    assert bob.post(change_url(profile), bobs_page).status_code == 302
    assert (stored(profile).status, stored(profile).acronym) == ("published", "BOB")


# --- The same field: side by side, a choice each ------------------------------------------------


def alice_and_bob_change_the_acronym(alice, bob, profile):
    alices_page, bobs_page = both_open(alice, bob, profile)
    alices_page["acronym_en"] = "ALI"
    alices_page["website"] = "https://alice.example.org/"
    assert alice.post(change_url(profile), alices_page).status_code == 302
    bobs_page["acronym_en"] = "BOB"
    bobs_page["objectives_en"] = "Bob's objectives."
    return bob.post(change_url(profile), bobs_page)


def test_the_same_field_changed_by_both_is_shown_side_by_side_and_nothing_is_saved(
    alice, bob, profile
):
    response = alice_and_bob_change_the_acronym(alice, bob, profile)

    [conflict] = conflicts_shown(response)
    assert conflict.startswith("Short name or acronym Theirs (Alice Silva, ")
    assert conflict.endswith(") ALI Keep theirs Yours (not saved yet) BOB Keep mine")
    assert "A colleague changed the same things as you while you had this page open" in (
        visible_text(response)
    )
    assert choice_names(response) == ["merge-choice-process.acronym_en"]
    saved = stored(profile)
    assert (saved.acronym, saved.website, saved.objectives) == (
        "ALI",
        "https://alice.example.org/",
        OBJECTIVES,
    )


@pytest.mark.parametrize(("choice", "acronym"), [("theirs", "ALI"), ("mine", "BOB")])
def test_the_chosen_version_is_saved_with_every_other_change(alice, bob, profile, choice, acronym):
    conflict_page = alice_and_bob_change_the_acronym(alice, bob, profile)
    data = form_data(conflict_page)
    data["merge-choice-process.acronym_en"] = choice

    response = bob.post(change_url(profile), data, follow=True)

    assert response.redirect_chain, visible_text(response)
    saved = stored(profile)
    assert (saved.acronym, saved.website, saved.objectives) == (
        acronym,
        "https://alice.example.org/",
        "Bob's objectives.",
    )


def test_the_conflicts_page_says_who_saved_meanwhile(alice, bob, profile):
    response = alice_and_bob_change_the_acronym(alice, bob, profile)

    notice = re.search(r'<div class="editing-notice".*?</div>', response.content.decode(), re.S)
    assert "Alice Silva saved this profile at " in html.unescape(notice.group(0))


def test_saving_without_a_choice_shows_the_conflicts_again(alice, bob, profile):
    conflict_page = alice_and_bob_change_the_acronym(alice, bob, profile)

    response = bob.post(change_url(profile), form_data(conflict_page))

    assert len(conflicts_shown(response)) == 1
    assert stored(profile).acronym == "ALI"


def test_a_save_made_while_choosing_shows_the_conflicts_again_with_the_newest_value(
    alice, bob, profile
):
    conflict_page = alice_and_bob_change_the_acronym(alice, bob, profile)
    alices_page = form_data(alice.get(change_url(profile)))
    alices_page["acronym_en"] = "ALI2"
    assert alice.post(change_url(profile), alices_page).status_code == 302
    data = form_data(conflict_page)
    data["merge-choice-process.acronym_en"] = "mine"

    response = bob.post(change_url(profile), data)

    [conflict] = conflicts_shown(response)
    assert "ALI2 Keep theirs" in conflict
    assert "The profile was saved again while you were choosing" in visible_text(response)
    assert stored(profile).acronym == "ALI2"

    data = form_data(response)
    data["merge-choice-process.acronym_en"] = "mine"
    assert bob.post(change_url(profile), data).status_code == 302
    assert stored(profile).acronym == "BOB"


# --- Inline rows ---------------------------------------------------------------------------------


def test_a_colleagues_role_change_is_kept_while_you_change_the_position(alice, bob, profile):
    iom = profile.organisation_roles.get()
    alices_page, bobs_page = both_open(alice, bob, profile)
    alices_page[f"{row_of(alices_page, 'organisation_roles', iom.pk)}-role"] = "observer"
    assert alice.post(change_url(profile), alices_page).status_code == 302

    bobs_page[f"{row_of(bobs_page, 'organisation_roles', iom.pk)}-position"] = "5"
    response = bob.post(change_url(profile), bobs_page, follow=True)

    assert response.redirect_chain, visible_text(response)
    iom.refresh_from_db()
    assert (iom.role, iom.position) == ("observer", 5)
    assert messages_shown(response)[0].endswith(
        f"their changes were kept alongside yours: Participating organisation “{iom.organisation} "
        "(Partner)”: Role."
    )


def test_a_colleagues_country_role_change_is_kept_while_you_change_its_note(alice, bob, profile):
    morocco = country(profile, "MA")
    alices_page, bobs_page = both_open(alice, bob, profile)
    alices_page["participations-change-selected"] = [str(morocco.pk)]
    alices_page["participations-change-role"] = "guest"
    assert alice.post(change_url(profile), alices_page).status_code == 302

    bobs_page["participations-change-selected"] = [str(morocco.pk)]
    bobs_page["participations-change-set_note"] = "on"
    bobs_page["participations-change-note"] = "Bob's note"
    response = bob.post(change_url(profile), bobs_page, follow=True)

    assert response.redirect_chain, visible_text(response)
    morocco.refresh_from_db()
    assert (morocco.role, morocco.note) == ("guest", "Bob's note")


def test_the_same_row_field_changed_by_both_is_a_conflict(alice, bob, profile):
    meeting = profile.meetings.get()
    alices_page, bobs_page = both_open(alice, bob, profile)
    alices_page[f"{row_of(alices_page, 'meetings', meeting.pk)}-city_en"] = "Fes"
    alice.post(change_url(profile), alices_page)
    bobs_page[f"{row_of(bobs_page, 'meetings', meeting.pk)}-city_en"] = "Tangier"

    response = bob.post(change_url(profile), bobs_page)

    [conflict] = conflicts_shown(response)
    assert conflict.startswith("Meeting “Rabat Ministerial Conference")
    assert ": City Theirs (Alice Silva, " in conflict
    assert conflict.endswith("Fes Keep theirs Yours (not saved yet) Tangier Keep mine")
    meeting.refresh_from_db()
    assert meeting.city == "Fes"

    data = form_data(response)
    data[f"merge-choice-meeting.{meeting.pk}.city_en"] = "mine"
    assert bob.post(change_url(profile), data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.city == "Tangier"


def test_a_row_a_colleague_added_stays(alice, bob, profile):
    alices_page, bobs_page = both_open(alice, bob, profile)
    alices_page["participations-add-countries"] = "Germany"
    assert alice.post(change_url(profile), alices_page).status_code == 302

    bobs_page["acronym_en"] = "BOB"
    response = bob.post(change_url(profile), bobs_page, follow=True)

    assert response.redirect_chain, visible_text(response)
    assert profile.participations.filter(country="DE").exists()
    assert "Germany (Member) added" in messages_shown(response)[0]


def test_a_row_a_colleague_deleted_stays_deleted_when_you_did_not_change_it(alice, bob, profile):
    iom = profile.organisation_roles.get()
    alices_page, bobs_page = both_open(alice, bob, profile)
    alices_page[f"{row_of(alices_page, 'organisation_roles', iom.pk)}-DELETE"] = "on"
    assert alice.post(change_url(profile), alices_page).status_code == 302

    bobs_page["acronym_en"] = "BOB"
    response = bob.post(change_url(profile), bobs_page, follow=True)

    assert response.redirect_chain, visible_text(response)
    assert not profile.organisation_roles.exists()
    assert stored(profile).acronym == "BOB"
    assert f"{iom.organisation} (Partner) removed" in messages_shown(response)[0]


def deleted_by_alice_changed_by_bob(alice, bob, profile, row):
    alices_page, bobs_page = both_open(alice, bob, profile)
    alices_page[f"{row_of(alices_page, 'organisation_roles', row.pk)}-DELETE"] = "on"
    assert alice.post(change_url(profile), alices_page).status_code == 302
    bobs_page[f"{row_of(bobs_page, 'organisation_roles', row.pk)}-group_en"] = "UN"
    return bob.post(change_url(profile), bobs_page)


def test_a_row_a_colleague_deleted_and_you_changed_is_a_conflict(alice, bob, profile):
    iom = profile.organisation_roles.get()

    response = deleted_by_alice_changed_by_bob(alice, bob, profile, iom)

    [conflict] = conflicts_shown(response)
    assert conflict.startswith(
        f"Participating organisation “{iom.organisation} (Partner)” Theirs (Alice Silva, "
    )
    assert conflict.endswith("Deleted Keep theirs Yours (not saved yet) Changed Keep mine")
    assert "Select a valid choice" not in visible_text(response)


@pytest.mark.parametrize("choice", ["theirs", "mine"])
def test_a_row_deleted_by_a_colleague_is_restored_or_left_deleted_as_chosen(
    alice, bob, profile, choice
):
    iom = profile.organisation_roles.get()
    conflict_page = deleted_by_alice_changed_by_bob(alice, bob, profile, iom)
    data = form_data(conflict_page)
    data[f"merge-choice-processorganisation.{iom.pk}"] = choice

    response = bob.post(change_url(profile), data)

    assert response.status_code == 302, visible_text(response)
    restored = ProcessOrganisation.objects.filter(pk=iom.pk).first()
    if choice == "theirs":
        assert restored is None
    else:
        assert (restored.organisation.name, restored.role, restored.group) == (
            "IOM",
            "partner",
            "UN",
        )


def test_a_row_you_deleted_after_a_colleague_changed_it_is_a_conflict(alice, bob, profile):
    meeting = profile.meetings.get()
    alices_page, bobs_page = both_open(alice, bob, profile)
    alices_page[f"{row_of(alices_page, 'meetings', meeting.pk)}-city_en"] = "Fes"
    alice.post(change_url(profile), alices_page)
    bobs_page[f"{row_of(bobs_page, 'meetings', meeting.pk)}-DELETE"] = "on"

    response = bob.post(change_url(profile), bobs_page)

    [conflict] = conflicts_shown(response)
    assert conflict.endswith("Changed Keep theirs Yours (not saved yet) Deleted Keep mine")
    assert profile.meetings.get().city == "Fes"

    data = form_data(response)
    data[f"merge-choice-meeting.{meeting.pk}"] = "theirs"
    assert bob.post(change_url(profile), data).status_code == 302
    assert profile.meetings.get().city == "Fes"


# --- Choices are not trusted blindly ------------------------------------------------------------


def test_a_choice_for_a_field_that_does_not_conflict_is_ignored(alice, bob, profile):
    conflict_page = alice_and_bob_change_the_acronym(alice, bob, profile)
    data = form_data(conflict_page)
    data["merge-choice-process.acronym_en"] = "mine"
    data["merge-choice-process.website"] = "mine"  # Bob did not change it: Alice's stays

    assert bob.post(change_url(profile), data).status_code == 302
    assert (stored(profile).acronym, stored(profile).website) == (
        "BOB",
        "https://alice.example.org/",
    )


def test_a_forged_list_of_conflicts_is_not_trusted(alice, bob, profile):
    conflict_page = alice_and_bob_change_the_acronym(alice, bob, profile)
    data = form_data(conflict_page)
    state = signing.loads(data["merge-state"], salt="rcp.admin.concurrency")
    data["merge-state"] = signing.dumps(state, salt="another salt")
    data["merge-choice-process.acronym_en"] = "mine"

    response = bob.post(change_url(profile), data)

    assert len(conflicts_shown(response)) == 1
    assert "Your earlier choices could not be checked" in visible_text(response)
    assert stored(profile).acronym == "ALI"


def test_choices_made_by_another_user_are_not_trusted(make_editor, alice, bob, profile):
    conflict_page = alice_and_bob_change_the_acronym(alice, bob, profile)
    _dan, dan = make_editor("dan")
    data = form_data(conflict_page)
    data["merge-choice-process.acronym_en"] = "mine"

    response = dan.post(change_url(profile), data)

    assert len(conflicts_shown(response)) == 1
    assert stored(profile).acronym == "ALI"


def test_a_choice_that_is_neither_theirs_nor_mine_is_no_choice(alice, bob, profile):
    conflict_page = alice_and_bob_change_the_acronym(alice, bob, profile)
    data = form_data(conflict_page)
    data["merge-choice-process.acronym_en"] = "both"

    assert len(conflicts_shown(bob.post(change_url(profile), data))) == 1
    assert stored(profile).acronym == "ALI"


def test_a_page_that_does_not_say_when_it_was_opened_saves_nothing_after_a_colleagues_save(
    alice, bob, profile
):
    alices_page, bobs_page = both_open(alice, bob, profile)
    alices_page["acronym_en"] = "ALI"
    alice.post(change_url(profile), alices_page)
    bobs_page["objectives_en"] = "Bob's objectives."
    del bobs_page["opened_at"]

    response = bob.post(change_url(profile), bobs_page)

    assert response.status_code == 200
    assert "This page does not say when it was opened" in visible_text(response)
    assert (stored(profile).acronym, stored(profile).objectives) == ("ALI", OBJECTIVES)


def test_an_import_made_while_the_page_was_open_is_kept_and_said(bob, profile):
    page = form_data(bob.get(change_url(profile)))
    ParticipationFactory(process=profile, country="DE")  # as the command line does

    page["acronym"] = "BOB"
    response = bob.post(change_url(profile), page, follow=True)

    assert response.redirect_chain, visible_text(response)
    assert messages_shown(response)[0] == (
        "an import or the command line saved this profile while you had it open; their "
        "changes were kept alongside yours: Germany (Member) added."
    )


# --- Cost ----------------------------------------------------------------------------------------


def test_the_conflicts_page_of_a_large_profile_costs_a_few_queries_more_than_a_save(
    alice, bob, tripoli, django_assert_max_num_queries
):
    """Validating the rows costs Django a query or two per row (the same for any save); the
    merge reads the history in a fixed number of queries, whatever the number of rows."""
    record_baseline()  # its first version, as `manage.py load_bundled_profiles` records it
    alices_page, bobs_page = both_open(alice, bob, tripoli)
    alices_page["objectives_en"] = "Alice's objectives."
    alices_page["acronym_en"] = "ALI"
    with CaptureQueriesContext(connection) as plain_save:
        assert alice.post(change_url(tripoli), alices_page).status_code == 302
    bobs_page["objectives_en"] = "Bob's objectives."
    bobs_page["acronym_en"] = "BOB"
    for index in range(int(bobs_page["meetings-TOTAL_FORMS"])):
        bobs_page[f"meetings-{index}-city_en"] = "Tripoli"

    with django_assert_max_num_queries(min(len(plain_save) + 20, 150)):
        response = bob.post(change_url(tripoli), bobs_page)

    assert len(conflicts_shown(response)) == 2
