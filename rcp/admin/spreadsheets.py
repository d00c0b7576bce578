"""CSV and XLSX import and export in the admin: a preview of every line before anything is
written, and a confirmation that writes what the preview showed.

The import pages are the admin's own (the library's preview renders one HTML diff per row and
its confirmation runs the whole import again): the upload form, the preview of the plan
(:mod:`rcp.imports.plan`) with the guide to the columns, and the confirmation, which writes
the plan kept with the upload (:mod:`rcp.imports.write`).
"""

import time

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportActionModelAdmin

from rcp import uploads
from rcp.admin.import_guide import ImportGuideAdminMixin
from rcp.events import log_import_confirmation
from rcp.formats import FORMATS, ImportFileError, check_file_size, detect_format
from rcp.imports.plan import CHANGED, INVALID, NEW
from rcp.imports.write import ImportRefused, stored_plan, write_plan, write_stored_plan
from rcp.models import UploadPurpose

#: Lines of each kind the preview lists; the summary counts them all.
PREVIEW_LINES = 500


class SpreadsheetUploadForm(forms.Form):
    """The file to import; its format is read from the file itself. Refuses a file over the size
    limit before anything reads it into memory."""

    import_file = forms.FileField(
        label=_("File to import"),
        help_text=_("A CSV file or an Excel workbook (.xlsx), with the column names on line 1."),
    )

    def clean_import_file(self):
        import_file = self.cleaned_data["import_file"]
        try:
            check_file_size(import_file.size)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from error
        return import_file


class SpreadsheetAdmin(ImportGuideAdminMixin, ImportExportActionModelAdmin):
    """CSV and XLSX import (with a preview before anything is written) and export (all rows,
    or the selected ones through the action), for staff holding the import or export
    permission.

    An upload waiting for confirmation is kept in the database, as the uploader's, for an hour
    at most (:mod:`rcp.uploads`): any app server can confirm it, a Redis outage cannot lose
    it, and the confirmation (or its cancel) deletes it. What is imported is what was
    previewed: the plan kept with the upload, or the kept file planned again and found to
    plan the same. (The library's views, under the same URLs, are replaced by these.)"""

    formats = FORMATS
    # Both buttons on the change list (the library's default for this class shows Import only).
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"

    def get_valid_export_item_pks(self, request):
        """The rows "Export selected" may name: those this admin lists. (The library's own
        version exports from the whole table and warns that it is deprecated.)"""
        return self.get_export_queryset(request).values_list("pk", flat=True)

    def import_resource(self, request):
        return self.get_import_resource_classes(request)[0]()

    def import_action(self, request, **kwargs):
        """The upload form; once a file is sent, the preview of every line of it."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
        context = {}
        if request.method == "POST" and form.is_valid():
            import_file = form.cleaned_data["import_file"]
            data = b"".join(import_file.chunks())
            file_format = detect_format(data)
            try:
                dataset = file_format.create_dataset(data)
            except ImportFileError as error:
                form.add_error("import_file", str(error))
            else:
                resource = self.import_resource(request)
                outcome = resource.import_data(
                    dataset, dry_run=True, user=request.user, file_name=import_file.name
                )
                context.update(self.preview_context(outcome.plan, file_format))
                if outcome.plan.changes_anything:
                    context["upload"] = self.keep_upload(request, outcome.plan, data, file_format)
        return self.import_page(request, form, context)

    def preview_context(self, plan, file_format) -> dict:
        shown = {kind: plan.of_kind(kind)[:PREVIEW_LINES] for kind in (INVALID, CHANGED, NEW)}
        return {
            "plan": plan,
            "file_format": file_format.shown_name,
            "invalid_rows": shown[INVALID],
            "changed_rows": shown[CHANGED],
            "new_rows": shown[NEW],
            "preview_lines": PREVIEW_LINES,
        }

    def keep_upload(self, request, plan, data: bytes, file_format):
        """Keep the upload for its confirmation, with what the preview showed: the plan itself
        when it is written in bulk, else its fingerprint (the file is planned again)."""
        return uploads.keep(
            request.user,
            UploadPurpose.SPREADSHEET,
            data,
            name=plan.file_name,
            details={
                "model": self.opts.label,
                "format": file_format.get_title(),
                "plan": stored_plan(plan),
                "fingerprint": plan.fingerprint(),
            },
        )

    def import_page(self, request, form, context):
        context.update(
            self.admin_site.each_context(request),
            title=gettext("Import %(what)s") % {"what": self.opts.verbose_name_plural},
            form=form,
            opts=self.opts,
            media=self.media + form.media,
            **self.import_guide_context(request),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/rcp/import.html", context)

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """The confirmation, or its cancel. A confirmation that names no upload of this user
        waiting for it (expired, confirmed already, another user's, a made-up token) is
        refused with a message, never a server error; of two confirmations of one upload (a
        double click, two tabs), one imports it."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        token = request.POST.get("import_file_name")
        upload = uploads.waiting(request.user, UploadPurpose.SPREADSHEET, token)
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
        if upload is None or uploads.take(request.user, UploadPurpose.SPREADSHEET, token) is None:
            return self.import_failed(request, [gone])
        started = time.perf_counter()
        logged = {"user": request.user, "file_name": upload.name}
        try:
            counts = self.confirm(request, upload)
        except ImportRefused as refused:
            log_import_confirmation(self.opts.label, **logged, seconds=0, problems=refused.problems)
            return self.import_failed(request, refused.problems)
        log_import_confirmation(
            self.opts.label, **logged, seconds=time.perf_counter() - started, counts=counts
        )
        messages.success(
            request,
            gettext(
                "Import finished: %(new)d new, %(changed)d changed and %(unchanged)d unchanged "
                "%(what)s."
            )
            % {
                "new": counts[NEW],
                "changed": counts[CHANGED],
                "unchanged": counts["unchanged"],
                "what": self.opts.verbose_name_plural,
            },
        )
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        )

    def confirm(self, request, upload) -> dict:
        """Write what the preview of ``upload`` showed, or refuse (:class:`ImportRefused`)."""
        stored = upload.details.get("plan")
        if stored:
            return write_stored_plan(stored, user=request.user)
        names = {file_format().get_title(): file_format for file_format in FORMATS}
        file_format = names.get(upload.details.get("format"))
        if file_format is None:
            raise ImportRefused([self.changed_since_preview()])
        try:
            dataset = file_format().create_dataset(bytes(upload.data))
        except ImportFileError as error:
            raise ImportRefused([str(error)]) from error
        outcome = self.import_resource(request).import_data(
            dataset, dry_run=True, user=request.user, file_name=upload.name
        )
        if outcome.plan.has_problems or outcome.plan.fingerprint() != upload.details.get(
            "fingerprint"
        ):
            raise ImportRefused([self.changed_since_preview()])
        write_plan(outcome.plan, user=request.user)
        return outcome.plan.counts

    @staticmethod
    def changed_since_preview() -> str:
        return gettext(
            "The data changed since the preview (another editor or import changed these "
            "records). Nothing was imported: upload the file again to see a new preview."
        )

    def import_url(self) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_import")

    def import_failed(self, request, problems):
        for problem in problems:
            messages.error(request, problem)
        messages.error(request, gettext("Nothing was imported."))
        return HttpResponseRedirect(self.import_url())
