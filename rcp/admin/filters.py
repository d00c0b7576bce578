"""The filters of the profile list."""

import datetime

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from rcp.models import (
    Participation,
    Process,
)


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


class ReviewDueFilter(admin.SimpleListFilter):
    """The profiles nobody has checked for a year, for the yearly review."""

    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("due", _("Not reviewed for a year (or never)")),
            ("recent", _("Reviewed within a year")),
        ]

    def queryset(self, request, queryset):
        year_ago = timezone.localdate() - datetime.timedelta(days=Process.REVIEW_INTERVAL_DAYS)
        if self.value() == "due":
            return queryset.filter(
                Q(last_reviewed_on__isnull=True) | Q(last_reviewed_on__lt=year_ago)
            )
        if self.value() == "recent":
            return queryset.filter(last_reviewed_on__gte=year_ago)
        return queryset
