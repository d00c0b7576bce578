"""The guide on an admin's import page: what each column of the file holds, and a template
file (CSV or XLSX: the column names and one example row) to start from."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import re_path, reverse
from django.utils.http import content_disposition_header

from rcp.imports.guide import TEMPLATE_FORMATS, column_guide, identifying_rows, template_file


class ImportGuideAdminMixin:
    """Adds ``import/template.csv`` and ``import/template.xlsx`` to an admin with an import
    (for staff who may import, as the import itself), and :meth:`import_guide_context`, what
    ``admin/rcp/includes/import_guide.html`` shows on the import page."""

    def get_urls(self):
        return [
            re_path(
                rf"^import/template\.(?P<format_name>{'|'.join(TEMPLATE_FORMATS)})$",
                self.admin_site.admin_view(self.import_template_view),
                name=self.import_template_url_name(),
            ),
            *super().get_urls(),
        ]

    def import_template_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_import_template"

    def guided_resource(self, request):
        """The resource the import page reads files with (each admin here has one)."""
        return self.get_import_resource_classes(request)[0]()

    def import_template_view(self, request, format_name):
        if not self.has_import_permission(request):
            raise PermissionDenied
        content, content_type, file_name = template_file(self.guided_resource(request), format_name)
        return HttpResponse(
            content,
            content_type=content_type,
            headers={"Content-Disposition": content_disposition_header(True, file_name)},
        )

    def import_guide_context(self, request) -> dict:
        """The guide's part of the import page's context."""
        resource = self.guided_resource(request)
        columns = column_guide(resource)
        urls = {
            format_name: reverse(
                f"{self.admin_site.name}:{self.import_template_url_name()}",
                kwargs={"format_name": format_name},
                current_app=self.admin_site.name,
            )
            for format_name in TEMPLATE_FORMATS
        }
        return {
            "import_guide_records": resource._meta.model._meta.verbose_name_plural,
            "import_guide_columns": [column for column in columns if not column.export_only],
            "import_guide_export_only": [column for column in columns if column.export_only],
            "import_guide_identifying_rows": identifying_rows(resource),
            "import_template_csv_url": urls["csv"],
            "import_template_xlsx_url": urls["xlsx"],
        }
