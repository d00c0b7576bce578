"""The search page."""

from urllib.parse import urlencode

from django.urls import reverse
from django.views.generic import TemplateView

from rcp.search import SHOWN, search


class SearchView(TemplateView):
    """Search across names, acronyms, objectives, countries, focus areas, organisations and
    meeting places (rcp/search/)."""

    template_name = "rcp/search.html"

    def get_context_data(self, **kwargs):
        page = search(self.request.GET.get("q", ""))
        suggestion_url = None
        if page.suggestion:
            suggestion_url = f"{reverse('rcp:search')}?{urlencode({'q': page.suggestion})}"
        return super().get_context_data(
            query=page.query,
            results=page.results,
            total=page.total,
            shown=SHOWN,
            countries=page.countries,
            suggestion=page.suggestion,
            suggestion_url=suggestion_url,
            **kwargs,
        )
