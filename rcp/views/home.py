"""The home page: the landscape of published processes, and their list a page at a time."""

from django.urls import reverse
from django.views.generic import TemplateView

from rcp.landscape import Landscape, Selection
from rcp.models import Process
from rcp.multilingual import in_reading_order
from rcp.views.pagination import pagination_context

#: Profiles per page of the list: a page stays light and fast whatever the number of profiles.
PAGE_SIZE = 30


class ProcessListView(TemplateView):
    """The home page: counts of the published processes by type and region, each a link to
    them, and their list, filtered by type and region, a page at a time."""

    template_name = "rcp/process_list.html"

    def get_context_data(self, **kwargs):
        landscape = Landscape.of_published_profiles()
        selection = Selection.from_query(self.request.GET, landscape)
        processes = (
            selection.apply(Process.objects.published())
            .with_member_counts()
            .prefetch_related("regions", "associated_organisations")
            .order_by(in_reading_order("name"), "pk")
        )
        paging = pagination_context(
            processes, self.request.GET.get("page"), PAGE_SIZE, selection.query()
        )
        return super().get_context_data(
            landscape=landscape,
            selection=selection,
            processes=paging["page"].object_list,
            matrix_url=reverse("rcp:matrix") + selection.query_string(),
            **paging,
            **kwargs,
        )
