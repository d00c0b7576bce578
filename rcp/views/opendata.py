"""The open data: what can be downloaded, and the whole data set."""

from django.http import JsonResponse
from django.views import View
from django.views.generic import TemplateView

from rcp.opendata import full_dataset


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
