"""The editing interface: a whole profile on one page, written for IOM editors."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.forms.utils import flatatt
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from import_export.admin import ImportExportActionModelAdmin
from import_export.forms import ImportForm

from rcp.formats import FORMATS, ImportFileError, check_file_size
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
from rcp.resources import (
    ChairResource,
    FocusAreaResource,
    MeetingResource,
    OrganisationResource,
    ParticipationResource,
    ProcessFocusAreaResource,
    ProcessOrganisationResource,
    ProcessResource,
    RegionResource,
)
from rcp.spreadsheets import describe_problems


class SpreadsheetImportForm(ImportForm):
    """Refuses a file over the size limit before anything reads it into memory."""

    def clean_import_file(self):
        import_file = self.cleaned_data["import_file"]
        try:
            check_file_size(import_file.size)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from error
        return import_file


class SpreadsheetAdmin(ImportExportActionModelAdmin):
    """CSV and XLSX import (with a preview before anything is written) and export (all rows,
    or the selected ones through the action), for staff holding the import or export
    permission."""

    formats = FORMATS
    import_form_class = SpreadsheetImportForm
    # Both buttons on the change list (the library's default for this class shows Import only).
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"

    def get_valid_export_item_pks(self, request):
        """The rows "Export selected" may name: those this admin lists. (The library's own
        version exports from the whole table and warns that it is deprecated.)"""
        return self.get_export_queryset(request).values_list("pk", flat=True)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def process_import(self, request, **kwargs):
        """The confirm step. An upload the cache no longer holds (expired, evicted, or kept by
        another server's local-memory cache) is reported instead of failing with a server error."""
        try:
            return super().process_import(request, **kwargs)
        except ImportFileError as error:
            return self.import_failed(request, [str(error)])

    def process_result(self, result, request):
        """Rows that became invalid between the preview and the confirmation (another editor
        changed the data meanwhile) roll the import back: say so, not "Import finished"."""
        if result.has_errors() or result.has_validation_errors():
            resource = self.get_import_resource_classes(request)[0]()
            return self.import_failed(request, describe_problems(resource, result))
        return super().process_result(result, request)

    def import_failed(self, request, problems):
        for problem in problems:
            messages.error(request, problem)
        messages.error(request, gettext("Nothing was imported."))
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))


class PrefetchedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that labels its selected option from the row's own related object.

    Django's autocomplete runs one query per inline row to find the label of the
    selected option. The inline querysets below ``select_related`` that object,
    so the label is already at hand and the page runs a constant number of queries.
    """

    selected_objects: dict[str, object] | None = None

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        known = self.selected_objects or {}
        if not selected or any(v not in known for v in selected):
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for v in selected:
            label = self.choices.field.label_from_instance(known[v])
            options.append(self.create_option(name, v, label, set(selected), len(options)))
        return [(None, options, 0)]


class PrefetchedLabelsForm(forms.ModelForm):
    """Hands each autocomplete the object the row already holds (see above)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, PrefetchedAutocompleteSelect):
                continue
            related = self.instance._state.fields_cache.get(name)
            if related is not None:
                widget.selected_objects = {str(related.pk): related}


class ReadableDuplicatesFormSet(BaseInlineFormSet):
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


class ParticipationFormSet(ReadableDuplicatesFormSet):
    duplicate_field = "country"


class ProcessOrganisationFormSet(ReadableDuplicatesFormSet):
    duplicate_field = "organisation"


class ProcessFocusAreaFormSet(ReadableDuplicatesFormSet):
    duplicate_field = "focus_area"


