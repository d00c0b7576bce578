"""The profile editor's countries (rcp/admin/countries.py): lists pasted from spreadsheets and web
pages, matched before anything is saved; rows grouped like the public page, changed and removed
by ticking them; countries of chairs and meetings typed by name."""

import html
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from rcp.countries import MAX_PASTED_ENTRIES, read_country_list
from rcp.models import Participation

from .admin_forms import add_countries, change_countries, form_data
from .factories import ParticipationFactory, ProcessFactory


def change_url(process) -> str:
    return f"/admin/rcp/process/{process.pk}/change/"


def check_url(process) -> str:
    return f"/admin/rcp/process/{process.pk}/countries/check/"


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def countries_of(process) -> dict[str, tuple[str, str, str]]:
    return {
        row.country.code: (row.role, row.group, row.note)
        for row in Participation.objects.filter(process=process)
    }


@pytest.fixture
def profile(db):
    process = ProcessFactory(name="Rabat Process", slug="rabat-process")
    ParticipationFactory(process=process, country="SN", group="ECOWAS")
    ParticipationFactory(process=process, country="FR", group="EU")
    ParticipationFactory(process=process, country="ES", group="EU")
    ParticipationFactory(process=process, country="MA", role="observer")
    return process


@pytest.fixture
def editor(db) -> Client:
    user = get_user_model().objects.create_user("edna", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


# --- Reading a pasted list ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "pasted",
    [
        "Ghana\nMali\nNiger",
        "Ghana, Mali, Niger",
        "Ghana; Mali; Niger",
        "Ghana\tMali\tNiger",  # a row copied from Excel
        "1. Ghana\n2. Mali\n3. Niger",
        "• Ghana\r\n• Mali\r\n• Niger*\r\n\r\n",
        "GH, MLI, ne",
        "Ghana\nMali, Niger",
    ],
)
def test_a_list_is_read_whatever_separates_its_entries(pasted):
    assert [entry.code for entry in read_country_list(pasted)] == ["GH", "ML", "NE"]


def test_names_with_a_comma_stay_one_entry():
    entries = read_country_list("Korea, Republic of, Congo, The Democratic Republic of the, Mali")
    assert [entry.code for entry in entries] == ["KR", "CD", "ML"]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("UK", "GB"),
        ("Ivory Coast", "CI"),
        ("Swaziland", "SZ"),
        ("Allemagne", "DE"),
        ("Alemania", "DE"),
        ("Côte d’Ivoire", "CI"),
        ("the Gambia", "GM"),
        ("Türkiye", "TR"),
        ("Viet Nam", "VN"),
    ],
)
def test_iom_iso_french_spanish_names_and_aliases_are_matched(name, code):
    assert read_country_list(name)[0].code == code


def test_a_typo_carries_a_suggestion_and_a_repeat_points_at_the_first_entry():
    typo, ghana, again = read_country_list("Eriteria\nGhana\nghana")
    assert (typo.code, typo.suggestion) == (None, "ER")
    assert (ghana.code, ghana.repeats) == ("GH", None)
    assert (again.code, again.repeats) == ("GH", 1)


# --- Adding countries ---------------------------------------------------------------------------


def test_an_editor_pastes_countries_with_one_role_and_group_and_they_are_saved(editor, profile):
    data = form_data(editor.get(change_url(profile)))
    add_countries(data, "Ghana\tUK\nAllemagne; Ivory Coast", role="member", group="EU")

    response = editor.post(change_url(profile), data, follow=True)

    assert "4 countries added: Ghana, United Kingdom, Germany, Côte d'Ivoire." in text(response)
    added = {code: countries_of(profile)[code] for code in ("GH", "GB", "DE", "CI")}
    assert set(added.values()) == {("member", "EU", "")}


def test_a_new_group_is_typed_once_for_the_whole_batch(editor, profile):
    data = form_data(editor.get(change_url(profile)))
    add_countries(data, "Ghana, Mali", role="observer", new_group="  Sahel  ")

    editor.post(change_url(profile), data)

    assert countries_of(profile)["GH"] == ("observer", "Sahel", "")
    assert countries_of(profile)["ML"] == ("observer", "Sahel", "")
    # The next time, the group is one to pick.
    page = editor.get(change_url(profile)).content.decode()
    assert re.search(
        r'<select[^>]*name="participations-add-group"[^>]*>.*<option value="Sahel">', page
    )


