"""A profile's page and its downloads."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.views import View
from django.views.generic import DetailView

from rcp.models import (
    Process,
)
from rcp.multilingual import untranslated_texts
from rcp.opendata import countries_csv, profile_data


class ProcessDetailView(DetailView):
    """A profile page. Staff may preview drafts; the page then says it is a draft."""

    template_name = "rcp/process_detail.html"
    context_object_name = "process"

    def get_queryset(self):
        return Process.objects.visible_to(self.request.user).for_profile_page()

    def get_context_data(self, **kwargs):
        """With the texts not yet translated into the page's language: the page says so."""
        untranslated = untranslated_texts(self.object, get_language())
        return super().get_context_data(untranslated_texts=untranslated, **kwargs)


class ProfileJsonView(View):
    """A published profile as JSON (see rcp.opendata for the schema)."""

    def get(self, request, slug):
        process = get_object_or_404(Process.objects.published().for_profile_page(), slug=slug)
        data = profile_data(process, build_absolute_uri=request.build_absolute_uri)
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})


class ProfileCountriesCsvView(View):
    """The countries of a published profile as CSV, escaped like the admin's export."""

    def get(self, request, slug):
        process = get_object_or_404(Process.objects.published(), slug=slug)
        response = HttpResponse(countries_csv(process), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slug}-countries.csv"'
        return response
