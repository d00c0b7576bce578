"""French and Spanish IOM pages import as translations of the profile they match.

The pages are French and Spanish translations of IOM's seed page (the Tripoli Process), in
its layout (tests/legacy_pages_translated/). Imported onto the bundled Tripoli Process, they
fill its French or Spanish texts and create nothing; the preview says which language it fills;
English is never overwritten; a translated page with no profile to translate is refused.
"""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

from rcp.legacy.extract import Line
from rcp.legacy.labels import Field, Label, classify, page_language
from rcp.legacy.parser import parse_page
from rcp.legacy.plan import ImportRefused, plan_profile_import
from rcp.legacy.service import import_profile
from rcp.models import (
    FocusArea,
    LegacyImport,
    Meeting,
    Organisation,
    Participation,
    Process,
    ProcessOrganisation,
)
from rcp.multilingual import TRANSLATION_LANGUAGES, column, translated_fields
from rcp.workflow import COMMAND_LINE

from .legacy_pages import build
from .pages import parse

PAGES = Path(__file__).resolve().parent / "legacy_pages_translated"
UPLOAD_URL = "/admin/rcp/process/import-legacy-page/"
CONFIRM_URL = "/admin/rcp/process/import-legacy-page/confirm/"


@pytest.fixture(autouse=True)
def in_english():
    """Outside requests, English; the admin's requests take the editor's language."""
    with translation.override("en"):
        yield


@pytest.fixture
def tripoli(tripoli) -> Process:
    """The bundled Tripoli Process (tests/conftest.py) in English only: its French and
    Spanish texts, and those of the records it names, cleared (the bundled data may come
    translated)."""
    for model in (Process, Participation, Organisation, ProcessOrganisation, FocusArea, Meeting):
        blank = {}
        for name in translated_fields(model):
            for language in TRANSLATION_LANGUAGES:
                unique = model._meta.get_field(column(name, language)).unique
                blank[column(name, language)] = None if unique else ""
        model.objects.update(**blank)
    tripoli.refresh_from_db()
    return tripoli


def page(language: str) -> str:
    return (PAGES / f"tripoli-{language}.txt").read_text(encoding="utf-8")


def import_page(text: str, **options):
    parsed, report = parse_page(text)
    return import_profile(
        parsed, report, user=COMMAND_LINE, accept_suggestions=True, source_name="t.txt", **options
    )


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Process, Participation, Organisation, ProcessOrganisation, FocusArea, Meeting)
    }


def english_texts(process) -> dict:
    process.refresh_from_db()
    return {
        "name": process.name_en,
        "objectives": process.objectives_en,
        "secretariat": process.secretariat_en,
        "groups": sorted(process.participations.values_list("country", "group_en")),
        "meetings": sorted(process.meetings.values_list("title_en", "city_en")),
    }


# --- Reading the labels ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "part", "language"),
    [
        ("Objectifs", "objectives", "fr"),
        ("Objetivos", "objectives", "es"),
        ("Objectives", "objectives", "en"),
        ("Membres", "members", "fr"),
        ("États membres", "members", "fr"),
        ("Miembros", "members", "es"),
        ("Estados miembros", "members", "es"),
        ("Observateurs", "observers", "fr"),
        ("Observadores", "observers", "es"),
        ("Secretaría", "secretariat", "es"),
        ("Domaines d'intérêt", "focus", "fr"),
        ("Áreas de interés", "focus", "es"),
        ("Orientation actuelle", "focus", "fr"),
        ("Enfoque actual", "focus", "es"),
        ("Réunions", "meetings", "fr"),
        ("Reuniones", "meetings", "es"),
        ("Présidence", "chairs", "fr"),
        ("Presidencia", "chairs", "es"),
    ],
)
def test_french_and_spanish_section_labels_are_read(text, part, language):
    label = classify(Line(text=text, number=1))

    assert isinstance(label, Label)
    assert (label.part, label.language) == (part, language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Créé en : 2001", "fr"),
        ("Établi en 2001", "fr"),
        ("Establecido en: 2001", "es"),
        ("Creado en 2001", "es"),
        ("Established: 2001", "en"),
    ],
)
def test_the_year_established_is_read_in_each_language(text, language):
    field = classify(Line(text=text, number=1))

    assert isinstance(field, Field)
    assert (field.key, field.value, field.language) == ("established", "2001", language)


