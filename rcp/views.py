from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import get_language
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView
from django_countries import countries
from django_countries.fields import Country

from rcp.models import (
    FocusArea,
    Organisation,
    Participation,
    Process,
    ProcessKind,
    ProcessOrganisation,
    Region,
    reading_order_key,
)
from rcp.multilingual import in_reading_order, untranslated_texts
from rcp.opendata import countries_csv, full_dataset, profile_data
from rcp.search import matching_countries, search_processes


class ProcessListView(ListView):
    """The home page: every published process, filtered by type and region."""

    template_name = "rcp/process_list.html"
    context_object_name = "processes"

    def get_queryset(self):
        queryset = Process.objects.published()
        kind = self.request.GET.get("kind", "")
        region = self.request.GET.get("region", "")
        if kind in ProcessKind.values:
            queryset = queryset.filter(kind=kind)
        if region:
            queryset = queryset.filter(regions__slug=region)
        return (
            queryset.with_member_counts()
            .prefetch_related("regions", "associated_organisations")
            .order_by(in_reading_order("name"))
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kinds=ProcessKind.choices,
            regions=Region.objects.published().order_by(in_reading_order("name")),
            selected_kind=self.request.GET.get("kind", ""),
            selected_region=self.request.GET.get("region", ""),
            **kwargs,
        )


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


class DatasetView(View):
    """Every published profile in one JSON download."""

    def get(self, request):
        response = JsonResponse(
            full_dataset(build_absolute_uri=request.build_absolute_uri),
            json_dumps_params={"ensure_ascii": False},
        )
        response["Content-Disposition"] = 'attachment; filename="rcp-profiles.json"'
        return response


class OpenDataView(TemplateView):
    """What can be downloaded, and the shape of the data."""

    template_name = "rcp/open_data.html"


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


class FocusAreaDetailView(DetailView):
    """The published processes discussing a theme."""

    template_name = "rcp/focus_area_detail.html"
    context_object_name = "focus_area"
    queryset = FocusArea.objects.published()  # a theme only drafts list is not public

    def get_context_data(self, **kwargs):
        processes = list(
            Process.objects.published()
            .filter(focus_area_links__focus_area=self.object)
            .with_member_counts()
            .prefetch_related("regions", "associated_organisations")
            .distinct()
            .order_by(in_reading_order("name"))
        )
        return super().get_context_data(processes=processes, **kwargs)


class OrganisationDetailView(DetailView):
    """The published processes an organisation takes part in, and how."""

    template_name = "rcp/organisation_detail.html"
    context_object_name = "organisation"
    # An organisation only drafts name is not public.
    queryset = Organisation.objects.published().select_related("succeeded_by")

    def get_context_data(self, **kwargs):
        organisation = self.object
        links = list(
            ProcessOrganisation.objects.published()
            .filter(organisation=organisation)
            .select_related("process")
            .order_by(in_reading_order("process__name"))
        )
        published = Process.objects.published().order_by(in_reading_order("name"))
        associated = list(published.filter(associated_organisations=organisation))
        secretariat_of = list(published.filter(secretariat_organisation=organisation))
        return super().get_context_data(
            links=links, associated=associated, secretariat_of=secretariat_of, **kwargs
        )


class SearchView(TemplateView):
    """Search across names, acronyms, objectives, countries and organisations."""

    template_name = "rcp/search.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:200]
        results = search_processes(query) if query else []
        matched_countries = matching_countries(query) if query else []
        return super().get_context_data(
            query=query, results=results, countries=matched_countries, **kwargs
        )


#: Where Django puts the admin unless ADMIN_URL moves it: naming it gives nothing away.
DEFAULT_ADMIN_URL = "admin/"


def robots_txt(request):
    """Crawlers may read every public page; the admin is not for them.

    Anyone may read robots.txt, so it names the admin only at Django's well-known address: an
    ADMIN_URL moved elsewhere to keep it out of sight stays unnamed. Wherever it is, every
    admin response says ``X-Robots-Tag: noindex`` (rcp.security), which keeps it out of search
    results even if a crawler finds it.
    """
    lines = ["User-agent: *"]
    if settings.ADMIN_URL == DEFAULT_ADMIN_URL:
        lines.append(f"Disallow: /{DEFAULT_ADMIN_URL}")
    else:
        lines.append("Disallow:")  # nothing: every public page may be crawled
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