def test_a_typo_is_not_saved_and_its_suggestion_can_be_accepted(editor, profile):
    before = countries_of(profile)
    data = form_data(editor.get(change_url(profile)))
    add_countries(data, "Ghana\nEriteria")

    response = editor.post(change_url(profile), data)

    page = text(response)
    assert response.status_code == 200
    assert "Not a country we know: did you mean Eritrea?" in page
    assert "Accept Eritrea" in page
    assert "Nothing was saved." in page
    assert countries_of(profile) == before

    data = form_data(response)  # the page as shown, the box now ticked
    data["participations-add-accept"] = "Eriteria"
    response = editor.post(change_url(profile), data)

    assert response.status_code == 302, text(response)
    assert {"GH", "ER"} <= set(countries_of(profile))


def test_an_unknown_name_without_suggestion_says_how_to_fix_it(editor, profile):
    data = form_data(editor.get(change_url(profile)))
    add_countries(data, "Atlantis")

    response = editor.post(change_url(profile), data)

    assert "Not a country we know. Check the spelling, or type its two-letter code." in (
        text(response)
    )
    assert "AT" not in countries_of(profile)


def test_a_country_already_listed_marks_both_rows_and_nothing_is_saved(editor, profile):
    before = countries_of(profile)
    data = form_data(editor.get(change_url(profile)))
    add_countries(data, "Ghana\nEspagne")

    response = editor.post(change_url(profile), data)

    page = response.content.decode()
    assert "Spain is already a country of this profile (Member · EU)" in html.unescape(page)
    # The existing row is marked too, far up the list as it may be.
    assert re.search(r'<tr data-country="ES"[^>]*class="is-duplicate"', page)
    assert "also in the list to add" in page
    assert countries_of(profile) == before


def test_a_country_twice_in_the_list_is_flagged(editor, profile):
    data = form_data(editor.get(change_url(profile)))
    add_countries(data, "Ghana, Mali, ghana")

    response = editor.post(change_url(profile), data)

    assert "Ghana is already in this list (entry 1)." in text(response)
    assert "GH" not in countries_of(profile)


def test_a_country_a_colleague_added_meanwhile_is_flagged_not_a_server_error(editor, profile):
    data = form_data(editor.get(change_url(profile)))
    ParticipationFactory(process=profile, country="GH", role="guest")
    add_countries(data, "Ghana")

    response = editor.post(change_url(profile), data)

    assert response.status_code == 200
    assert "Ghana is already a country of this profile (Guest)" in text(response)
    assert countries_of(profile)["GH"] == ("guest", "", "")


def test_too_many_countries_at_once_are_refused_with_the_limit(editor, profile):
    data = form_data(editor.get(change_url(profile)))
    add_countries(data, "\n".join(["Ghana"] * (MAX_PASTED_ENTRIES + 1)))

    response = editor.post(change_url(profile), data)

    assert f"At most {MAX_PASTED_ENTRIES} countries can be added at once" in text(response)


def test_markup_pasted_from_a_web_page_is_shown_as_text(editor, profile):
    data = form_data(editor.get(change_url(profile)))
    add_countries(data, "<img src=x onerror=alert(1)>")

    response = editor.post(change_url(profile), data)

    page = response.content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


# --- The rows -----------------------------------------------------------------------------------


def test_rows_are_grouped_by_role_and_group_like_the_public_page(editor, tripoli):
    page = editor.get(change_url(tripoli)).content.decode()

    headings = re.findall(r'scope="rowgroup" id="[^"]+">.*?</label> ([^<]+)</th>', page)
    assert headings[:2] == ["Members · AU (53)", "Members · EU (28)"]
    # Within a group, countries read in alphabetical order.
    au = re.findall(
        r'data-group="participations-group-0".*?<label for="[^"]+">([^<]+)</label>', page
    )
    assert au[:3] == ["Algeria", "Angola", "Benin"]


