"""A profile's history as editors read it, and going back to an earlier version.

Every change to a profile and to its parts is recorded by django-simple-history, one table per
model, each record stamped with the changeset (request, import or revert) it belongs to (see
``rcp.history_records``). Here those records are read back per profile as a timeline of
versions with a readable diff, and a profile, or a deleted one, is restored as it was at the
end of any version: its fields, its many-to-many links and every row of its inlines, exactly.
"""

import datetime
import difflib
import uuid
from dataclasses import dataclass, field
from itertools import groupby

from django.apps import apps
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries.fields import Country

from rcp.events import log_event
from rcp.history_records import Source, SourceKind, changeset
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
    ReviewAction,
    ReviewStep,
)
from rcp.multilingual import LANGUAGE_CODES, column, stored_fields
from rcp.rows import match_rows, set_links
from rcp.workflow import authorise

#: The parts of a profile, restored with it.
PROFILE_PARTS = [Participation, ProcessOrganisation, ProcessFocusArea, Chair, Meeting]
#: Fields a revert leaves as they are: publishing is a decision of its own, and the
#: bookkeeping fields describe the record, not the profile.
NOT_REVERTED = {
    "id",
    "status",
    "created_at",
    "updated_at",
    "version",
    "last_reviewed_on",
    "last_reviewed_by",
}
M2M_FIELDS = {"regions", "associated_organisations"}
HISTORY_TYPES = {
    "+": gettext_lazy("added"),
    "~": gettext_lazy("changed"),
    "-": gettext_lazy("removed"),
}
#: What a revert will do to a part, by the kind of change it makes.
PLANNED_TYPES = {
    "+": gettext_lazy("will be added back"),
    "~": gettext_lazy("will be changed back"),
    "-": gettext_lazy("will be removed"),
}


@dataclass
class Change:
    """One record's change within a version, in words."""

    kind: str
    label: str
    details: list[SafeString] = field(default_factory=list)

    @property
    def verb(self) -> str:
        return str(HISTORY_TYPES[self.kind])


def shown_date(moment: datetime.datetime) -> str:
    """A moment as the admin shows it, in the site's time zone."""
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@dataclass(frozen=True)
class VersionSource(Source):
    """Where a version came from, as its history records say, in words."""

    @property
    def description(self) -> str:
        label = self.label
        if self.kind == SourceKind.ADMIN:
            return _("Edited in the admin")
        if self.kind == SourceKind.SPREADSHEET:
            if not label:
                return _("CSV or Excel import")
            return _("CSV or Excel import of the file “%(file)s”") % {"file": label}
        if self.kind == SourceKind.LEGACY:
            return _("Import of the legacy page “%(page)s”") % {"page": label}
        if self.kind == SourceKind.REVERT:
            moment = parse_datetime(label) if label else None
            if moment is None:
                return _("Revert to an earlier version")
            return _("Revert to the version of %(date)s") % {"date": shown_date(moment)}
        if self.kind == SourceKind.RECOVER:
            return _("Recovery of the deleted profile")
        if self.kind == SourceKind.REVIEW:
            if label in ReviewAction.values:
                return str(ReviewAction(label).label)
            return _("Review")
        if self.kind == SourceKind.COMMAND:
            return _("Command line: %(command)s") % {"command": label}
        return label


def version_source(records) -> VersionSource | None:
    """The source of a changeset's records: the most specific one (an admin request that
    imported a file is the import); ``None`` for records kept before sources were."""
    sourced = [record for record in records if record.source]
    specific = [record for record in sourced if record.source != SourceKind.ADMIN]
    chosen = (specific or sourced or [None])[0]
    return None if chosen is None else VersionSource(chosen.source, chosen.source_label)


@dataclass
class PlannedChange(Change):
    """One row a revert will add back, change back or remove."""

    @property
    def verb(self) -> str:
        return str(PLANNED_TYPES[self.kind])


@dataclass
class RevertPreview:
    """What reverting a profile to a moment would change, from its current state: its fields
    (but not its status, which a revert leaves alone) and links, and its parts."""

    moment: datetime.datetime
    profile: list[SafeString]
    parts: list[PlannedChange]

    @property
    def changes_nothing(self) -> bool:
        return not self.profile and not self.parts