def test_a_page_is_in_the_language_most_of_its_labels_are_in():
    def roles(*texts):
        return [classify(Line(text=text, number=1)) for text in texts]

    assert page_language(roles("Objectifs", "Secretariat", "Membres", "Réunions")) == "fr"
    assert page_language(roles("Objetivos", "Miembros", "Observadores")) == "es"
    assert page_language(roles("Objectives", "Members", "Observers")) == "en"
    # As many in English: English.
    assert page_language(roles("Objectives", "Membres")) == "en"
    assert page_language([]) == "en"


def test_the_french_page_is_read_as_french():
    parsed, report = parse_page(page("fr"))

    assert parsed.language == "fr"
    assert (parsed.name, parsed.established) == ("Processus de Tripoli", 2001)
    assert parsed.objectives.startswith("Le Processus de Tripoli est une série")
    assert parsed.has_official_secretariat is False
    assert parsed.secretariat.startswith("L'OIM apporte son soutien")
    assert parsed.focus_areas[0] == "le souci des droits de l'homme et du bien-être des migrants"
    assert len(parsed.member_states) == 81  # Austria is listed twice, as in English
    assert {c.group for c in parsed.member_states} == {"UA", "UE"}
    assert [c.code for c in parsed.observer_states] == ["CH"]
    assert next((m.title, str(m.dates), m.city, m.country) for m in parsed.meetings) == (
        "4e sommet UE-Afrique",
        "2–3 April 2014",
        "Bruxelles",
        "BE",
    )
    assert not report.of_kind("unknown_name")
    assert not report.of_kind("unplaced")  # the French site's menus are not the profile


def test_the_spanish_page_is_read_as_spanish():
    parsed, report = parse_page(page("es"))

    assert parsed.language == "es"
    assert (parsed.name, parsed.established) == ("Proceso de Trípoli", 2001)
    assert parsed.objectives.startswith("El Proceso de Trípoli es una serie")
    assert parsed.secretariat.startswith("La OIM presta apoyo")
    assert len(parsed.member_states) == 81
    assert {c.group for c in parsed.member_states} == {"UA", "UE"}
    assert [str(m.dates) for m in parsed.meetings] == [
        "2–3 April 2014",
        "29–30 November 2010",
        "8–9 December 2007",
        "22–23 November 2006",
        "April 2000",
    ]
    assert parsed.meetings[0].city == "Bruselas"
    assert not report.of_kind("unknown_name")
    assert not report.of_kind("unplaced")


def test_an_explicit_language_overrides_the_labels():
    parsed, _report = parse_page(page("fr"), language="en")

    assert parsed.language == "en"
    with pytest.raises(ValueError, match="not 'de'"):
        parse_page(page("fr"), language="de")


# --- Importing onto the English profile -------------------------------------------------------


@pytest.mark.django_db
def test_the_french_page_fills_the_french_texts_of_the_tripoli_process(tripoli):
    before, english = counts(), english_texts(tripoli)

    outcome = import_page(page("fr"))

    assert outcome.process == tripoli and not outcome.created
    assert outcome.describe() == (
        "Filled the French texts of the profile “Tripoli Process” (Published)."
    )
    assert counts() == before
    assert english_texts(tripoli) == english
    tripoli.refresh_from_db()
    assert tripoli.name_fr == "Processus de Tripoli"
    assert tripoli.objectives_fr.startswith("Le Processus de Tripoli est une série")
    assert tripoli.secretariat_fr.startswith("L'OIM apporte son soutien")
    assert tripoli.name_es is None and tripoli.objectives_es == ""
    assert Participation.objects.get(process=tripoli, country="DZ").group_fr == "UA"
    assert Participation.objects.get(process=tripoli, country="FR").group_fr == "UE"
    brussels = Meeting.objects.get(process=tripoli, start_date="2014-04-02")
    assert (brussels.title_fr, brussels.city_fr) == ("4e sommet UE-Afrique", "Bruxelles")
    # Tripoli is Tripoli in French: stored, so that the city counts as translated.
    tripoli_meeting = Meeting.objects.get(process=tripoli, start_date="2010-11-29")
    assert tripoli_meeting.city_fr == "Tripoli"
    # Organisations on file the page names gain the French name they lack.
    assert Organisation.objects.get(acronym_en="UNICEF").name_fr == (
        "Fonds des Nations Unies pour l'enfance"
    )
    # Shared by every profile, focus areas are listed for an editor, not paired by order.
    assert FocusArea.objects.get(name_en="peace and security").name_fr is None
    with translation.override("fr"):
        assert Process.objects.get(pk=tripoli.pk).name == "Processus de Tripoli"
    assert LegacyImport.objects.get().created_profile is False


