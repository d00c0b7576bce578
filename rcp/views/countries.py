"""The countries taking part in published processes."""

from django.http import Http404
from django.views.generic import TemplateView
from django_countries import countries
from django_countries.fields import Country

from rcp.models import (
    Participation,
    reading_order_key,
)


class CountryListView(TemplateView):
    """Every country that takes part in a published process, with counts."""

    template_name = "rcp/country_list.html"

    def get_context_data(self, **kwargs):
        rows = Participation.objects.published().country_summaries()
        summaries = [{**row, "country": Country(code=row["country"])} for row in rows]
        summaries.sort(key=lambda row: reading_order_key(row["country"].name))
        return super().get_context_data(countries=summaries, **kwargs)


class CountryDetailView(TemplateView):
    """The processes a country takes part in, with its role and group in each."""

    template_name = "rcp/country_detail.html"

    def get_context_data(self, **kwargs):
        code = self.kwargs["code"].upper()
        if code not in dict(countries):
            raise Http404
        participations = sorted(
            Participation.objects.published().filter(country=code).select_related("process"),
            key=lambda p: reading_order_key(p.process.name),
        )
        if not participations:
            raise Http404
        return super().get_context_data(
            country=Country(code=code), participations=participations, **kwargs
        )
