"""The rules of a profile in several languages, in one place for the pages, the admin, the
imports and the tests.

English is the source: every text an editor writes exists in English, and in French and
Spanish once translated (the columns rcp/translation.py registers: ``name_en``, ``name_fr``,
``name_es``). A text not yet translated reads in English, marked ``lang="en"``
(:func:`fallback_language`); a profile with such a text is not fully translated in that
language (:func:`untranslated_texts`, :func:`missing_translation`).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation
from modeltranslation.fields import TranslationField
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

SOURCE_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)
#: The languages a text is translated into, from English.
TRANSLATION_LANGUAGES = tuple(code for code in LANGUAGE_CODES if code != SOURCE_LANGUAGE)


def column(field: str, language: str) -> str:
    """The column of ``field`` in ``language``: ``column("name", "fr") == "name_fr"``."""
    return build_localized_fieldname(field, language)


def translated_fields(model) -> tuple[str, ...]:
    """The fields of ``model`` written in every language, e.g. ``("name", "acronym")``."""
    try:
        return tuple(translator.get_options_for_model(model).fields)
    except NotRegistered:
        return ()


def stored_fields(model) -> list:
    """The concrete fields that hold a record's data: all but the translated fields
    themselves, which stand for their columns in the active language (``name`` for
    ``name_en``, ``name_fr``, ``name_es``) and are not kept in history."""
    mirrors = set(translated_fields(model))
    return [field for field in model._meta.concrete_fields if field.name not in mirrors]


def store_missing_names_as_null(instance) -> None:
    """A unique name not written in a language is stored as NULL (which may repeat), not ""
    (rcp/translation.py calls this before every save)."""
    for field in type(instance)._meta.fields:
        if isinstance(field, TranslationField) and field.unique:
            if getattr(instance, field.attname) == "":
                setattr(instance, field.attname, None)


def text_in(instance, field: str, language: str) -> str:
    """The text of ``field`` as written in ``language``, "" if it is not (no fallback)."""
    return getattr(instance, column(field, language), None) or ""


def is_untranslated(instance, field: str, language: str) -> bool:
    """Whether ``field`` has English text and none in ``language``."""
    return bool(text_in(instance, field, SOURCE_LANGUAGE)) and not text_in(
        instance, field, language
    )


def fallback_language(instance, field: str, language: str | None = None) -> str | None:
    """The language ``field`` reads in when it is not that of the page (``language``, by
    default the active one): English for a text not yet translated, else None."""
    language = language or translation.get_language() or SOURCE_LANGUAGE
    if language == SOURCE_LANGUAGE or field not in translated_fields(type(instance)):
        return None
    return SOURCE_LANGUAGE if is_untranslated(instance, field, language) else None


def in_reading_order(field: str = "name", language: str | None = None):
    """An ``order_by()`` expression sorting by ``field`` as a page in ``language`` (by default
    the active one) shows it: its translation, else its English. modeltranslation turns
    ``order_by("name")`` (and a Meta.ordering of ``name``) into ``name_fr`` alone, which puts
    every untranslated name first. ``field`` may follow a relation: ``"process__name"``."""
    language = language or translation.get_language() or SOURCE_LANGUAGE
    english = F(column(field, SOURCE_LANGUAGE))
    if language == SOURCE_LANGUAGE:
        return english.asc()
    return Coalesce(NullIf(column(field, language), Value("")), english).asc()


@dataclass(frozen=True)
class UntranslatedText:
    """A text of a profile with no translation in some language: what it is, and its English."""

    record: object
    field: str

    @property
    def english(self) -> str:
        return text_in(self.record, self.field, SOURCE_LANGUAGE)


def profile_records(process) -> list:
    """The records whose texts a profile page shows: the profile, its regions, its parts and
    the shared organisations and focus areas it names (from what the page has fetched)."""
    records = [process, *process.regions.all()]
    if process.secretariat_organisation_id:
        records.append(process.secretariat_organisation)
    records.extend(process.associated_organisations.all())
    records.extend(process.participations.all())
    for role in process.organisation_roles.all():
        records.extend((role, role.organisation))
    for link in process.focus_area_links.all():
        records.append(link.focus_area)
    records.extend(chair.organisation for chair in process.chairs.all() if chair.organisation_id)
    records.extend(process.meetings.all())
    return records


def untranslated_texts(process, language: str) -> list[UntranslatedText]:
    """Every text of ``process``'s page that has no translation in ``language``, each record
    once (an organisation named twice is one text to translate)."""
    return untranslated_texts_of(profile_records(process), language)


def untranslated_texts_of(records, language: str) -> list[UntranslatedText]:
    """The texts of ``records`` with no translation in ``language``, each record once (the
    admin passes the records its page has already fetched)."""
    if language == SOURCE_LANGUAGE:
        return []
    seen, missing = set(), []
    for record in records:
        key = (type(record), record.pk)
        if key in seen:
            continue
        seen.add(key)
        for field in translated_fields(type(record)):
            if is_untranslated(record, field, language):
                missing.append(UntranslatedText(record, field))
    return missing


def untranslated_condition(model, language: str, prefix: str = "") -> Q:
    """Rows of ``model`` (through ``prefix``, e.g. ``"organisation__"``) with a text in
    English and none in ``language``."""
    condition = Q(pk__in=[])
    for field in translated_fields(model):
        english, translated = column(field, SOURCE_LANGUAGE), column(field, language)
        condition |= Q(**{f"{prefix}{english}__gt": ""}) & (
            Q(**{f"{prefix}{translated}__isnull": True}) | Q(**{f"{prefix}{translated}": ""})
        )
    return condition


def missing_translation(queryset, language: str):
    """The profiles of ``queryset`` not fully translated into ``language``: the same texts as
    :func:`untranslated_texts`, asked of the database (for the admin's filter)."""
    from rcp.models import (
        Chair,
        FocusArea,
        Meeting,
        Organisation,
        Participation,
        Process,
        ProcessFocusArea,
        ProcessOrganisation,
        Region,
    )

    def part(model, condition):
        return Exists(model.objects.filter(condition, process=OuterRef("pk")))

    untranslated_region = Exists(
        Process.regions.through.objects.filter(
            untranslated_condition(Region, language, "region__"), process=OuterRef("pk")
        )
    )
    untranslated_associate = Exists(
        Process.associated_organisations.through.objects.filter(
            untranslated_condition(Organisation, language, "organisation__"),
            process=OuterRef("pk"),
        )
    )
    return queryset.filter(
        untranslated_condition(Process, language)
        | untranslated_condition(Organisation, language, "secretariat_organisation__")
        | untranslated_region
        | untranslated_associate
        | part(Participation, untranslated_condition(Participation, language))
        | part(
            ProcessOrganisation,
            untranslated_condition(ProcessOrganisation, language)
            | untranslated_condition(Organisation, language, "organisation__"),
        )
        | part(ProcessFocusArea, untranslated_condition(FocusArea, language, "focus_area__"))
        | part(Chair, untranslated_condition(Organisation, language, "organisation__"))
        | part(Meeting, untranslated_condition(Meeting, language))
    )
