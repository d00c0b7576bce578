"""Texts in English, French and Spanish in the admin.

A model field that modeltranslation translates (``name``) reads and writes the ACTIVE
language's column, and the admin follows the editor's browser (rcp/languages.py): a form field
``name`` would write ``name_fr`` for a French-speaking editor. Every form of the admin edits the
language columns instead (``name_en``, ``name_fr``, ``name_es``), labelled with their language
and marked ``lang`` so that the browser spell-checks each in its language; English is required
where the field is, French and Spanish are optional (a missing translation reads in English on
the page, rcp.multilingual).

- :class:`LanguageColumnsMixin`, for every ModelAdmin and inline: the columns' labels, ``lang``
  and help;
- :class:`TranslatedListAdmin`, for the lists of one model (organisations, meetings...):
  modeltranslation's own admin, which puts the columns in the form in place of the field;
- :class:`LabelTranslationsFormSet`: the group labels and notes of a profile's countries and
  organisations, translated once per distinct English text rather than on every row;
- :func:`with_translation_status` and :class:`TranslationFilter`: the profiles list's
  completeness column and filter, from :func:`rcp.multilingual.missing_translation`.
"""

from django import forms
from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from modeltranslation.fields import TranslationField

from rcp.history_records import changeset
from rcp.models import Participation, Process, ProcessOrganisation
from rcp.multilingual import (
    LANGUAGE_CODES,
    SOURCE_LANGUAGE,
    TRANSLATION_LANGUAGES,
    column,
    in_reading_order,
    missing_translation,
    text_in,
    translated_fields,
    untranslated_texts_of,
)


def language_name(code: str) -> str:
    """The language's name in the editor's language: "French", "français", "francés"."""
    return translation.get_language_info(code)["name_translated"]


def language_names() -> dict[str, str]:
    """{"en": "English", "fr": "French", ...}, in the editor's language (for the tabs)."""
    return {code: capfirst(language_name(code)) for code in LANGUAGE_CODES}


def language_columns(field: str) -> list[str]:
    """``["name_en", "name_fr", "name_es"]``: English first, as the forms list them."""
    return [column(field, code) for code in LANGUAGE_CODES]


def with_language_columns(model, fields):
    """``fields`` with each translated field of ``model`` replaced by its language columns."""
    translated = set(translated_fields(model))
    result = []
    for name in fields:
        result.extend(language_columns(name) if name in translated else [name])
    return result


def search_in_every_language(model, fields):
    """Search fields (``"name"``, ``"process__name"``) that find a text in any language: a bare
    translated field would be searched in the editor's language only."""
    result = []
    for lookup in fields:
        *path, field = lookup.split("__")
        target = model
        for step in path:
            target = target._meta.get_field(step).related_model
        if field in translated_fields(target):
            prefix = "".join(f"{step}__" for step in path)
            result.extend(f"{prefix}{name}" for name in language_columns(field))
        else:
            result.append(lookup)
    return result


def is_translation_column(db_field) -> bool:
    return isinstance(db_field, TranslationField) and db_field.language != SOURCE_LANGUAGE


TRANSLATION_HELP = _("Optional: until it is translated, the page shows the English text.")


class LanguageColumnsMixin:
    """Each language column's form field says its language: the label of a translation
    ("Name (French)"; English, the source, keeps the field's own), the ``lang`` of its input,
    and, for a translation, that it may wait (the page shows the English meanwhile) instead of
    repeating the English field's help."""

    translation_help = TRANSLATION_HELP

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is None or not isinstance(db_field, TranslationField):
            return formfield
        if db_field.empty_value == "" and isinstance(formfield, forms.CharField):
            # The column is nullable (every language column is), which makes Django's form
            # field clean an empty input to None; a missing text is "" (rcp.translation).
            formfield.empty_value = ""
        source = db_field.translated_field
        formfield.label = capfirst(source.verbose_name)
        if db_field.language != SOURCE_LANGUAGE:
            formfield.label = gettext("%(field)s (%(language)s)") % {
                "field": formfield.label,
                "language": language_name(db_field.language),
            }
        widget = getattr(formfield.widget, "widget", formfield.widget)
        widget.attrs["lang"] = db_field.language
        if db_field.language != SOURCE_LANGUAGE:
            formfield.help_text = self.translation_help
        return formfield