@pytest.mark.django_db
def test_the_spanish_page_fills_the_spanish_texts(tripoli):
    before, english = counts(), english_texts(tripoli)

    outcome = import_page(page("es"))

    assert outcome.process == tripoli
    assert "Filled the Spanish texts" in outcome.describe()
    assert counts() == before
    assert english_texts(tripoli) == english
    tripoli.refresh_from_db()
    assert tripoli.name_es == "Proceso de Trípoli"
    assert tripoli.objectives_es.startswith("El Proceso de Trípoli")
    assert tripoli.name_fr is None
    brussels = Meeting.objects.get(process=tripoli, start_date="2014-04-02")
    assert brussels.city_es == "Bruselas"


@pytest.mark.django_db
def test_a_translation_already_there_is_changed_and_a_shared_name_is_only_filled(tripoli):
    Process.objects.filter(pk=tripoli.pk).update(name_fr="Processus de Tripoli (ancien)")
    Organisation.objects.filter(acronym_en="UNICEF").update(name_fr="UNICEF (nom à garder)")

    tripoli.refresh_from_db()
    parsed, _report = parse_page(page("fr"))
    plan = plan_profile_import(parsed, accept_suggestions=True)

    assert plan.process == tripoli  # by its French name (not the same): by year and words
    assert ["Name (French)", "Processus de Tripoli (ancien)", "Processus de Tripoli"] in [
        [change.label, change.old, change.new] for change in plan.field_changes
    ]
    organisations = next(part for part in plan.parts if part.kind == "organisations")
    unicef = [
        change.label
        for row in organisations.changed
        if row.label == "United Nations Children's Fund"
        for change in row.changes
    ]
    assert "Name (French)" not in unicef


@pytest.mark.django_db
def test_focus_areas_are_never_named_from_the_order_of_a_translated_page(tripoli):
    FocusArea.objects.filter(process_links__process=tripoli).update(name_fr=None)
    parsed, _report = parse_page(page("fr"))
    parsed.focus_areas.reverse()

    plan = plan_profile_import(parsed, accept_suggestions=True)

    focus = next(part for part in plan.parts if part.kind == "focus_areas")
    assert focus.changed == []
    [listed] = [d for d in plan.differences if d.startswith("Focus areas are shared")]
    assert parsed.focus_areas[0] in listed


@pytest.mark.django_db
def test_what_the_page_has_and_the_profile_does_not_is_reported_not_added(tripoli):
    Participation.objects.filter(process=tripoli, country="CH").delete()
    before = counts()

    parsed, _report = parse_page(page("fr"))
    plan = plan_profile_import(parsed, accept_suggestions=True)

    assert "“Switzerland” is on the page, not on the profile: not added" in plan.differences
    # Named only in French, and the organisation on file has no French name yet.
    assert (
        "“Organisation internationale pour les migrations (OIM)” is on the page, not on the "
        "profile: not added"
    ) in plan.differences
    assert all(not part.added and not part.unlisted for part in plan.parts)
    import_page(page("fr"))
    assert counts() == before
    assert not Participation.objects.filter(process=tripoli, country="CH").exists()


@pytest.mark.django_db
def test_a_year_that_differs_is_reported_and_kept(tripoli):
    Process.objects.filter(pk=tripoli.pk).update(name_fr="Processus de Tripoli", established=1999)

    parsed, _report = parse_page(page("fr"))
    plan = plan_profile_import(parsed, accept_suggestions=True)

    assert "Year established: the page says “2001”, the profile “1999” (kept)" in plan.differences
    import_page(page("fr"))
    assert Process.objects.get(pk=tripoli.pk).established == 1999


@pytest.mark.django_db
def test_importing_the_french_page_twice_changes_nothing_the_second_time(tripoli):
    import_page(page("fr"))
    version = Process.objects.get(pk=tripoli.pk).version

    outcome = import_page(page("fr"))

    assert outcome.plan.changes_nothing
    assert Process.objects.get(pk=tripoli.pk).version == version


@pytest.mark.django_db
def test_a_french_page_without_a_profile_to_translate_is_refused():
    before = counts()
    parsed, report = parse_page(page("fr"))

    with pytest.raises(ImportRefused) as refused:
        import_profile(parsed, report, user=COMMAND_LINE, accept_suggestions=True)

    assert refused.value.problems == [
        "This French page matches no profile. English is the source of every profile: import "
        "the English page first, then this one to fill its French texts."
    ]
    assert counts() == before