@dataclass
class Version:
    """Everything one changeset changed in a profile, where it came from, and the review
    step it was, if any."""

    changeset: str
    date: datetime.datetime
    user: object
    changes: list[Change]
    source: VersionSource | None = None
    review_step: ReviewStep | None = None

    @property
    def user_name(self) -> str:
        if self.user:
            return self.user.get_username()
        if self.source is not None and self.source.kind == SourceKind.COMMAND:
            return _("the command line")
        return _("(system or import)")


def record_baseline() -> int:
    """Give every record that has no history yet (loaded from a fixture, or stored before
    history was kept) a first history record, so that it can be shown and reverted to.
    Returns how many were written; running it again writes none."""
    written = 0
    baseline = uuid.uuid4()
    for model in [Process, *PROFILE_PARTS, Organisation, FocusArea, Region]:
        recorded = model.history.values_list("id", flat=True).distinct()
        missing = list(model.objects.exclude(pk__in=recorded))
        if missing:
            model.history.bulk_history_create(
                missing, custom_historical_attrs={"changeset": baseline}
            )
            written += len(missing)
    return written


def word_diff(old: str, new: str) -> SafeString:
    """Words removed in <del>, words added in <ins>; long unchanged runs shortened."""
    old_words, new_words = str(old or "").split(), str(new or "").split()
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            words = old_words[i1:i2]
            if len(words) > 12:
                words = [*words[:5], "…", *words[-5:]]
            parts.append(escape(" ".join(words)))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", " ".join(old_words[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", " ".join(new_words[j1:j2])))
    return mark_safe(" ".join(str(part) for part in parts))


def model_of(row):
    """The model of a history record (its ``instance_type``) or of a row."""
    return getattr(row, "instance_type", None) or type(row)


class RelatedObjects:
    """The organisations, focus areas and users that a set of history records (or rows) point
    at, fetched with one query per kind, so a history page costs the same whatever its
    length."""

    def __init__(self, records):
        wanted: dict[type, set] = {}
        for record in records:
            for model_field in model_of(record)._meta.concrete_fields:
                if model_field.many_to_one and model_field.name != "process":
                    value = getattr(record, model_field.attname, None)
                    if value is not None:
                        wanted.setdefault(model_field.related_model, set()).add(value)
        self._objects = {
            model: model._default_manager.in_bulk(ids) for model, ids in wanted.items()
        }

    def get(self, model, pk):
        return self._objects.get(model, {}).get(pk)

    def instance(self, record):
        """The recorded object, with the related objects it names attached."""
        model = record.instance_type
        # Built from the record alone: simple-history's ``record.instance`` reads the fields
        # it does not keep (``updated_at``, ``version``) from the live row, a query per record.
        instance = model(
            **{
                f.attname: getattr(record, f.attname)
                for f in model._meta.concrete_fields
                if hasattr(record, f.attname)
            }
        )
        return self.attach(instance)

    def attach(self, instance):
        """``instance`` with the related objects it names set from those fetched, so that
        showing it runs no query."""
        for model_field in type(instance)._meta.concrete_fields:
            if model_field.many_to_one and model_field.name != "process":
                related = self.get(
                    model_field.related_model, getattr(instance, model_field.attname)
                )
                if related is not None:
                    setattr(instance, model_field.name, related)
        return instance

    def display(self, record, field_name: str) -> str:
        model_field = model_of(record)._meta.get_field(field_name)
        value = getattr(record, model_field.attname)
        if model_field.many_to_one:
            related = self.get(model_field.related_model, value)
            return "" if value is None else str(related or f"#{value}")
        if model_field.choices and value not in (None, ""):
            if field_name == "country":
                return str(Country(code=value).name)
            return str(dict(model_field.flatchoices).get(value, value))
        return "" if value is None else str(value)


def attach_m2m_ids(process_records) -> None:
    """Read the many-to-many links of every profile record with one query per link."""
    history_ids = [record.history_id for record in process_records]
    for field_name in M2M_FIELDS:
        through = apps.get_model("rcp", f"HistoricalProcess_{field_name}")
        column = f"{Process._meta.get_field(field_name).related_model._meta.model_name}_id"
        links: dict[int, set] = {}
        for history_id, related_id in through.objects.filter(
            history_id__in=history_ids
        ).values_list("history_id", column):
            links.setdefault(history_id, set()).add(related_id)
        for record in process_records:
            record.__dict__.setdefault("m2m_ids", {})[field_name] = links.get(
                record.history_id, set()
            )