class FastSelect(forms.Select):
    """A select that writes its options directly instead of through a template per option.

    Django renders every ``<option>`` through a template; a profile with 200 countries has
    200 country selects of 250 options each, which took seconds. Same HTML, a hundred times
    faster. Grouped choices fall back to Django's rendering.
    """

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        if any(isinstance(label, list | tuple) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        selected = set(self.format_value(value))
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = "".join(
            '<option value="{}"{}>{}</option>'.format(
                escape(option_value),
                " selected" if str(option_value) in selected else "",
                escape(label),
            )
            for option_value, label in choices
        )
        return mark_safe(f"<select{flatatt(attrs)}>{options}</select>")


class FastSelectInline(admin.TabularInline):
    """Inline rows whose choice fields (countries, roles, precision) render fast."""

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        kwargs.setdefault("widget", FastSelect)
        return super().formfield_for_choice_field(db_field, request, **kwargs)


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


class ParticipationInline(FastSelectInline):
    model = Participation
    formset = ParticipationFormSet
    fields = ["country", "role", "group", "note"]
    extra = 0
    verbose_name = _("country")
    verbose_name_plural = _("Participating countries (members, observers, suspended, guests)")


class ProcessOrganisationInline(PrefetchedAutocompleteInlineMixin, FastSelectInline):
    model = ProcessOrganisation
    formset = ProcessOrganisationFormSet
    fields = ["organisation", "role", "group", "position"]
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
    fields = ["country", "organisation", "start_date", "end_date", "date_precision"]
    autocomplete_fields = ["organisation"]
    extra = 0


class MeetingInline(FastSelectInline):
    model = Meeting
    fields = ["title", "start_date", "end_date", "date_precision", "city", "country"]
    extra = 0


class ProcessAdminForm(forms.ModelForm):
    class Meta:
        model = Process
        fields = [
            "name",
            "acronym",
            "slug",
            "status",
            "kind",
            "regions",
            "activity",
            "established",
            "website",
            "objectives",
            "has_official_secretariat",
            "secretariat_organisation",
            "secretariat",
            "associated_organisations",
        ]

    def clean_associated_organisations(self):
        organisations = self.cleaned_data["associated_organisations"]
        Process.validate_associated_organisations(list(organisations))
        return organisations


class ParticipatingCountryFilter(admin.SimpleListFilter):
    """Countries that take part in at least one process, in one query."""

    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = Participation.objects.order_by().values_list("country", flat=True).distinct()
        return sorted(
            ((code, countries.name(code)) for code in codes), key=lambda item: str(item[1])
        )

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(participations__country=self.value()).distinct()
        return queryset


@admin.register(Process)
class ProcessAdmin(SpreadsheetAdmin):
    resource_classes = [ProcessResource]
    form = ProcessAdminForm
    list_display = [
        "name",
        "acronym",
        "kind",
        "activity",
        "status",
        "established",
        "member_count_column",
        "updated_at",
    ]
    list_filter = ["kind", "status", "activity", "regions", ParticipatingCountryFilter]
    search_fields = ["name", "acronym", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["regions", "associated_organisations", "secretariat_organisation"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "status"]}),
        (
            _("About the process"),
            {"fields": ["kind", "regions", "activity", "established", "website"]},
        ),
        (_("Objectives"), {"fields": ["objectives"]}),
        (
            _("Secretariat"),
            {"fields": ["has_official_secretariat", "secretariat_organisation", "secretariat"]},
        ),
        (_("Association"), {"fields": ["associated_organisations"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [
        ProcessFocusAreaInline,
        ParticipationInline,
        ProcessOrganisationInline,
        ChairInline,
        MeetingInline,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_member_counts()

    @admin.display(description=_("members"), ordering="member_count")
    def member_count_column(self, process):
        return process.member_count


@admin.register(Organisation)
class OrganisationAdmin(SpreadsheetAdmin):
    resource_classes = [OrganisationResource]
    list_display = ["name", "acronym", "ceased_year", "process_count", "website"]
    ordering = ["name"]  # the process count (GROUP BY) drops Meta.ordering in autocompletes
    list_filter = [("ceased_year", admin.EmptyFieldListFilter)]
    search_fields = ["name", "acronym", "english_name"]
    prepopulated_fields = {"slug": ["acronym"]}
    autocomplete_fields = ["succeeded_by"]
    list_select_related = ["succeeded_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(process_count=Count("process_roles"))

    @admin.display(description=_("processes"), ordering="process_count")
    def process_count(self, organisation):
        return organisation.process_count


@admin.register(FocusArea)
class FocusAreaAdmin(SpreadsheetAdmin):
    resource_classes = [FocusAreaResource]
    list_display = ["name", "process_count"]
    ordering = ["name"]  # the process count (GROUP BY) drops Meta.ordering in autocompletes
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(process_count=Count("process_links"))

    @admin.display(description=_("processes"), ordering="process_count")
    def process_count(self, focus_area):
        return focus_area.process_count


@admin.register(Region)
class RegionAdmin(SpreadsheetAdmin):
    resource_classes = [RegionResource]
    list_display = ["name", "process_count"]
    ordering = ["name"]  # the process count (GROUP BY) drops Meta.ordering in autocompletes
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(process_count=Count("processes"))

    @admin.display(description=_("processes"), ordering="process_count")
    def process_count(self, region):
        return region.process_count


@admin.register(Participation)
class ParticipationAdmin(SpreadsheetAdmin):
    resource_classes = [ParticipationResource]
    list_display = ["country", "process", "role", "group", "note"]
    list_filter = ["role", "process", ParticipatingCountryFilter]
    search_fields = ["process__name", "process__acronym", "group", "note"]
    list_select_related = ["process"]
    autocomplete_fields = ["process"]


@admin.register(ProcessOrganisation)
class ProcessOrganisationAdmin(SpreadsheetAdmin):
    resource_classes = [ProcessOrganisationResource]
    list_display = ["organisation", "process", "role", "group", "position"]
    list_filter = ["role", "process"]
    search_fields = ["organisation__name", "organisation__acronym", "process__name"]
    list_select_related = ["process", "organisation"]
    autocomplete_fields = ["process", "organisation"]


@admin.register(ProcessFocusArea)
class ProcessFocusAreaAdmin(SpreadsheetAdmin):
    resource_classes = [ProcessFocusAreaResource]
    list_display = ["focus_area", "process", "position"]
    list_filter = ["process"]
    search_fields = ["focus_area__name", "process__name"]
    list_select_related = ["process", "focus_area"]
    autocomplete_fields = ["process", "focus_area"]


@admin.register(Chair)
class ChairAdmin(SpreadsheetAdmin):
    resource_classes = [ChairResource]
    list_display = ["holder_name", "process", "start_date", "end_date", "date_precision"]
    list_filter = ["process"]
    search_fields = ["process__name", "organisation__name", "organisation__acronym"]
    list_select_related = ["process", "organisation"]
    autocomplete_fields = ["process", "organisation"]


@admin.register(Meeting)
class MeetingAdmin(SpreadsheetAdmin):
    resource_classes = [MeetingResource]
    list_display = ["title", "process", "start_date", "end_date", "city", "country"]
    list_filter = ["process", "date_precision"]
    search_fields = ["title", "city", "process__name"]
    date_hierarchy = "start_date"
    list_select_related = ["process"]
    autocomplete_fields = ["process"]
