"""CSV and Excel import/export for every kind of record, keyed by natural keys.

Files carry slugs and country codes, never database ids, so a file exported from one
installation imports into another. Every row goes through the same model validation as the
admin (``clean_model_instances``), one bad row rolls the whole file back, and every message
names the row, the column and what would be right.
"""

import datetime
import difflib
import functools
import re
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils.translation import gettext as _
from django_countries.fields import Country
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from rcp.countries import resolve_country, suggest_country
from rcp.dates import truncate_to_precision
from rcp.events import log_import
from rcp.formats import ImportFileError, excerpt, unescape_formula
from rcp.imports.plan import comparable, plan_import, read_back
from rcp.imports.write import ImportOutcome, ImportRefused, write_plan
from rcp.models import (
    Activity,
    Chair,
    DatePrecision,
    FocusArea,
    Meeting,
    Organisation,
    OrganisationRole,
    Participation,
    ParticipationRole,
    Process,
    ProcessFocusArea,
    ProcessKind,
    ProcessOrganisation,
    PublicationStatus,
    Region,
)
from rcp.multilingual import (
    SOURCE_LANGUAGE,
    TRANSLATION_LANGUAGES,
    store_missing_names_as_null,
    translated_fields,
)
from rcp.multilingual import column as column_in
from rcp.workflow import authorise, history_user


