"""The countries of a profile, edited as IOM editors work: from lists copied out of spreadsheets
and web pages.

Existing rows are shown grouped by role and group, as the public page lists them; each row's
country is text (a row is a country: to change it, remove the row and add the other), its role a
select of four, its group a select of the groups the profile uses. New countries are pasted into
one box, as many as wanted at once, and every entry is matched before anything is saved, with
the matcher the imports use (:func:`rcp.countries.read_country_list`): unknown names with a
suggestion to accept, repeats within the list and countries already listed are flagged, the
latter on both rows. Nothing on the page is a 250-country select: the page that had one per row
weighed over a megabyte.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from rcp.admin.presence import display_name
from rcp.admin.widgets import COUNTRY_NAMES_LIST_ID, country_name, render_fast
from rcp.countries import (
    MAX_PASTED_ENTRIES,
    country_name_choices,
    read_country_list,
)
from rcp.models import Participation, ParticipationRole, reading_order_key

ROLE_ORDER = {role: index for index, role in enumerate(ParticipationRole.values)}
MAX_PASTED_CHARACTERS = 20_000


def group_choices(groups) -> list[tuple[str, str]]:
    return [("", gettext("(no group)")), *((group, group) for group in groups)]


ROLE_HEADINGS = {
    ParticipationRole.MEMBER: _("Members"),
    ParticipationRole.OBSERVER: _("Observers"),
    ParticipationRole.SUSPENDED: _("Suspended members"),
    ParticipationRole.GUEST: _("Guests"),
}


def group_heading(role: str, group: str, count: int) -> str:
    label = str(ROLE_HEADINGS.get(role, role))
    if group:
        return f"{label} · {group} ({count})"
    return f"{label} ({count})"


class AddCountriesForm(forms.Form):
    """The countries to add, pasted as a list, with one role and group for all of them."""

    countries = forms.CharField(
        label=_("Add countries"),
        required=False,
        max_length=MAX_PASTED_CHARACTERS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60, "spellcheck": "false"}),
        help_text=_(
            "Paste or type the countries: one a line, or separated by commas, semicolons or tabs "
            "(as copied from Excel or a web page). Names in English, French or Spanish, codes "
            "and common names such as “UK” or “Ivory Coast” are understood."
        ),
    )
    role = forms.ChoiceField(
        label=_("as"), choices=ParticipationRole.choices, initial=ParticipationRole.MEMBER
    )
    group = forms.ChoiceField(label=_("in the group"), required=False)
    new_group = forms.CharField(
        label=_("or a new group"),
        required=False,
        max_length=Participation._meta.get_field("group").max_length,
        help_text=_("E.g. “AU” or “EU”: read “53 AU Member States” in the members header."),
    )

    def __init__(self, *args, groups=(), listed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = group_choices(groups)
        for field in self.fields.values():
            render_fast(field.widget)
        self.listed = listed or {}  # code -> (role, group) of the rows the profile has
        self.entries = []
        self.problems = []

    @property
    def accept_name(self) -> str:
        """The checkboxes accepting a suggestion (rendered in the preview, one per entry
        with a suggestion), whose values are the entries as typed."""
        return self.add_prefix("accept")

    def accepted(self) -> set[str]:
        getlist = getattr(self.data, "getlist", None)
        return set(getlist(self.accept_name)) if self.is_bound and getlist else set()

    @property
    def chosen_group(self) -> str:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return (data.get("new_group") or "").strip() or data.get("group") or ""

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("countries") or ""
        self.entries = read_country_list(text)
        if len(self.entries) > MAX_PASTED_ENTRIES:
            raise forms.ValidationError(
                gettext("At most %(max)d countries can be added at once; this list has more.")
                % {"max": MAX_PASTED_ENTRIES},
                code="too_many",
            )
        accepted = self.accepted()
        first_entry: dict[str, int] = {}
        for index, entry in enumerate(self.entries):
            if entry.code is None and entry.suggestion and entry.text in accepted:
                entry.code, entry.accepted = entry.suggestion, True
            # Repeats again, now that accepted suggestions name countries too.
            entry.repeats = first_entry.get(entry.code) if entry.code else None
            if entry.code and entry.code not in first_entry:
                first_entry[entry.code] = index
        self.problems = [self.describe(entry) for entry in self.entries]
        if any(problem for problem in self.problems):
            raise forms.ValidationError(
                gettext(
                    "Some of the countries to add need your attention: see the list under "
                    "“Add countries”. Nothing was saved."
                ),
                code="countries_to_check",
            )
        return cleaned

    def describe(self, entry) -> str:
        """What keeps ``entry`` from being added, or ""."""
        if entry.code is None:
            if entry.suggestion:
                return gettext("Not a country we know: did you mean %(name)s?") % {
                    "name": country_name(entry.suggestion)
                }
            return gettext(
                "Not a country we know. Check the spelling, or type its two-letter code."
            )
        if entry.repeats is not None:
            return gettext("%(name)s is already in this list (entry %(number)d).") % {
                "name": country_name(entry.code),
                "number": entry.repeats + 1,
            }
        if entry.code in self.listed:
            role, group = self.listed[entry.code]
            where = str(dict(ParticipationRole.choices).get(role, role))
            where += f" · {group}" if group else ""
            return gettext(
                "%(name)s is already a country of this profile (%(where)s): to change it, tick "
                "it in the list below."
            ) % {"name": country_name(entry.code), "where": where}
        return ""

    def rows(self) -> list[dict]:
        """The entries as the preview table shows them."""
        problems = self.problems or [self.describe(entry) for entry in self.entries]
        return [
            {
                "number": index + 1,
                "text": entry.text,
                "name": country_name(entry.code) if entry.code else "",
                "suggestion": country_name(entry.suggestion) if entry.suggestion else "",
                "accepted": getattr(entry, "accepted", False),
                "problem": problem,
                "code": entry.code or "",
            }
            for index, (entry, problem) in enumerate(zip(self.entries, problems, strict=True))
        ]

    def check(self) -> list[dict]:
        """Read the list without saving: for the live preview."""
        self.is_valid()
        return self.rows()


KEEP = ""
NO_GROUP = "-"


class RowIdsField(forms.Field):
    """The ids of the rows ticked in the list (checkboxes the list itself renders). Which of
    them are rows of this profile is checked against the database when saving: a colleague
    may have removed one since the page was opened."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        try:
            return {int(item) for item in value or ()}
        except (TypeError, ValueError) as error:
            raise forms.ValidationError(
                gettext("Tick countries of the list."), code="invalid"
            ) from error