class ReadingOrderMixin:
    """A list sorted by ``reading_order`` (a translated field) as the editor reads it: its
    translation in the editor's language, else its English (``ordering = ["name"]`` would sort
    by the editor's language's column alone, every untranslated name first)."""

    reading_order = ""

    def get_ordering(self, request):
        if self.reading_order:
            return [in_reading_order(self.reading_order)]
        return super().get_ordering(request)


class SearchEveryLanguageMixin:
    """Search (and the autocompletes that use it) finds a text written in any language."""

    def get_search_fields(self, request):
        return search_in_every_language(self.model, super().get_search_fields(request))


class TranslatedListAdmin(
    LanguageColumnsMixin, ReadingOrderMixin, SearchEveryLanguageMixin, TranslationAdmin
):
    """A list of one model whose form edits the language columns (modeltranslation's admin
    replaces ``name`` by ``name_en``, ``name_fr``, ``name_es`` in the form and its fieldsets),
    whose search finds a text in any language, sorted as the editor reads it."""


# The profiles list: completeness ---------------------------------------------------------


def missing_annotation(language: str) -> str:
    return f"missing_{language}"


def with_translation_status(queryset):
    """``queryset`` annotated ``missing_fr``, ``missing_es``: whether the profile has a text not
    yet translated into that language. One subquery a language, in the list's own query
    (a count per profile would fetch every part of every profile)."""
    return queryset.annotate(
        **{
            missing_annotation(language): Exists(
                missing_translation(Process.objects.filter(pk=OuterRef("pk")), language)
            )
            for language in TRANSLATION_LANGUAGES
        }
    )


def translation_status(process) -> list[str]:
    """["French: complete", "Spanish: texts missing"], for a profile of
    :func:`with_translation_status`."""
    lines = []
    for language in TRANSLATION_LANGUAGES:
        if getattr(process, missing_annotation(language)):
            text = gettext("%(language)s: texts missing")
        else:
            text = gettext("%(language)s: complete")
        lines.append(text % {"language": capfirst(language_name(language))})
    return lines


class TranslationFilter(admin.SimpleListFilter):
    """The profiles with a text not yet translated into French, or into Spanish."""

    title = _("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [
            (f"missing-{language}", gettext("missing %(language)s") % {"language": name})
            for language, name in (
                (language, language_name(language)) for language in TRANSLATION_LANGUAGES
            )
        ]

    def queryset(self, request, queryset):
        value = self.value() or ""
        language = value.removeprefix("missing-")
        if value.startswith("missing-") and language in TRANSLATION_LANGUAGES:
            return missing_translation(queryset, language)
        return queryset


# The profile editor: what is missing ------------------------------------------------------


def describe_untranslated(item) -> str:
    """ "Objectives", "Meeting “Ministerial meeting”: title": which text of the profile."""
    label = capfirst(item.record._meta.get_field(item.field).verbose_name)
    if isinstance(item.record, Process):
        return str(label)
    return gettext("%(record)s “%(name)s”: %(field)s") % {
        "record": capfirst(item.record._meta.verbose_name),
        "name": item.english if item.field in {"name", "title"} else str(item.record),
        "field": item.record._meta.get_field(item.field).verbose_name,
    }


def untranslated_summary(records) -> list[dict]:
    """For each translation language, which of the texts of a profile's ``records`` (see
    rcp.multilingual.profile_records) are not yet translated."""
    summary = []
    for language in TRANSLATION_LANGUAGES:
        texts = sorted(
            {describe_untranslated(item) for item in untranslated_texts_of(records, language)}
        )
        summary.append(
            {"code": language, "name": capfirst(language_name(language)), "texts": texts}
        )
    return summary


# Group labels and notes, once per distinct text ------------------------------------------

#: The texts of a profile's rows translated once for all the rows that share them:
#: key -> (model, field).
LABEL_SOURCES = {
    "country-group": (Participation, "group"),
    "country-note": (Participation, "note"),
    "organisation-group": (ProcessOrganisation, "group"),
}
LABEL_KINDS = {
    "country-group": pgettext_lazy("label translations", "Group of countries"),
    "country-note": pgettext_lazy("label translations", "Note on countries"),
    "organisation-group": pgettext_lazy("label translations", "Group of organisations"),
}