def test_ticked_countries_change_role_group_and_note_together(editor, profile):
    spain, france = (
        profile.participations.get(country="ES"),
        profile.participations.get(country="FR"),
    )
    data = form_data(editor.get(change_url(profile)))
    change_countries(data, [spain, france], role="observer", group="-", note="since 2020")

    response = editor.post(change_url(profile), data)

    assert response.status_code == 302, text(response)
    assert countries_of(profile)["ES"] == ("observer", "", "since 2020")
    assert countries_of(profile)["FR"] == ("observer", "", "since 2020")
    assert countries_of(profile)["SN"] == ("member", "ECOWAS", "")  # not ticked, not changed


def test_ticked_countries_move_to_a_new_group(editor, profile):
    senegal = profile.participations.get(country="SN")
    data = form_data(editor.get(change_url(profile)))
    change_countries(data, [senegal], new_group="AU")

    editor.post(change_url(profile), data)

    assert countries_of(profile)["SN"] == ("member", "AU", "")


def test_countries_marked_for_removal_are_removed_and_the_others_kept(editor, profile):
    morocco = profile.participations.get(country="MA")
    data = form_data(editor.get(change_url(profile)))
    change_countries(data, remove=[morocco])

    response = editor.post(change_url(profile), data)

    assert response.status_code == 302, text(response)
    assert set(countries_of(profile)) == {"SN", "FR", "ES"}


@pytest.mark.parametrize(
    ("ticked", "changes", "message"),
    [
        (False, {"role": "guest"}, "Tick the countries to change"),
        (True, {}, "Choose what to do with the ticked countries"),
        (True, {"role": "guest", "remove_too": True}, "both ticked for a change and marked"),
    ],
)
def test_an_incomplete_change_says_what_is_missing_and_saves_nothing(
    editor, profile, ticked, changes, message
):
    before = countries_of(profile)
    spain = profile.participations.get(country="ES")
    data = form_data(editor.get(change_url(profile)))
    remove = [spain] if changes.pop("remove_too", False) else []
    change_countries(data, [spain] if ticked else [], remove=remove, **changes)

    response = editor.post(change_url(profile), data)

    assert response.status_code == 200
    assert message in text(response)
    assert countries_of(profile) == before


def test_a_ticked_country_a_colleague_removed_meanwhile_is_told(editor, profile):
    spain = profile.participations.get(country="ES")
    data = form_data(editor.get(change_url(profile)))
    Participation.objects.get(pk=spain.pk).delete()
    change_countries(data, [spain], role="guest")

    response = editor.post(change_url(profile), data)

    assert response.status_code == 200
    assert "ticked countries was removed from this profile since the page was opened" in (
        text(response)
    )


def test_a_tick_naming_a_row_of_another_profile_is_refused(editor, profile):
    other = ParticipationFactory(process=ProcessFactory(), country="JP")
    data = form_data(editor.get(change_url(profile)))
    change_countries(data, [other], remove=[other])

    response = editor.post(change_url(profile), data)

    assert response.status_code == 200
    assert Participation.objects.filter(pk=other.pk).exists()


def test_each_change_is_in_the_history_with_a_readable_change_message(editor, profile):
    spain = profile.participations.get(country="ES")
    data = form_data(editor.get(change_url(profile)))
    change_countries(data, [spain], role="observer")
    add_countries(data, "Ghana")

    editor.post(change_url(profile), data)

    assert spain.history.filter(history_type="~", role="observer").exists()
    assert Participation.history.filter(country="GH", history_type="+").exists()
    message = LogEntry.objects.filter(object_id=str(profile.pk)).latest("action_time")
    assert "Changed role for participating country “Spain (Observer)”." in (
        message.get_change_message()
    )
    assert "Added participating country “Ghana (Member)”." in message.get_change_message()


# --- The live check -----------------------------------------------------------------------------


def test_the_live_check_shows_what_save_would_say_without_saving(editor, profile):
    before = countries_of(profile)
    response = editor.post(
        check_url(profile), {"participations-add-countries": "Ghana\nEriteria\nSpain"}
    )

    page = text(response)
    assert response.status_code == 200
    assert "3 entries read: nothing is saved until you press Save." in page
    assert "Will be added" in page
    assert "did you mean Eritrea?" in page
    assert "Spain is already a country of this profile" in page
    assert countries_of(profile) == before


