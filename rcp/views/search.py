"""The search page."""

from django.views.generic import TemplateView

from rcp.search import matching_countries, search_processes


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
