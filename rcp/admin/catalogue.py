"""The shared lists the profiles point at: organisations, focus areas, regions, each name in
English, French and Spanish (rcp.admin.translations)."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from rcp.admin.spreadsheets import SpreadsheetAdmin
from rcp.admin.translations import TranslatedListAdmin
from rcp.models import (
    FocusArea,
    Organisation,
    Region,
)
from rcp.resources import (
    FocusAreaResource,
    OrganisationResource,
    RegionResource,
)


@admin.register(Organisation)
class OrganisationAdmin(TranslatedListAdmin, SpreadsheetAdmin):
    resource_classes = [OrganisationResource]
    list_display = ["name", "acronym", "ceased_year", "process_count", "website"]
    ordering = ["name_en"]  # the process count (GROUP BY) drops Meta.ordering in autocompletes
    reading_order = "name"
    list_filter = [("ceased_year", admin.EmptyFieldListFilter)]
    search_fields = ["name", "acronym", "english_name"]
    prepopulated_fields = {"slug": ["acronym_en"]}
    autocomplete_fields = ["succeeded_by"]
    list_select_related = ["succeeded_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(process_count=Count("process_roles"))

    @admin.display(description=_("processes"), ordering="process_count")
    def process_count(self, organisation):
        return organisation.process_count


@admin.register(FocusArea)
class FocusAreaAdmin(TranslatedListAdmin, SpreadsheetAdmin):
    resource_classes = [FocusAreaResource]
    list_display = ["name", "process_count"]
    ordering = ["name_en"]  # the process count (GROUP BY) drops Meta.ordering in autocompletes
    reading_order = "name"
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name_en"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(process_count=Count("process_links"))

    @admin.display(description=_("processes"), ordering="process_count")
    def process_count(self, focus_area):
        return focus_area.process_count


@admin.register(Region)
class RegionAdmin(TranslatedListAdmin, SpreadsheetAdmin):
    resource_classes = [RegionResource]
    list_display = ["name", "process_count"]
    ordering = ["name_en"]  # the process count (GROUP BY) drops Meta.ordering in autocompletes
    reading_order = "name"
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name_en"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(process_count=Count("processes"))

    @admin.display(description=_("processes"), ordering="process_count")
    def process_count(self, region):
        return region.process_count