@pytest.mark.django_db
def test_a_spanish_page_of_another_year_does_not_match_by_its_words(tripoli):
    text = page("es").replace("Establecido en: 2001", "Establecido en: 2011")
    parsed, _report = parse_page(text)

    with pytest.raises(ImportRefused, match="This Spanish page matches no profile"):
        plan_profile_import(parsed)


# --- The admin's preview ----------------------------------------------------------------------


def preview(client, text: str, **headers):
    upload = SimpleUploadedFile("tripoli-fr.txt", text.encode("utf-8"))
    response = client.post(UPLOAD_URL, {"page_file": upload}, headers=headers)
    assert response.status_code == 200
    return response


@pytest.mark.django_db
def test_the_preview_says_the_french_page_fills_the_french_texts(
    admin_client, tripoli, django_assert_max_num_queries
):
    with django_assert_max_num_queries(40):
        response = preview(admin_client, page("fr"))

    section = parse(response.content.decode()).find("section", "legacy-plan")
    assert section.find("p", "legacy-plan-translation").text.startswith(
        "This French page matches the profile “Tripoli Process”: it fills its French texts."
    )
    fields = [
        [cell.text for cell in row.elements]
        for row in section.find("table", "legacy-plan-fields").find("tbody").find_all("tr")
    ]
    assert ["Name (French)", "—", "Processus de Tripoli"] in fields
    assert "Bruxelles" in section.text
    assert "This page creates a new profile" not in response.content.decode()
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)

    confirmed = admin_client.post(CONFIRM_URL, {"token": token, "accept_suggestions": "on"})

    assert confirmed.status_code == 302
    tripoli.refresh_from_db()
    assert (tripoli.name_en, tripoli.name_fr) == ("Tripoli Process", "Processus de Tripoli")


@pytest.mark.django_db
def test_the_preview_in_french_says_it_in_french(admin_client, tripoli):
    response = preview(admin_client, page("es"), **{"accept-language": "fr"})

    section = parse(response.content.decode()).find("section", "legacy-plan")
    assert section.find("p", "legacy-plan-translation").text.startswith(
        "Cette page en espagnol correspond au profil « Tripoli Process » : elle en "
        "remplit les textes en espagnol."
    )


@pytest.mark.django_db
def test_the_preview_refuses_a_french_page_with_no_profile(admin_client):
    response = preview(admin_client, page("fr"))

    errors = parse(response.content.decode()).find("ul", "messagelist")
    assert "This French page matches no profile." in errors.text
    assert not Process.objects.exists()


# --- English pages, and the admin in French ---------------------------------------------------


@pytest.mark.django_db
def test_an_english_page_imported_from_the_french_admin_writes_english(admin_client):
    response = preview(admin_client, build(), **{"accept-language": "fr"})
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)

    admin_client.post(CONFIRM_URL, {"token": token}, headers={"accept-language": "fr"})

    process = Process.objects.get()
    assert (process.name_en, process.name_fr) == ("Sample Dialogue on Migration", None)
    assert process.objectives_en.startswith("The Sample Dialogue") and not process.objectives_fr
    iom = Organisation.objects.get(acronym_en="IOM")
    assert (iom.name_en, iom.name_fr) == ("International Organization for Migration", None)
    assert Meeting.objects.filter(city_en="Accra", city_fr="").exists()
    assert FocusArea.objects.filter(name_en="border management", name_fr=None).exists()


@pytest.mark.django_db
def test_the_command_imports_a_french_page_as_a_translation(tripoli, tmp_path):
    Participation.objects.filter(process=tripoli, country="CH").delete()
    path = tmp_path / "tripoli-fr.txt"
    path.write_text(page("fr"), encoding="utf-8")
    out = StringIO()

    call_command("import_legacy_page", str(path), "--accept-suggestions", stdout=out)

    printed = out.getvalue()
    assert "This French page matches the profile “Tripoli Process”: it fills its French texts." in (
        printed
    )
    assert "  Not imported: “Switzerland” is on the page, not on the profile: not added" in printed
    assert "  Name (French): — -> Processus de Tripoli" in printed
    assert "Filled the French texts of the profile “Tripoli Process” (Published)." in printed
    assert Process.objects.get(pk=tripoli.pk).name_fr == "Processus de Tripoli"
