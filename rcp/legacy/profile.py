"""What the parser read from a legacy page: plain data, no database.

The service (``rcp.legacy.service``) writes a :class:`ParsedProfile` through the models; the
admin's preview and the command print it. Countries are ISO alpha-2 codes; a name that is not
a country keeps ``code=None`` and, when one is close, a ``suggestion`` the editor may accept.
"""

import datetime
import functools
from dataclasses import dataclass, field, fields, is_dataclass

from django.utils import translation
from django_countries import countries

from rcp.dates import DatePrecision, format_date_range

#: The parts of a profile a page may or may not have. A part the page lacks (missing, or
#: beyond the point where a saved page is cut off) is left as it is when a profile is updated.
PARTS = ("members", "observers", "partners", "focus", "chairs", "meetings")


@functools.lru_cache(maxsize=512)
def country_name(code: str | None) -> str:
    """The English name of a country (pages and reports are in English)."""
    if not code:
        return ""
    with translation.override("en"):
        return str(countries.name(code))


def reported_country_name(code: str | None) -> str:
    """A country's name in the active language, for a report read in it ("Sénégal" in a
    French report): the profile's records keep :func:`country_name`."""
    return str(countries.name(code)) if code else ""


@dataclass
class ParsedCountry:
    written: str
    code: str | None
    suggestion: str | None = None
    role: str = "member"
    group: str = ""
    note: str = ""

    @property
    def name(self) -> str:
        return country_name(self.code) or self.written

    @property
    def suggestion_name(self) -> str:
        return country_name(self.suggestion)


@dataclass
class ParsedOrganisation:
    name: str
    acronym: str = ""
    english_name: str = ""
    role: str = "observer"
    group: str = ""
    written: str = ""

    @property
    def display_name(self) -> str:
        extras = [part for part in (self.acronym, self.english_name) if part]
        return f"{self.name} ({', '.join(extras)})" if extras else self.name


@functools.lru_cache(maxsize=4096)
def _date_range(start: datetime.date, end: datetime.date | None, precision: str) -> str:
    """The dates as the preview shows them, in English (each shown many times)."""
    with translation.override("en"):
        return format_date_range(start, end, precision)


@dataclass
class ParsedDates:
    start: datetime.date
    end: datetime.date | None = None
    precision: str = DatePrecision.DAY

    def __str__(self):
        return _date_range(self.start, self.end, self.precision)


@dataclass
class ParsedChair:
    written: str
    country: str | None = None
    organisation: ParsedOrganisation | None = None
    dates: ParsedDates | None = None
    tenure: str = ""

    @property
    def holder_name(self) -> str:
        if self.country:
            return country_name(self.country)
        return self.organisation.display_name if self.organisation else self.written


@dataclass
class ParsedMeeting:
    written: str
    title: str
    dates: ParsedDates
    city: str = ""
    country: str | None = None

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.city, country_name(self.country)) if part)


@dataclass
class ParsedProfile:
    """Everything a page says about one process, in the shape of the models."""

    name: str = ""
    #: Where the name came from: "option", "title", "text" (the first sentence) or "".
    name_source: str = ""
    acronym: str = ""
    kind: str = ""
    regions: list[str] = field(default_factory=list)
    activity: str = ""
    established: int | None = None
    website: str = ""
    objectives: str = ""
    has_official_secretariat: bool | None = None
    secretariat: str = ""
    secretariat_organisation: ParsedOrganisation | None = None
    associated_organisations: list[ParsedOrganisation] = field(default_factory=list)
    focus_areas: list[str] = field(default_factory=list)
    countries: list[ParsedCountry] = field(default_factory=list)
    organisations: list[ParsedOrganisation] = field(default_factory=list)
    chairs: list[ParsedChair] = field(default_factory=list)
    meetings: list[ParsedMeeting] = field(default_factory=list)
    #: The parts (see ``PARTS``) the page has, even if empty ("Observer States: none").
    parts: set[str] = field(default_factory=set)
    source_url: str = ""
    #: The language the page is written in ("en", "fr" or "es"): a French or Spanish page is
    #: a translation of a profile on file (:mod:`rcp.legacy.translations`).
    language: str = "en"

    def to_json(self) -> dict:
        """The profile as JSON data, for :meth:`from_json` to give it back unchanged: an upload
        waiting for confirmation keeps what its preview showed, and is not read again."""
        return _jsonable(self)

    @classmethod
    def from_json(cls, data: dict) -> "ParsedProfile":
        def organisation(item):
            return ParsedOrganisation(**item) if item is not None else None

        def dates(item):
            if item is None:
                return None
            end = datetime.date.fromisoformat(item["end"]) if item["end"] else None
            start = datetime.date.fromisoformat(item["start"])
            return ParsedDates(start=start, end=end, precision=item["precision"])

        return cls(
            **{
                **data,
                "secretariat_organisation": organisation(data["secretariat_organisation"]),
                "associated_organisations": [
                    organisation(item) for item in data["associated_organisations"]
                ],
                "countries": [ParsedCountry(**item) for item in data["countries"]],
                "organisations": [organisation(item) for item in data["organisations"]],
                "chairs": [
                    ParsedChair(
                        **{
                            **item,
                            "organisation": organisation(item["organisation"]),
                            "dates": dates(item["dates"]),
                        }
                    )
                    for item in data["chairs"]
                ],
                "meetings": [
                    ParsedMeeting(**{**item, "dates": dates(item["dates"])})
                    for item in data["meetings"]
                ],
                "parts": set(data["parts"]),
            }
        )

    @property
    def kind_display(self) -> str:
        from rcp.models import ProcessKind

        return str(ProcessKind(self.kind).label) if self.kind else ""

    def countries_with_role(self, *roles: str) -> list[ParsedCountry]:
        return [country for country in self.countries if country.role in roles]

    def organisations_with_role(self, role: str) -> list[ParsedOrganisation]:
        return [organisation for organisation in self.organisations if organisation.role == role]

    @property
    def member_states(self):
        return self.countries_with_role("member")

    @property
    def suspended_states(self):
        return self.countries_with_role("suspended")

    @property
    def observer_states(self):
        return self.countries_with_role("observer")

    @property
    def member_organisations(self):
        return self.organisations_with_role("member")

    @property
    def observer_organisations(self):
        return self.organisations_with_role("observer")

    @property
    def partner_organisations(self):
        return self.organisations_with_role("partner")

    def summary(self) -> str:
        """One line: name, year, and how many of each list the page gave."""
        established = self.established or "?"
        return (
            f"{self.name or '(no name)'}"
            f"{f' ({self.acronym})' if self.acronym else ''}, established {established}: "
            f"{len(self.member_states) + len(self.member_organisations)} members "
            f"({len(self.member_states)} states, {len(self.member_organisations)} organisations), "
            f"{len(self.observer_states) + len(self.observer_organisations)} observers, "
            f"{len(self.partner_organisations)} partners, {len(self.focus_areas)} focus areas, "
            f"{len(self.chairs)} chairs, {len(self.meetings)} meetings"
        )


def _jsonable(value):
    """``value`` as JSON types: dataclasses as dicts of their fields (like ``asdict()``, without
    its deep copies), dates as ISO text, sets as sorted lists."""
    if is_dataclass(value):
        return {item.name: _jsonable(getattr(value, item.name)) for item in fields(value)}
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, set):
        return sorted(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
