"""No silent overwrite: saving a profile that a colleague saved after the page was opened.

The change page remembers when it was opened (``opened_at``) and the profile's version then
(``opened_version``). When the version changed meanwhile, every field of the profile form and of
each existing inline row is merged three ways: BASE, the value when the page was opened (read
from the history records as of ``opened_at``); THEIRS, the value stored now; YOURS, the value
posted. Yours equal to base: theirs is kept. Theirs equal to base: yours is saved. Yours equal to
theirs: nothing to decide. Otherwise the field is a conflict: nothing is saved, and the page
shows both values with a required choice, "Keep theirs" or "Keep mine", for each.

Rows a colleague added are not in the form, so they stay. A row a colleague deleted stays deleted
unless you changed it; a row you deleted stays unless they changed it: either is a conflict.

A choice is honoured only for a conflict the page showed, and only if nothing was saved since it
was shown: the page carries a signed statement of the profile's version and the conflicting
fields, so a crafted choice for another field, or a choice made before yet another save, is not
taken (the conflicts are computed and shown again).

The pieces: :class:`ProfileMerge`, one per save, shared by :class:`ConcurrentFormMixin` (the
profile form) and :class:`ConcurrentFormSetMixin` (each inline formset of a profile part, added by
:class:`ConcurrencyAdminMixin`, which also locks the profile's row for the whole save so that
nothing is saved between the merge and the write).
"""

import datetime
from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django_countries.fields import Country, CountryField

from rcp.admin.presence import display_name
from rcp.history import PROFILE_PARTS, RelatedObjects, attach_m2m_ids
from rcp.models import Process

THEIRS, MINE = "theirs", "mine"
CHOICE_PREFIX = "merge-choice-"
STATE_FIELD = "merge-state"
SIGNING_SALT = "rcp.admin.concurrency"


@dataclass
class Conflict:
    """One field (or row) both editors changed, as the conflicts panel shows it."""

    key: str
    label: str
    theirs: str
    yours: str
    who: str
    when: datetime.datetime | None
    #: "" for a field; "theirs" when the colleague deleted the row, "yours" when you did.
    deleted_by: str = ""
    #: A row the colleague deleted is no longer in its inline: the panel carries your values.
    row_form: object = None

    @property
    def input_name(self) -> str:
        return CHOICE_PREFIX + self.key


def _parse_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _parse_datetime(value):
    try:
        moment = parse_datetime(str(value or "").strip())
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def comparable(model_field, value):
    """A model field's value (as ``value_from_object`` gives it) in a form that compares."""
    if model_field.many_to_many:
        return frozenset(getattr(item, "pk", item) for item in value or ())
    if isinstance(value, models.Model):
        value = value.pk
    return model_field.get_prep_value(value)


