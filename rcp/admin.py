"""The editing interface: a whole profile on one page, written for IOM editors."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.forms.utils import flatatt
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_countries import countries
from import_export.admin import ImportExportActionModelAdmin
from import_export.forms import ImportForm

from rcp import uploads
from rcp.admin_legacy import LegacyImportAdminMixin, LegacyImportInline
from rcp.formats import FORMATS, ImportFileError, check_file_size
from rcp.history import (
    changes_since,
    deleted_processes,
    profile_timeline,
    recover_process,
    revert_process,
    version_end,
)
from rcp.models import (
    Chair,
    FocusArea,
    Meeting,
    Organisation,
    Participation,
    Process,
    ProcessFocusArea,
    ProcessOrganisation,
    PublicationStatus,
    Region,
    UploadPurpose,
)
from rcp.resources import (
    ChairResource,
    FocusAreaResource,
    MeetingResource,
    OrganisationResource,
    ParticipationResource,
    ProcessFocusAreaResource,
    ProcessOrganisationResource,
    ProcessResource,
    RegionResource,
)
from rcp.spreadsheets import describe_problems
from rcp.workflow import allows, authorise, can_publish, delete_profile, mark_reviewed, set_status


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


class PrefetchedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that labels its selected option from the row's own related object.

    Django's autocomplete runs one query per inline row to find the label of the
    selected option. The inline querysets below ``select_related`` that object,
    so the label is already at hand and the page runs a constant number of queries.
    """

    selected_objects: dict[str, object] | None = None

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        known = self.selected_objects or {}
        if not selected or any(v not in known for v in selected):
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for v in selected:
            label = self.choices.field.label_from_instance(known[v])
            options.append(self.create_option(name, v, label, set(selected), len(options)))
        return [(None, options, 0)]


