"""Planning a spreadsheet import: every row read and checked, and what it would change.

A plan is what the admin's preview shows and what its confirmation writes (see
:mod:`rcp.imports.write`). Planning writes nothing: each row is read by the resource's widgets
and checked with the same model rules as a form (``full_clean()``, through the resource's
``import_instance`` and ``validate_instance``), and compared with the stored record. Every
problem of every row is kept, with the spreadsheet line it is on (the column names are
line 1) and its column.

Why not the library's ``import_data``: it writes every row (one savepoint, one INSERT and one
history INSERT each, then rolls the preview back) and builds an HTML diff per row, which made
10,000 rows take sixty times as long as the database needs to store them.
"""

import copy
import datetime
import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django_countries.fields import Country, CountryField
from import_export import widgets

from rcp.formats import ImportFileError, excerpt

NEW = "new"
CHANGED = "changed"
UNCHANGED = "unchanged"
INVALID = "invalid"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a row; ``column`` is empty for the row as a whole."""

    column: str
    message: str

    def describe(self, line: int) -> str:
        if self.column:
            return _("Line %(line)d, column “%(column)s”: %(error)s") % {
                "line": line,
                "column": self.column,
                "error": self.message,
            }
        return _("Line %(line)d: %(error)s") % {"line": line, "error": self.message}


@dataclass(frozen=True)
class Reading:
    """A cell as written and as the import understood it: "UK" → "United Kingdom (GB)"."""

    column: str
    written: str
    understood: str


@dataclass(frozen=True)
class FieldChange:
    column: str
    old: str
    new: str


@dataclass
class PlannedRow:
    """One line of the file: what it is (new, changed, unchanged or invalid), its problems, and
    the record it would write (``instance``), with its many-to-many values (``related``)."""

    line: int
    kind: str
    cells: dict
    instance: models.Model | None
    problems: list[Problem] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)
    related: dict[str, list] = field(default_factory=dict)
    #: For a changed row, the stored values of the fields it changes (the confirmation checks
    #: that they are still stored).
    was: dict = field(default_factory=dict)
    plan: "ImportPlan | None" = field(default=None, repr=False)

    @property
    def description(self) -> str:
        if self.instance is None or self.plan is None:
            return ""
        return excerpt(self.plan.resource.describe_key(self.instance))

    @cached_property
    def readings(self) -> list[Reading]:
        """The cells whose value is shown otherwise than it is written (computed when shown)."""
        if self.plan is None or self.instance is None:
            return []
        found = []
        for resource_field in self.plan.fields:
            column = resource_field.column_name
            written = _as_written(self.cells.get(column))
            if not written:
                continue
            value = self.related.get(resource_field.attribute, _MISSING)
            if value is _MISSING:
                value = getattr(self.instance, resource_field.attribute, None)
            understood = self.plan.shown(resource_field, value)
            if understood and understood.casefold() != written.casefold():
                found.append(Reading(column, excerpt(written), understood))
        return found

    def problem_lines(self) -> list[str]:
        return [problem.describe(self.line) for problem in self.problems]


_MISSING = object()


@dataclass
class ImportPlan:
    """Everything an import would do, row by row, before anything is written."""

    resource: object
    file_name: str = ""
    file_problems: list[str] = field(default_factory=list)
    rows: list[PlannedRow] = field(default_factory=list)

    @property
    def model(self):
        return self.resource._meta.model

    @cached_property
    def fields(self) -> list:
        """The resource's columns this file has and the import reads."""
        return [
            resource_field
            for resource_field in self.resource.get_import_fields()
            if resource_field.attribute and not resource_field.readonly
        ]

    def of_kind(self, kind: str) -> list[PlannedRow]:
        return [row for row in self.rows if row.kind == kind]

    @cached_property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((NEW, CHANGED, UNCHANGED, INVALID), 0)
        for row in self.rows:
            counts[row.kind] += 1
        return counts

    @property
    def has_problems(self) -> bool:
        return bool(self.file_problems) or self.counts[INVALID] > 0

    @property
    def changes_anything(self) -> bool:
        return not self.has_problems and (self.counts[NEW] + self.counts[CHANGED]) > 0

    def fingerprint(self) -> str:
        """What the plan would write, in a few bytes, from the values themselves (not as they
        are shown): a file planned again for its confirmation must plan the same."""
        digest = hashlib.sha256()
        stored = [model_field.attname for model_field in self.model._meta.concrete_fields]
        for row in self.rows:
            values = row.instance.__dict__ if row.instance is not None else {}
            written = [comparable(values.get(name)) for name in stored]
            was = [(name, comparable(value)) for name, value in sorted(row.was.items())]
            related = [(name, comparable(value)) for name, value in sorted(row.related.items())]
            digest.update(repr((row.line, row.kind, written, was, related)).encode())
        return digest.hexdigest()

    def problem_lines(self) -> list[str]:
        """Every problem of the file, one line each: the line, the column and what is wrong."""
        lines = list(self.file_problems)
        for row in self.rows:
            lines.extend(row.problem_lines())
        return lines

    def summary(self) -> str:
        counts = self.counts
        return _(
            "%(new)d new, %(changed)d changed, %(unchanged)d unchanged, %(invalid)d with "
            "errors (%(what)s)."
        ) % {
            "new": counts[NEW],
            "changed": counts[CHANGED],
            "unchanged": counts[UNCHANGED],
            "invalid": counts[INVALID],
            "what": self.model._meta.verbose_name_plural,
        }

    # How values read -----------------------------------------------------------------------

    @cached_property
    def _choices(self) -> dict[str, dict]:
        found = {}
        for resource_field in self.fields:
            try:
                model_field = self.model._meta.get_field(resource_field.attribute)
            except FieldDoesNotExist:
                continue
            # A country's choices are every country: it is shown by its name and code.
            if model_field.choices and not isinstance(model_field, CountryField):
                found[resource_field.attribute] = dict(model_field.flatchoices)
        return found

    @cached_property
    def _countries(self) -> set[str]:
        found = set()
        for resource_field in self.fields:
            try:
                model_field = self.model._meta.get_field(resource_field.attribute)
            except FieldDoesNotExist:
                continue
            if isinstance(model_field, CountryField):
                found.add(resource_field.attribute)
        return found

    def shown(self, resource_field, value) -> str:
        """A value as an editor reads it: a country as "United Kingdom (GB)", a record by its
        name, a choice by its label, yes or no."""
        if value is None or value == "":
            return ""
        if resource_field.attribute in self._countries:
            value = Country(code=value) if isinstance(value, str) else value
        if isinstance(value, Country):
            return f"{value.name} ({value.code})" if value.code else ""
        if resource_field.attribute in self._choices:
            return str(self._choices[resource_field.attribute].get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        if isinstance(value, models.Model):
            return str(value)
        return excerpt(str(value))


def read_back(text: str) -> str:
    """A text as a spreadsheet gives it back: line breaks as "\n", trimmed (see
    ``rcp.resources.TextWidget``)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def comparable(value):
    """A value as it identifies a record or is compared for a change: a related record by its
    primary key, a country by its code, a text as a spreadsheet gives it back."""
    if isinstance(value, Country):
        return value.code
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return tuple(sorted((comparable(item) for item in value), key=repr))
    if isinstance(value, str):
        return read_back(value)
    return value


def _as_written(cell) -> str:
    """A cell as the editor wrote it: a workbook's date cell is a datetime at midnight."""
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime) and cell.time() == datetime.time():
        return cell.date().isoformat()
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return str(cell).strip()