class ChangeSelectedForm(forms.Form):
    """What to do with the countries ticked in the list: change their role, group or note, or
    remove them."""

    selected = RowIdsField(label=_("Ticked countries"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False)
    group = forms.ChoiceField(label=_("Group"), required=False)
    new_group = forms.CharField(
        label=_("or a new group"),
        required=False,
        max_length=Participation._meta.get_field("group").max_length,
    )
    set_note = forms.BooleanField(label=_("Set the note"), required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=Participation._meta.get_field("note").max_length,
        help_text=_("E.g. “suspended since 2021”; empty to clear the notes."),
    )
    removed = RowIdsField(label=_("Remove"), required=False)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(KEEP, gettext("(keep)")), *ParticipationRole.choices]
        self.fields["group"].choices = [
            (KEEP, gettext("(keep)")),
            (NO_GROUP, gettext("(no group)")),
            *((group, group) for group in groups),
        ]
        for field in self.fields.values():
            render_fast(field.widget)

    def has_action(self) -> bool:
        data = self.cleaned_data
        return bool(
            data.get("role")
            or data.get("group")
            or (data.get("new_group") or "").strip()
            or data.get("set_note")
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        selected = cleaned.get("selected") or set()
        if self.has_action() and not selected:
            raise forms.ValidationError(
                gettext("Tick the countries to change, or clear what to change them to."),
                code="nothing_selected",
            )
        if selected and not self.has_action():
            raise forms.ValidationError(
                gettext("Choose what to do with the ticked countries, or untick them."),
                code="no_action",
            )
        both = selected & (cleaned.get("removed") or set())
        if both and self.has_action():
            raise forms.ValidationError(
                ngettext(
                    "%(count)d country is both ticked for a change and marked for removal: "
                    "untick it or unmark it.",
                    "%(count)d countries are both ticked for a change and marked for removal: "
                    "untick them or unmark them.",
                    len(both),
                )
                % {"count": len(both)},
                code="remove_and_change",
            )
        return cleaned

    def changes(self) -> dict[str, str]:
        """The fields to set on each ticked row: the English group and note (their French and
        Spanish are translated once per group, rcp.admin.translations)."""
        data = self.cleaned_data
        changes = {}
        if data.get("role"):
            changes["role"] = data["role"]
        new_group = (data.get("new_group") or "").strip()
        if new_group:
            changes["group_en"] = new_group
        elif data.get("group"):
            changes["group_en"] = "" if data["group"] == NO_GROUP else data["group"]
        if data.get("set_note"):
            changes["note_en"] = data.get("note", "").strip()
        return changes


class ParticipationFormSet(forms.BaseInlineFormSet):
    """The countries of a profile, without a form per row (a profile has up to 200): the rows
    are listed, grouped by role and group; ticked rows are changed or removed together
    (:class:`ChangeSelectedForm`) and new ones added from a pasted list
    (:class:`AddCountriesForm`). Every change is saved row by row through the model (history,
    version), in the admin's transaction."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = list(self.queryset)
        rows.sort(
            key=lambda row: (
                ROLE_ORDER.get(row.role, len(ROLE_ORDER)),
                row.group_en.casefold(),
                reading_order_key(row.country.name),
            )
        )
        self.rows = rows
        self.groups = sorted({row.group_en for row in rows if row.group_en}, key=str.casefold)
        data = self.data if self.is_bound else None
        self.change_form = ChangeSelectedForm(
            data, prefix=f"{self.prefix}-change", groups=self.groups
        )
        self.add_form = AddCountriesForm(
            data,
            prefix=f"{self.prefix}-add",
            groups=self.groups,
            listed={row.country.code: (row.role, row.group_en) for row in rows},
        )
        self.duplicates: set[str] = set()
        #: The translations of the group labels and notes (set by ProcessAdmin._create_formsets).
        self.label_translations = None

    # No form per row: the formset's own forms are none, whatever the management form says.

    def get_queryset(self):
        return []

    def total_form_count(self):
        return 0

    def initial_form_count(self):
        return 0

    @property
    def total_count(self) -> int:
        return len(self.rows)

    def row_groups(self) -> list[dict]:
        """The rows by role and group, each group with its heading, as the page lists them."""
        selected, removed = set(), set()
        if self.is_bound:
            selected = set(self.data.getlist(self.change_form.add_prefix("selected")))
            removed = set(self.data.getlist(self.change_form.add_prefix("removed")))
        groups: list[dict] = []
        remove_label = gettext("Remove %(name)s")
        for row in self.rows:
            key = (row.role, row.group_en)
            if not groups or groups[-1]["key"] != key:
                groups.append({"key": key, "rows": []})
            groups[-1]["rows"].append(
                {
                    "pk": row.pk,
                    "code": row.country.code,
                    "name": row.country.name,
                    "note": row.note_en,
                    "selected": str(row.pk) in selected,
                    "removed": str(row.pk) in removed,
                    "duplicate": row.country.code in self.duplicates,
                    "remove_label": remove_label % {"name": row.country.name},
                }
            )
        for index, group in enumerate(groups):
            group["heading"] = group_heading(*group["key"], len(group["rows"]))
            group["id"] = f"{self.prefix}-group-{index}"
        return groups

    def clean(self):
        problems = []
        change_valid = self.change_form.is_valid()
        if not change_valid:
            problems += [
                f"{self.change_form.fields[name].label}: {error}" if name != "__all__" else error
                for name, errors in self.change_form.errors.items()
                for error in errors
            ]
        cleaned = self.change_form.cleaned_data if change_valid else {}
        selected = cleaned.get("selected", set()) | cleaned.get("removed", set())
        # The rows as stored now: a colleague may have changed them since the page was opened.
        stored = {}
        if self.instance.pk is not None:
            stored = {row.pk: row for row in Participation.objects.filter(process=self.instance)}
        gone = selected - stored.keys()
        if gone:
            problems.append(
                ngettext(
                    "%(count)d of the ticked countries was removed from this profile since the "
                    "page was opened: reload the page.",
                    "%(count)d of the ticked countries were removed from this profile since the "
                    "page was opened: reload the page.",
                    len(gone),
                )
                % {"count": len(gone)}
            )
        removed = cleaned.get("removed", set())
        problems += self.refused_by_permissions(cleaned)
        changing = cleaned.get("selected", set()) if self.change_form_has_action(cleaned) else set()
        fields = set(self.change_form.changes()) if changing else set()
        problems += self.changed_meanwhile(changing, fields, removed)
        self.add_form.listed = {
            row.country.code: (row.role, row.group_en)
            for pk, row in stored.items()
            if pk not in removed
        }
        if not self.add_form.is_valid():
            problems += self.add_form.non_field_errors() or [
                gettext("Check the countries to add below.")
            ]
            listed = self.add_form.listed
            self.duplicates = {
                entry.code for entry in self.add_form.entries if entry.code in listed
            }
        self.stored_rows = stored
        labels = self.label_translations
        if labels is not None and labels.is_bound and not labels.is_valid():
            problems.append(gettext("Check the translations of the group names and notes."))
        if problems:
            raise forms.ValidationError(problems)

    # What this user may do, set by ParticipationInline.get_formset: Django's inline formsets
    # enforce them on their row forms, this one (with none) here.
    can_add_rows = can_change_rows = True

    @staticmethod
    def change_form_has_action(cleaned) -> bool:
        return bool(cleaned) and bool(
            cleaned.get("role")
            or cleaned.get("group")
            or (cleaned.get("new_group") or "").strip()
            or cleaned.get("set_note")
        )

    def refused_by_permissions(self, cleaned) -> list[str]:
        refused = []
        if cleaned.get("removed") and not self.can_delete:
            refused.append(gettext("You may not remove countries from this profile."))
        if self.change_form_has_action(cleaned) and not self.can_change_rows:
            refused.append(gettext("You may not change the countries of this profile."))
        pasted = (self.data.get(self.add_form.add_prefix("countries")) or "").strip()
        if pasted and not self.can_add_rows:
            refused.append(gettext("You may not add countries to this profile."))
        return refused

    def changed_meanwhile(self, changing, fields, removed) -> list[str]:
        """Rows whose fields the editor sets, or which the editor removes, where a colleague
        changed those fields (or, for a removal, anything) since the page was opened: the editor
        is shown them as they are now and ticks again, rather than overwriting what they did
        not see. A colleague's change to another field of a ticked row is simply kept. (The rows
        of the other sections are merged field by field: rcp/admin/concurrency.py.)"""
        merge = getattr(self, "merge", None)
        if not (changing or removed) or merge is None or not merge.needed or not merge.base_known:
            return []
        base, since, _related = merge.part_history(Participation)
        latest = {}
        for record in since:
            latest[record.id] = record
        touched = {}
        for pk, record in latest.items():
            opened = base.get(pk)
            if pk in removed:
                touched[pk] = record
            elif pk in changing and (
                opened is None or any(getattr(record, f) != getattr(opened, f) for f in fields)
            ):
                touched[pk] = record
        if not touched:
            return []
        names = ", ".join(
            f"{country_name(record.country)} ({display_name(record.history_user)})"
            for record in touched.values()
        )
        return [
            gettext(
                "Since you opened this page, a colleague changed %(countries)s: the list below "
                "shows them as they are now. Tick them again if you still want to change them."
            )
            % {"countries": names}
        ]

    def has_changed(self):
        return bool(
            (self.change_form.is_bound and self.change_form.has_changed())
            or (self.label_translations is not None and self.label_translations.has_changed())
            or (
                self.add_form.is_bound
                and (self.add_form.data.get(self.add_form.add_prefix("countries")) or "").strip()
            )
        )

    def save(self, commit=True):
        # Django's change message labels ``changed_objects`` from the formset's first form;
        # this formset has none, so changed rows are told in ``changed_rows`` (see
        # CountryEditorAdminMixin.construct_change_message).
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        self.changed_rows = []
        self.added_countries = []
        if not commit:
            return []
        changes = self.change_form.changes()
        for pk in sorted(self.change_form.cleaned_data.get("removed", set())):
            row = self.stored_rows[pk]
            row.delete()
            self.deleted_objects.append(row)
        for pk in sorted(self.change_form.cleaned_data.get("selected", set())):
            row = self.stored_rows[pk]
            changed = [name for name, value in changes.items() if getattr(row, name) != value]
            if changed:
                for name in changed:
                    setattr(row, name, changes[name])
                row.full_clean()
                row.save()
                self.changed_rows.append((row, changed))
        role = self.add_form.cleaned_data["role"]
        group = self.add_form.chosen_group
        for entry in self.add_form.entries:
            participation = Participation(
                process=self.instance, country=entry.code, role=role, group_en=group
            )
            participation.full_clean()
            participation.save()
            self.new_objects.append(participation)
        self.added_countries = list(self.new_objects)
        return [*self.new_objects, *(row for row, _changed in self.changed_rows)]


def added_countries_message(added) -> str:
    names = ", ".join(country_name(row.country.code) for row in added)
    return ngettext(
        "%(count)d country added: %(names)s.", "%(count)d countries added: %(names)s.", len(added)
    ) % {"count": len(added), "names": names}


class ParticipationInline(admin.TabularInline):
    model = Participation
    formset = ParticipationFormSet
    fields = ["country", "role", "group", "note"]
    extra = 0
    max_num = 0
    template = "admin/rcp/process/edit_inline/countries.html"
    verbose_name = _("country")
    verbose_name_plural = _("Participating countries (members, observers, suspended, guests)")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.can_add_rows = self.has_add_permission(request, obj)
        formset.can_change_rows = self.has_change_permission(request, obj)
        return formset


class CountryEditorAdminMixin:
    """The profile admin's part of the countries editor: the live check of a pasted list, and
    the page's one list of country names."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.check_countries_view)
        return [
            path("add/countries/check/", view, name="rcp_process_check_new_countries"),
            path("<path:object_id>/countries/check/", view, name="rcp_process_check_countries"),
            *super().get_urls(),
        ]

    @method_decorator(require_POST)
    def check_countries_view(self, request, object_id=None):
        """The preview of a pasted list, as the page shows it on Save: an HTML fragment."""
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            rows = []
        else:
            process = self.get_object(request, unquote(object_id))
            if process is None or not self.has_change_permission(request, process):
                raise PermissionDenied
            rows = list(
                Participation.objects.filter(process=process).values_list(
                    "country", "role", "group_en"
                )
            )
        listed = {code: (role, group) for code, role, group in rows}
        form = AddCountriesForm(
            request.POST,
            prefix="participations-add",
            groups=sorted({group for _code, _role, group in rows if group}, key=str.casefold),
            listed=listed,
        )
        rows = form.check()
        errors = [
            message
            for errors in form.errors.as_data().values()
            for error in errors
            if error.code != "countries_to_check"  # the rows say it
            for message in error.messages
        ]
        return TemplateResponse(
            request,
            "admin/rcp/process/includes/country_preview.html",
            {"rows": rows, "accept_name": form.accept_name, "errors": errors},
        )

    def render_change_form(self, request, context, *args, **kwargs):
        context["country_names"] = country_name_choices()
        context["country_names_list_id"] = COUNTRY_NAMES_LIST_ID
        return super().render_change_form(request, context, *args, **kwargs)

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        with translation.override(None):
            for formset in formsets or ():
                for row, fields in getattr(formset, "changed_rows", ()):
                    labels = [str(row._meta.get_field(name).verbose_name) for name in fields]
                    message.append(
                        {
                            "changed": {
                                "name": str(row._meta.verbose_name),
                                "object": str(row),
                                "fields": labels,
                            }
                        }
                    )
        return message

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        added = getattr(formset, "added_countries", None)
        if added:
            self.message_user(request, added_countries_message(added), messages.SUCCESS)
