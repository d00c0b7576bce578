"""A profile's texts in English, French and Spanish as data: the language columns, the
spreadsheets (<field>_fr, <field>_es), the history and its revert (issue 13)."""

import csv
import io

import pytest
from django.utils import timezone, translation

from rcp.formats import SafeCSV
from rcp.history import revert_process
from rcp.models import Organisation, Participation, Process
from rcp.multilingual import (
    fallback_language,
    missing_translation,
    translated_fields,
    untranslated_texts,
)
from rcp.resources import OrganisationResource, ParticipationResource, ProcessResource
from rcp.spreadsheets import describe_problems
from rcp.workflow import COMMAND_LINE

from .factories import OrganisationFactory, ParticipationFactory, ProcessFactory


def export_csv(resource) -> list[dict[str, str]]:
    data = resource.export().export("csv")
    return list(csv.DictReader(io.StringIO(data.lstrip("\ufeff"))))


def import_csv(resource_class, content: str, **kwargs):
    resource = resource_class()
    outcome = resource.import_data(
        SafeCSV().create_dataset(content.encode()), user=COMMAND_LINE, **kwargs
    )
    assert describe_problems(resource, outcome) == []
    return outcome


@pytest.fixture
def translated(db) -> Process:
    process = ProcessFactory(
        name="Rabat Process",
        slug="rabat-process",
        objectives="A dialogue on migration.",
    )
    process.name_fr, process.name_es = "Processus de Rabat", "Proceso de Rabat"
    process.objectives_fr = "Un dialogue sur la migration."
    process.save()
    ParticipationFactory(process=process, country="MA", group="AU")
    return process


# The columns and the field that stands for them ---------------------------------------------


def test_the_field_reads_in_the_active_language_and_falls_back_to_english(translated):
    with translation.override("fr"):
        assert translated.name == "Processus de Rabat"
        assert fallback_language(translated, "name") is None
    with translation.override("es"):
        assert translated.objectives == "A dialogue on migration."
        assert fallback_language(translated, "objectives") == "en"
    assert fallback_language(translated, "objectives", "en") is None


def test_the_fields_own_column_holds_english_whatever_the_language_it_was_saved_in(translated):
    with translation.override("fr"):
        translated.save()

    assert Process.objects.filter(pk=translated.pk).values_list("name", flat=True).get() == (
        "Rabat Process"
    )


def test_missing_unique_names_may_repeat_and_are_stored_as_null(db):
    first = OrganisationFactory(name="African Union", name_fr="")
    second = OrganisationFactory(name="European Union", name_fr="")

    assert [first.name_fr, second.name_fr] == [None, None]
    assert Organisation.objects.filter(name_fr__isnull=True).count() == 2


def test_untranslated_texts_and_the_database_filter_agree(translated):
    other = ProcessFactory(name="Budapest Process", slug="budapest-process")
    for field in translated_fields(Process):
        for language in ("fr", "es"):
            setattr(other, f"{field}_{language}", getattr(other, f"{field}_en"))
    other.save()

    missing = {(type(t.record).__name__, t.field) for t in untranslated_texts(translated, "fr")}

    assert missing == {("Participation", "group")}
    assert list(missing_translation(Process.objects.all(), "fr")) == [translated]
    assert list(missing_translation(Process.objects.all(), "es")) == [translated]
    Participation.objects.filter(process=translated).update(group_fr="UA", group_es="UA")
    translated.objectives_es = "Un diálogo sobre la migración."
    translated.save()
    assert list(missing_translation(Process.objects.all(), "es")) == []
    assert untranslated_texts(translated, "es") == []


# Spreadsheets -------------------------------------------------------------------------------


def test_the_export_has_a_column_per_language_named_after_the_field(translated):
    [row] = [r for r in export_csv(ProcessResource()) if r["slug"] == "rabat-process"]

    assert (row["name"], row["name_fr"], row["name_es"]) == (
        "Rabat Process",
        "Processus de Rabat",
        "Proceso de Rabat",
    )
    assert (row["objectives"], row["objectives_fr"], row["objectives_es"]) == (
        "A dialogue on migration.",
        "Un dialogue sur la migration.",
        "",
    )
    assert "name_en" not in row


@pytest.mark.parametrize("editor_language", ["en", "fr", "es"])
def test_an_import_writes_each_column_in_its_language_whatever_the_editors(
    translated, editor_language
):
    content = (
        "process,country,group,group_fr,group_es,note,note_fr,note_es\n"
        "rabat-process,MA,AU,UA,UA,founder,fondateur,fundador\n"
    )
    with translation.override(editor_language):
        outcome = import_csv(ParticipationResource, content)

    assert outcome.totals["update"] == 1
    row = Participation.objects.get(process=translated, country="MA")
    assert (row.group_en, row.group_fr, row.group_es) == ("AU", "UA", "UA")
    assert (row.note_en, row.note_fr, row.note_es) == ("founder", "fondateur", "fundador")


def test_an_export_imports_back_unchanged_in_every_language(translated):
    OrganisationFactory(name="African Union", name_fr="Union africaine", acronym_es="UA")
    for resource_class in (ProcessResource, ParticipationResource, OrganisationResource):
        exported = resource_class().export().export("csv").encode()

        outcome = resource_class().import_data(
            SafeCSV().create_dataset(exported), dry_run=True, user=COMMAND_LINE
        )

        assert outcome.totals["update"] == outcome.totals["new"] == 0, resource_class


def test_a_file_without_the_language_columns_leaves_the_translations_alone(translated):
    import_csv(ProcessResource, "slug,name\nrabat-process,Rabat Process (RP)\n")

    translated.refresh_from_db()
    assert translated.name_en == "Rabat Process (RP)"
    assert translated.name_fr == "Processus de Rabat"


def test_an_empty_french_cell_removes_the_french_text(translated):
    import_csv(ProcessResource, "slug,name,name_fr\nrabat-process,Rabat Process,\n")

    translated.refresh_from_db()
    assert translated.name_fr is None
    with translation.override("fr"):
        assert translated.name == "Rabat Process"


def test_a_translation_breaking_a_rule_is_refused_naming_its_column(translated):
    resource = ProcessResource()
    outcome = resource.import_data(
        SafeCSV().create_dataset(
            b"slug,name,objectives_fr\nrabat-process,Rabat Process,Texte [KG1] relu.\n"
        ),
        user=COMMAND_LINE,
    )

    [problem] = describe_problems(resource, outcome)
    assert problem.startswith("Line 2, column “objectives_fr”: Remove the editorial marker [KG1]")


# History -------------------------------------------------------------------------------------


def test_a_revert_restores_a_translation(translated):
    before = timezone.now()
    translated.name_fr = "Processus de Rabat (révisé)"
    translated.objectives_es = "Un diálogo."
    translated.save()

    revert_process(Process.objects.get(pk=translated.pk), to=before)

    translated.refresh_from_db()
    assert translated.name_fr == "Processus de Rabat"
    assert translated.objectives_es == ""
    assert translated.name_en == "Rabat Process"


def test_history_keeps_each_language_and_not_the_field_standing_for_one(translated):
    record = translated.history.first()

    assert (record.name_en, record.name_fr) == ("Rabat Process", "Processus de Rabat")
    assert not hasattr(record, "name")