def describe(model_field, value) -> str:
    """A value as an editor reads it: names, not ids or codes."""
    if model_field.many_to_many:
        items = list(value or ())
        if items and not isinstance(items[0], models.Model):
            items = list(model_field.related_model._default_manager.filter(pk__in=items))
        return ", ".join(sorted(str(item) for item in items))
    if model_field.many_to_one:
        if value is not None and not isinstance(value, models.Model):
            value = model_field.related_model._default_manager.filter(pk=value).first()
        return "" if value is None else str(value)
    if value is None or value == "":
        return ""
    if isinstance(model_field, CountryField):
        return str(Country(code=getattr(value, "code", value)).name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


class ProfileMerge:
    """Everything one save of the change page needs to merge: the profile as the editor opened
    it, what was saved since and by whom, the choices made on a conflicts page, and what the
    merge found (conflicts, and the colleagues' changes it kept)."""

    def __init__(self, process: Process, data, user):
        self.process = process
        self.user = user
        self.version = process.version  # read after the profile's row was locked
        self.opened_version = _parse_int(data.get("opened_version"))
        self.opened_at = _parse_datetime(data.get("opened_at"))
        self.conflicts: list[Conflict] = []
        self.kept: list[str] = []
        self.tampered = False
        self.saved_again = False
        self.restored: set[tuple] = set()
        self.choices = self._read_choices(data)

    @property
    def needed(self) -> bool:
        """Whether anything was saved since the page was opened."""
        return self.opened_version != self.version

    @property
    def base_known(self) -> bool:
        """Whether the page says when it was opened. A profile with no history as of then (loaded
        before history was kept) has no base: every field that differs is then a conflict."""
        return self.opened_at is not None

    # The choices of a conflicts page ----------------------------------------------------

    def _read_choices(self, data) -> dict[str, str]:
        token = data.get(STATE_FIELD)
        if not token:
            return {}
        try:
            state = signing.loads(token, salt=SIGNING_SALT)
        except signing.BadSignature:
            self.tampered = True
            return {}
        if state.get("p") != self.process.pk or state.get("u") != self.user.pk:
            self.tampered = True
            return {}
        if state.get("v") != self.version:
            self.saved_again = True
            return {}
        return {
            key: data[CHOICE_PREFIX + key]
            for key in state.get("k", [])
            if data.get(CHOICE_PREFIX + key) in {THEIRS, MINE}
        }

    @property
    def state_token(self) -> str:
        """The signed statement of the conflicts shown, posted back with the choices."""
        return signing.dumps(
            {
                "p": self.process.pk,
                "u": self.user.pk,
                "v": self.version,
                "k": sorted(conflict.key for conflict in self.conflicts),
            },
            salt=SIGNING_SALT,
        )

    @property
    def unanswered(self) -> bool:
        """Whether choices were posted for this page but some conflict still has none."""
        return bool(self.choices) and bool(self.conflicts)

    # History: the profile as opened, and what was saved since ---------------------------

    @cached_property
    def _process_history(self):
        base = (
            Process.history.filter(id=self.process.pk, history_date__lte=self.opened_at)
            .order_by("-history_date", "-history_id")
            .first()
        )
        since = list(
            Process.history.filter(id=self.process.pk, history_date__gt=self.opened_at)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )
        attach_m2m_ids([record for record in [base, *since] if record is not None])
        return base, since

    @property
    def base_record(self):
        return self._process_history[0] if self.opened_at else None

    @cached_property
    def _parts_history(self) -> dict:
        return {}

    def part_history(self, model):
        """The rows of one kind of part as opened (by id), and their records saved since."""
        if model not in self._parts_history:
            base = {}
            opened = (
                model.history.filter(process_id=self.process.pk, history_date__lte=self.opened_at)
                .latest_of_each()
                .order_by("history_date", "history_id")
            )
            for record in opened:
                base[record.id] = record
            since = list(
                model.history.filter(process_id=self.process.pk, history_date__gt=self.opened_at)
                .select_related("history_user")
                .order_by("history_date", "history_id")
            )
            base = {pk: record for pk, record in base.items() if record.history_type != "-"}
            self._parts_history[model] = (base, since, RelatedObjects([*base.values(), *since]))
        return self._parts_history[model]

    def colleagues(self) -> list[str]:
        """Who saved the profile since it was opened, as their names."""
        records = list(self._process_history[1])
        for model in PROFILE_PARTS:
            records += self.part_history(model)[1]
        names = []
        for record in sorted(records, key=lambda record: record.history_date):
            name = display_name(record.history_user)
            if name not in names:
                names.append(name)
        return names

    def _last_changer(self, records, base, value_of):
        """The record, among those saved since, that last changed a value."""
        found, previous = None, value_of(base) if base is not None else None
        for record in records:
            value = value_of(record)
            if value != previous:
                found = record
            previous = value
        return found or (records[-1] if records else None)

    # Merging ----------------------------------------------------------------------------

    def merge_fields(self, form, *, model, base, since, key_prefix, label_prefix="") -> bool:
        """Merge each field of one form; return whether some field took the colleague's value.

        ``form.initial`` is the stored value (THEIRS: the form was built from the row as it is
        now), the posted data is YOURS, ``base`` the history record as the page was opened.
        Django's own ``field.has_changed`` compares them, so widgets' formats make no
        false conflict.
        """
        took_theirs = False
        for name, field in form.fields.items():
            if name not in form.cleaned_data or name in {"id", "DELETE"}:
                continue
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:  # a form-only field (opened_at)
                continue
            if model_field.one_to_many or (model_field.many_to_one and name == "process"):
                continue
            if name not in form.changed_data:
                continue  # yours == theirs
            base_initial = self._base_initial(model_field, base)
            theirs_initial = form.initial.get(name)
            data = form[name].data
            label = f"{label_prefix}{capfirst(field.label or model_field.verbose_name)}"
            if base is None:
                pass  # no base to tell who changed it: a conflict
            elif not field.has_changed(base_initial, data):
                value = self._theirs_value(field, theirs_initial)
                if value is not _INVALID:
                    form.cleaned_data[name] = value
                    form.changed_data = [other for other in form.changed_data if other != name]
                    self.kept.append(label)
                    took_theirs = True
                    continue
            elif comparable(model_field, base_initial) == comparable(model_field, theirs_initial):
                continue  # theirs == base: yours is saved
            key = f"{key_prefix}.{name}"
            choice = self.choices.get(key)
            if choice == MINE:
                continue
            if choice == THEIRS:
                value = self._theirs_value(field, theirs_initial)
                if value is not _INVALID:
                    form.cleaned_data[name] = value
                    form.changed_data = [other for other in form.changed_data if other != name]
                    took_theirs = True
                    continue
            record = self._last_changer(
                since,
                base,
                lambda record, f=model_field: comparable(f, self._base_initial(f, record)),
            )
            self.conflicts.append(
                Conflict(
                    key=key,
                    label=label,
                    theirs=describe(model_field, theirs_initial),
                    yours=describe(model_field, form.cleaned_data[name]),
                    who=display_name(record.history_user) if record else "",
                    when=record.history_date if record else None,
                )
            )
        return took_theirs

    @staticmethod
    def _base_initial(model_field, record):
        if record is None:
            return None
        if model_field.many_to_many:
            return sorted(record.m2m_ids[model_field.name])
        return model_field.value_from_object(record)

    @staticmethod
    def _theirs_value(field, initial):
        """The stored value as the form field cleans it (an object, a queryset, a date)."""
        try:
            return field.clean(field.prepare_value(initial))
        except ValidationError:
            return _INVALID

    def merge_profile(self, form) -> None:
        self.merge_fields(
            form,
            model=Process,
            base=self.base_record,
            since=self._process_history[1],
            key_prefix="process",
        )

    def merge_rows(self, formset) -> None:
        """Merge each existing row of an inline formset with the row as stored and as opened."""
        model = formset.model
        base_rows, since, related = self.part_history(model)
        by_row: dict[int, list] = {}
        for record in since:
            by_row.setdefault(record.id, []).append(record)
        for form in formset.initial_forms:
            if not hasattr(form, "cleaned_data"):
                continue
            pk = form.gone_pk or form.instance.pk
            base = base_rows.get(pk)
            if base is None and form.gone_pk is not None:
                continue  # deleted, with no history as of opening: Django says the row is gone
            shown = related.instance(base) if base is not None else form.instance
            row = f"{capfirst(model._meta.verbose_name)} “{shown}”"
            key = f"{model._meta.model_name}.{pk}"
            records = by_row.get(pk, [])
            if form.gone_pk is not None:
                self._merge_deleted_row(formset, form, base, records, row, key)
                continue
            if formset._should_delete_form(form):
                if base is not None and not self._row_changed_since(form, base, model):
                    continue  # you deleted a row nobody changed
                choice = self.choices.get(key)
                if choice == MINE:
                    continue
                if choice != THEIRS:
                    self._row_conflict(key, row, records, deleted_by="yours")
                    continue
                form.cleaned_data["DELETE"] = False  # kept, with the colleague's values
            took = self.merge_fields(
                form, model=model, base=base, since=records, key_prefix=key, label_prefix=f"{row}: "
            )
            if took:
                # The row's instance was built from the posted values: build it again from the
                # merged ones, and check the merged row as Django checks a posted one.
                form._post_clean()
        for pk, records in by_row.items():
            added = records[0].history_type == "+" and pk not in base_rows
            removed = (
                records[-1].history_type == "-"
                and pk in base_rows
                and (model, pk) not in self.restored
            )
            if added and records[-1].history_type != "-":
                self.kept.append(gettext("%(row)s added") % {"row": related.instance(records[-1])})
            elif removed:
                self.kept.append(
                    gettext("%(row)s removed") % {"row": related.instance(base_rows[pk])}
                )

    def _row_changed_since(self, form, base, model) -> bool:
        """Whether a colleague changed a row (that you deleted) since the page was opened."""
        for name in form.fields:
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not model_field.concrete or model_field.primary_key or name == "process":
                continue
            if comparable(model_field, self._base_initial(model_field, base)) != comparable(
                model_field, form.initial.get(name)
            ):
                return True
        return False

    def _merge_deleted_row(self, formset, form, base, records, row, key) -> None:
        """A row the colleague deleted: it stays deleted unless you changed it."""
        pk_name = formset.model._meta.pk.name
        yours_deleted = form.cleaned_data.get("DELETE")
        changed = not yours_deleted and any(
            name in form.cleaned_data
            and name not in {pk_name, "DELETE", formset.fk.name}
            and form.fields[name].has_changed(
                self._base_initial(formset.model._meta.get_field(name), base), form[name].data
            )
            for name in form.fields
        )
        choice = self.choices.get(key)
        if changed and choice not in {THEIRS, MINE}:
            self._row_conflict(key, row, records, deleted_by="theirs", form=form)
            return
        form.errors.pop(pk_name, None)  # "Select a valid choice": the row is gone, we know
        if changed and choice == MINE:
            form.instance.pk = form.gone_pk  # restored with its id, as a revert does
            self.restored.add((formset.model, form.gone_pk))
        else:
            form.stays_deleted = True

    def _row_conflict(self, key, row, records, *, deleted_by, form=None) -> None:
        record = records[-1] if records else None
        deleted, changed = gettext("Deleted"), gettext("Changed")
        self.conflicts.append(
            Conflict(
                key=key,
                label=row,
                theirs=deleted if deleted_by == "theirs" else changed,
                yours=deleted if deleted_by == "yours" else changed,
                who=display_name(record.history_user) if record else "",
                when=record.history_date if record else None,
                deleted_by=deleted_by,
                row_form=form,
            )
        )

    def kept_message(self) -> str:
        """The success message's addition: whose changes were kept alongside yours."""
        if not self.needed or not self.kept:
            return ""
        return gettext(
            "%(names)s saved this profile while you had it open; their changes were kept "
            "alongside yours: %(changes)s."
        ) % {"names": ", ".join(self.colleagues()), "changes": "; ".join(self.kept)}


_INVALID = object()


class OpeningField(forms.CharField):
    """A hidden field that says when the page was opened; it is never "a change"."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def has_changed(self, initial, data):
        return False


def conflict_error() -> ValidationError:
    return ValidationError(
        gettext(
            "A colleague changed the same things as you while you had this page open, so "
            "nothing was saved yet. For each of them, shown at the top of the page, choose "
            "which version to keep, then save again."
        ),
        code="conflict",
    )


class ConcurrentFormMixin(forms.ModelForm):
    """The profile form's base: remember when the page was opened; merge when saving."""

    #: Set by ConcurrencyAdminMixin.get_form for a POST on an existing profile.
    merge: ProfileMerge | None = None

    opened_version = OpeningField()
    opened_at = OpeningField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = self.instance.version
        self.fields["opened_at"].initial = timezone.now().isoformat()

    def clean(self):
        cleaned_data = super().clean()
        merge = self.merge
        if merge is None or self.instance.pk is None or not merge.needed:
            return cleaned_data
        if not merge.base_known:
            raise ValidationError(
                gettext(
                    "This page does not say when it was opened, and the profile was saved "
                    "since, so your changes cannot be merged with the others. Copy what you "
                    "changed, reload the page and make your changes again."
                ),
                code="conflict",
            )
        merge.merge_profile(self)
        if merge.conflicts:
            raise conflict_error()
        return cleaned_data


class ConcurrentFormSetMixin:
    """An inline formset's part: rows merged with the stored ones and those as opened."""

    def __init__(self, *args, merge: ProfileMerge | None = None, **kwargs):
        self.merge = merge
        super().__init__(*args, **kwargs)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.gone_pk = None
        form.stays_deleted = False
        # A posted row whose id is no longer stored: someone deleted it meanwhile.
        if self.is_bound and i < self.initial_form_count() and form.instance.pk is None:
            form.gone_pk = _parse_int(self.data.get(form.add_prefix(self.model._meta.pk.name)))
        return form

    def _should_delete_form(self, form):
        return getattr(form, "stays_deleted", False) or super()._should_delete_form(form)

    def save_new_objects(self, commit=True):
        """Also write back the rows a colleague deleted that the editor chose to keep."""
        saved = super().save_new_objects(commit)
        for form in self.initial_forms:
            if form.gone_pk is not None and form.instance.pk == form.gone_pk:
                self.new_objects.append(self.save_new(form, commit=commit))
                saved.append(self.new_objects[-1])
        return saved

    def clean(self):
        merge = self.merge
        if merge is not None and merge.needed and merge.base_known:
            before = len(merge.conflicts)
            merge.merge_rows(self)
            if len(merge.conflicts) > before:
                raise conflict_error()
        return super().clean()


class ConcurrencyAdminMixin:
    """For ProcessAdmin: the profile's row locked during a save, the merge shared by the
    profile form and the inline formsets, the conflicts panel and the kept-changes message."""

    def _changeform_view(self, request, object_id, form_url, extra_context):
        if request.method == "POST" and object_id and "_saveasnew" not in request.POST:
            # Inside the admin's transaction: every save of the profile or its parts waits
            # for this one (ProfilePart.save updates the profile's row), so nothing is saved
            # between the merge and the write.
            try:
                list(
                    self.model._default_manager.select_for_update()
                    .filter(pk=unquote(object_id))
                    .values_list("pk", flat=True)
                )
            except (ValueError, ValidationError):
                pass  # not an id: the admin says the profile does not exist
        return super()._changeform_view(request, object_id, form_url, extra_context)

    def profile_merge(self, request, obj) -> ProfileMerge | None:
        if request.method != "POST" or obj is None or obj.pk is None:
            return None
        merge = getattr(request, "_profile_merge", None)
        if merge is None or merge.process is not obj:
            merge = request._profile_merge = ProfileMerge(obj, request.POST, request.user)
        return merge

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        merge = self.profile_merge(request, obj)
        if merge is None:
            return form
        return type(form.__name__, (form,), {"merge": merge, "__module__": form.__module__})

    @staticmethod
    def _merges(inline) -> bool:
        return inline.model in PROFILE_PARTS

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if self._merges(inline):
                formset = type(formset.__name__, (ConcurrentFormSetMixin, formset), {})
            yield formset, inline

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if self._merges(inline):
            kwargs["merge"] = self.profile_merge(request, obj)
        return kwargs

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        merge = self.profile_merge(request, form.instance) if change else None
        if merge is not None and (message := merge.kept_message()):
            self.message_user(request, message, messages.INFO)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["profile_merge"] = getattr(request, "_profile_merge", None)
        return super().render_change_form(request, context, add, change, form_url, obj)