def field_detail(related: RelatedObjects, field_name: str, old_row, new_row) -> SafeString:
    """How one field of a record changed from ``old_row`` to ``new_row`` (history records or
    rows): old and new value, or a word diff of a long text."""
    verbose = str(model_of(new_row)._meta.get_field(field_name).verbose_name)
    old = related.display(old_row, field_name)
    new = related.display(new_row, field_name)
    if len(old) > 80 or len(new) > 80:
        return format_html("{}: {}", verbose, word_diff(old, new))
    return format_html("{}: <del>{}</del> → <ins>{}</ins>", verbose, old or "—", new or "—")


def describe_record(record, previous, related: RelatedObjects) -> Change:
    """One history record as a change: what was added, removed or changed, and how."""
    instance = related.instance(record)
    label = f"{record.instance_type._meta.verbose_name}: {instance}"
    change = Change(kind=record.history_type, label=label)
    if record.history_type != "~" or previous is None:
        return change
    delta = record.diff_against(previous, excluded_fields=M2M_FIELDS)
    for item in delta.changes:
        change.details.append(field_detail(related, item.field, previous, record))
    if record.instance_type is Process:
        for field_name in sorted(M2M_FIELDS):
            if record.m2m_ids[field_name] != previous.m2m_ids[field_name]:
                verbose = str(Process._meta.get_field(field_name).verbose_name)
                change.details.append(format_html("{}: {}", verbose, _("changed")))
    return change


def profile_records(process_id: int):
    """Every history record of the profile and of its parts, oldest first."""
    records = list(Process.history.filter(id=process_id).select_related("history_user"))
    attach_m2m_ids(records)
    for model in PROFILE_PARTS:
        records += list(model.history.filter(process_id=process_id).select_related("history_user"))
    records.sort(key=lambda record: (record.history_date, record.history_id))
    return records


def profile_timeline(process_id: int) -> list[Version]:
    """The profile's versions, newest first, each with who, when and what changed."""
    groups: dict[str, list] = {}
    for record in profile_records(process_id):
        groups.setdefault(str(record.changeset), []).append(record)

    related = RelatedObjects(record for records in groups.values() for record in records)
    # One query for the review notes, if any version is a review step.
    reviewed = [
        changeset_id
        for changeset_id, records in groups.items()
        if any(record.source == SourceKind.REVIEW for record in records)
    ]
    review_steps = (
        {
            str(step.changeset): step
            for step in ReviewStep.objects.filter(process_id=process_id, changeset__in=reviewed)
        }
        if reviewed
        else {}
    )
    previous_by_object: dict[tuple, object] = {}
    versions = []
    for changeset_id, records in groups.items():
        changes = []
        for record in records:
            object_key = (type(record), record.id)
            change = describe_record(record, previous_by_object.get(object_key), related)
            if change.kind != "~" or change.details:
                changes.append(change)
            previous_by_object[object_key] = record
        if changes:
            user = next((r.history_user for r in records if r.history_user_id), None)
            versions.append(
                Version(
                    changeset=changeset_id,
                    date=records[-1].history_date,
                    user=user,
                    changes=changes,
                    source=version_source(records),
                    review_step=review_steps.get(changeset_id),
                )
            )
    versions.reverse()
    return versions


def version_end(process_id: int, changeset_id: str) -> datetime.datetime:
    """The moment just after the last record of a changeset: the state to restore (one light
    query per history table)."""
    dates = []
    for model in [Process, *PROFILE_PARTS]:
        owner = {"id": process_id} if model is Process else {"process_id": process_id}
        records = model.history.filter(changeset=changeset_id, **owner)
        last = records.aggregate(last=Max("history_date"))["last"]
        if last is not None:
            dates.append(last)
    if not dates:
        raise LookupError(_("This version of the profile does not exist."))
    return max(dates)


def changes_since(process_id: int, since: datetime.datetime) -> list[Version]:
    """The versions saved after ``since``: what an editor missed while the page was open."""
    return [version for version in profile_timeline(process_id) if version.date > since]


