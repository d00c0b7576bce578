from django.views.generic import DetailView, ListView

from rcp.models import Process


class ProcessListView(ListView):
    """The home page: every published process."""

    template_name = "rcp/process_list.html"
    context_object_name = "processes"

    def get_queryset(self):
        return (
            Process.objects.published()
            .with_member_counts()
            .prefetch_related("regions", "associated_organisations")
        )


class ProcessDetailView(DetailView):
    """A profile page. Staff may preview drafts; the page then says it is a draft."""

    template_name = "rcp/process_detail.html"
    context_object_name = "process"

    def get_queryset(self):
        return Process.objects.visible_to(self.request.user).for_profile_page()
