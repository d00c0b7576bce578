"""CSV and XLSX import and export in the admin: a preview before anything is written."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportActionModelAdmin
from import_export.forms import ImportForm

from rcp import uploads
from rcp.formats import FORMATS, ImportFileError, check_file_size
from rcp.models import (
    UploadPurpose,
)
from rcp.spreadsheets import describe_problems


class SpreadsheetImportForm(ImportForm):
    """Refuses a file over the size limit before anything reads it into memory."""

    def clean_import_file(self):
        import_file = self.cleaned_data["import_file"]
        try:
            check_file_size(import_file.size)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from error
        return import_file


class PreviewedUpload:
    """An upload being previewed, held in memory for that one request. (The library's temporary
    storage keeps every upload before reading it: in the cache, for a day, even one it then
    refuses.) It is kept, in the database, only once its preview offers a confirmation: see
    ``SpreadsheetAdmin.get_confirm_form_initial``."""

    name = ""

    def __init__(self, data: bytes):
        self.data = data

    def read(self) -> bytes:
        return self.data


class SpreadsheetAdmin(ImportExportActionModelAdmin):
    """CSV and XLSX import (with a preview before anything is written) and export (all rows,
    or the selected ones through the action), for staff holding the import or export
    permission.

    An upload waiting for confirmation is kept in the database, as the uploader's, for an hour
    at most (:mod:`rcp.uploads`): any app server can confirm it, a Redis outage cannot lose
    it, and the confirmation (or its cancel) deletes it. What is imported is what was
    previewed: the upload's format and resource are the ones recorded with it."""

    formats = FORMATS
    import_form_class = SpreadsheetImportForm
    import_template_name = "admin/rcp/import.html"
    # Both buttons on the change list (the library's default for this class shows Import only).
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"

    def get_valid_export_item_pks(self, request):
        """The rows "Export selected" may name: those this admin lists. (The library's own
        version exports from the whole table and warns that it is deprecated.)"""
        return self.get_export_queryset(request).values_list("pk", flat=True)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def write_to_tmp_storage(self, import_file, input_format):
        held = PreviewedUpload(b"".join(import_file.chunks()))
        import_file.rcp_previewed = held
        return held

    def get_confirm_form_initial(self, request, import_form):
        """Called once the preview found no problem: keep the upload for its confirmation."""
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            import_file = import_form.cleaned_data["import_file"]
            upload = uploads.keep(
                request.user,
                UploadPurpose.SPREADSHEET,
                import_file.rcp_previewed.data,
                name=import_file.name,
                details={
                    "model": self.opts.label,
                    "format": str(initial["format"]),
                    "resource": str(initial["resource"]),
                },
            )
            initial["import_file_name"] = upload.token
        return initial

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """The confirm step, or its cancel. A confirmation that names no upload of this user
        waiting for it (expired, confirmed already, another user's, a made-up token), or whose
        format or resource is not the previewed one (a tampered form), is refused with a
        message, never a server error."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        upload = uploads.waiting(
            request.user, UploadPurpose.SPREADSHEET, request.POST.get("import_file_name")
        )
        if upload is not None and upload.details.get("model") != self.opts.label:
            upload = None  # an upload for another list's import
        if "cancel" in request.POST:
            if upload is not None:
                uploads.discard(upload.token)
            messages.info(
                request, gettext("Import cancelled: nothing was imported, and the file is deleted.")
            )
            return HttpResponseRedirect(self.import_url())
        gone = gettext("The uploaded file is no longer waiting for confirmation. Upload it again.")
        if upload is None:
            return self.import_failed(request, [gone])
        confirm_form = self.create_confirm_form(request)
        formats = self.get_import_formats()
        recorded = (upload.details.get("format", ""), upload.details.get("resource", ""))
        if (
            not confirm_form.is_valid()
            or (confirm_form.cleaned_data["format"], confirm_form.cleaned_data["resource"])
            != recorded
            or not recorded[0].isdigit()
            or int(recorded[0]) >= len(formats)
        ):
            return self.import_failed(
                request,
                [
                    gettext(
                        "This confirmation does not match the file that was previewed (the "
                        "page was changed or is out of date). Upload the file again."
                    )
                ],
            )
        if uploads.take(request.user, UploadPurpose.SPREADSHEET, upload.token) is None:
            return self.import_failed(request, [gone])  # a second confirmation got here first
        try:
            dataset = formats[int(recorded[0])]().create_dataset(bytes(upload.data))
            result = self.process_dataset(
                dataset, confirm_form, request, file_name=upload.name, **kwargs
            )
        except ImportFileError as error:
            return self.import_failed(request, [str(error)])
        return self.process_result(result, request)

    def import_url(self) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_import")

    def process_result(self, result, request):
        """Rows that became invalid between the preview and the confirmation (another editor
        changed the data meanwhile) roll the import back: say so, not "Import finished"."""
        if result.has_errors() or result.has_validation_errors():
            resource = self.get_import_resource_classes(request)[0]()
            return self.import_failed(request, describe_problems(resource, result))
        return super().process_result(result, request)

    def import_failed(self, request, problems):
        for problem in problems:
            messages.error(request, problem)
        messages.error(request, gettext("Nothing was imported."))
        return HttpResponseRedirect(self.import_url())
