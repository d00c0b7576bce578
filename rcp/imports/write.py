"""Writing an import plan (:mod:`rcp.imports.plan`): all of it or nothing, in one transaction
and one changeset.

The parts of a profile (countries, organisations, focus areas, chairs, meetings), which a file
may hold by the thousand, are written in bulk with their history (simple-history's bulk
helpers), then each profile they belong to gets one version bump and the public pages one
invalidation. Other records (regions, focus areas, organisations, profiles) are few and are
saved one by one through their models, which keep their own rules on save (slugs, the
publishing gate, many-to-many links).

A plan of profile parts can be stored with the upload the preview keeps (:func:`stored_plan`)
and written at the confirmation from there (:func:`write_stored_plan`), without reading and
checking the file again; the confirmation only checks, in one query, that the rows it changes
still hold what the preview showed.
"""

import contextlib
import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries.fields import Country
from import_export.results import RowResult
from simple_history.utils import bulk_create_with_history

from rcp.cache import invalidate_public_pages
from rcp.history_records import Source, SourceKind, changeset, changeset_fields
from rcp.imports.plan import CHANGED, INVALID, NEW, UNCHANGED, ImportPlan, comparable
from rcp.models import Process, ProfilePart
from rcp.workflow import history_user

#: Rows per INSERT or UPDATE statement of a bulk write.
BATCH_SIZE = 500


