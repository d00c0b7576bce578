"""The lists of one kind of profile part across all profiles (countries, meetings...)."""

from django.contrib import admin
from django.db import transaction

from rcp.admin.filters import ParticipatingCountryFilter
from rcp.admin.spreadsheets import SpreadsheetAdmin
from rcp.admin.translations import SearchEveryLanguageMixin, TranslatedListAdmin
from rcp.models import (
    Chair,
    Meeting,
    Participation,
    ProcessFocusArea,
    ProcessOrganisation,
)
from rcp.resources import (
    ChairResource,
    MeetingResource,
    ParticipationResource,
    ProcessFocusAreaResource,
    ProcessOrganisationResource,
)


class ProfilePartAdmin(SpreadsheetAdmin):
    """The list of one kind of part of the profiles (countries, meetings...)."""

    def delete_queryset(self, request, queryset):
        """“Delete selected” deletes one row at a time, as the profile form does, so each
        profile's version (which warns an editor with it open) and "Last updated" go up."""
        with transaction.atomic():
            for part in queryset:
                part.delete()


@admin.register(Participation)
class ParticipationAdmin(TranslatedListAdmin, ProfilePartAdmin):
    resource_classes = [ParticipationResource]
    list_display = ["country", "process", "role", "group", "note"]
    list_filter = ["role", "process", ParticipatingCountryFilter]
    search_fields = ["process__name", "process__acronym", "group", "note"]
    list_select_related = ["process"]
    autocomplete_fields = ["process"]


@admin.register(ProcessOrganisation)
class ProcessOrganisationAdmin(TranslatedListAdmin, ProfilePartAdmin):
    resource_classes = [ProcessOrganisationResource]
    list_display = ["organisation", "process", "role", "group", "position"]
    list_filter = ["role", "process"]
    search_fields = ["organisation__name", "organisation__acronym", "process__name"]
    list_select_related = ["process", "organisation"]
    autocomplete_fields = ["process", "organisation"]


@admin.register(ProcessFocusArea)
class ProcessFocusAreaAdmin(SearchEveryLanguageMixin, ProfilePartAdmin):
    resource_classes = [ProcessFocusAreaResource]
    list_display = ["focus_area", "process", "position"]
    list_filter = ["process"]
    search_fields = ["focus_area__name", "process__name"]
    list_select_related = ["process", "focus_area"]
    autocomplete_fields = ["process", "focus_area"]


@admin.register(Chair)
class ChairAdmin(SearchEveryLanguageMixin, ProfilePartAdmin):
    resource_classes = [ChairResource]
    list_display = ["holder_name", "process", "start_date", "end_date", "date_precision"]
    list_filter = ["process"]
    search_fields = ["process__name", "organisation__name", "organisation__acronym"]
    list_select_related = ["process", "organisation"]
    autocomplete_fields = ["process", "organisation"]


@admin.register(Meeting)
class MeetingAdmin(TranslatedListAdmin, ProfilePartAdmin):
    resource_classes = [MeetingResource]
    list_display = ["title", "process", "start_date", "end_date", "city", "country"]
    list_filter = ["process", "date_precision"]
    search_fields = ["title", "city", "process__name"]
    date_hierarchy = "start_date"
    list_select_related = ["process"]
    autocomplete_fields = ["process"]
