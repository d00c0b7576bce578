"""What each column of an import holds, for the guide on the import page and its templates.

Everything is read from what the resource declares: its fields and their widgets (the accepted
values of a choice, the kind of record a slug names), its ``required_columns``, its import id
columns, and the model fields behind them (their help text, their default, their length). So a
new column, or a new choice, is in the guide and in the template files without a change here.
The one thing written per resource is its example row, the ``example_row`` class attribute of
each resource in :mod:`rcp.resources` (every importable column, realistic values).

Columns only an export writes (a country's name beside its code) are ``export_only``: an import
ignores them, so the guide lists them apart and the templates leave them out.
"""

from dataclasses import dataclass

import tablib
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rcp.models import join_with_and
from rcp.resources import (
    ChoiceWidget,
    CountryWidget,
    IsoDateWidget,
    NaturalKeyWidget,
    PositionWidget,
    StrictManyToManyWidget,
    TextWidget,
    YearWidget,
    YesNoWidget,
)
from rcp.spreadsheets import SPREADSHEET_FORMATS

#: The formats a template can be downloaded in, by the name its address ends with.
TEMPLATE_FORMATS = tuple(SPREADSHEET_FORMATS)


@dataclass(frozen=True)
class Choice:
    """One accepted value of a choice column, and its name as the admin shows it."""

    value: str
    label: str


@dataclass(frozen=True)
class ColumnGuide:
    """One column of an import file, in an editor's words."""

    name: str
    #: The field's name as the admin's forms show it ("" for an export-only column).
    label: str
    #: The file must have this column.
    required: bool
    #: One of the columns that find the existing record a row updates.
    identifies: bool
    #: What the column holds.
    holds: str
    #: The accepted values of a choice column.
    choices: tuple[Choice, ...] = ()
    #: What an empty cell does ("" when the guide has nothing to say).
    if_empty: str = ""
    example: str = ""
    #: Written by exports, ignored by imports.
    export_only: bool = False


def is_importable(field) -> bool:
    return bool(field.attribute) and not field.readonly


def importable_columns(resource) -> list[str]:
    """The columns an import reads, in the resource's order: a template's header."""
    return [field.column_name for field in resource.get_import_fields() if is_importable(field)]


def identifying_columns(resource) -> list[str]:
    return [resource.fields[name].column_name for name in resource.get_import_id_fields()]


def identifying_rows(resource) -> str:
    """Which rows update a stored record and which add one, as a sentence."""
    opts = resource._meta.model._meta
    return _(
        "Rows with the same %(columns)s as an existing %(record)s update it; other rows add "
        "new %(records)s."
    ) % {
        "columns": join_with_and([f"“{column}”" for column in identifying_columns(resource)]),
        "record": opts.verbose_name,
        "records": opts.verbose_name_plural,
    }


def column_guide(resource) -> list[ColumnGuide]:
    """Every column the resource knows: the importable ones in the order of the file, then
    the export-only ones."""
    required = set(resource.required_columns)
    identifying = set(identifying_columns(resource))
    guides = []
    for field in resource.get_import_fields():
        if not is_importable(field):
            continue
        model_field = _model_field(resource, field)
        holds, choices = describe_widget(field.widget, model_field)
        guides.append(
            ColumnGuide(
                name=field.column_name,
                label=capfirst(model_field.verbose_name) if model_field else "",
                required=field.column_name in required,
                identifies=field.column_name in identifying,
                holds=holds,
                choices=choices,
                if_empty=_if_empty(field, model_field, needed=required | identifying),
                example=str(resource.example_row.get(field.column_name, "")),
            )
        )
    guides.extend(
        ColumnGuide(
            name=field.column_name,
            label="",
            required=False,
            identifies=False,
            holds=_(
                "Written by exports, to make them easier to read. A file may keep it or leave it "
                "out: an import ignores it."
            ),
            export_only=True,
        )
        for field in resource.get_export_fields()
        if not is_importable(field)
    )
    return guides


def _model_field(resource, field):
    try:
        return resource._meta.model._meta.get_field(field.attribute)
    except FieldDoesNotExist:
        return None


