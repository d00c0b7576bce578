"""The admin in English, French and Spanish: every form edits each language's column (a
French-speaking editor never writes French into the English text by accident), the profiles
list says which profiles are not fully translated, and group labels are translated once."""

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from rcp.models import Meeting, Organisation, Participation, Process

from .admin_forms import form_data
from .factories import MeetingFactory, OrganisationFactory, ParticipationFactory, ProcessFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/rcp/process/"
#: The profiles list, for an Editor, filtered or not, whatever the number of rows.
CHANGELIST_QUERIES = 9


def change_url(process) -> str:
    return f"/admin/rcp/process/{process.pk}/change/"


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def editor_client(language: str = "en") -> Client:
    """An Editor whose browser asks for ``language`` (the admin follows it)."""
    user, _created = get_user_model().objects.get_or_create(username="edna", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def translated(process: Process) -> Process:
    """``process`` with its own texts in French and Spanish."""
    for language in ("fr", "es"):
        setattr(process, f"name_{language}", f"{process.name_en} ({language})")
        setattr(process, f"objectives_{language}", f"Objectives ({language}).")
    process.save()
    return process


@pytest.fixture
def rabat(db) -> Process:
    process = ProcessFactory(name="Rabat Process", slug="rabat-process")
    process.name_fr = "Processus de Rabat"
    process.save()
    return process


# --- The forms edit each language's column -------------------------------------------------


def test_a_french_speaking_editor_editing_the_english_name_changes_the_english_only(rabat):
    editor = editor_client("fr")
    data = form_data(editor.get(change_url(rabat)))
    assert (data["name_en"], data["name_fr"]) == ("Rabat Process", "Processus de Rabat")
    data["name_en"] = "Rabat Process (Euro-African Dialogue)"

    response = editor.post(change_url(rabat), data)

    assert response.status_code == 302, text(response)
    stored = Process.objects.values("name_en", "name_fr", "name_es").get(pk=rabat.pk)
    assert stored == {
        "name_en": "Rabat Process (Euro-African Dialogue)",
        "name_fr": "Processus de Rabat",
        "name_es": None,
    }


def test_a_french_speaking_editor_editing_the_french_name_changes_the_french_only(rabat):
    editor = editor_client("fr")
    data = form_data(editor.get(change_url(rabat)))
    data["name_fr"] = "Processus de Rabat (dialogue euro-africain)"
    data["objectives_es"] = "Un diálogo regional sobre la migración."

    response = editor.post(change_url(rabat), data)

    assert response.status_code == 302, text(response)
    stored = Process.objects.get(pk=rabat.pk)
    assert (stored.name_en, stored.name_fr) == (
        "Rabat Process",
        "Processus de Rabat (dialogue euro-africain)",
    )
    assert (stored.objectives_en, stored.objectives_es) == (
        "A regional dialogue on migration.",
        "Un diálogo regional sobre la migración.",
    )


def test_a_french_speaking_editor_clearing_the_french_name_leaves_it_to_translate(rabat):
    editor = editor_client("fr")
    data = form_data(editor.get(change_url(rabat)))
    data["name_fr"] = ""

    assert editor.post(change_url(rabat), data).status_code == 302

    assert Process.objects.values_list("name_en", "name_fr").get(pk=rabat.pk) == (
        "Rabat Process",
        None,
    )


def test_the_english_name_is_required_and_the_translations_are_not(rabat):
    editor = editor_client()
    data = form_data(editor.get(change_url(rabat)))
    data["name_en"] = ""

    response = editor.post(change_url(rabat), data)

    assert response.status_code == 200
    assert re.search(r'id="id_name_en_error"><li>This field is required', response.content.decode())
    page = response.content.decode()
    assert '<label class="required" for="id_name_en">Name:</label>' in page
    assert '<label for="id_name_fr">Name (French):</label>' in page
    assert '<input type="text" name="name_es"' in page


def test_a_meetings_title_and_city_translate_under_the_english_without_columns_of_their_own(
    rabat,
):
    meeting = MeetingFactory(process=rabat, title="Ministerial conference", city="Rabat")
    editor = editor_client("es")
    page = editor.get(change_url(rabat))
    content = page.content.decode()
    assert 'class="column-title_en' in content
    assert "column-title_fr" not in content and "column-city_es" not in content
    data = form_data(page)
    row = next(key for key, value in data.items() if value == str(meeting.pk) and "-id" in key)
    prefix = row.removesuffix("-id")
    data[f"{prefix}-title_es"] = "Conferencia ministerial"
    data[f"{prefix}-city_fr"] = "Rabat (Maroc)"

    assert editor.post(change_url(rabat), data).status_code == 302

    assert Meeting.objects.values("title_en", "title_es", "city_en", "city_fr").get() == {
        "title_en": "Ministerial conference",
        "title_es": "Conferencia ministerial",
        "city_en": "Rabat",
        "city_fr": "Rabat (Maroc)",
    }


def test_an_organisation_is_named_in_each_language_and_found_by_any(db):
    iom = OrganisationFactory(name="International Organization for Migration", acronym="IOM")
    admin = Client(headers={"accept-language": "fr"})
    admin.force_login(get_user_model().objects.create_superuser("root", "r@example.org", "x"))
    url = f"/admin/rcp/organisation/{iom.pk}/change/"
    data = form_data(admin.get(url), form_id="organisation_form")
    data.update(name_fr="Organisation internationale pour les migrations", acronym_fr="OIM")

    assert admin.post(url, data).status_code == 302

    stored = Organisation.objects.values("name_en", "acronym_en", "acronym_fr").get()
    assert stored == {
        "name_en": "International Organization for Migration",
        "acronym_en": "IOM",
        "acronym_fr": "OIM",
    }
    english_admin = Client()
    english_admin.force_login(get_user_model().objects.get(username="root"))
    assert "International Organization for Migration" in text(
        english_admin.get("/admin/rcp/organisation/?q=OIM")
    )


# --- Completeness: the list column and filter -----------------------------------------------


@pytest.fixture
def three_profiles(db):
    """One profile fully translated, one with its objectives in English only, one with a
    meeting title not in Spanish."""
    complete = translated(ProcessFactory(name="Complete Process"))
    objectives = translated(ProcessFactory(name="Objectives Process"))
    objectives.objectives_fr = ""
    objectives.save()
    meeting = translated(ProcessFactory(name="Meeting Process"))
    MeetingFactory(
        process=meeting, title="Summit", title_fr="Sommet", city="Rabat", city_fr="Rabat"
    )
    Meeting.objects.filter(process=meeting).update(city_es="Rabat")
    return complete, objectives, meeting


def listed_names(response) -> list[str]:
    return sorted(
        re.findall(r'<th class="field-name"><a [^>]*>(.*?)</a>', response.content.decode())
    )


def test_the_translation_filter_lists_exactly_the_profiles_missing_french_or_spanish(
    three_profiles,
):
    editor = editor_client()

    missing_french = editor.get(CHANGELIST, {"translation": "missing-fr"})
    missing_spanish = editor.get(CHANGELIST, {"translation": "missing-es"})

    assert listed_names(missing_french) == ["Objectives Process"]
    assert listed_names(missing_spanish) == ["Meeting Process"]
    assert "missing French" in text(editor.get(CHANGELIST))


def test_the_list_says_per_language_whether_a_profile_is_translated(three_profiles):
    page = editor_client().get(CHANGELIST).content.decode()

    rows = {
        name: html.unescape(re.sub(r"<[^>]+>", " ", column))
        for name, column in re.findall(
            r'<th class="field-name"><a [^>]*>(.*?)</a>.*?<td class="field-translation_column">'
            r"(.*?)</td>",
            page,
            re.S,
        )
    }
    assert rows == {
        "Complete Process": "French: complete Spanish: complete",
        "Meeting Process": "French: complete Spanish: texts missing",
        "Objectives Process": "French: texts missing Spanish: complete",
    }


@pytest.mark.parametrize("query", ["", "?translation=missing-fr"])
def test_the_profiles_list_runs_the_same_queries_whatever_the_number_of_profiles(
    db, django_assert_max_num_queries, query
):
    editor = editor_client()
    counts = []
    for total in (3, 30):
        while Process.objects.count() < total:
            process = ProcessFactory()
            ParticipationFactory(process=process, group="AU")
            MeetingFactory(process=process)
        editor.get(CHANGELIST + query)  # the caches of the first request
        with django_assert_max_num_queries(CHANGELIST_QUERIES) as queries:
            response = editor.get(CHANGELIST + query)
        assert len(listed_names(response)) == total
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_the_profile_editor_says_which_texts_are_not_yet_translated(rabat):
    MeetingFactory(process=rabat, title="Ministerial conference", title_fr="Conférence", city="")
    rabat.objectives_fr = "Un dialogue régional."
    rabat.save()

    summary = re.search(
        r'<section class="translation-summary".*?</section>',
        editor_client().get(change_url(rabat)).content.decode(),
        re.S,
    ).group(0)

    lines = [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).split())
        for item in re.findall(
            r'<li class="translation-summary__\w+">(.*?)</li>\s*(?=<li class|</ul>\s*<p)',
            summary,
            re.S,
        )
    ]
    assert lines == [
        "French: every text is translated.",
        "Spanish: 3 texts not yet translated Meeting “Ministerial conference”: title Name "
        "Objectives",
    ]