def profile_snapshot(process_id: int, to: datetime.datetime):
    """The profile's history record current at ``to``; ``LookupError`` if it did not exist."""
    snapshot = (
        Process.history.filter(id=process_id, history_date__lte=to)
        .order_by("-history_date", "-history_id")
        .first()
    )
    if snapshot is None or snapshot.history_type == "-":
        raise LookupError(_("The profile did not exist at that time."))
    return snapshot


def parts_at(model, process_id: int, to: datetime.datetime) -> dict:
    """The rows of one kind of part the profile had at ``to``, by id."""
    records = model.history.filter(process_id=process_id, history_date__lte=to).latest_of_each()
    # Built from the records: simple-history's ``as_instances()`` reads the fields a history
    # does not keep (the translated fields, which stand for their columns) from the live row,
    # a query per row; and it leaves out the rows deleted by ``to``, as this does.
    rows = [
        model(**{f.attname: getattr(record, f.attname) for f in stored_fields(model)})
        for record in records
        if record.history_type != "-"
    ]
    return {row.pk: row for row in rows}


def same_row(model, a, b) -> bool:
    return all(getattr(a, f.attname) == getattr(b, f.attname) for f in stored_fields(model))


def links_of(record) -> dict:
    """The many-to-many links a profile's history ``record`` kept: ``{field name: ids}``."""
    return {
        "regions": [row.region_id for row in record.regions.all()],
        "associated_organisations": [
            row.organisation_id for row in record.associated_organisations.all()
        ],
    }


def same_name(record) -> Q:
    """Profiles with the name of ``record`` (a history record) in one of its languages: names
    are unique in each language."""
    condition = Q(pk__in=[])
    for language in LANGUAGE_CODES:
        name = getattr(record, column("name", language))
        if name:
            condition |= Q(**{column("name", language): name})
    return condition


def revert_preview(process: Process, *, to: datetime.datetime) -> RevertPreview:
    """What :func:`revert_process` would change if run now, in the words of the history page:
    each profile field from its current value to the restored one, links, and each part
    added back, removed or changed back. A fixed number of queries, whatever the rows."""
    snapshot = profile_snapshot(process.pk, to)
    wanted = {model: parts_at(model, process.pk, to) for model in PROFILE_PARTS}
    current = {
        model: {row.pk: row for row in model.objects.filter(process_id=process.pk)}
        for model in PROFILE_PARTS
    }
    related = RelatedObjects(
        [
            process,
            snapshot,
            *(row for rows in wanted.values() for row in rows.values()),
            *(row for rows in current.values() for row in rows.values()),
        ]
    )
    profile = [
        field_detail(related, model_field.name, process, snapshot)
        for model_field in stored_fields(Process)
        if model_field.name not in NOT_REVERTED
        and getattr(process, model_field.attname) != getattr(snapshot, model_field.attname)
    ]
    for field_name in sorted(M2M_FIELDS):
        linked = Process._meta.get_field(field_name).related_model
        now = set(getattr(process, field_name).values_list("pk", flat=True))
        then = set(getattr(snapshot, field_name).values_list(linked._meta.model_name, flat=True))
        if now != then:
            names = linked._default_manager.in_bulk(now | then)

            def listed(ids, names=names):
                return ", ".join(sorted(str(names[pk]) for pk in ids if pk in names)) or "—"

            profile.append(
                format_html(
                    "{}: <del>{}</del> → <ins>{}</ins>",
                    Process._meta.get_field(field_name).verbose_name,
                    listed(now),
                    listed(then),
                )
            )
    parts = []
    for model in PROFILE_PARTS:
        verbose = model._meta.verbose_name
        shown = [f.name for f in stored_fields(model) if f.name not in {"id", "process"}]
        for pk, row in current[model].items():
            if pk not in wanted[model]:
                label = f"{verbose}: {related.attach(row)}"
                parts.append(PlannedChange(kind="-", label=label))
        for pk, row in wanted[model].items():
            label = f"{verbose}: {related.attach(row)}"
            if pk not in current[model]:
                parts.append(PlannedChange(kind="+", label=label))
            elif not same_row(model, current[model][pk], row):
                now_row = related.attach(current[model][pk])
                details = [
                    field_detail(related, name, now_row, row)
                    for name in shown
                    if getattr(now_row, model._meta.get_field(name).attname)
                    != getattr(row, model._meta.get_field(name).attname)
                ]
                parts.append(PlannedChange(kind="~", label=label, details=details))
    return RevertPreview(moment=to, profile=profile, parts=parts)