def describe_widget(widget, model_field) -> tuple[str, tuple[Choice, ...]]:
    """What a column holds, from its widget, followed by the model field's help text (the
    help text of a yes/no field speaks of the form's tick box, so it is left out). A widget
    this does not know is described by the help text alone."""
    choices: tuple[Choice, ...] = ()
    if isinstance(widget, ChoiceWidget):
        holds = _("One of the values listed, or its name as shown, in any case.")
        choices = tuple(Choice(value, str(label)) for value, label in widget.choices.choices)
    elif isinstance(widget, CountryWidget):
        holds = _("A country: its name or its two-letter code, e.g. Morocco or MA.")
    elif isinstance(widget, StrictManyToManyWidget):
        holds = _(
            "The slugs of %(records)s, separated by commas, as an export of the %(records)s "
            "gives them. Import new %(records)s first."
        ) % {"records": widget.model._meta.verbose_name_plural}
    elif isinstance(widget, NaturalKeyWidget):
        holds = _(
            "The slug of one of the %(records)s, as an export of the %(records)s gives it. "
            "Import new %(records)s first."
        ) % {"records": widget.model._meta.verbose_name_plural}
    elif isinstance(widget, YearWidget):
        holds = _("A year, in four digits.")
    elif isinstance(widget, IsoDateWidget):
        holds = _("A date written YYYY-MM-DD, or a date cell of a workbook.")
    elif isinstance(widget, YesNoWidget):
        holds = _("“yes” or “no” (also accepted: %(true)s for yes; %(false)s for no).") % {
            "true": ", ".join(sorted(widget.TRUE - {"yes"})),
            "false": ", ".join(sorted(widget.FALSE - {"no"})),
        }
    elif isinstance(widget, PositionWidget):
        holds = _("A whole number: the row's place in the profile's list.")
    elif isinstance(widget, TextWidget):
        holds = _describe_text(model_field)
    else:
        holds = ""
    speaks_of_the_form = isinstance(widget, YesNoWidget)
    help_text = "" if model_field is None or speaks_of_the_form else str(model_field.help_text)
    return " ".join(part for part in (holds, help_text) if part), choices


def _describe_text(model_field) -> str:
    if isinstance(model_field, models.SlugField):
        return ngettext(
            "Lower-case letters, digits and hyphens, no spaces: at most %(count)d character.",
            "Lower-case letters, digits and hyphens, no spaces: at most %(count)d characters.",
            model_field.max_length,
        ) % {"count": model_field.max_length}
    if isinstance(model_field, models.URLField):
        return _("A full web address, starting with https://.")
    if isinstance(model_field, models.TextField):
        return _("Text, which may run over several lines.")
    if isinstance(model_field, models.CharField) and model_field.max_length:
        return ngettext(
            "Text of at most %(count)d character.",
            "Text of at most %(count)d characters.",
            model_field.max_length,
        ) % {"count": model_field.max_length}
    return _("Text.")


def _if_empty(field, model_field, *, needed) -> str:
    """What an empty cell does to an optional column; nothing for the ``needed`` columns, which
    a row must fill to be what it is (the required ones, and those that identify it)."""
    if field.column_name in needed:
        return ""
    if not field.saves_null_values:  # kept_when_blank() in rcp.resources
        default = field.widget.render(model_field.get_default()) if model_field else ""
        if default:
            return _("An empty cell keeps what is stored; a new row gets “%(default)s”.") % {
                "default": default
            }
        return _("An empty cell keeps what is stored.")
    if model_field is not None and not model_field.blank:
        return _("Cannot be empty.")
    return _("May be empty: an empty cell clears what is stored.")


def template_file(resource, format_name: str) -> tuple[bytes, str, str]:
    """A file to start from: the importable columns and the resource's example row, written
    as an export is (cells a spreadsheet would run as formulas escaped). Returns its content,
    content type and file name."""
    file_format = SPREADSHEET_FORMATS[format_name]()
    columns = importable_columns(resource)
    records = str(resource._meta.model._meta.verbose_name_plural)
    # A sheet's name has at most 31 characters, in Excel.
    dataset = tablib.Dataset(headers=columns, title=capfirst(records)[:31])
    dataset.append([resource.example_row.get(column, "") for column in columns])
    data = file_format.export_data(dataset)
    content = data.encode("utf-8") if isinstance(data, str) else data
    file_name = _("%(records)s-template") % {"records": slugify(records)}
    return content, file_format.get_content_type(), f"{file_name}.{file_format.get_extension()}"