def test_a_fully_translated_profile_says_so(db):
    process = translated(ProcessFactory(name="Complete Process"))

    page = editor_client().get(change_url(process)).content.decode()

    assert "French: every text is translated." in page
    assert "Spanish: every text is translated." in page


# --- Group labels and notes, once per group ----------------------------------------------------


@pytest.fixture
def groups_profile(db) -> Process:
    process = ProcessFactory(name="Rabat Process", slug="rabat-process")
    ParticipationFactory(process=process, country="FR", group="EU")
    ParticipationFactory(process=process, country="ES", group="EU", note="since 2006")
    ParticipationFactory(process=process, country="SN", group="AU", group_fr="UA")
    return process


def label_row(data: dict, english: str) -> str:
    key = next(k for k, v in data.items() if k.startswith("label_translations-") and v == english)
    return key.removesuffix("-english")


def test_a_group_label_is_translated_once_for_every_row_of_the_group_with_history(
    groups_profile,
):
    editor = editor_client("fr")
    data = form_data(editor.get(change_url(groups_profile)))
    assert data["label_translations-TOTAL_FORMS"] == "3"  # AU, EU and the note
    assert data[f"{label_row(data, 'AU')}-fr"] == "UA"
    eu = label_row(data, "EU")
    data[f"{eu}-fr"] = "UE"
    data[f"{eu}-es"] = "UE"
    data[f"{label_row(data, 'since 2006')}-es"] = "desde 2006"

    response = editor.post(change_url(groups_profile), data)

    assert response.status_code == 302, text(response)
    rows = Participation.objects.filter(process=groups_profile).order_by("country")
    assert [(row.country.code, row.group_en, row.group_fr, row.group_es) for row in rows] == [
        ("ES", "EU", "UE", "UE"),
        ("FR", "EU", "UE", "UE"),
        ("SN", "AU", "UA", ""),
    ]
    assert rows.get(country="ES").note_es == "desde 2006"
    records = Participation.history.filter(process_id=groups_profile.pk, group_fr="UE")
    # One record a row, even for a row whose group and note were both translated.
    assert sorted(record.country.code for record in records) == ["ES", "FR"]
    assert len({record.changeset for record in records}) == 1
    assert records.first().history_user.username == "edna"
    assert not Participation.history.filter(country="SN", history_type="~").exists()