def _stored(instance, attribute):
    """A field's value as stored on the instance: a related record (fetched once for the whole
    import), else the raw value, which for a country is its code (the descriptor would build a
    Country, and translate its name, at every access)."""
    value = instance.__dict__.get(attribute, _MISSING)
    return getattr(instance, attribute) if value is _MISSING else value


def _messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            name: [str(m) for m in ValidationError(e).messages]
            for name, e in error.error_dict.items()
        }
    return {NON_FIELD_ERRORS: [str(m) for m in error.messages]}


def plan_import(resource, dataset, *, user=None, file_name: str = "") -> ImportPlan:
    """Read and check every row of ``dataset`` for ``resource``; write nothing."""
    plan = ImportPlan(resource=resource, file_name=file_name)
    try:
        resource.before_import(dataset)
    except ImportFileError as error:
        plan.file_problems.append(str(error))
        return plan
    lines = getattr(dataset, "rcp_lines", None)
    headers = dataset.headers
    loader = resource._meta.instance_loader_class(resource, dataset)
    columns = {f.attribute: f.column_name for f in resource.fields.values() if f.attribute}
    many = [
        f
        for f in plan.fields
        if isinstance(f.widget, widgets.ManyToManyWidget) and f.column_name in headers
    ]
    compared = [f for f in plan.fields if f.column_name in headers and f not in many]
    in_use: set[int] = set()
    for index, values in enumerate(dataset):
        line = lines[index] if lines else index + 2
        if all(_as_written(value) == "" for value in values):
            continue  # an empty line of a sheet, as a CSV file's blank lines are
        cells = dict(zip(headers, values, strict=False))
        plan.rows.append(
            _plan_row(resource, loader, cells, line, user, columns, compared, many, in_use, plan)
        )
    return plan


