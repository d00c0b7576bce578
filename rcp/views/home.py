"""The home page: the landscape of published processes."""

from django.views.generic import ListView

from rcp.models import (
    Process,
    ProcessKind,
    Region,
)
from rcp.multilingual import in_reading_order


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