class ImportRefused(Exception):
    """Nothing was written; ``problems`` say why, in an editor's words."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass
class ImportOutcome:
    """What an import did (or, for a preview, would do): its plan, and whether it was written.

    Offers what callers of the library's ``import_data`` read (``totals``, ``has_errors()``,
    ``has_validation_errors()``)."""

    plan: ImportPlan
    written: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        counts = self.plan.counts
        return {
            RowResult.IMPORT_TYPE_NEW: counts[NEW],
            RowResult.IMPORT_TYPE_UPDATE: counts[CHANGED],
            RowResult.IMPORT_TYPE_SKIP: counts[UNCHANGED],
            RowResult.IMPORT_TYPE_DELETE: 0,
            RowResult.IMPORT_TYPE_INVALID: counts[INVALID],
            RowResult.IMPORT_TYPE_ERROR: len(self.plan.file_problems) + len(self.problems),
        }

    def has_errors(self) -> bool:
        return bool(self.plan.file_problems or self.problems)

    def has_validation_errors(self) -> bool:
        return self.plan.counts[INVALID] > 0

    def problem_lines(self) -> list[str]:
        return self.problems + self.plan.problem_lines()


def writes_in_bulk(model) -> bool:
    return issubclass(model, ProfilePart)


def concurrent_write(error) -> bool:
    """Whether a database error is another transaction's write colliding with this one: a row
    it added first (a unique constraint; the import checked against what was committed when it
    read), or a deadlock or serialisation failure (SQLSTATE class 40)."""
    if isinstance(error, IntegrityError):
        return True
    sqlstate = getattr(error.__cause__, "sqlstate", None) or ""
    return isinstance(error, DatabaseError) and sqlstate.startswith("40")


def collision(model) -> str:
    return _(
        "Another import or edit changed these %(what)s at the same time as this import, so "
        "nothing from this file was saved. Import it again: it will then see their changes."
    ) % {"what": model._meta.verbose_name_plural}


def write_plan(plan: ImportPlan, *, user=None) -> None:
    """Write every new and changed row of ``plan``, or nothing (raises :class:`ImportRefused`)."""
    if plan.has_problems:
        raise ImportRefused(plan.problem_lines())
    new = [row.instance for row in plan.of_kind(NEW)]
    changed_rows = plan.of_kind(CHANGED)
    if not new and not changed_rows:
        return
    with _guarded(plan.model), changeset(Source(SourceKind.SPREADSHEET, plan.file_name)):
        if writes_in_bulk(plan.model):
            changed = [row.instance for row in changed_rows]
            names = {name for row in changed_rows for name in row.was}
            _write_in_bulk(plan.model, new, changed, sorted(names), user=user)
        else:
            for row in plan.rows:
                if row.kind in (NEW, CHANGED):
                    plan.resource.before_save_instance(row.instance, row.cells, user=user)
                    row.instance.save()
                    for name, values in row.related.items():
                        getattr(row.instance, name).set(values)


@contextlib.contextmanager
def _guarded(model):
    """One transaction; a collision with another writer, also one the database reports at the
    commit (PostgreSQL checks a deleted profile's references then), becomes
    :class:`ImportRefused`."""
    try:
        with transaction.atomic():
            yield
    except DatabaseError as error:
        if concurrent_write(error):
            raise ImportRefused([collision(model)]) from error
        raise


def _write_in_bulk(model, new: list, changed: list, names: list[str], *, user) -> None:
    now = timezone.now()
    stamp = changeset_fields()
    who = history_user(user)
    if new:
        bulk_create_with_history(
            new,
            model,
            batch_size=BATCH_SIZE,
            default_user=who,
            default_date=now,
            custom_historical_attrs=stamp,
        )
    if changed:
        _update_alike(model, changed, names)
        model.history.bulk_history_create(
            changed,
            batch_size=BATCH_SIZE,
            update=True,
            default_user=who,
            default_date=now,
            custom_historical_attrs=stamp,
        )
    profiles = {instance.process_id for instance in [*new, *changed]}
    # One version and "Last updated" per profile, as one save of each would give.
    Process.objects.filter(pk__in=profiles).update(version=F("version") + 1, updated_at=now)
    invalidate_public_pages()


def _update_alike(model, changed: list, names: list[str]) -> None:
    """One UPDATE for each set of rows given the same new values (a file usually changes many
    rows alike: a group renamed, a role changed), instead of ``bulk_update``'s one CASE per row
    and field, which grows with the rows."""
    attnames = [model._meta.get_field(name).attname for name in names]
    alike: dict[tuple, tuple[dict, list]] = {}
    for instance in changed:
        values = {attname: getattr(instance, attname) for attname in attnames}
        key = tuple(_field_value(value) for value in values.values())
        alike.setdefault(key, (values, []))[1].append(instance.pk)
    for values, pks in alike.values():
        for start in range(0, len(pks), BATCH_SIZE):
            model._default_manager.filter(pk__in=pks[start : start + BATCH_SIZE]).update(**values)


# A plan kept between the preview and the confirmation -----------------------------------


def _field_value(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Country):
        return value.code
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _python_value(model_field, value):
    return None if value is None else model_field.to_python(value)


def _attname(model, name: str) -> str:
    return model._meta.get_field(name).attname


def stored_plan(plan: ImportPlan) -> dict | None:
    """What the confirmation of ``plan`` writes, as JSON-ready data; ``None`` for a plan that is
    not written in bulk (the confirmation plans its file again)."""
    if plan.has_problems or not writes_in_bulk(plan.model):
        return None
    model = plan.model
    concrete = [f for f in model._meta.concrete_fields if not f.primary_key]
    new = [
        {f.attname: _field_value(getattr(row.instance, f.attname)) for f in concrete}
        | {"line": row.line}
        for row in plan.of_kind(NEW)
    ]
    changed = []
    for row in plan.of_kind(CHANGED):
        values, was = {}, {}
        for name, old in row.was.items():
            attname = _attname(model, name)
            values[attname] = _field_value(getattr(row.instance, attname))
            was[attname] = _field_value(old)
        changed.append({"pk": row.instance.pk, "line": row.line, "values": values, "was": was})
    stored = {
        "model": model._meta.label,
        "keys": plan.resource.key_attnames,
        "file_name": plan.file_name,
        "counts": plan.counts,
        "new": new,
        "changed": changed,
    }
    return stored


def write_stored_plan(stored: dict, *, user=None) -> dict[str, int]:
    """Write a plan kept by :func:`stored_plan`; returns its counts. Refuses (nothing written)
    if, since the preview, a record it names was deleted, a record it adds was added, or a
    row it changes no longer holds what the preview showed. The profiles it names stay locked
    until it commits, so a second confirmation of the same file waits, then finds its rows."""
    model = apps.get_model(stored["model"])
    fields_by_attname = {f.attname: f for f in model._meta.concrete_fields}

    def value(name, raw):
        return _python_value(fields_by_attname[name], raw)

    new = [
        model(**{name: value(name, raw) for name, raw in row.items() if name in fields_by_attname})
        for row in stored["new"]
    ]
    with _guarded(model), changeset(Source(SourceKind.SPREADSHEET, stored["file_name"])):
        gone = _lines_whose_references_are_gone(model, stored)
        if gone:
            raise ImportRefused([references_gone(gone)])
        added = _lines_added_meanwhile(model, stored, new)
        if added:
            raise ImportRefused([added_since_preview(model, added)])
        current = model._default_manager.select_for_update().in_bulk(
            [row["pk"] for row in stored["changed"]]
        )
        changed, moved = [], []
        for row in stored["changed"]:
            instance = current.get(row["pk"])
            if instance is None or any(
                comparable(getattr(instance, name)) != comparable(value(name, old))
                for name, old in row["was"].items()
            ):
                moved.append(row["line"])
                continue
            for name, raw in row["values"].items():
                setattr(instance, name, value(name, raw))
            changed.append(instance)
        if moved:
            raise ImportRefused([changed_since_preview(model, moved)])
        names = sorted(
            {fields_by_attname[n].name for row in stored["changed"] for n in row["values"]}
        )
        _write_in_bulk(model, new, changed, names, user=user)
    return stored["counts"]


def _lines_added_meanwhile(model, stored: dict, new: list) -> list[int]:
    """The lines adding a record that is stored by now (added in the admin or by another
    import of the same file since the preview): not every kind of part has a unique
    constraint that would refuse it (a meeting, a chair)."""
    keys = stored["keys"]
    if not new:
        return []
    profiles = {instance.process_id for instance in new}
    existing = {
        tuple(comparable(part) for part in key)
        for key in model._default_manager.filter(process_id__in=profiles).values_list(*keys)
    }
    return [
        row["line"]
        for row, instance in zip(stored["new"], new, strict=True)
        if tuple(comparable(getattr(instance, name)) for name in keys) in existing
    ]


def added_since_preview(model, lines: list[int]) -> str:
    return _(
        "Since the preview, someone else added %(count)d of the %(what)s this file adds "
        "(line %(lines)s). Nothing was imported: upload the file again to see a new preview."
    ) % {
        "count": len(lines),
        "what": model._meta.verbose_name_plural,
        "lines": ", ".join(str(line) for line in lines[:10]),
    }


def _lines_whose_references_are_gone(model, stored: dict) -> list[int]:
    """The lines naming a record (a profile, an organisation...) deleted since the preview.
    The records still there stay locked until the import commits, so none can go meanwhile."""
    gone = []
    for model_field in model._meta.concrete_fields:
        if not isinstance(model_field, models.ForeignKey):
            continue
        wanted: dict[int, list[int]] = {}
        for row in stored["new"]:
            if row.get(model_field.attname) is not None:
                wanted.setdefault(row[model_field.attname], []).append(row["line"])
        for row in stored["changed"]:
            if row["values"].get(model_field.attname) is not None:
                wanted.setdefault(row["values"][model_field.attname], []).append(row["line"])
        if not wanted:
            continue
        related = model_field.related_model._default_manager.select_for_update()
        present = set(related.filter(pk__in=wanted).values_list("pk", flat=True))
        gone += [line for pk, lines in wanted.items() if pk not in present for line in lines]
    return sorted(gone)


def references_gone(lines: list[int]) -> str:
    return _(
        "Since the preview, someone else changed or deleted %(count)d of the records this "
        "file refers to (line %(lines)s). Nothing was imported: upload the file again to see "
        "a new preview."
    ) % {"count": len(lines), "lines": ", ".join(str(line) for line in lines[:10])}


def changed_since_preview(model, lines: list[int]) -> str:
    return _(
        "Since the preview, someone else changed or deleted %(count)d of the %(what)s this "
        "file changes (line %(lines)s). Nothing was imported: upload the file again to see a "
        "new preview."
    ) % {
        "count": len(lines),
        "what": model._meta.verbose_name_plural,
        "lines": ", ".join(str(line) for line in lines[:10]),
    }