def _plan_row(resource, loader, cells, line, user, columns, compared, many, in_use, plan):
    errors: dict[str, list[str]] = {}
    try:
        instance = resource.get_instance(loader, cells)
    except ValidationError as error:
        instance = None
        errors = _messages(error)
    new = instance is None
    if new:
        instance = resource.init_instance(cells)
    elif id(instance) in in_use:
        instance = copy.copy(instance)  # a repeated row: the first one's record stays intact
    else:
        in_use.add(id(instance))
    before = {} if new else {f.attribute: _stored(instance, f.attribute) for f in compared}
    old_related = {}
    if not new:
        for f in many:
            old_related[f.attribute] = list(getattr(instance, f.attribute).all())
    try:
        resource.import_instance(instance, cells, row_number=line, user=user)
    except ValidationError as error:
        for name, messages in _messages(error).items():
            errors.setdefault(name, []).extend(m for m in messages if m not in errors.get(name, []))
    related = {}
    for f in many:
        if f.attribute in errors:
            continue
        try:
            related[f.attribute] = list(f.clean(cells))
        except ValueError:
            continue  # reported by import_instance
    row = PlannedRow(
        line=line, kind=NEW, cells=cells, instance=instance, related=related, plan=plan
    )
    if not new and not errors:
        for f in compared:
            after = _stored(instance, f.attribute)
            if comparable(after) != comparable(before[f.attribute]):
                row.was[f.attribute] = before[f.attribute]
                row.changes.append(
                    FieldChange(
                        f.column_name, plan.shown(f, before[f.attribute]), plan.shown(f, after)
                    )
                )
        for f in many:
            if f.attribute in related and comparable(related[f.attribute]) != comparable(
                old_related[f.attribute]
            ):
                row.changes.append(
                    FieldChange(
                        f.column_name,
                        plan.shown(f, sorted(map(str, old_related[f.attribute]))),
                        plan.shown(f, sorted(map(str, related[f.attribute]))),
                    )
                )
        if not row.changes:
            row.kind = UNCHANGED
            return row
        row.kind = CHANGED
    try:
        resource.validate_instance(instance, errors)
    except ValidationError as error:
        errors = _messages(error)
    if not errors:
        resource.planned(instance)
        return row
    row.kind = INVALID
    row.changes = []
    for name, messages in errors.items():
        column = "" if name == NON_FIELD_ERRORS else columns.get(name, name)
        row.problems.extend(Problem(column, message) for message in messages)
    return row
