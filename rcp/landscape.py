"""The landscape of published processes: how many there are of each type and in each region, and
the filters by type and region that the home page and the membership matrix share.

A filter offers only the values published profiles have, each with its count, so that no
choice leads to an empty list; a profile with no type or no region is counted too, under "Not
classified" or "No region" (the value :data:`UNCLASSIFIED` in the address), so that every
profile is reachable from the counts and none is hidden by "All". A value in the address that
no published profile has (a type with no profile yet, a region only drafts cover, a made-up
word) is reported as such rather than silently ignored: see :class:`Selection`.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rcp.models import Process, ProcessKind, Region, reading_order_key

#: The filter value of the profiles with no type, or with no region. No type is called that,
#: and no region is: slugify() never turns a name into "none" unless the name is "None".
UNCLASSIFIED = "none"

NO_KIND_LABEL = gettext_lazy("Not classified")
NO_REGION_LABEL = gettext_lazy("No region")


@dataclass(frozen=True)
class Tally:
    """One value of a filter: what the address says (``value``), what a reader reads (``label``,
    or ``region`` for a region's name in the reader's language) and how many published
    profiles have it."""

    value: str
    label: str
    count: int
    region: Region | None = None


@dataclass(frozen=True)
class Landscape:
    """Every published profile counted by type and by region, in three queries."""

    total: int
    kinds: list[Tally]
    regions: list[Tally]

    @classmethod
    def of_published_profiles(cls) -> "Landscape":
        published = Process.objects.published()
        by_kind = dict(published.order_by().values_list("kind").annotate(n=Count("pk")))
        kinds = [
            Tally(value, label, by_kind[value])
            for value, label in ProcessKind.choices
            if by_kind.get(value)
        ]
        # A type no longer offered (an old value) counts as not classified, as the list shows it.
        unclassified = sum(n for value, n in by_kind.items() if value not in ProcessKind.values)
        if unclassified:
            kinds.append(Tally(UNCLASSIFIED, str(NO_KIND_LABEL), unclassified))
        # filter() before annotate(): only the published processes of each region are counted.
        # (Sorted here: a translated name's ordering expression cannot join a GROUP BY.)
        regions = sorted(
            (
                Tally(region.slug, region.name, region.process_count, region)
                for region in Region.objects.filter(processes__in=published)
                .annotate(process_count=Count("processes"))
                .order_by()
            ),
            key=lambda tally: reading_order_key(tally.label),
        )
        without_region = published.filter(regions=None).count()
        if without_region:
            regions.append(Tally(UNCLASSIFIED, str(NO_REGION_LABEL), without_region))
        return cls(total=sum(by_kind.values()), kinds=kinds, regions=regions)


@dataclass(frozen=True)
class Selection:
    """The type and region a reader asked for (``""``: all), checked against the landscape:
    ``problems`` says, for a reader, which asked-for value no published profile has; then the
    selection matches nothing (rather than everything, which would look like a working filter).
    """

    kind: str = ""
    region: str = ""
    problems: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, query, landscape: Landscape) -> "Selection":
        kind = query.get("kind", "").strip()
        region = query.get("region", "").strip()
        problems = []
        if kind and kind not in {count.value for count in landscape.kinds}:
            label = dict([*ProcessKind.choices, (UNCLASSIFIED, NO_KIND_LABEL)]).get(kind, kind)
            problems.append(
                _("No published profile has the type “%(kind)s”.") % {"kind": shorten(label)}
            )
        if region and region not in {count.value for count in landscape.regions}:
            problems.append(
                _("No published profile covers a region “%(region)s”.")
                % {"region": shorten(region)}
            )
        return cls(kind=kind, region=region, problems=problems)

    @property
    def is_filtered(self) -> bool:
        return bool(self.kind or self.region)

    def apply(self, processes):
        """``processes`` (a Process queryset) narrowed to this selection."""
        if self.problems:
            return processes.none()
        if self.kind == UNCLASSIFIED:
            processes = processes.exclude(kind__in=ProcessKind.values)
        elif self.kind:
            processes = processes.filter(kind=self.kind)
        if self.region == UNCLASSIFIED:
            processes = processes.filter(regions=None)
        elif self.region:
            processes = processes.filter(regions__slug=self.region)
        return processes

    def query(self, **changes) -> dict[str, str]:
        """The query parameters of this selection (with ``changes``), empty ones left out."""
        params = {"kind": self.kind, "region": self.region, **changes}
        return {name: value for name, value in params.items() if value}

    def query_string(self) -> str:
        """``?kind=…&region=…`` for a link to the same selection elsewhere (the matrix, its
        downloads); empty for no selection, or one naming values no profile has."""
        query = self.query()
        return "?" + urlencode(query) if query and not self.problems else ""


def shorten(text: str, limit: int = 60) -> str:
    """A reader's input as a message quotes it: at most ``limit`` characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
