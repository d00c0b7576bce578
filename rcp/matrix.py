"""The membership matrix: which country takes part in which published process, and in what
role (member, observer, suspended member, guest), for researchers comparing processes.

Rows are countries, in the reader's language and order, columns processes, in the order of the
names the reader reads. Only published profiles count (``Participation.objects.published()``),
filtered by type and region as the home page filters them (:mod:`rcp.landscape`). Built in two
queries whatever the number of processes and countries: the processes, then their countries.
The same matrix is the HTML table (a page of processes at a time) and the CSV and XLSX
downloads (every process of the selection), whose cells hold the role codes of the open data
(``member``, ``observer``, ``suspended``, ``guest``).
"""

import io
from collections import Counter
from dataclasses import dataclass

import openpyxl
import tablib
from django.db.models import QuerySet
from django.utils.translation import pgettext_lazy

from rcp.countries import country_name_choices
from rcp.formats import SafeCSV, escape_formula, escaped_copy, workbook_text
from rcp.models import Participation, ParticipationRole, Process
from rcp.multilingual import LANGUAGE_CODES, column, in_reading_order

#: How a cell of the HTML table shows each role; the page's key spells them out.
ROLE_ABBREVIATIONS = {
    ParticipationRole.MEMBER: pgettext_lazy("abbreviation of the role Member", "M"),
    ParticipationRole.OBSERVER: pgettext_lazy("abbreviation of the role Observer", "O"),
    ParticipationRole.SUSPENDED: pgettext_lazy("abbreviation of the role Suspended member", "S"),
    ParticipationRole.GUEST: pgettext_lazy("abbreviation of the role Guest", "G"),
}


def role_key() -> list[tuple[str, str, str]]:
    """(role, abbreviation, name) for the key of the table."""
    return [(role, ROLE_ABBREVIATIONS[role], label) for role, label in ParticipationRole.choices]


def processes_in_order(processes):
    """``processes`` (published ones, already filtered) with what a column shows, in the order
    of the names the reader reads."""
    names = [column("name", language) for language in LANGUAGE_CODES]
    return processes.only("pk", "slug", *names).order_by(in_reading_order("name"), "pk")


@dataclass(frozen=True)
class Row:
    """A country and its role in each process of the matrix (``""``: none)."""

    code: str
    name: str
    roles: list[str]

    @property
    def cells(self) -> list[str]:
        """The abbreviation of each role, as the HTML table shows it."""
        return [ROLE_ABBREVIATIONS[role] if role else "" for role in self.roles]


@dataclass(frozen=True)
class Matrix:
    processes: list[Process]
    rows: list[Row]

    @classmethod
    def of(cls, processes) -> "Matrix":
        """The matrix of ``processes`` (a page of processes, or a queryset of them): every
        country taking part in at least one of them, with its role in each."""
        chosen = list(processes)
        column_of = {process.pk: number for number, process in enumerate(chosen)}
        # A whole selection is named by its query, not by its thousand ids.
        whole = isinstance(processes, QuerySet) and not processes.query.is_sliced
        roles: dict[str, list[str]] = {}
        participations = (
            Participation.objects.published()
            .filter(process__in=processes.values("pk") if whole else list(column_of))
            .values_list("process", "country", "role")
            .order_by()
        )
        for process_id, country, role in participations:
            roles.setdefault(country, [""] * len(chosen))[column_of[process_id]] = role
        return cls(processes=chosen, rows=rows_in_reading_order(roles))

    def dataset(self) -> tablib.Dataset:
        """The matrix as a spreadsheet: ``country`` (ISO 3166 code), ``country_name`` (in the
        reader's language), then a column per process named by its name in the reader's
        language (the slug added where two read alike), each cell a role code or empty."""
        names = [process.name for process in self.processes]
        repeated = {name for name, count in Counter(names).items() if count > 1}
        headers = ["country", "country_name"] + [
            f"{name} ({process.slug})" if name in repeated else name
            for name, process in zip(names, self.processes, strict=True)
        ]
        # The formats escape the cells, not the column names: a process's name is an editor's.
        dataset = tablib.Dataset(
            headers=[escape_formula(workbook_text(header)) for header in headers]
        )
        dataset.title = "Membership matrix"
        for row in self.rows:
            dataset.append([row.code, row.name, *row.roles])
        return dataset

    def csv(self) -> str:
        return SafeCSV().export_data(self.dataset())

    def xlsx(self) -> bytes:
        """The workbook, written as the XLSX export escapes it, but by openpyxl in write-only
        mode with empty cells left out: tablib writes every cell, thirty times slower for the
        200,000 cells of a thousand processes."""
        dataset = escaped_copy(self.dataset(), clean=workbook_text)
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet(dataset.title)
        sheet.freeze_panes = "C2"
        sheet.append(dataset.headers)
        for row in dataset:
            sheet.append([cell or None for cell in row])
        output = io.BytesIO()
        book.save(output)
        return output.getvalue()


def rows_in_reading_order(roles: dict[str, list[str]]) -> list[Row]:
    """A row per country of ``roles``, in the order and language of the reader's country list."""
    rows = [Row(code, name, roles[code]) for code, name in country_name_choices() if code in roles]
    # A code django-countries no longer lists keeps its row, at the end.
    listed = {row.code for row in rows}
    rows += [Row(code, code, roles[code]) for code in sorted(roles) if code not in listed]
    return rows
