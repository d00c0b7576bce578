"""The legacy page import in the admin: upload, preview, confirm; and the reports on the profile.

An editor uploads a saved page (or pastes its text), sees what the import would change in
the profile (:mod:`rcp.legacy.plan`: what it adds, changes and removes, field by field), the
profile the importer read and its data-quality report, and confirms or cancels. The page is
read once: what was read waits for the confirmation in the database (:mod:`rcp.legacy.pending`),
where any app server finds it, whether Redis is up or not, with the stamp of the plan the
preview showed; the confirmation imports only that plan, and shows the preview again if the
profile changed in between. A page that cannot be imported as it is is not kept. Each import's
report stays on the profile's change page (:class:`LegacyImportInline`).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rcp.legacy import limits, pending
from rcp.legacy.extract import decode
from rcp.legacy.parser import parse_page
from rcp.legacy.plan import ImportRefused, find_existing, plan_profile_import
from rcp.legacy.report import Report
from rcp.legacy.service import import_profile
from rcp.models import LegacyImport
from rcp.workflow import can_publish


class LegacyPageForm(forms.Form):
    """A saved page or its pasted text, each refused over the size limit with the same
    message (:mod:`rcp.legacy.limits`); ``oversized`` gives the sizes of what was too large
    for Django to read (``request.oversized_fields``)."""

    page_file = forms.FileField(
        label=_("Saved page"),
        required=False,
        help_text=_("The page saved from the browser: as text (.txt) or as a web page (.html)."),
    )
    page_text = forms.CharField(
        label=_("…or the page's text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
        help_text=_("Select all on the page, copy, and paste here."),
    )
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=200,
        help_text=_("The process's name, if the page has no title. E.g. “Tripoli Process”."),
    )

    def __init__(self, *args, oversized=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.oversized = oversized or {}
        limit = limits.max_bytes() / 1024 / 1024
        self.fields["page_file"].help_text += " " + gettext("At most %(limit).1f MB.") % {
            "limit": limit
        }

    def _check_size(self, name: str, size: int | None) -> None:
        size = self.oversized.get(name, size)
        if size is not None:
            try:
                limits.check_size(size)
            except limits.PageTooLarge as error:
                raise forms.ValidationError(str(error), code="too_large") from error

    def clean_page_file(self):
        upload = self.cleaned_data.get("page_file")
        self._check_size("page_file", upload.size if upload else None)
        return upload

    def clean_page_text(self):
        text = self.cleaned_data.get("page_text") or ""
        self._check_size("page_text", len(text.encode("utf-8")))
        return text

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("page_file"), (cleaned.get("page_text") or "").strip()
        if not upload and not text and not self.errors:
            raise forms.ValidationError(gettext("Choose a saved page, or paste the page's text."))
        if upload:
            cleaned["page"] = decode(upload.read())
            cleaned["source_name"] = upload.name
        else:
            cleaned["page"] = text
            cleaned["source_name"] = gettext("pasted text")
        return cleaned


class LegacyConfirmForm(forms.Form):
    """The confirmation; ``plan`` (the preview's) says what the removal tick's label counts.
    The tick is checked where it counts, in the import: a confirmation without it (a form
    posted by hand included) keeps on a published profile the rows the page does not list."""

    token = forms.CharField(widget=forms.HiddenInput)
    accept_suggestions = forms.BooleanField(
        label=_("Use the suggested countries for the names that are not countries"),
        required=False,
    )
    publish = forms.BooleanField(label=_("Publish the profile"), required=False)
    remove_unlisted = forms.BooleanField(required=False)

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        if plan is not None and plan.unlisted_count:
            self.fields["remove_unlisted"].label = gettext(
                "Also remove the %(rows)s the page does not list"
            ) % {"rows": plan.unlisted_summary()}


class LegacyImportInline(admin.StackedInline):
    """Each import of a legacy page into this profile, with its report: read only."""

    model = LegacyImport
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["created_at", "user", "source_name", "summary", "report_display"]
    readonly_fields = fields
    verbose_name = _("legacy page import")
    verbose_name_plural = _("Legacy page imports (what the imported page had wrong)")
    classes = ["collapse"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("rcp.view_process") or request.user.has_perm(
            "rcp.change_process"
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("report"))
    def report_display(self, record):
        report = Report.from_json(record.report)
        if not report.findings:
            return gettext("Nothing to report.")
        return format_html_join(
            "",
            "<p><strong>{}</strong></p><ul>{}</ul>",
            (
                (
                    heading,
                    format_html_join(
                        "",
                        "<li>{}{}</li>",
                        (
                            (
                                str(finding),
                                format_html("<br><q>{}</q>", finding.quote)
                                if finding.quote and finding.quote not in finding.message
                                else "",
                            )
                            for finding in findings
                        ),
                    ),
                )
                for heading, findings in report.grouped()
            ),
        )


class LegacyImportAdminMixin:
    """Adds "Import a legacy page" to the profile admin (see the module docstring)."""

    legacy_upload_template = "admin/rcp/process/legacy_import.html"
    legacy_preview_template = "admin/rcp/process/legacy_preview.html"

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "import-legacy-page/",
                self.admin_site.admin_view(self.legacy_upload_view),
                name=f"{prefix}_import_legacy",
            ),
            path(
                "import-legacy-page/confirm/",
                self.admin_site.admin_view(self.legacy_confirm_view),
                name=f"{prefix}_import_legacy_confirm",
            ),
            *super().get_urls(),
        ]

    def has_legacy_import_permission(self, request) -> bool:
        return self.has_add_permission(request) or self.has_change_permission(request)

    def _legacy_context(self, request, **extra):
        request.current_app = self.admin_site.name
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import a legacy profile page"),
            "can_publish": can_publish(request.user),
            **extra,
        }

    def legacy_upload_view(self, request):
        if not self.has_legacy_import_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = LegacyPageForm(
                request.POST,
                request.FILES,
                oversized=getattr(request, "oversized_fields", None),
            )
            if form.is_valid():
                try:
                    parsed, report = parse_page(
                        form.cleaned_data["page"], name=form.cleaned_data["name"] or None
                    )
                except limits.PageTooLarge as error:
                    form.add_error(None, str(error))
                else:
                    source_name = form.cleaned_data["source_name"]
                    token, plan, problems = "", None, []
                    if not report.blocking(accept_suggestions=True):
                        plan, problems = _plan(parsed)
                        token = pending.keep(
                            request.user,
                            parsed,
                            report,
                            source_name=source_name,
                            stamp=plan.stamp() if plan else None,
                        ).token
                    return self._legacy_preview(
                        request,
                        parsed,
                        report,
                        source_name,
                        LegacyConfirmForm(initial={"token": token}, plan=plan),
                        plan=plan,
                        problems=problems,
                    )
        else:
            form = LegacyPageForm()
        return TemplateResponse(
            request, self.legacy_upload_template, self._legacy_context(request, form=form)
        )

    def _legacy_preview(
        self, request, parsed, report, source_name, confirm_form, *, plan=None, problems=()
    ):
        """What the import would change (``plan``), the page as read, its report, and the
        confirmation form (unless it cannot be imported as it is: then it was not kept, and
        there is nothing to confirm)."""
        context = self._legacy_context(
            request,
            parsed=parsed,
            report=plan.report_with_findings(report) if plan else report,
            plan=plan,
            existing=plan.process if plan else None,
            source_name=source_name,
            confirm_form=confirm_form,
            has_suggestions=any(f.suggestion for f in report.of_kind("unknown_name")),
            has_unknown_names=bool(report.of_kind("unknown_name")),
            errors=problems,
            stopping=report.blocking(accept_suggestions=True),
        )
        return TemplateResponse(request, self.legacy_preview_template, context)

    def _legacy_preview_again(self, request, page, form, problems):
        """The preview of a waiting page shown again after a confirmation that imported
        nothing, with the plan made now, whose stamp the page keeps from now on."""
        # Shown as it was read (the refused import may have marked the report).
        page = pending.waiting(request.user, page.token) or page
        plan, plan_problems = _plan(page.parsed)
        pending.restamp(page, plan.stamp() if plan else None)
        initial = {
            "token": page.token,
            "accept_suggestions": form.cleaned_data["accept_suggestions"],
            "publish": form.cleaned_data["publish"],
        }
        return self._legacy_preview(
            request,
            page.parsed,
            page.report,
            page.source_name,
            LegacyConfirmForm(initial=initial, plan=plan),
            plan=plan,
            problems=[*problems, *(p for p in plan_problems if p not in problems)],
        )

    def legacy_confirm_view(self, request):
        """Import the page waiting under the form's token (the user's own upload only), or
        forget it when the editor cancels. An imported page waits no more; a refused import
        shows the preview again, and the page keeps waiting (e.g. for accepted suggestions)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_legacy_import_permission(request):
            raise PermissionDenied
        form = LegacyConfirmForm(request.POST)
        with transaction.atomic():
            # The page's row stays locked until its import is done: a second confirmation of
            # it (a double click, two tabs) waits for this one, then finds it gone.
            return self._legacy_confirm(request, form)

    def _legacy_confirm(self, request, form):
        page = (
            pending.waiting(request.user, form.cleaned_data["token"], lock=True)
            if form.is_valid()
            else None
        )
        if page is None:
            messages.error(
                request,
                gettext(
                    "The uploaded page is no longer waiting for confirmation (it is kept for an "
                    "hour). Upload it again."
                ),
            )
            return HttpResponseRedirect(reverse("admin:rcp_process_import_legacy"))
        if "cancel" in request.POST:
            pending.discard(page)
            messages.info(
                request,
                gettext("The page %(page)s was not imported; it is no longer kept.")
                % {"page": page.source_name},
            )
            return HttpResponseRedirect(reverse("admin:rcp_process_import_legacy"))
        # Publishing is checked by the publishing gate, in import_profile: 403 for an Editor.
        publish = form.cleaned_data["publish"]
        try:
            existing = find_existing(page.parsed) if page.parsed.name else None
        except ImportRefused:
            existing = None
        if existing is None and not self.has_add_permission(request):
            raise PermissionDenied
        if existing is not None and not self.has_change_permission(request, existing):
            raise PermissionDenied
        try:
            outcome = import_profile(
                page.parsed,
                page.report,
                user=request.user,
                publish=publish,
                accept_suggestions=form.cleaned_data["accept_suggestions"],
                remove_unlisted=form.cleaned_data["remove_unlisted"],
                source_name=page.source_name,
                # A page whose preview showed no plan has none to match: it is shown again.
                expected=page.stamp or {},
            )
        except ImportRefused as refused:
            return self._legacy_preview_again(request, page, form, refused.problems)
        pending.discard(page)
        messages.success(
            request,
            outcome.describe()
            + " "
            + gettext("Its report is at the bottom of this page, under “Legacy page imports”."),
        )
        return HttpResponseRedirect(reverse("admin:rcp_process_change", args=[outcome.process.pk]))


def _plan(parsed) -> tuple:
    """The plan the preview shows (suggested countries used: without them nothing is
    imported), or why there is none."""
    try:
        return plan_profile_import(parsed, accept_suggestions=True), []
    except ImportRefused as refused:
        return None, refused.problems
