"""The profile editor: a whole profile on one page, written for IOM editors."""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
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
from rcp.admin.translations import (
    LanguageColumnsMixin,
    ReadingOrderMixin,
    TranslationFilter,
    label_translations_formset,
    language_columns,
    language_names,
    search_in_every_language,
    translation_status,
    untranslated_summary,
    with_translation_status,
)
from rcp.admin.widgets import PrefetchedAutocompleteSelect, PrefetchedAutocompleteSelectMultiple
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
    LanguageColumnsMixin,
    ReadingOrderMixin,
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
    #: Said once, by the page's summary of what is not yet translated.
    translation_help = ""
    change_list_template = "admin/rcp/process/change_list.html"
    change_form_template = "admin/rcp/process/change_form.html"
    object_history_template = "admin/rcp/process/profile_history.html"
    list_display = [
        "name",
        "acronym",
        "translation_column",
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
        TranslationFilter,
    ]
    list_select_related = ["last_reviewed_by"]
    # The columns of every language: a bare "name" is the editor's language's column only.
    search_fields = search_in_every_language(Process, ["name", "acronym", "slug"])
    ordering = ["name_en"]
    reading_order = "name"
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["regions", "associated_organisations", "secretariat_organisation"]
    readonly_fields = ["created_at", "updated_at", "last_reviewed_on", "last_reviewed_by"]
    actions = ["publish", "unpublish", "archive", "mark_as_reviewed"]
    # Each text in English, French and Spanish: the language columns, never the field itself,
    # which would write the editor's language (rcp.admin.translations).
    fieldsets = [
        (
            None,
            {
                "fields": [
                    *language_columns("name"),
                    *language_columns("acronym"),
                    "slug",
                    "status",
                    "opened_version",
                    "opened_at",
                ]
            },
        ),
        (
            _("About the process"),
            {"fields": ["kind", "regions", "activity", "established", "website"]},
        ),
        (_("Objectives"), {"fields": language_columns("objectives")}),
        (
            _("Secretariat"),
            {
                "fields": [
                    "has_official_secretariat",
                    "secretariat_organisation",
                    *language_columns("secretariat"),
                ]
            },
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
        return with_translation_status(super().get_queryset(request).with_member_counts())

    #: What the change page reads of the profile besides its row, fetched once: the form's
    #: autocompletes label them (rcp.admin.widgets) and the translation summary reads them.
    PROFILE_RELATED = ("regions", "associated_organisations", "secretariat_organisation")

    def get_object(self, request, object_id, from_field=None):
        process = super().get_object(request, object_id, from_field)
        match = request.resolver_match
        if process is not None and match and match.url_name == "rcp_process_change":
            prefetch_related_objects([process], *self.PROFILE_RELATED)
        return process

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = PrefetchedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = PrefetchedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _create_formsets(self, request, obj, change):
        """The countries section's table of group labels and notes to translate, built from
        the rows the countries and organisations sections fetch (no query of its own), for
        the sections this editor may change."""
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        by_prefix = dict(
            zip(
                (f.prefix for f in formsets),
                zip(formsets, inline_instances, strict=True),
                strict=True,
            )
        )
        countries = by_prefix.get("participations")
        if countries is None or obj is None or obj.pk is None:
            return formsets, inline_instances
        sources = {}
        if countries[0].can_change_rows:
            sources["country-group"] = sources["country-note"] = countries[0].rows
        organisations = by_prefix.get("organisation_roles")
        if organisations is not None and organisations[1].has_change_permission(request, obj):
            sources["organisation-group"] = list(organisations[0].get_queryset())
        countries[0].label_translations = label_translations_formset(
            request.POST if request.method == "POST" else None, obj, sources=sources
        )
        return formsets, inline_instances

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
        context["language_names"] = language_names()
        if obj is not None and obj.pk is not None:
            context["untranslated"] = untranslated_summary(
                self.profile_records(obj, context.get("inline_admin_formsets", []))
            )
            for formset in context.get("inline_admin_formsets", []):
                if getattr(formset.formset, "label_translations", None) is not None:
                    context["label_translations"] = formset.formset.label_translations
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def profile_records(process, inline_admin_formsets) -> list:
        """The records whose texts the profile page shows, from what the change page has
        fetched (rcp.multilingual.profile_records asks a prefetched profile for the same)."""
        records = [process, *process.regions.all(), *process.associated_organisations.all()]
        if process.secretariat_organisation_id:
            records.append(process.secretariat_organisation)
        for inline_admin_formset in inline_admin_formsets:
            formset = inline_admin_formset.formset
            if formset.prefix == "participations":
                records.extend(formset.rows)
            elif formset.prefix == "organisation_roles":
                for role in formset.get_queryset():
                    records.extend((role, role.organisation))
            elif formset.prefix == "focus_area_links":
                records.extend(link.focus_area for link in formset.get_queryset())
            elif formset.prefix == "meetings":
                records.extend(formset.get_queryset())
        return records

    def save_related(self, request, form, formsets, change):
        """Then the translations of the group labels and notes (the countries editor's table):
        after every section's rows, so that none of them, saved from the rows as the page
        read them, writes back an old translation."""
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            labels = getattr(formset, "label_translations", None)
            if labels is not None and labels.is_bound:
                formset.changed_rows.extend(labels.save())

    @admin.display(description=_("translations"))
    def translation_column(self, process):
        return format_html_join(
            mark_safe("<br>"), "{}", ((line,) for line in translation_status(process))
        )

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
