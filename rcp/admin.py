"""The editing interface: a whole profile on one page, written for IOM editors."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

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


class ParticipationFormSet(ReadableDuplicatesFormSet):
    duplicate_field = "country"


class ProcessOrganisationFormSet(ReadableDuplicatesFormSet):
    duplicate_field = "organisation"


class ProcessFocusAreaFormSet(ReadableDuplicatesFormSet):
    duplicate_field = "focus_area"


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


class ParticipationInline(admin.TabularInline):
    model = Participation
    formset = ParticipationFormSet
    fields = ["country", "role", "group", "note"]
    extra = 0
    verbose_name = _("country")
    verbose_name_plural = _("Participating countries (members, observers, suspended, guests)")


class ProcessOrganisationInline(PrefetchedAutocompleteInlineMixin, admin.TabularInline):
    model = ProcessOrganisation
    formset = ProcessOrganisationFormSet
    fields = ["organisation", "role", "group", "position"]
    autocomplete_fields = ["organisation"]
    extra = 0
    verbose_name = _("organisation")
    verbose_name_plural = _("Participating organisations (members, observers, partners)")


class ProcessFocusAreaInline(PrefetchedAutocompleteInlineMixin, admin.TabularInline):
    model = ProcessFocusArea
    formset = ProcessFocusAreaFormSet
    fields = ["focus_area", "position"]
    autocomplete_fields = ["focus_area"]
    extra = 0
    verbose_name_plural = _("Current focus (listed after “Specific areas of discussion include:”)")


class ChairInline(PrefetchedAutocompleteInlineMixin, admin.TabularInline):
    model = Chair
    fields = ["country", "organisation", "start_date", "end_date", "date_precision"]
    autocomplete_fields = ["organisation"]
    extra = 0


class MeetingInline(admin.TabularInline):
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
class ProcessAdmin(admin.ModelAdmin):
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
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "ceased_year", "process_count", "website"]
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
class FocusAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "process_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(process_count=Count("process_links"))

    @admin.display(description=_("processes"), ordering="process_count")
    def process_count(self, focus_area):
        return focus_area.process_count


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "process_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(process_count=Count("processes"))

    @admin.display(description=_("processes"), ordering="process_count")
    def process_count(self, region):
        return region.process_count
