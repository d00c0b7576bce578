"""The pages of a theme and of an organisation."""

from django.views.generic import DetailView

from rcp.models import (
    FocusArea,
    Organisation,
    Process,
    ProcessOrganisation,
)
from rcp.multilingual import in_reading_order


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