def closest(value: str, candidates) -> str | None:
    matches = difflib.get_close_matches(str(value), [str(c) for c in candidates], n=1, cutoff=0.7)
    return matches[0] if matches else None


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A related record by its slug; an unknown slug is an error with a suggestion.

    Lookups are remembered for the length of one import, so a file naming the same process
    on 10,000 rows looks it up once.
    """

    def __init__(self, model, field="slug", **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.reset_cache()

    def reset_cache(self, planned: dict | None = None):
        """Forget earlier lookups. ``planned``: records of this kind that lines above, in the
        same file, add (an organisation's successor listed before it), by key."""
        self._cache = {}
        self._planned = planned if planned is not None else {}

    def preload(self, keys) -> None:
        """Look up every key a file's column holds in one query, not one per key."""
        keys = {str(key).strip() for key in keys if key is not None and str(key).strip()}
        keys -= set(self._cache)
        if not keys:
            return
        found = {
            getattr(record, self.field): record
            for record in self.model.objects.filter(**{f"{self.field}__in": keys})
        }
        for key in keys:
            self._cache[key] = found.get(key)

    def clean(self, value, row=None, **kwargs):
        key = str(value).strip() if value is not None else ""
        if not key:
            return None
        if key not in self._cache:
            try:
                self._cache[key] = self.model.objects.get(**{self.field: key})
            except self.model.DoesNotExist:
                self._cache[key] = None
        found = self._cache[key] or self._planned.get(key)
        if found is None:
            suggestion = closest(key, self.model.objects.values_list(self.field, flat=True))
            message = _("There is no %(model)s “%(key)s”.") % {
                "model": self.model._meta.verbose_name,
                "key": excerpt(key),
            }
            if suggestion:
                message += " " + _("Did you mean “%(suggestion)s”?") % {"suggestion": suggestion}
            else:
                message += " " + _("Check the spelling, or import the %(model)s first.") % {
                    "model": self.model._meta.verbose_name
                }
            raise ValueError(message)
        return found

    def render(self, value, obj=None, **kwargs):
        return getattr(value, self.field, "") if value is not None else ""


class StrictManyToManyWidget(widgets.ManyToManyWidget):
    """Related records by slug, separated by commas. Unknown slugs are errors, never dropped."""

    def __init__(self, model, field="slug", **kwargs):
        super().__init__(model, separator=",", field=field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        keys = [k.strip() for k in str(value or "").split(self.separator) if k.strip()]
        if not keys:
            return self.model.objects.none()
        found = self.model.objects.filter(**{f"{self.field}__in": keys})
        known = {getattr(obj, self.field) for obj in found}
        unknown = [k for k in keys if k not in known]
        if unknown:
            message = _(
                "There is no %(model)s “%(keys)s”. Check the spelling, or import it first."
            ) % {
                "model": self.model._meta.verbose_name,
                "keys": "”, “".join(excerpt(key) for key in unknown[:5]),
            }
            if len(unknown) > 5:
                message += " (" + _("and %(count)d more") % {"count": len(unknown) - 5} + ")"
            raise ValueError(message)
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return self.separator.join(sorted(getattr(o, self.field) for o in value.all()))


class ChoiceWidget(widgets.Widget):
    """One of a field's choices, by value or label, in any case.

    An empty cell clears an optional choice; for a choice with a default (see
    :func:`kept_when_blank`) it keeps the record's value, or the default for a new record.
    """

    def __init__(self, choices, blank_value="", **kwargs):
        super().__init__(**kwargs)
        self.choices = choices
        self.blank_value = blank_value
        self._accepted: dict[str, str] = {}

    def reset_cache(self):
        self._accepted = {}

    def accepted(self) -> dict[str, str]:
        """Each value and label, casefolded, to its value (labels in the language active when
        the import began: built once an import)."""
        if not self._accepted:
            for choice_value, label in self.choices.choices:  # the first match wins
                self._accepted.setdefault(choice_value.casefold(), choice_value)
                self._accepted.setdefault(str(label).casefold(), choice_value)
        return self._accepted

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return self.blank_value
        found = self.accepted().get(text.casefold())
        if found is not None:
            return found
        raise ValueError(
            _("“%(value)s” is not allowed here. Use one of: %(allowed)s.")
            % {"value": excerpt(text), "allowed": ", ".join(self.choices.values)}
        )

    def render(self, value, obj=None, **kwargs):
        return value or ""


class CountryWidget(widgets.Widget):
    """A country as an alpha-2 or alpha-3 code or a name as IOM or ISO writes it.

    An unknown name is refused with the nearest country as a suggestion ("Eriteria": did you
    mean "Eritrea"?); it is never replaced silently. Exports the alpha-2 code.
    """

    def __init__(self, required=True, **kwargs):
        super().__init__(**kwargs)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            if self.required:
                raise ValueError(_("Enter a country: a code such as “MA” or a name."))
            return ""
        code = resolve_country(text)
        if code:
            return code
        suggestion = suggest_country(text)
        if suggestion:
            raise ValueError(
                _("“%(value)s” is not a country. Did you mean “%(suggestion)s”?")
                % {"value": excerpt(text), "suggestion": suggestion}
            )
        raise ValueError(
            _(
                "“%(value)s” is not a country. Write its name in English, or its two-letter "
                "ISO code, e.g. “MA” for Morocco."
            )
            % {"value": excerpt(text)}
        )

    def render(self, value, obj=None, **kwargs):
        return value.code if isinstance(value, Country) else (value or "")


DATE_PATTERN = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


class IsoDateWidget(widgets.Widget):
    """A date written YYYY-MM-DD, or a date cell of a workbook."""

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        match = DATE_PATTERN.fullmatch(text.split(" ")[0])
        if not match:
            raise ValueError(
                _("“%(value)s” is not a date. Write dates as YYYY-MM-DD, e.g. 2014-04-02.")
                % {"value": excerpt(text)}
            )
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError as error:
            raise ValueError(
                _("“%(value)s” is not a real date (%(reason)s).")
                % {"value": excerpt(text), "reason": error}
            ) from error

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class YearWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip()
        if not text:
            return None
        if re.fullmatch(r"\d{4}(\.0)?", text):
            return int(float(text))
        raise ValueError(
            _("“%(value)s” is not a year. Write four digits, e.g. 2001.") % {"value": excerpt(text)}
        )

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class YesNoWidget(widgets.Widget):
    """Yes or no; an empty cell keeps the record's value (see :func:`kept_when_blank`)."""

    TRUE = {"1", "true", "yes", "y", "x"}
    FALSE = {"0", "false", "no", "n"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = str(value if value is not None else "").strip().casefold()
        if not text:
            return None
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(
            _("“%(value)s” is not yes or no. Write “yes” or “no”.") % {"value": excerpt(value)}
        )

    def render(self, value, obj=None, **kwargs):
        return "yes" if value else "no"


class TextWidget(widgets.Widget):
    """Text, trimmed.

    A workbook gives a stored text back with its line breaks as "\n" (XML reads "\r\n" so,
    and the admin's text boxes save "\r\n"), and a spreadsheet trims it: such a text is the
    same text (see :meth:`RcpResource.import_instance`), so re-importing an export changes
    nothing."""

    @staticmethod
    def same_text(read, stored) -> bool:
        if not isinstance(read, str) or not isinstance(stored, str):
            return False
        return read_back(read) == read_back(stored)

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class PositionWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip()
        if not text:
            return None
        if re.fullmatch(r"\d+(\.0)?", text):
            return int(float(text))
        raise ValueError(
            _("“%(value)s” is not a position. Write a whole number, e.g. 3.")
            % {"value": excerpt(text)}
        )

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


def kept_when_blank(name, widget):
    """A column whose empty cell leaves the value alone: the model's default for a new record,
    what is stored for an existing one (a blank status never unpublishes a profile)."""
    return fields.Field(attribute=name, column_name=name, widget=widget, saves_null_values=False)


def text_field(name, attribute=None, **kwargs):
    return fields.Field(
        attribute=attribute or name, column_name=name, widget=TextWidget(), **kwargs
    )


def text_in_every_language(name) -> tuple[fields.Field, ...]:
    """The columns of a text written in every language: ``name`` for English, the source, then
    ``name_fr`` and ``name_es``. Each reads and writes its own language's column (``name_en``,
    ``name_fr``), never ``name`` itself, whose value follows the language of the request."""
    english = text_field(name, attribute=column_in(name, SOURCE_LANGUAGE))
    return (english, *(text_field(column_in(name, code)) for code in TRANSLATION_LANGUAGES))


def columns_in_every_language(*names) -> list[str]:
    return [
        name if language == SOURCE_LANGUAGE else column_in(name, language)
        for name in names
        for language in (SOURCE_LANGUAGE, *TRANSLATION_LANGUAGES)
    ]


def process_field():
    return fields.Field(
        attribute="process", column_name="process", widget=NaturalKeyWidget(Process)
    )


class NaturalKeyInstanceLoader(BaseInstanceLoader):
    """Finds a row's existing record by its import id columns, from one query for the whole
    import instead of one per row."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self._existing = None

    def get_instance(self, row):
        if self._existing is None:
            self._existing = {
                self.resource.record_key(record): record
                for record in self.resource.import_queryset()
            }
        for key in self.resource.row_keys(row):
            if key in self._existing:
                return self._existing[key]
        return None


class RcpMeta:
    """Options every resource shares. (The library's import options do not apply: imports run
    through :meth:`RcpResource.import_data`, which plans every row with ``full_clean()``,
    reports an unchanged row as unchanged, and writes all or nothing.)"""

    instance_loader_class = NaturalKeyInstanceLoader


class RcpResource(resources.ModelResource):
    """What every resource here shares: tidy input, strict columns, duplicates caught, and an
    all-or-nothing import."""

    #: Columns a file must have to be imported.
    required_columns: tuple[str, ...] = ()
    #: Fields that ``full_clean()`` need not check again: their widgets only return values
    #: that exist (a process found by slug, a country code from the resolver), and the
    #: uniqueness of the import id columns is settled by the instance loader together with
    #: the duplicate check of :meth:`import_instance`. Saves three queries and a scan of
    #: 250 country choices per row.
    trusted_fields: tuple[str, ...] = ()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._seen_keys: dict[tuple, int] = {}
        self._country_names: dict[str, str] = {}
        self._import_fields = None

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs) -> ImportOutcome:
        """Plan the import of every row (:mod:`rcp.imports.plan`) and, unless ``dry_run``, write
        it (:mod:`rcp.imports.write`): one bad row and nothing from the file is written.

        Replaces the library's row-by-row import; takes its arguments (``user``, ``file_name``;
        the others are its defaults here: every import is one transaction) and returns an
        :class:`~rcp.imports.write.ImportOutcome` with the totals it gave."""
        user, file_name = kwargs.get("user"), kwargs.get("file_name") or ""
        rows, started = len(dataset), time.perf_counter()
        try:
            outcome = ImportOutcome(plan_import(self, dataset, user=user, file_name=file_name))
            if not dry_run and not outcome.plan.has_problems:
                try:
                    write_plan(outcome.plan, user=user)
                    outcome.written = True
                except ImportRefused as refused:
                    outcome.problems = refused.problems
        except Exception:
            log_import(self, None, seconds=time.perf_counter() - started, rows=rows, **kwargs)
            raise
        log_import(
            self,
            outcome,
            seconds=time.perf_counter() - started,
            rows=rows,
            dry_run=dry_run,
            **kwargs,
        )
        if raise_errors and (outcome.has_errors() or outcome.has_validation_errors()):
            raise ImportRefused(outcome.problem_lines())
        return outcome

    def get_export_headers(self, selected_fields=None):
        return [field.column_name for field in self.get_export_fields(selected_fields)]

    def before_import(self, dataset, **kwargs):
        """Tidy the file before any row is read, and refuse it whole if its columns are wrong."""
        self._seen_keys = {}
        self._planned: dict[str, object] = {}
        for field in self.fields.values():
            if isinstance(field.widget, NaturalKeyWidget):
                same_kind = field.widget.model is self._meta.model
                field.widget.reset_cache(self._planned if same_kind else None)
            elif hasattr(field.widget, "reset_cache"):
                field.widget.reset_cache()
        written = [str(h if h is not None else "") for h in dataset.headers]
        headers = [h.strip().lstrip("\ufeff").casefold() for h in written]
        known = {field.column_name for field in self.fields.values()}
        unknown = [h for h in headers if h and h not in known]
        missing = [c for c in self.required_columns if c not in headers]
        repeated = self.repeated_columns(headers, written)
        rows = [[self.tidy_cell(cell) for cell in row] for row in dataset]
        dataset.wipe()
        dataset.headers = headers
        if unknown or missing or repeated:  # refused whole: no row is read
            raise ImportFileError(self.column_problems(unknown, missing, known, repeated))
        for row in rows:
            dataset.append(row)
        for field in self.fields.values():
            if isinstance(field.widget, NaturalKeyWidget) and field.column_name in headers:
                field.widget.preload(dataset[field.column_name])

    @staticmethod
    def tidy_cell(cell):
        if isinstance(cell, str):
            return unescape_formula(cell.strip())
        return cell

    @staticmethod
    def repeated_columns(headers, written) -> list[str]:
        """A problem for each column named twice or more, also as "Name" and "name " (which
        are read as one): a row would keep only one of its values."""
        positions: dict[str, list[int]] = {}
        for position, header in enumerate(headers):
            if header:
                positions.setdefault(header, []).append(position)
        return [
            _(
                "The column “%(column)s” appears %(count)d times: %(where)s. A row would keep "
                "only one of its values: keep one of these columns and delete the others."
            )
            % {
                "column": excerpt(header),
                "count": len(found),
                "where": ", ".join(
                    _("column %(number)d (“%(written)s”)")
                    % {"number": position + 1, "written": excerpt(written[position])}
                    for position in found
                ),
            }
            for header, found in positions.items()
            if len(found) > 1
        ]

    def column_problems(self, unknown, missing, known, repeated=()) -> str:
        problems = list(repeated)
        for column in unknown:
            suggestion = closest(column, known)
            problem = _("The column “%(column)s” is not one this import knows.") % {
                "column": excerpt(column)
            }
            if suggestion:
                problem += " " + _("Did you mean “%(suggestion)s”?") % {"suggestion": suggestion}
            problems.append(problem)
        if missing:
            problems.append(
                _("The file has no “%(columns)s” column; it is needed.")
                % {"columns": "”, “".join(missing)}
            )
        problems.append(
            _("Columns this import reads: %(columns)s.")
            % {"columns": ", ".join(f.column_name for f in self.get_import_fields())}
        )
        return " ".join(problems)

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError as error:
            raise ValidationError(self.errors_by_column(row, error)) from error

    def errors_by_column(self, row, error) -> dict:
        """Attach an error raised while reading the import id columns to the column at fault."""
        for name in self.get_import_id_fields():
            field = self.fields[name]
            try:
                field.clean(row)
            except ValueError as field_error:
                return {field.attribute: [str(field_error)]}
        return {"__all__": [str(error)]}

    def import_instance(self, instance, row, **kwargs):
        # A text read back from a spreadsheet as it was stored keeps the stored form (see
        # TextWidget), so an unchanged row is skipped, not reported as updated.
        texts = [
            field.attribute
            for field in self.get_import_fields()
            if isinstance(field.widget, TextWidget) and field.column_name in row
        ]
        stored = {name: getattr(instance, name) for name in texts} if instance.pk else {}
        errors = self.import_cells(instance, row)
        for name, value in stored.items():
            if TextWidget.same_text(getattr(instance, name), value):
                setattr(instance, name, value)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    self.check_many_to_many(field, field.clean(row))
                except (ValueError, ValidationError) as error:
                    messages = error.messages if isinstance(error, ValidationError) else [error]
                    errors.setdefault(field.attribute, []).extend(str(m) for m in messages)
        if not errors:
            self.tidy_instance(instance)  # as saving would store it, before it is compared
        key = None if errors else self.duplicate_key(instance)
        if key is not None:
            row_number = kwargs.get("row_number")
            if key in self._seen_keys:
                errors.setdefault("__all__", []).append(
                    _(
                        "This line repeats line %(first)d (%(what)s). Each appears once: remove "
                        "one of the two lines."
                    )
                    % {"first": self._seen_keys[key], "what": excerpt(self.describe_key(instance))}
                )
            else:
                self._seen_keys[key] = row_number
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        # A translated field mirrors its column in the request's language; the columns
        # themselves (name_en, name_fr) are checked.
        exclude = set(errors) | set(self.trusted_fields) | set(translated_fields(self._meta.model))
        try:
            instance.full_clean(
                exclude=exclude,
                validate_unique=validate_unique,
                validate_constraints=self.checks_constraints(frozenset(exclude)),
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        # History names the importing user, also outside a request (see import_data(user=...)).
        if history_user(kwargs.get("user")) is not None:
            instance._history_user = kwargs["user"]

    def before_delete_instance(self, instance, row, **kwargs):
        if history_user(kwargs.get("user")) is not None:
            instance._history_user = kwargs["user"]

    def import_cells(self, instance, row) -> dict[str, list[str]]:
        """Set the record's fields from the row's cells; the cells that cannot be read, by
        field. The library's ``import_instance`` does the same through three calls per cell,
        which an import of 10,000 rows felt; its rules are kept: a readonly or many-to-many
        field or a missing column is not set, and an empty cell of a field that does not save
        empty values leaves the field as it is."""
        errors = {}
        for field in self.get_import_fields():
            if (
                field.readonly
                or not field.attribute
                or field.column_name not in row
                or isinstance(field.widget, widgets.ManyToManyWidget)
            ):
                continue
            try:
                value = field.widget.clean(row[field.column_name], row=row)
            except ValueError as error:
                errors[field.attribute] = [str(error)]
                continue
            if value is not None or field.saves_null_values:
                setattr(instance, field.attribute, value)
        return errors

    def tidy_instance(self, instance) -> None:
        """Put a row's record as saving it would store it, before it is compared with the
        stored one: a missing unique name as NULL; dated records also round their dates to
        their precision."""
        store_missing_names_as_null(instance)

    def row_keys(self, row) -> list[tuple]:
        """The import id columns of a row, as :meth:`record_key` gives them of a record, in the
        order to look them up (raises ``ValueError`` for a cell that cannot be read)."""
        return [
            tuple(comparable(self.fields[name].clean(row)) for name in self.get_import_id_fields())
        ]

    def planned(self, instance) -> None:
        """A line of the file adds ``instance`` (valid): lines below may refer to it by slug."""
        slug = getattr(instance, "slug", "")
        if slug:
            self._planned[slug] = instance

    @functools.cache  # noqa: B019 (a resource lives for one import)
    def checks_constraints(self, exclude: frozenset) -> bool:
        """Whether ``full_clean(exclude=...)`` has a constraint to check: Django skips each one
        on an excluded field, but only after building a query for it, row after row."""
        return any(
            not set(getattr(constraint, "fields", ()) or ()) & exclude
            for constraint in self._meta.model._meta.constraints
        )

    def import_queryset(self):
        """The stored records an import compares its rows with: the export's, with each related
        record (a profile) fetched once and shared by its rows, not copied into every row as
        ``select_related`` does."""
        queryset = self.get_queryset()
        related = queryset.query.select_related
        if isinstance(related, dict):
            queryset = queryset.select_related(None).prefetch_related(*related)
        return queryset

    def get_import_fields(self):
        # The library computes the list again at each call, several times a row.
        if self._import_fields is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    @functools.cached_property
    def key_attnames(self) -> list[str]:
        model = self._meta.model
        return [
            model._meta.get_field(self.fields[name].attribute).attname
            for name in self.get_import_id_fields()
        ]

    def record_key(self, record) -> tuple:
        # The stored values (a country's code, a related record's id), not the descriptors':
        # a country descriptor builds a Country, and translates its name, at each access.
        values = record.__dict__
        return tuple(comparable(values.get(attname)) for attname in self.key_attnames)

    def check_many_to_many(self, field, values) -> None:
        """Hook for rules on many-to-many values (they are saved after the row)."""

    def duplicate_key(self, instance) -> tuple:
        return self.record_key(instance)

    def describe_key(self, instance) -> str:
        return str(instance)


class VocabularyMeta(RcpMeta):
    fields = ["slug", *columns_in_every_language("name")]
    import_id_fields = ["slug"]


class VocabularyResource(RcpResource):
    """A shared vocabulary: a slug and a name."""

    slug = text_field("slug")
    name, name_fr, name_es = text_in_every_language("name")
    required_columns = ("slug",)


class RegionResource(VocabularyResource):
    example_row = {
        "slug": "southern-africa",
        "name": "Southern Africa",
        "name_fr": "Afrique australe",
        "name_es": "África Austral",
    }

    class Meta(VocabularyMeta):
        model = Region


class FocusAreaResource(VocabularyResource):
    example_row = {
        "slug": "irregular-migration",
        "name": "irregular migration",
        "name_fr": "migration irrégulière",
        "name_es": "migración irregular",
    }

    class Meta(VocabularyMeta):
        model = FocusArea


class OrganisationResource(RcpResource):
    slug = text_field("slug")
    name, name_fr, name_es = text_in_every_language("name")
    acronym, acronym_fr, acronym_es = text_in_every_language("acronym")
    english_name = text_field("english_name")
    website = text_field("website")
    ceased_year = fields.Field(
        attribute="ceased_year", column_name="ceased_year", widget=YearWidget()
    )
    succeeded_by = fields.Field(
        attribute="succeeded_by",
        column_name="succeeded_by",
        widget=NaturalKeyWidget(Organisation),
    )
    required_columns = ("slug",)
    example_row = {
        "slug": "oau",
        "name": "Organisation of African Unity",
        "name_fr": "Organisation de l’unité africaine",
        "name_es": "Organización para la Unidad Africana",
        "acronym": "OAU",
        "acronym_fr": "OUA",
        "acronym_es": "OUA",
        "english_name": "",
        "website": "",
        "ceased_year": "2002",
        "succeeded_by": "au",
    }

    class Meta(RcpMeta):
        model = Organisation
        fields = [
            "slug",
            *columns_in_every_language("name", "acronym"),
            "english_name",
            "website",
            "ceased_year",
            "succeeded_by",
        ]
        import_id_fields = ["slug"]

    def get_queryset(self):
        # Successors first, so that a re-import finds them before their predecessors.
        return Organisation.objects.select_related("succeeded_by").order_by(
            F("succeeded_by").asc(nulls_first=True), "name"
        )


class ProcessResource(RcpResource):
    slug = text_field("slug")
    name, name_fr, name_es = text_in_every_language("name")
    acronym, acronym_fr, acronym_es = text_in_every_language("acronym")
    kind = fields.Field(attribute="kind", column_name="kind", widget=ChoiceWidget(ProcessKind))
    status = kept_when_blank("status", ChoiceWidget(PublicationStatus, blank_value=None))
    activity = fields.Field(
        attribute="activity", column_name="activity", widget=ChoiceWidget(Activity)
    )
    established = fields.Field(
        attribute="established", column_name="established", widget=YearWidget()
    )
    website = text_field("website")
    objectives, objectives_fr, objectives_es = text_in_every_language("objectives")
    has_official_secretariat = kept_when_blank("has_official_secretariat", YesNoWidget())
    secretariat_organisation = fields.Field(
        attribute="secretariat_organisation",
        column_name="secretariat_organisation",
        widget=NaturalKeyWidget(Organisation),
    )
    secretariat, secretariat_fr, secretariat_es = text_in_every_language("secretariat")
    regions = fields.Field(
        attribute="regions", column_name="regions", widget=StrictManyToManyWidget(Region)
    )
    associated_organisations = fields.Field(
        attribute="associated_organisations",
        column_name="associated_organisations",
        widget=StrictManyToManyWidget(Organisation),
    )
    required_columns = ("slug",)
    example_row = {
        "slug": "midsa",
        "name": "Migration Dialogue for Southern Africa",
        "name_fr": "Dialogue sur la migration pour l’Afrique australe",
        "name_es": "Diálogo sobre la Migración para el África Meridional",
        "acronym": "MIDSA",
        "acronym_fr": "",
        "acronym_es": "",
        "kind": "rcp",
        "status": "draft",
        "activity": "active",
        "established": "2000",
        "website": "",
        "objectives": "To foster cooperation on migration among the SADC Member States.",
        "objectives_fr": "Favoriser la coopération en matière de migration entre les États "
        "membres de la SADC.",
        "objectives_es": "Fomentar la cooperación en materia de migración entre los Estados "
        "miembros de la SADC.",
        "has_official_secretariat": "yes",
        "secretariat_organisation": "iom",
        "secretariat": "IOM provides the secretariat.",
        "secretariat_fr": "L’OIM assure le secrétariat.",
        "secretariat_es": "La OIM ejerce la secretaría.",
        "regions": "southern-africa",
        "associated_organisations": "sadc",
    }

    class Meta(RcpMeta):
        model = Process
        fields = [
            "slug",
            *columns_in_every_language("name", "acronym"),
            "kind",
            "status",
            "activity",
            "established",
            "website",
            *columns_in_every_language("objectives"),
            "has_official_secretariat",
            "secretariat_organisation",
            *columns_in_every_language("secretariat"),
            "regions",
            "associated_organisations",
        ]
        import_id_fields = ["slug"]

    def get_queryset(self):
        return Process.objects.select_related("secretariat_organisation").prefetch_related(
            "regions", "associated_organisations"
        )

    def check_many_to_many(self, field, values):
        if field.attribute == "associated_organisations":
            Process.validate_associated_organisations(list(values))

    def import_instance(self, instance, row, **kwargs):
        """Every row passes the publishing gate: only a Publisher's import (or the command
        line's, ``user=rcp.workflow.COMMAND_LINE``) changes a profile's status or creates one
        that is not a draft; anyone else's, or one naming nobody, is refused on the status."""
        before = instance.stored_status or PublicationStatus.DRAFT
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            authorise(instance, actor=kwargs.get("user"))
        except PermissionDenied:
            errors.setdefault("status", []).append(
                _(
                    "Only Publishers may publish, unpublish or archive profiles: leave the "
                    "status as “%(status)s”, or leave the cell empty."
                )
                % {"status": before}
            )
        if errors:
            raise ValidationError(errors)


class ParticipationResource(RcpResource):
    process = process_field()
    country = fields.Field(attribute="country", column_name="country", widget=CountryWidget())
    country_name = fields.Field(column_name="country_name", readonly=True)
    role = kept_when_blank("role", ChoiceWidget(ParticipationRole, blank_value=None))
    group, group_fr, group_es = text_in_every_language("group")
    note, note_fr, note_es = text_in_every_language("note")
    required_columns = ("process", "country")
    example_row = {
        "process": "tripoli-process",
        "country": "Morocco",
        "role": "member",
        "group": "AU",
        "group_fr": "UA",
        "group_es": "UA",
        "note": "",
        "note_fr": "",
        "note_es": "",
    }
    trusted_fields = ("process", "country")

    class Meta(RcpMeta):
        model = Participation
        fields = [
            "process",
            "country",
            "country_name",
            "role",
            *columns_in_every_language("group", "note"),
        ]
        import_id_fields = ["process", "country"]

    def get_queryset(self):
        return Participation.objects.select_related("process").order_by("process__slug", "country")

    def dehydrate_country_name(self, participation):
        code = participation.country.code
        if code not in self._country_names:
            self._country_names[code] = str(participation.country.name)
        return self._country_names[code]

    def describe_key(self, instance):
        return _("%(country)s in %(process)s") % {
            "country": instance.country.name,
            "process": instance.process.slug,
        }


class ProcessOrganisationResource(RcpResource):
    process = process_field()
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=NaturalKeyWidget(Organisation),
    )
    organisation_name = fields.Field(column_name="organisation_name", readonly=True)
    role = kept_when_blank("role", ChoiceWidget(OrganisationRole, blank_value=None))
    group, group_fr, group_es = text_in_every_language("group")
    position = kept_when_blank("position", PositionWidget())
    required_columns = ("process", "organisation")
    example_row = {
        "process": "tripoli-process",
        "organisation": "unhcr",
        "role": "observer",
        "group": "UN agencies",
        "group_fr": "Agences des Nations Unies",
        "group_es": "Organismos de las Naciones Unidas",
        "position": "11",
    }
    trusted_fields = ("process", "organisation")

    class Meta(RcpMeta):
        model = ProcessOrganisation
        fields = [
            "process",
            "organisation",
            "organisation_name",
            "role",
            *columns_in_every_language("group"),
            "position",
        ]
        import_id_fields = ["process", "organisation"]

    def get_queryset(self):
        return ProcessOrganisation.objects.select_related("process", "organisation").order_by(
            "process__slug", "position", "pk"
        )

    def dehydrate_organisation_name(self, link):
        return link.organisation.display_name


class ProcessFocusAreaResource(RcpResource):
    process = process_field()
    focus_area = fields.Field(
        attribute="focus_area", column_name="focus_area", widget=NaturalKeyWidget(FocusArea)
    )
    position = kept_when_blank("position", PositionWidget())
    required_columns = ("process", "focus_area")
    example_row = {
        "process": "tripoli-process",
        "focus_area": "irregular-migration",
        "position": "3",
    }
    trusted_fields = ("process", "focus_area")

    class Meta(RcpMeta):
        model = ProcessFocusArea
        fields = ["process", "focus_area", "position"]
        import_id_fields = ["process", "focus_area"]

    def get_queryset(self):
        return ProcessFocusArea.objects.select_related("process", "focus_area").order_by(
            "process__slug", "position", "pk"
        )


def date_fields():
    return (
        fields.Field(attribute="start_date", column_name="start_date", widget=IsoDateWidget()),
        fields.Field(attribute="end_date", column_name="end_date", widget=IsoDateWidget()),
        kept_when_blank("date_precision", ChoiceWidget(DatePrecision, blank_value=None)),
    )


class DatedResource(RcpResource):
    """Chairs and meetings: their dates are stored rounded to their precision."""

    def tidy_instance(self, instance) -> None:
        super().tidy_instance(instance)
        instance.normalise_dates()

    def row_keys(self, row) -> list[tuple]:
        """The start date as written (a file changing a meeting's precision), then as it is
        stored: "2014-04-02" of a meeting in "month" precision is its 1 April (a re-import
        finds the meeting it added)."""
        (written,) = super().row_keys(row)
        key = dict(zip(self.get_import_id_fields(), written, strict=True))
        precision = DatePrecision.DAY
        if "date_precision" in row:
            try:
                precision = self.fields["date_precision"].clean(row) or DatePrecision.DAY
            except ValueError:
                pass  # reported by the row's own check
        key["start_date"] = truncate_to_precision(key["start_date"], precision)
        stored = tuple(key.values())
        return [written] if stored == written else [written, stored]


class ChairResource(DatedResource):
    process = process_field()
    country = fields.Field(
        attribute="country", column_name="country", widget=CountryWidget(required=False)
    )
    organisation = fields.Field(
        attribute="organisation", column_name="organisation", widget=NaturalKeyWidget(Organisation)
    )
    start_date, end_date, date_precision = date_fields()
    required_columns = ("process", "start_date")
    example_row = {
        "process": "tripoli-process",
        "country": "Morocco",
        "organisation": "",
        "start_date": "2018-01-01",
        "end_date": "2019-12-31",
        "date_precision": "year",
    }

    class Meta(RcpMeta):
        model = Chair
        fields = ["process", "country", "organisation", "start_date", "end_date", "date_precision"]
        import_id_fields = ["process", "start_date", "country", "organisation"]

    def get_queryset(self):
        return Chair.objects.select_related("process", "organisation").order_by(
            "process__slug", "start_date"
        )


class MeetingResource(DatedResource):
    process = process_field()
    title, title_fr, title_es = text_in_every_language("title")
    start_date, end_date, date_precision = date_fields()
    city, city_fr, city_es = text_in_every_language("city")
    country = fields.Field(
        attribute="country", column_name="country", widget=CountryWidget(required=False)
    )
    required_columns = ("process", "title", "start_date")
    example_row = {
        "process": "tripoli-process",
        "title": "4th EU-Africa Summit",
        "title_fr": "4e sommet UE-Afrique",
        "title_es": "4.ª Cumbre UE-África",
        "start_date": "2014-04-02",
        "end_date": "2014-04-03",
        "date_precision": "day",
        "city": "Brussels",
        "city_fr": "Bruxelles",
        "city_es": "Bruselas",
        "country": "Belgium",
    }
    trusted_fields = ("process", "country")

    class Meta(RcpMeta):
        model = Meeting
        fields = [
            "process",
            *columns_in_every_language("title"),
            "start_date",
            "end_date",
            "date_precision",
            *columns_in_every_language("city"),
            "country",
        ]
        import_id_fields = ["process", "start_date", "title"]

    def get_queryset(self):
        return Meeting.objects.select_related("process").order_by("process__slug", "start_date")


#: Every resource, in the order a whole-site import must run (referenced records first).
ALL_RESOURCES = [
    RegionResource,
    FocusAreaResource,
    OrganisationResource,
    ProcessResource,
    ParticipationResource,
    ProcessOrganisationResource,
    ProcessFocusAreaResource,
    ChairResource,
    MeetingResource,
]