def test_the_live_check_needs_a_post_with_the_csrf_token_and_the_change_permission(profile, db):
    user = get_user_model().objects.create_user("reader", password="x", is_staff=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(check_url(profile), {}).status_code == 403  # no token

    allowed = Client()
    allowed.force_login(user)
    assert allowed.post(check_url(profile), {}).status_code == 403  # no permission
    editor = get_user_model().objects.create_user("e", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    allowed.force_login(editor)
    assert allowed.get(check_url(profile)).status_code == 405
    assert allowed.post("/admin/rcp/process/add/countries/check/", {}).status_code == 200


# --- Countries of chairs and meetings -----------------------------------------------------------


def add_row(data: dict, prefix: str, **fields) -> None:
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for field, value in fields.items():
        data[f"{prefix}-{index}-{field}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)


def test_a_meeting_country_is_typed_by_name(editor, profile):
    data = form_data(editor.get(change_url(profile)))
    add_row(
        data,
        "meetings",
        title_en="Ministerial conference",
        start_date="2019-05-03",
        date_precision="day",
        city_en="Abidjan",
        country="Ivory Coast",
    )

    response = editor.post(change_url(profile), data)

    assert response.status_code == 302, text(response)
    assert profile.meetings.get().country == "CI"
    page = editor.get(change_url(profile)).content.decode()
    assert 'value="Côte d\'Ivoire"' in html.unescape(page)


def test_a_misspelt_meeting_country_is_refused_with_a_suggestion(editor, profile):
    data = form_data(editor.get(change_url(profile)))
    add_row(
        data,
        "meetings",
        title_en="Ministerial conference",
        start_date="2019-05-03",
        date_precision="day",
        country="Eriteria",
    )

    response = editor.post(change_url(profile), data)

    assert "“Eriteria” is not a country we know: did you mean Eritrea?" in text(response)
    assert not profile.meetings.exists()


def test_an_accepted_suggestion_naming_a_country_already_in_the_list_is_flagged(editor, profile):
    data = form_data(editor.get(change_url(profile)))
    add_countries(data, "Eritrea\nEriteria", accept="Eriteria")

    response = editor.post(change_url(profile), data)

    assert response.status_code == 200
    assert "Eritrea is already in this list (entry 1)." in text(response)
    assert "ER" not in countries_of(profile)


def test_a_ticked_country_a_colleague_changed_meanwhile_is_shown_not_overwritten(
    editor, profile, settings
):
    spain = profile.participations.get(country="ES")
    data = form_data(editor.get(change_url(profile)))
    colleague = get_user_model().objects.create_user("ana", first_name="Ana", last_name="Silva")
    row = Participation.objects.get(pk=spain.pk)
    row.note, row._history_user = "Observer since May", colleague
    row.save()
    change_countries(data, [spain], set_note="on", note="Mine")

    response = editor.post(change_url(profile), data)

    assert response.status_code == 200
    assert "Since you opened this page, a colleague changed Spain (Ana Silva)" in text(response)
    assert countries_of(profile)["ES"][2] == "Observer since May"
    # Ticked again on the page as it is now, the change goes through.
    data = form_data(editor.get(change_url(profile)))
    change_countries(data, [spain], note="Mine")
    assert editor.post(change_url(profile), data).status_code == 302
    assert countries_of(profile)["ES"][2] == "Mine"


def test_an_editor_without_the_delete_permission_cannot_remove_a_country(profile, db):
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("limited", password="x", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_process", "change_process", "view_participation"]
        )
    )
    client = Client()
    client.force_login(user)
    morocco = profile.participations.get(country="MA")
    data = form_data(client.get(change_url(profile)))
    change_countries(data, remove=[morocco])
    add_countries(data, "Ghana")

    response = client.post(change_url(profile), data)

    assert response.status_code == 200
    page = text(response)
    assert "You may not remove countries from this profile." in page
    assert "You may not add countries to this profile." in page
    assert set(countries_of(profile)) == {"SN", "FR", "ES", "MA"}


def test_the_live_check_says_when_a_list_is_too_long(editor, profile):
    pasted = "\n".join(["Ghana"] * (MAX_PASTED_ENTRIES + 1))
    response = editor.post(check_url(profile), {"participations-add-countries": pasted})

    assert f"At most {MAX_PASTED_ENTRIES} countries can be added at once" in text(response)