class LabelTranslationForm(forms.Form):
    """One distinct English text (a group "AU", a note "since 2006") and its translations."""

    kind = forms.ChoiceField(choices=list(LABEL_KINDS.items()), widget=forms.HiddenInput)
    english = forms.CharField(widget=forms.HiddenInput, strip=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for language in TRANSLATION_LANGUAGES:
            self.fields[language] = forms.CharField(
                label=capfirst(language_name(language)),
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"lang": language, "size": 16}),
            )

    def clean(self):
        cleaned = super().clean()
        key = cleaned.get("kind")
        if key in LABEL_SOURCES:
            model, field = LABEL_SOURCES[key]
            limit = model._meta.get_field(field).max_length
            for language in TRANSLATION_LANGUAGES:
                if len(cleaned.get(language) or "") > limit:
                    self.add_error(
                        language,
                        gettext("At most %(max)d characters.") % {"max": limit},
                    )
        return cleaned

    @property
    def kind_label(self):
        return LABEL_KINDS.get(self["kind"].value(), "")

    @property
    def english_text(self) -> str:
        return self["english"].value() or ""


class BaseLabelTranslationsFormSet(forms.BaseFormSet):
    """The profile's distinct group labels and notes, each with a French and a Spanish input.
    Saving writes a translation on every row of the profile with that English text (each row
    through its model's save: history, version), in the request's changeset.

    ``sources``: for each key of LABEL_SOURCES this editor may change, the profile's rows as
    the change page fetched them."""

    def __init__(self, *args, process=None, sources=None, **kwargs):
        self.process = process
        self.sources = sources or {}
        kwargs.setdefault("initial", self.current_texts())
        super().__init__(*args, **kwargs)

    def current_texts(self) -> list[dict]:
        """Each distinct English text, with the translation its rows have (the first one found
        when rows differ)."""
        texts: dict[tuple, dict] = {}
        for key, rows in self.sources.items():
            _model, field = LABEL_SOURCES[key]
            for row in rows:
                english = text_in(row, field, SOURCE_LANGUAGE)
                if not english:
                    continue
                entry = texts.setdefault((key, english), {"kind": key, "english": english})
                for language in TRANSLATION_LANGUAGES:
                    if not entry.get(language):
                        entry[language] = text_in(row, field, language)
        return sorted(
            texts.values(), key=lambda entry: (entry["kind"], entry["english"].casefold())
        )

    def changes(self):
        """(key, English text, language, translation) for each input the editor changed."""
        for form in self.forms:
            if not form.has_changed() or not form.is_valid():
                continue
            key = form.cleaned_data["kind"]
            if key not in self.sources:
                continue
            for language in TRANSLATION_LANGUAGES:
                if language in form.changed_data:
                    yield key, form.cleaned_data["english"], language, form.cleaned_data[language]

    def save(self) -> list[tuple]:
        """Write the changed translations on the rows as stored now; return each row changed
        with its changed columns (as CountryEditorAdminMixin.construct_change_message tells
        them)."""
        changes: dict[tuple, list] = {}
        for key, english, language, text in self.changes():
            changes.setdefault((key, english), []).append((language, text))
        rows, changed = {}, {}
        for (key, english), translations in changes.items():
            model, field = LABEL_SOURCES[key]
            stored = model.objects.filter(
                process=self.process, **{column(field, SOURCE_LANGUAGE): english}
            )
            for row in stored:
                row = rows.setdefault((model, row.pk), row)  # a row with a group and a note
                for language, text in translations:
                    if text_in(row, field, language) != text:
                        setattr(row, column(field, language), text)
                        changed.setdefault((model, row.pk), []).append(column(field, language))
        with changeset():
            for key in changed:
                rows[key].save()
        return [(rows[key], names) for key, names in changed.items()]


LabelTranslationsFormSet = forms.formset_factory(
    LabelTranslationForm, formset=BaseLabelTranslationsFormSet, extra=0
)
LABEL_TRANSLATIONS_PREFIX = "label_translations"


def label_translations_formset(data, process, *, sources):
    """The group labels' translations of the change page: bound to posted data that has them
    (a post made without the page, such as a script's, translates nothing)."""
    if data is not None and f"{LABEL_TRANSLATIONS_PREFIX}-TOTAL_FORMS" not in data:
        data = None
    return LabelTranslationsFormSet(
        data, prefix=LABEL_TRANSLATIONS_PREFIX, process=process, sources=sources
    )