def test_an_organisations_group_translates_in_the_same_table(groups_profile):
    role = groups_profile.organisation_roles.create(
        organisation=OrganisationFactory(), role="member", group="UN"
    )
    editor = editor_client()
    data = form_data(editor.get(change_url(groups_profile)))
    data[f"{label_row(data, 'UN')}-fr"] = "ONU"

    assert editor.post(change_url(groups_profile), data).status_code == 302

    role.refresh_from_db()
    assert (role.group_en, role.group_fr) == ("UN", "ONU")


def test_the_countries_editor_writes_the_english_group_for_a_french_speaking_editor(
    groups_profile,
):
    editor = editor_client("fr")
    data = form_data(editor.get(change_url(groups_profile)))
    data["participations-add-countries"] = "Mali"
    data["participations-add-role"] = "member"
    data["participations-add-group"] = "AU"

    assert editor.post(change_url(groups_profile), data).status_code == 302

    mali = Participation.objects.get(process=groups_profile, country="ML")
    assert (mali.group_en, mali.group_fr) == ("AU", "")


def test_the_profiles_list_finds_a_profile_by_its_french_name_and_sorts_as_the_editor_reads(
    rabat,
):
    ProcessFactory(name="Zagreb Process")  # not translated: "Zagreb Process" in French
    quito = ProcessFactory(name="Quito Process")
    quito.name_fr = "Conférence de Quito"
    quito.save()

    found = editor_client().get(CHANGELIST, {"q": "Processus de Rabat"})
    french_list = editor_client("fr").get(CHANGELIST)

    assert listed_names(found) == ["Rabat Process"]
    # Sorted by the French name where there is one, else the English (never untranslated first).
    names = re.findall(r'<th class="field-name"><a [^>]*>(.*?)</a>', french_list.content.decode())
    assert names == ["Conférence de Quito", "Processus de Rabat", "Zagreb Process"]
    english = editor_client().get(CHANGELIST).content.decode()
    assert re.findall(r'<th class="field-name"><a [^>]*>(.*?)</a>', english) == [
        "Quito Process",
        "Rabat Process",
        "Zagreb Process",
    ]
