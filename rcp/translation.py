"""Which texts editors write in English, French and Spanish, and the history of every model.

django-modeltranslation adds a column per language to each field named here (``name_en``,
``name_fr``, ``name_es``), so a translation lives in the row it translates: the history tables,
the page cache, the imports and the open data see it with no join, and the spreadsheet columns
are the field names. The field itself (``process.name``) reads in the active language, falling
back to English (MODELTRANSLATION_FALLBACK_LANGUAGES). django-parler, the other well-kept
choice, keeps translations in a table of their own; simple-history would then not see them in
a profile's versions, and every list, search and import would have to join it.

History is registered here rather than on the models: django-simple-history builds a model's
history table when the model class is ready, before modeltranslation has added the language
columns, and a history without them could not restore a translation (its documentation's
"django-modeltranslation" note). modeltranslation loads this module in its ready(), which
runs before rcp's (INSTALLED_APPS order).
"""

import copy

from django.db.models.signals import pre_save
from modeltranslation.fields import TranslationField
from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from rcp.history_records import ChangesetRecord
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
from rcp.multilingual import (
    SOURCE_LANGUAGE,
    column,
    store_missing_names_as_null,
    translated_fields,
)


class ProfileTranslationOptions(TranslationOptions):
    """English is required wherever the field is; the other languages are optional. A
    missing name is stored as NULL, not "", so that the unique names (a process's, an
    organisation's) may be missing in several rows."""

    required_languages = ("en",)
    empty_values = {"name": None}


@register(Region)
class RegionTranslationOptions(ProfileTranslationOptions):
    fields = ("name",)


@register(Organisation)
class OrganisationTranslationOptions(ProfileTranslationOptions):
    fields = ("name", "acronym")


@register(FocusArea)
class FocusAreaTranslationOptions(ProfileTranslationOptions):
    fields = ("name",)


@register(Process)
class ProcessTranslationOptions(ProfileTranslationOptions):
    fields = ("name", "acronym", "objectives", "secretariat")


@register(Participation)
class ParticipationTranslationOptions(ProfileTranslationOptions):
    fields = ("group", "note")


@register(ProcessOrganisation)
class ProcessOrganisationTranslationOptions(ProfileTranslationOptions):
    fields = ("group",)


@register(Meeting)
class MeetingTranslationOptions(ProfileTranslationOptions):
    fields = ("title", "city")


def index_unique_translations(history_model):
    """simple-history makes a history table's unique columns plain indexes, as a name may
    recur across versions; a language column describes itself (in migrations) from the field it
    translates, so that field is given the same change (django-simple-history pull request
    1304 was declined for this)."""
    for field in history_model._meta.fields:
        if isinstance(field, TranslationField) and field.translated_field.unique:
            translated = copy.copy(field.translated_field)
            translated._unique = False
            translated.db_index = True
            field.translated_field = translated


def blank_when_missing(model):
    """A text not written in a language is "" in that language's column, as the field it
    translates would be (modeltranslation's columns are nullable, so their default is NULL),
    so that a profile compares alike however it was written; only the unique names keep
    NULL, which may repeat."""
    for field in model._meta.fields:
        if isinstance(field, TranslationField) and not field.unique:
            field.default = ""


def check_columns_once(model):
    """``full_clean()`` checks each language's column (``name_en``, ``name_fr``), not also the
    field that mirrors the active language's column, which would report each error twice."""
    clean_fields = model.clean_fields
    mirrors = set(translated_fields(model))

    def clean_language_columns(self, exclude=None):
        clean_fields(self, exclude=set(exclude or ()) | mirrors)

    model.clean_fields = clean_language_columns


def null_when_missing(sender, instance, **kwargs):
    store_missing_names_as_null(instance)


def store_english_in_the_field(model):
    """The field's own column (``name``) holds the English text, as its ``name_en`` does:
    Django would store the value in the request's language, which a unique name could
    then collide on."""
    for name in translated_fields(model):
        field = model._meta.get_field(name)
        english = column(name, SOURCE_LANGUAGE)

        def english_text(instance, add, english=english):
            return getattr(instance, english) or ""

        field.pre_save = english_text


PROFILE_MODELS = (
    Region,
    Organisation,
    FocusArea,
    Participation,
    ProcessOrganisation,
    ProcessFocusArea,
    Chair,
    Meeting,
)
for model in PROFILE_MODELS:
    # The history keeps the language columns, not the field that stands for one of them.
    register_history(model, bases=[ChangesetRecord], excluded_fields=translated_fields(model))
register_history(
    Process,
    bases=[ChangesetRecord],
    m2m_fields=["regions", "associated_organisations"],
    excluded_fields=["updated_at", "version", *translated_fields(Process)],
)
for model in (*PROFILE_MODELS, Process):
    index_unique_translations(model.history.model)
    blank_when_missing(model)
    check_columns_once(model)
    store_english_in_the_field(model)
    pre_save.connect(null_when_missing, sender=model, dispatch_uid=f"rcp_null_{model.__name__}")
