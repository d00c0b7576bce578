"""The parts of a profile, edited on its page: countries, organisations, focus areas, chairs
and meetings."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from rcp.admin.translations import LanguageColumnsMixin, language_columns
from rcp.admin.widgets import (
    CountryNameField,
    FastSelect,
    PrefetchedAutocompleteSelect,
    PrefetchedLabelsForm,
    render_fast,
)
from rcp.models import (
    Chair,
    Meeting,
    ProcessFocusArea,
    ProcessOrganisation,
)


class FastFormSet(BaseInlineFormSet):
    """Rows whose inputs and selects render without a template each (see ``render_fast``)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, field in form.fields.items():
            render_fast(field.widget)
            # A row's inputs sit under their column's heading, with no label of their own.
            if not field.widget.is_hidden and field.label:
                field.widget.attrs.setdefault("aria-label", str(capfirst(field.label)))
            if field.help_text:
                # Said once, under the table (edit_inline/section.html), not on every row.
                field.widget.attrs.setdefault("aria-describedby", f"{self.prefix}-help-{name}")


class LightInlineAdminFormSet(helpers.InlineAdminFormSet):
    """The admin's wrapper of an inline formset, without building every row a second time for
    its media: all rows of an inline share their widgets, so one row's media (or the empty
    row's) is every row's."""

    @property
    def media(self):
        return self.opts.media + self.formset.media


class ReadableDuplicatesFormSet(FastFormSet):
    """Says which row repeats which, in words an editor understands."""

    duplicate_field = ""

    def get_unique_error_message(self, unique_check):
        if self.duplicate_field in unique_check:
            label = self.model._meta.get_field(self.duplicate_field).verbose_name
            return gettext(
                "The same %(field)s is listed twice. Each %(field)s appears once per process: "
                "remove one of the rows marked below."
            ) % {"field": label}
        return super().get_unique_error_message(unique_check)

    def clean(self):
        """Also refuse a row that repeats one saved since the page was opened.

        Django compares an inline row only with the rows submitted with it, so a row
        another editor saved meanwhile reached the database and failed with a server error.
        """
        if self.instance.pk is None:
            return super().clean()
        submitted = [form.instance.pk for form in self.forms if form.instance.pk]
        for form in self.forms:
            if form in self.deleted_forms or not form.has_changed() or not form.is_valid():
                continue
            value = getattr(form.instance, self.duplicate_field)
            saved = self.model._default_manager.filter(
                **{self.fk.name: self.instance, self.duplicate_field: value}
            ).exclude(pk__in=submitted)
            if saved.exists():
                form.add_error(
                    self.duplicate_field,
                    gettext(
                        "%(item)s was added to this process since this page was opened. "
                        "Reload the page to see it, and change that row instead of adding another."
                    )
                    % {"item": getattr(value, "name", value)},
                )
        return super().clean()


class ProcessOrganisationFormSet(ReadableDuplicatesFormSet):
    duplicate_field = "organisation"


class ProcessFocusAreaFormSet(ReadableDuplicatesFormSet):
    duplicate_field = "focus_area"


class FastSelectInline(LanguageColumnsMixin, admin.TabularInline):
    """Inline rows whose choice fields (countries, roles, precision) render fast; a text in
    several languages is its columns (``title_en``, ``title_fr``...), the translations under the
    English input (rcp_admin.inline_rows)."""

    #: Said once by the disclosure the translations are in, not on every row.
    translation_help = ""
    template = "admin/rcp/process/edit_inline/section.html"

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        kwargs.setdefault("widget", FastSelect)
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """A country is typed, with the page's one list of names to pick from (a select of 250
        countries on every row made the page heavy)."""
        if isinstance(db_field, CountryField):
            return CountryNameField(
                required=not db_field.blank, label=capfirst(db_field.verbose_name)
            )
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            # Each row's links to add, change, delete and view the organisation weighed more
            # than the row; organisations are added and edited in their own list.
            formfield.widget = formfield.widget.widget
        return formfield


class PrefetchedAutocompleteInlineMixin:
    """Inline whose autocomplete fields read labels from ``select_related`` rows."""

    form = PrefetchedLabelsForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = PrefetchedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.autocomplete_fields)


class ProcessOrganisationInline(PrefetchedAutocompleteInlineMixin, FastSelectInline):
    model = ProcessOrganisation
    formset = ProcessOrganisationFormSet
    # The group in English; its translations once per group, in the countries section's table
    # (rcp.admin.translations.LabelTranslationsFormSet), not on every row.
    fields = ["organisation", "role", "group_en", "position"]
    autocomplete_fields = ["organisation"]
    extra = 0
    verbose_name = _("organisation")
    verbose_name_plural = _("Participating organisations (members, observers, partners)")


class ProcessFocusAreaInline(PrefetchedAutocompleteInlineMixin, FastSelectInline):
    model = ProcessFocusArea
    formset = ProcessFocusAreaFormSet
    fields = ["focus_area", "position"]
    autocomplete_fields = ["focus_area"]
    extra = 0
    verbose_name_plural = _("Current focus (listed after “Specific areas of discussion include:”)")


class ChairInline(PrefetchedAutocompleteInlineMixin, FastSelectInline):
    model = Chair
    formset = FastFormSet
    fields = ["country", "organisation", "start_date", "end_date", "date_precision"]
    autocomplete_fields = ["organisation"]
    extra = 0


class MeetingInline(FastSelectInline):
    model = Meeting
    formset = FastFormSet
    fields = [
        *language_columns("title"),
        "start_date",
        "end_date",
        "date_precision",
        *language_columns("city"),
        "country",
    ]
    extra = 0
