"""What an import plan is made of: the changes to one profile, as people read them.

A :class:`PartPlan` holds, for one part of a profile (countries, organisations, focus areas,
meetings, chairs), the :class:`PlannedRow` objects to add, to change (each with its
:class:`FieldChange` list, old → new) and those on the profile but not on the page. Labels
and values are written as people read them, in the active language; ``values`` are what the
import writes. :mod:`rcp.legacy.part_plans` makes them; :mod:`rcp.legacy.plan` gathers them.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


@dataclass(frozen=True)
class PartKind:
    heading: str
    row_heading: str
    count: str  # a lazy plural: "%(count)d country" / "%(count)d countries"


PART_KINDS = {
    "countries": PartKind(
        _("Countries"),
        _("Country"),
        ngettext_lazy("%(count)d country", "%(count)d countries", "count"),
    ),
    "organisations": PartKind(
        _("Organisations"),
        capfirst(_("organisation")),
        ngettext_lazy("%(count)d organisation", "%(count)d organisations", "count"),
    ),
    "focus_areas": PartKind(
        _("Focus areas"),
        capfirst(_("focus area")),
        ngettext_lazy("%(count)d focus area", "%(count)d focus areas", "count"),
    ),
    "meetings": PartKind(
        _("Meetings"),
        capfirst(_("meeting")),
        ngettext_lazy("%(count)d meeting", "%(count)d meetings", "count"),
    ),
    "chairs": PartKind(
        _("Chairs"),
        capfirst(_("chair")),
        ngettext_lazy("%(count)d chair", "%(count)d chairs", "count"),
    ),
}


@dataclass
class FieldChange:
    """One field that changes, as people read it (an empty value is "")."""

    label: str
    old: str
    new: str


@dataclass
class PlannedRow:
    """A row of a part: to add (``instance`` is new), to change, or not on the page."""

    label: str
    #: Names the row in plain data, for :meth:`ProfileImportPlan.stamp`.
    key: tuple
    instance: models.Model
    #: What the import writes into the row.
    values: dict = field(default_factory=dict)
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class PartPlan:
    kind: str
    #: Whether the page has this part; if not, the profile's rows stay as they are.
    on_page: bool
    added: list[PlannedRow] = field(default_factory=list)
    changed: list[PlannedRow] = field(default_factory=list)
    #: On the profile, not on the page.
    unlisted: list[PlannedRow] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return PART_KINDS[self.kind].heading

    @property
    def row_heading(self) -> str:
        return PART_KINDS[self.kind].row_heading

    @property
    def has_rows(self) -> bool:
        return bool(self.added or self.changed or self.unlisted)

    def count_of_unlisted(self) -> str:
        return PART_KINDS[self.kind].count % {"count": len(self.unlisted)}


def field_label(model, name: str) -> str:
    """A field's label, as the admin writes it."""
    return capfirst(model._meta.get_field(name).verbose_name)