class PrefetchedLabelsForm(forms.ModelForm):
    """Hands each autocomplete the object the row already holds (see above)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, PrefetchedAutocompleteSelect):
                continue
            related = self.instance._state.fields_cache.get(name)
            if related is not None:
                widget.selected_objects = {str(related.pk): related}


class ReadableDuplicatesFormSet(BaseInlineFormSet):
    """Says which row repeats which, in words an editor understands."""

    duplicate_field = ""

    def get_unique_error_message(self, unique_check):
        if self.duplicate_field in unique_check:
            label = self.model._meta.get_field(self.duplicate_field).verbose_name
            return gettext(
                "The same %(field)s is listed twice. Each %(field)s appears once per process: "
                "remove one of the rows marked below."
            ) % {"field": label}
        return super().get_unique_error_message(unique_check)

    def clean(self):
        """Also refuse a row that repeats one saved since the page was opened.

        Django compares an inline row only with the rows submitted with it, so a row
        another editor saved meanwhile reached the database and failed with a server error.
        """
        if self.instance.pk is None:
            return super().clean()
        submitted = [form.instance.pk for form in self.forms if form.instance.pk]
        for form in self.forms:
            if form in self.deleted_forms or not form.has_changed() or not form.is_valid():
                continue
            value = getattr(form.instance, self.duplicate_field)
            saved = self.model._default_manager.filter(
                **{self.fk.name: self.instance, self.duplicate_field: value}
            ).exclude(pk__in=submitted)
            if saved.exists():
                form.add_error(
                    self.duplicate_field,
                    gettext(
                        "%(item)s was added to this process since this page was opened. "
                        "Reload the page to see it, and change that row instead of adding another."
                    )
                    % {"item": getattr(value, "name", value)},
                )
        return super().clean()


class ParticipationFormSet(ReadableDuplicatesFormSet):
    duplicate_field = "country"


class ProcessOrganisationFormSet(ReadableDuplicatesFormSet):
    duplicate_field = "organisation"


class ProcessFocusAreaFormSet(ReadableDuplicatesFormSet):
    duplicate_field = "focus_area"


class FastSelect(forms.Select):
    """A select that writes its options directly instead of through a template per option.

    Django renders every ``<option>`` through a template; a profile with 200 countries has
    200 country selects of 250 options each, which took seconds. Same HTML, a hundred times
    faster. Grouped choices fall back to Django's rendering.
    """

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        if any(isinstance(label, list | tuple) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        selected = set(self.format_value(value))
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = "".join(
            '<option value="{}"{}>{}</option>'.format(
                escape(option_value),
                " selected" if str(option_value) in selected else "",
                escape(label),
            )
            for option_value, label in choices
        )
        return mark_safe(f"<select{flatatt(attrs)}>{options}</select>")


class FastSelectInline(admin.TabularInline):
    """Inline rows whose choice fields (countries, roles, precision) render fast."""

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        kwargs.setdefault("widget", FastSelect)
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class PrefetchedAutocompleteInlineMixin:
    """Inline whose autocomplete fields read labels from ``select_related`` rows."""

    form = PrefetchedLabelsForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = PrefetchedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.autocomplete_fields)


class ParticipationInline(FastSelectInline):
    model = Participation
    formset = ParticipationFormSet
    fields = ["country", "role", "group", "note"]
    extra = 0
    verbose_name = _("country")
    verbose_name_plural = _("Participating countries (members, observers, suspended, guests)")


class ProcessOrganisationInline(PrefetchedAutocompleteInlineMixin, FastSelectInline):
    model = ProcessOrganisation
    formset = ProcessOrganisationFormSet
    fields = ["organisation", "role", "group", "position"]
    autocomplete_fields = ["organisation"]
    extra = 0
    verbose_name = _("organisation")
    verbose_name_plural = _("Participating organisations (members, observers, partners)")


class ProcessFocusAreaInline(PrefetchedAutocompleteInlineMixin, FastSelectInline):
    model = ProcessFocusArea
    formset = ProcessFocusAreaFormSet
    fields = ["focus_area", "position"]
    autocomplete_fields = ["focus_area"]
    extra = 0
    verbose_name_plural = _("Current focus (listed after “Specific areas of discussion include:”)")


class ChairInline(PrefetchedAutocompleteInlineMixin, FastSelectInline):
    model = Chair
    fields = ["country", "organisation", "start_date", "end_date", "date_precision"]
    autocomplete_fields = ["organisation"]
    extra = 0


class MeetingInline(FastSelectInline):
    model = Meeting
    fields = ["title", "start_date", "end_date", "date_precision", "city", "country"]
    extra = 0


class ProcessAdminForm(forms.ModelForm):
    """The profile form, with optimistic concurrency.

    It remembers the version of the profile the editor opened. If the profile (or any of its
    countries, organisations, chairs, meetings or focus areas) was saved by someone else
    meanwhile, nothing is saved: the editor is told who changed what, and may save again
    over it knowingly.
    """

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    opened_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = self.instance.version
        self.fields["opened_at"].initial = timezone.now()

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        current = (
            Process.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        opened = cleaned_data.get("opened_version")
        if current is None or opened == current:
            return cleaned_data
        opened_at = cleaned_data.get("opened_at") or self.instance.updated_at
        problems = [
            gettext(
                "Someone else saved this profile after you opened it, so your changes were "
                "not saved. Their changes are listed below. Reload the page to start from the "
                "current version, or press Save again to save your version over theirs."
            )
        ]
        for version in changes_since(self.instance.pk, opened_at):
            for change in version.changes:
                details = "; ".join(strip_tags(str(detail)) for detail in change.details)
                problems.append(
                    f"{version.user_name}, {date_format(version.date, 'DATETIME_FORMAT')}: "
                    f"{change.label} {change.verb}{': ' + details if details else ''}"
                )
        # A second Save, after reading this, is a deliberate overwrite.
        data = self.data.copy()
        data[self.add_prefix("opened_version")] = current
        data[self.add_prefix("opened_at")] = timezone.now().isoformat()
        self.data = data
        raise forms.ValidationError(problems, code="conflict")

    class Meta:
        model = Process
        fields = [
            "name",
            "acronym",
            "slug",
            "status",
            "kind",
            "regions",
            "activity",
            "established",
            "website",
            "objectives",
            "has_official_secretariat",
            "secretariat_organisation",
            "secretariat",
            "associated_organisations",
        ]

    def clean_associated_organisations(self):
        organisations = self.cleaned_data["associated_organisations"]
        Process.validate_associated_organisations(list(organisations))
        return organisations


class ParticipatingCountryFilter(admin.SimpleListFilter):
    """Countries that take part in at least one process, in one query."""

    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = Participation.objects.order_by().values_list("country", flat=True).distinct()
        return sorted(
            ((code, countries.name(code)) for code in codes), key=lambda item: str(item[1])
        )

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(participations__country=self.value()).distinct()
        return queryset


class ReviewDueFilter(admin.SimpleListFilter):
    """The profiles nobody has checked for a year, for the yearly review."""

    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("due", _("Not reviewed for a year (or never)")),
            ("recent", _("Reviewed within a year")),
        ]

    def queryset(self, request, queryset):
        year_ago = timezone.localdate() - datetime.timedelta(days=Process.REVIEW_INTERVAL_DAYS)
        if self.value() == "due":
            return queryset.filter(
                Q(last_reviewed_on__isnull=True) | Q(last_reviewed_on__lt=year_ago)
            )
        if self.value() == "recent":
            return queryset.filter(last_reviewed_on__gte=year_ago)
        return queryset


@admin.register(Process)
class ProcessAdmin(LegacyImportAdminMixin, SpreadsheetAdmin):
    resource_classes = [ProcessResource]
    form = ProcessAdminForm
    change_list_template = "admin/rcp/process/change_list.html"
    object_history_template = "admin/rcp/process/profile_history.html"
    list_display = [
        "name",
        "acronym",
        "kind",
        "activity",
        "status",
        "established",
        "member_count_column",
        "updated_at",
        "last_reviewed_on",
    ]
    list_filter = [
        "status",
        ReviewDueFilter,
        "kind",
        "activity",
        "regions",
        ParticipatingCountryFilter,
    ]
    list_select_related = ["last_reviewed_by"]
    search_fields = ["name", "acronym", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["regions", "associated_organisations", "secretariat_organisation"]
    readonly_fields = ["created_at", "updated_at", "last_reviewed_on", "last_reviewed_by"]
    actions = ["publish", "unpublish", "archive", "mark_as_reviewed"]
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "status", "opened_version", "opened_at"]}),
        (
            _("About the process"),
            {"fields": ["kind", "regions", "activity", "established", "website"]},
        ),
        (_("Objectives"), {"fields": ["objectives"]}),
        (
            _("Secretariat"),
            {"fields": ["has_official_secretariat", "secretariat_organisation", "secretariat"]},
        ),
        (_("Association"), {"fields": ["associated_organisations"]}),
        (
            _("Record"),
            {
                "fields": ["created_at", "updated_at", "last_reviewed_on", "last_reviewed_by"],
                "classes": ["collapse"],
            },
        ),
    ]
    inlines = [
        ProcessFocusAreaInline,
        ParticipationInline,
        ProcessOrganisationInline,
        ChairInline,
        MeetingInline,
        LegacyImportInline,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_member_counts()

    @admin.display(description=_("members"), ordering="member_count")
    def member_count_column(self, process):
        return process.member_count

    # Who may do what ------------------------------------------------------------------

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        """Editors see the publication status but cannot change it."""
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            readonly.append("status")
        return readonly

    def has_delete_permission(self, request, obj=None):
        """Deleting a public profile takes it off the site: that is a Publisher's decision
        (the publishing gate's rule, so that the delete link is offered only where it works)."""
        if obj is not None and not allows(obj, actor=request.user, delete=True):
            return False
        return super().has_delete_permission(request, obj)

    # Every save and deletion passes the publishing gate (rcp.workflow.authorise), which
    # refuses a crafted request; the status field is read-only to Editors besides.

    def save_model(self, request, obj, form, change):
        authorise(obj, actor=request.user)
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        delete_profile(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        """The bulk delete action: one profile at a time, each through the gate; all or none."""
        with transaction.atomic():
            for process in queryset:
                delete_profile(process, actor=request.user)

    # Publishing and review --------------------------------------------------------------

    def _set_status(self, request, queryset, status):
        changed = sum(set_status(p, status, actor=request.user) for p in queryset)
        label = PublicationStatus(status).label
        self.message_user(
            request,
            gettext("%(count)d profile(s) now %(status)s.") % {"count": changed, "status": label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Publish selected profiles"), permissions=["publish"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, PublicationStatus.PUBLISHED)

    @admin.action(
        description=_("Unpublish selected profiles (back to draft)"), permissions=["publish"]
    )
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, PublicationStatus.DRAFT)

    @admin.action(description=_("Archive selected profiles"), permissions=["publish"])
    def archive(self, request, queryset):
        self._set_status(request, queryset, PublicationStatus.ARCHIVED)

    @admin.action(description=_("Mark selected profiles as reviewed today"), permissions=["change"])
    def mark_as_reviewed(self, request, queryset):
        for process in queryset:
            mark_reviewed(process, user=request.user)
        self.message_user(
            request,
            gettext("%(count)d profile(s) marked as reviewed today.") % {"count": len(queryset)},
            messages.SUCCESS,
        )

    # History, revert, recovery ----------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/history/<uuid:changeset>/revert/",
                self.admin_site.admin_view(self.revert_view),
                name=f"{prefix}_revert",
            ),
            path(
                "recover/",
                self.admin_site.admin_view(self.recover_list_view),
                name=f"{prefix}_recover_list",
            ),
            path(
                "recover/<int:object_id>/",
                self.admin_site.admin_view(self.recover_view),
                name=f"{prefix}_recover",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        """Every version of the profile and its parts: who, when, and a readable diff."""
        process = self.get_object(request, unquote(object_id))
        if process is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, process):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("History of %(name)s") % {"name": process},
            "subtitle": None,
            "module_name": capfirst(self.opts.verbose_name_plural),
            "opts": self.opts,
            "object": process,
            "versions": profile_timeline(process.pk),
            "can_revert": self.has_change_permission(request, process),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    @method_decorator(require_POST)
    def revert_view(self, request, object_id, changeset):
        process = self.get_object(request, unquote(object_id))
        if process is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, process):
            raise PermissionDenied
        try:
            moment = version_end(process.pk, changeset)
            revert_process(process, to=moment, user=request.user)
        except LookupError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("The profile is back as it was on %(date)s.")
                % {"date": date_format(timezone.localtime(moment), "DATETIME_FORMAT")},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:rcp_process_change", args=[process.pk], current_app=self.admin_site.name)
        )

    def recover_list_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Recover deleted profiles"),
            "opts": self.opts,
            "deleted": deleted_processes(),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/rcp/process/recover_list.html", context)

    @method_decorator(require_POST)
    def recover_view(self, request, object_id):
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            process = recover_process(object_id, user=request.user)
        except LookupError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:rcp_process_recover_list"))
        self.message_user(
            request,
            gettext("%(name)s is back, as a draft, with all its parts.") % {"name": process},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:rcp_process_change", args=[process.pk]))


@admin.register(Organisation)
class OrganisationAdmin(SpreadsheetAdmin):
    resource_classes = [OrganisationResource]
    list_display = ["name", "acronym", "ceased_year", "process_count", "website"]
    ordering = ["name"]  # the process count (GROUP BY) drops Meta.ordering in autocompletes
    list_filter = [("ceased_year", admin.EmptyFieldListFilter)]
    search_fields = ["name", "acronym", "english_name"]
    prepopulated_fields = {"slug": ["acronym"]}
    autocomplete_fields = ["succeeded_by"]
    list_select_related = ["succeeded_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(process_count=Count("process_roles"))

    @admin.display(description=_("processes"), ordering="process_count")
    def process_count(self, organisation):
        return organisation.process_count


@admin.register(FocusArea)
class FocusAreaAdmin(SpreadsheetAdmin):
    resource_classes = [FocusAreaResource]
    list_display = ["name", "process_count"]
    ordering = ["name"]  # the process count (GROUP BY) drops Meta.ordering in autocompletes
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(process_count=Count("process_links"))

    @admin.display(description=_("processes"), ordering="process_count")
    def process_count(self, focus_area):
        return focus_area.process_count


@admin.register(Region)
class RegionAdmin(SpreadsheetAdmin):
    resource_classes = [RegionResource]
    list_display = ["name", "process_count"]
    ordering = ["name"]  # the process count (GROUP BY) drops Meta.ordering in autocompletes
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(process_count=Count("processes"))

    @admin.display(description=_("processes"), ordering="process_count")
    def process_count(self, region):
        return region.process_count


class ProfilePartAdmin(SpreadsheetAdmin):
    """The list of one kind of part of the profiles (countries, meetings...)."""

    def delete_queryset(self, request, queryset):
        """“Delete selected” deletes one row at a time, as the profile form does, so each
        profile's version (which warns an editor with it open) and "Last updated" go up."""
        with transaction.atomic():
            for part in queryset:
                part.delete()


@admin.register(Participation)
class ParticipationAdmin(ProfilePartAdmin):
    resource_classes = [ParticipationResource]
    list_display = ["country", "process", "role", "group", "note"]
    list_filter = ["role", "process", ParticipatingCountryFilter]
    search_fields = ["process__name", "process__acronym", "group", "note"]
    list_select_related = ["process"]
    autocomplete_fields = ["process"]


@admin.register(ProcessOrganisation)
class ProcessOrganisationAdmin(ProfilePartAdmin):
    resource_classes = [ProcessOrganisationResource]
    list_display = ["organisation", "process", "role", "group", "position"]
    list_filter = ["role", "process"]
    search_fields = ["organisation__name", "organisation__acronym", "process__name"]
    list_select_related = ["process", "organisation"]
    autocomplete_fields = ["process", "organisation"]


@admin.register(ProcessFocusArea)
class ProcessFocusAreaAdmin(ProfilePartAdmin):
    resource_classes = [ProcessFocusAreaResource]
    list_display = ["focus_area", "process", "position"]
    list_filter = ["process"]
    search_fields = ["focus_area__name", "process__name"]
    list_select_related = ["process", "focus_area"]
    autocomplete_fields = ["process", "focus_area"]


@admin.register(Chair)
class ChairAdmin(ProfilePartAdmin):
    resource_classes = [ChairResource]
    list_display = ["holder_name", "process", "start_date", "end_date", "date_precision"]
    list_filter = ["process"]
    search_fields = ["process__name", "organisation__name", "organisation__acronym"]
    list_select_related = ["process", "organisation"]
    autocomplete_fields = ["process", "organisation"]


@admin.register(Meeting)
class MeetingAdmin(ProfilePartAdmin):
    resource_classes = [MeetingResource]
    list_display = ["title", "process", "start_date", "end_date", "city", "country"]
    list_filter = ["process", "date_precision"]
    search_fields = ["title", "city", "process__name"]
    date_hierarchy = "start_date"
    list_select_related = ["process"]
    autocomplete_fields = ["process"]