@transaction.atomic
def revert_process(process: Process, *, to: datetime.datetime, user=None) -> Process:
    """Restore a profile as it was at ``to``: its fields (but not its publication status),
    its many-to-many links and every row of its parts, with their original ids."""
    with changeset(Source(SourceKind.REVERT, to.isoformat())):
        snapshot = profile_snapshot(process.pk, to)
        taken = (
            Process.objects.exclude(pk=process.pk)
            .filter(same_name(snapshot) | Q(slug=snapshot.slug))
            .first()
        )
        if taken is not None:
            raise LookupError(
                _(
                    "This version cannot be restored: the profile “%(other)s” now has its name "
                    "or web address. Rename that profile first."
                )
                % {"other": taken}
            )
        for model_field in stored_fields(Process):
            if model_field.name not in NOT_REVERTED:
                setattr(process, model_field.attname, getattr(snapshot, model_field.attname))
        process._change_reason = _("Reverted to the version of %(date)s") % {"date": to.isoformat()}
        authorise(process, actor=user)  # the status is not reverted: nothing to decide
        process.save()
        set_links(process, links_of(snapshot))
        for model in PROFILE_PARTS:
            restore_parts(model, process, to)
    log_event("revert", process=process.slug, user=user, reverted_to=to)
    return process


def restore_parts(model, process: Process, to: datetime.datetime) -> None:
    """Make the rows of one kind of part exactly those the profile had at ``to``.

    Rows that differ are removed before the wanted ones are written back, so unique rules
    (a country once per process) never clash halfway through.
    """
    match_rows(
        model.objects.filter(process=process),
        parts_at(model, process.pk, to).values(),
        same=lambda row, then: same_row(model, row, then),
        delete=lambda row: row.delete(),
        save=lambda then: then.save(force_insert=True),
    )


def deleted_processes():
    """Profiles that were deleted and can be recovered: their last history record."""
    existing = set(Process.objects.values_list("pk", flat=True))
    deletions = (
        Process.history.filter(history_type="-")
        .exclude(id__in=existing)
        .order_by("id", "-history_date")
    )
    return [next(group) for _id, group in groupby(deletions, key=lambda record: record.id)]


@transaction.atomic
def recover_process(process_id: int, *, user=None) -> Process:
    """Bring a deleted profile back, as a draft, with every part it had when deleted."""
    deletion = (
        Process.history.filter(id=process_id, history_type="-").order_by("-history_date").first()
    )
    if deletion is None or Process.objects.filter(pk=process_id).exists():
        raise LookupError(_("There is no deleted profile to recover."))
    taken = Process.objects.filter(same_name(deletion) | Q(slug=deletion.slug))
    if taken.exists():
        raise LookupError(
            _(
                "%(name)s cannot be recovered: the profile “%(other)s” now has its name or web "
                "address. Rename that profile first."
            )
            % {"name": deletion.name_en, "other": taken.first()}
        )
    with changeset(Source(SourceKind.RECOVER)):
        process = Process(
            **{
                f.attname: getattr(deletion, f.attname)
                for f in Process._meta.concrete_fields
                if hasattr(deletion, f.attname)
            }
        )
        process.status = PublicationStatus.DRAFT
        process._change_reason = _("Recovered after deletion")
        authorise(process, actor=user)  # a draft: nothing to decide
        process.save(force_insert=True)
        # auto_now_add stamped the recovery; the profile was created when it was.
        Process.objects.filter(pk=process.pk).update(created_at=deletion.created_at)
        process.created_at = deletion.created_at
        # The deletion record has no links left (they are deleted before the profile): take
        # them from the record before it.
        set_links(process, links_of(deletion.prev_record or deletion))
        # The parts were deleted just before or after the profile, in the same changeset.
        same_changeset = [
            record.history_date
            for model in PROFILE_PARTS
            for record in model.history.filter(
                process_id=process_id, history_type="-", changeset=deletion.changeset
            )
        ]
        moment = min([deletion.history_date, *same_changeset]) - datetime.timedelta(microseconds=1)
        for model in PROFILE_PARTS:
            restore_parts(model, process, moment)
    log_event("recover", process=process.slug, user=user)
    return process
