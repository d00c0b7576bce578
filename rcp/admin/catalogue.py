"""The shared lists the profiles point at: organisations, focus areas, regions."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from rcp.admin.spreadsheets import SpreadsheetAdmin
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
