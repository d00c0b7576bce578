"""The membership matrix: a page of processes at a time as a table, every process of the
selection as a CSV or XLSX download."""

from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from rcp.landscape import Landscape, Selection
from rcp.matrix import Matrix, processes_in_order, role_key
from rcp.models import Process
from rcp.views.pagination import pagination_context

#: Processes (columns) per page of the table: about as many as a wide screen shows, and a page
#: that stays light with every country as a row. The downloads hold every process.
PROCESSES_PER_PAGE = 20

DOWNLOADS = {
    "csv": ("text/csv; charset=utf-8", Matrix.csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Matrix.xlsx),
}


def selected_processes(request) -> tuple[Landscape, Selection, object]:
    landscape = Landscape.of_published_profiles()
    selection = Selection.from_query(request.GET, landscape)
    return landscape, selection, processes_in_order(selection.apply(Process.objects.published()))


class MatrixView(TemplateView):
    """Countries by processes, the role of each country in each process in its cell."""

    template_name = "rcp/matrix.html"

    def get_context_data(self, **kwargs):
        landscape, selection, processes = selected_processes(self.request)
        paging = pagination_context(
            processes, self.request.GET.get("page"), PROCESSES_PER_PAGE, selection.query()
        )
        downloads = selection.query_string()
        return super().get_context_data(
            landscape=landscape,
            selection=selection,
            matrix=Matrix.of(paging["page"].object_list),
            role_key=role_key(),
            **paging,
            csv_url=reverse("rcp:matrix-download", kwargs={"file_format": "csv"}) + downloads,
            xlsx_url=reverse("rcp:matrix-download", kwargs={"file_format": "xlsx"}) + downloads,
            **kwargs,
        )


class MatrixDownloadView(View):
    """The whole matrix of the selection, as ``rcp-membership-matrix.csv`` or ``.xlsx``."""

    def get(self, request, file_format: str):
        _landscape, selection, processes = selected_processes(request)
        if selection.problems:
            return HttpResponseBadRequest(
                " ".join(selection.problems), content_type="text/plain; charset=utf-8"
            )
        content_type, export = DOWNLOADS[file_format]
        response = HttpResponse(export(Matrix.of(processes)), content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="rcp-membership-matrix.{file_format}"'
        )
        return response
