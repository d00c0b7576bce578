"""The profile editor: a whole profile on one page, written for IOM editors."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rcp.admin.concurrency import ConcurrencyAdminMixin
from rcp.admin.countries import CountryEditorAdminMixin, ParticipationInline
from rcp.admin.filters import ParticipatingCountryFilter, ReviewDueFilter
from rcp.admin.formatted_text import FormattedTextAdminMixin
from rcp.admin.forms import ProcessAdminForm
from rcp.admin.history import ProfileHistoryAdminMixin
from rcp.admin.inlines import (
    ChairInline,
    LightInlineAdminFormSet,
    MeetingInline,
    ProcessFocusAreaInline,
    ProcessOrganisationInline,
)
from rcp.admin.legacy import LegacyImportAdminMixin, LegacyImportInline
from rcp.admin.presence import PresenceAdminMixin
from rcp.admin.review import ReviewAdminMixin, ReviewQueueFilter
from rcp.admin.spreadsheets import SpreadsheetAdmin
from rcp.models import (
    Process,
    PublicationStatus,
)
from rcp.resources import (
    ProcessResource,
)
from rcp.workflow import allows, authorise, can_publish, delete_profile, mark_reviewed, set_status


@admin.register(Process)
class ProcessAdmin(
    FormattedTextAdminMixin,
    ConcurrencyAdminMixin,
    PresenceAdminMixin,
    ReviewAdminMixin,
    CountryEditorAdminMixin,
    ProfileHistoryAdminMixin,
    LegacyImportAdminMixin,
    SpreadsheetAdmin,
):
    resource_classes = [ProcessResource]
    form = ProcessAdminForm
    change_list_template = "admin/rcp/process/change_list.html"
    change_form_template = "admin/rcp/process/change_form.html"
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
        ReviewQueueFilter,
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
        ParticipationInline,
        ProcessOrganisationInline,
        ProcessFocusAreaInline,
        ChairInline,
        MeetingInline,
        LegacyImportInline,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_member_counts()

    #: The sections of the change page, as its menu names them.
    SECTION_LABELS = {
        "participations": _("Countries"),
        "organisation_roles": _("Organisations"),
        "focus_area_links": _("Focus areas"),
        "chairs": _("Chairs"),
        "meetings": _("Meetings"),
        "legacy_imports": _("Imports"),
    }

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_admin_formsets = super().get_inline_formsets(
            request, formsets, inline_instances, obj
        )
        for inline_admin_formset in inline_admin_formsets:
            inline_admin_formset.__class__ = LightInlineAdminFormSet
        return inline_admin_formsets

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """The page's menu of sections with their counts; no "Save and add another" (an
        editor works on one profile at a time)."""
        context["editor_sections"] = [
            {
                "prefix": formset.formset.prefix,
                "label": self.SECTION_LABELS.get(
                    formset.formset.prefix, capfirst(formset.opts.verbose_name_plural)
                ),
                "count": getattr(formset.formset, "total_count", None)
                or formset.formset.initial_form_count(),
            }
            for formset in context.get("inline_admin_formsets", [])
        ]
        context["show_save_and_add_another"] = False
        return super().render_change_form(request, context, add, change, form_url, obj)

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
