"""Reading a legacy profile page into a :class:`ParsedProfile` and its :class:`Report`.

The steps, each in its own module:

1. ``extract``: the saved text or HTML becomes lines (bullets and table cells kept apart).
2. ``chrome``: the website's navigation, captions and disclaimers go.
3. ``labels``: each line is a section label, a field ("Established: 2001") or content; the
   lines are cut into sections. A section may be missing, renamed, out of order or unlabelled
   (a bare paragraph after the fields is the objectives; one about a secretariat, found among
   lists, is the secretariat).
4. The section readers below (lists of states and organisations with their groups, counts and
   footnotes; focus areas; chairs; meetings; free text) fill in the profile, and report what
   is wrong: duplicates, names that are not countries, counts that disagree, editorial
   markers, ceased organisations, and every line they could not place, quoted.

Nothing here touches the database; ``rcp.legacy.service`` writes the result.

Every step takes time linear in the page's size, whatever the page holds (one huge line,
thousands of names that are not countries, deep HTML...): each line is classified once, list
lines are read word by word with back-pointers, names and dates are looked for only where
they may be, and what cannot be linear is bounded (``MAX_SUGGESTIONS``, ``MAX_YEARS``,
``NAME_WINDOW``, a report's ``MAX_LISTED``; the page's own limits are in
:mod:`rcp.legacy.limits`). ``bench/legacy.py`` measures pages at the limit.
"""

import functools
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from rcp.countries import normalise_country_text
from rcp.legacy import report as kinds
from rcp.legacy.blocs import bloc_of_label, in_group
from rcp.legacy.ceased_organisations import find_ceased
from rcp.legacy.chrome import URL, remove_chrome
from rcp.legacy.dates import year_range
from rcp.legacy.extract import Line, PageText, read_page
from rcp.legacy.labels import LANGUAGES, Field, Label, classify, is_extra_heading, page_language
from rcp.legacy.meetings import parse_meeting
from rcp.legacy.names import (
    FOOTNOTE_LINE,
    FORMER,
    OBSERVER_NOTE,
    SUSPENDED,
    CountStatement,
    country_code,
    is_none_value,
    looks_like_acronym,
    looks_like_organisation,
    parse_count,
    parse_group_heading,
    parse_group_row,
    parse_organisation,
    split_countries,
    split_organisations,
    split_top_level,
    suggestion_for,
)
from rcp.legacy.profile import (
    ParsedChair,
    ParsedCountry,
    ParsedOrganisation,
    ParsedProfile,
    country_name,
)
from rcp.legacy.report import Report
from rcp.legacy.vocabulary import DOMAIN_WORDS, INFLECTIONS
from rcp.text import EDITORIAL_MARKER

#: Years one meeting's line may name ("30 November 2010 – 2 December 2011", "(2013-2015 cycle)").
MAX_YEARS = 6
YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
#: Names that are not countries a page may have, each with a suggestion (see
#: ``PageParser.suggestion_for``); real pages have a handful.
MAX_SUGGESTIONS = 100
SECTION_NAMES = {
    "preamble": "Page heading",
    "unlabelled": "Unlabelled text",
    "objectives": "Objectives",
    "focus": "Current Focus",
    "secretariat": "Secretariat",
    "members": "Members",
    "observers": "Observers",
    "partners": "Partners",
    "chairs": "Chairs",
    "meetings": "Meetings",
    "extra": "Other section",
    "fields": "Fields",
}
TERMINAL = re.compile(r"[.!?:;)\]\u201d\"\u2019\u00bb*]$|\d$")
INTRODUCTION = re.compile(
    r"\b(?:are|is|include|includes|including|comprise|comprises|consist of|namely|sont|"
    r"comprennent|incluent|notamment|son|incluyen|comprenden|en particular)$",
    re.IGNORECASE,
)
SECRETARIAT_TEXT = re.compile(
    r"\b(secretariat|secr[ée]tariat|secretar[íi]a|support unit|unidad de apoyo|technical support|"
    r"(?:technical|administrative|logistical) (?:and \w+ )?support)\b",
    re.IGNORECASE,
)
NO_SECRETARIAT = re.compile(
    r"^(?:there is )?no (?:official|formal|permanent|fixed)? ?secretariat\b[^.]*\.?\s*|"
    r"^pas de secr[ée]tariat (?:officiel|permanent|formel)?[^.]*\.?\s*|"
    r"^no (?:hay|existe|tiene) (?:una |ninguna )?secretar[íi]a (?:oficial|permanente|formal)?"
    r"[^.]*\.?\s*",
    re.IGNORECASE,
)
DORMANT = re.compile(
    r"\b(?:is|has been|have been|remains?|became|went|was declared|est|reste|a [ée]t[ée])\s+"
    r"(?:now |currently |largely |actuellement )?(?:dormant|inactive|en sommeil|inactif)\b",
    re.IGNORECASE,
)
ACTIVE_VALUES = {"active", "actif", "active process", "ongoing", "en activite", "activo"}
DORMANT_VALUES = {"dormant", "inactive", "inactif", "en sommeil", "not active", "inactivo"}
KINDS_OF_PROCESS = [
    ("interregional", re.compile(r"inter[- ]?r[ée]gional|bi[- ]?regional", re.I)),
    ("global", re.compile(r"\bglobal\b|\bmondial|\binternational forum\b", re.I)),
    ("rcp", re.compile(r"regional consultative|consultatif r[ée]gional|\bRCPs?\b|regional", re.I)),
]
REGIONS_IN_TYPE = re.compile(
    r"\(\s*(?:regions?|r[ée]gions?)(?:\s+covered|\s+couvertes?)?\s*:\s*(?P<regions>[^)]*)\)?",
    re.I,
)
DIRECTIONS = {
    "north",
    "south",
    "east",
    "west",
    "central",
    "northern",
    "southern",
    "eastern",
    "western",
    "sub saharan",
}
NAME_VERBS = {
    "is",
    "was",
    "are",
    "were",
    "aims",
    "aimed",
    "has",
    "have",
    "brings",
    "provides",
    "seeks",
    "serves",
    "promotes",
    "focuses",
    "comprises",
    "includes",
    "consists",
    "operates",
    "began",
    "started",
    "emerged",
    "works",
    "supports",
    "offers",
    "est",
    "vise",
    "regroupe",
    "constitue",
    "rassemble",
    "a",
    "fut",
    "es",
    "fue",
    "tiene",
    "busca",
    "reune",
    "reúne",
    "promueve",
    "constituye",
    "agrupa",
}
NAME_CONNECTORS = {
    "of",
    "on",
    "for",
    "and",
    "the",
    "in",
    "between",
    "to",
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "et",
    "en",
    "sur",
    "pour",
    "d",
    "l",
    "&",
    "del",
    "los",
    "las",
    "el",
    "y",
    "para",
    "sobre",
    "entre",
}
SLUG_STOPWORDS = NAME_CONNECTORS | {"a", "an", "or"}
# Words no complete entry ends with: "To strengthen border management a".
CONTINUING_WORDS = {
    "a",
    "an",
    "the",
    "of",
    "to",
    "and",
    "or",
    "for",
    "in",
    "on",
    "with",
    "by",
    "at",
    "from",
    "de",
    "des",
    "du",
    "la",
    "le",
    "les",
    "et",
    "ou",
    "au",
    "aux",
    "del",
    "los",
    "las",
    "el",
    "y",
    "o",
    "para",
    "con",
}


@dataclass
class Section:
    part: str
    kind: str = ""
    heading: str = ""
    lines: list[Line] = field(default_factory=list)

    @property
    def name(self) -> str:
        if self.part == "extra" and self.heading:
            return self.heading.rstrip(":")
        return SECTION_NAMES.get(self.part, self.part)


@dataclass
class CountCheck:
    part: str
    kind: str
    statement: CountStatement
    group: str = ""


def _quote(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _is_prose(text: str) -> bool:
    words = text.split()
    return len(words) >= 12 or (len(words) >= 6 and text.rstrip().endswith("."))


class PageParser:
    """One page's parse. Use :func:`parse_page`."""

    def __init__(self, page: PageText, *, name: str | None = None, language: str | None = None):
        self.page = page
        self.name_option = (name or "").strip()
        self.language_option = language
        self.profile = ParsedProfile(source_url=page.source_url)
        self.report = Report()
        self.sections: list[Section] = []
        self.fields: list[tuple[Field, str]] = []
        self.preamble: list[Line] = []
        self.unlabelled: list[Line] = []
        self.counts: list[CountCheck] = []
        self.footnotes: dict[str, str] = {}
        self.last_number = 0
        self.last_page_line: Line | None = None
        self.cut_reported = False
        self.about = ""
        self.secretariat_extra: list[Line] = []
        self.page_words: Counter = Counter()
        self.objective_lines: list[Line] = []
        # Several checks read the same list line as countries in turn: read it once.
        self.split_countries = functools.lru_cache(maxsize=8)(split_countries)
        self.roles: dict[tuple[str, str], Label | Field | None] = {}
        self.suggestions: dict[str, str | None] = {}
        self.too_many_unknown = False

    def classify(self, line: Line) -> Label | Field | None:
        """:func:`~rcp.legacy.labels.classify`, once per distinct line of the page."""
        key = (line.text, line.bullet)
        if key not in self.roles:
            self.roles[key] = classify(line)
        return self.roles[key]

    def suggestion_for(self, text: str) -> str | None:
        """:func:`~rcp.legacy.names.suggestion_for`, for the first ``MAX_SUGGESTIONS`` names
        that are not countries. Each takes milliseconds (it is compared with every country's
        names); a page with more such names is not a profile's lists as written, and is not
        imported (said once, in the report)."""
        key = normalise_country_text(text)
        if key in self.suggestions:
            return self.suggestions[key]
        if len(self.suggestions) >= MAX_SUGGESTIONS:
            if not self.too_many_unknown:
                self.too_many_unknown = True
                self.report.add(
                    kinds.ERROR,
                    f"The page names more than {MAX_SUGGESTIONS} things that are not countries "
                    "where countries are listed: it does not read as a profile page. Check that "
                    "it is one, and correct its lists",
                    blocking=True,
                )
            return None
        self.suggestions[key] = suggestion_for(text)
        return self.suggestions[key]

    # Reporting helpers ----------------------------------------------------------------------

    def unplaced(self, line: Line | str, section: str, why: str = "") -> None:
        text = line.text if isinstance(line, Line) else line
        if isinstance(line, Line) and self.is_last(line) and not TERMINAL.search(text.strip()):
            self.cut_off(line, section, "the line was not kept")
            return
        message = f"“{_quote(text)}”"
        if why:
            message += f" ({why})"
        self.report.add(kinds.UNPLACED, message, section=section, quote=_quote(text, 1000))

    def is_last(self, line: Line) -> bool:
        return line.number == self.last_number

    def looks_truncated(self, text: str) -> bool:
        """Whether the last entry of the page stops mid-word: its last word is the start of a
        longer word the page uses ("smuggli", "informa") and never a word of its own."""
        if TERMINAL.search(text.strip()):
            return False
        words = re.findall(r"[^\W\d_]+", text.casefold())
        if not words:
            return False
        last = words[-1]
        if text.count("(") > text.count(")") or last in CONTINUING_WORDS:
            return True
        if len(last) == 1 and last not in {"i", "y", "e", "o"}:
            return True
        if self.page_words.get(last, 0) > 1:
            return False
        return any(
            len(word) > len(last) and word.startswith(last) and word[len(last) :] not in INFLECTIONS
            for word in (*self.page_words, *DOMAIN_WORDS)
        )

    def cut_off(self, line: Line | str, section: str, kept: str = "") -> None:
        text = line.text if isinstance(line, Line) else line
        message = f"The page ends in the middle of “{_quote(text, 120)}”"
        message += f"; {kept}." if kept else "; that entry was left out."
        self.report.add(kinds.CUT_OFF, message, section=section, quote=_quote(text, 1000))
        self.cut_reported = True

    # The steps --------------------------------------------------------------------------

    def run(self) -> tuple[ParsedProfile, Report]:
        lines = join_labels_and_values(self.page.lines)
        roles = [self.classify(line) for line in lines]
        self.profile.language = self.language_option or page_language(roles)
        first_known = next((i for i, role in enumerate(roles) if role is not None), -1)
        chrome = remove_chrome(lines, first_content=first_known)
        for line in chrome.before_start:
            self.unplaced(line, SECTION_NAMES["preamble"], "before “For IOM webpage:”")
        self.about = chrome.about
        if chrome.website:
            self.profile.website = chrome.website
        lines = chrome.lines
        if lines:
            self.last_number = lines[-1].number
            self.last_page_line = next(
                (line for line in self.page.lines if line.number == self.last_number), None
            )
        self.page_words = Counter(
            word for line in lines for word in re.findall(r"[^\W\d_]+", line.text.casefold())
        )
        self.segment(lines)
        self.take_country_runs()
        self.read_fields()
        self.read_sections()
        self.read_unlabelled()
        self.read_name()
        self.finish()
        return self.profile, self.report

    def take_markers(self, line: Line, section: str) -> None:
        """Remove reviewers' markers ("[KG1]", "[pic]") from the line, and report each."""
        markers = EDITORIAL_MARKER.findall(line.text)
        if not markers:
            return
        for match in EDITORIAL_MARKER.finditer(line.text):
            context = line.text[max(match.start() - 60, 0) : match.end() + 60]
            self.report.add(
                kinds.MARKER,
                f"Editorial marker “{match.group(0)}” removed",
                section=section,
                quote=_quote(context, 200),
            )
        line.text = " ".join(EDITORIAL_MARKER.sub(" ", line.text).split())
        line.cells = [" ".join(EDITORIAL_MARKER.sub(" ", cell).split()) for cell in line.cells]

    def segment(self, lines: list[Line]) -> None:
        """Cut the lines into the preamble, unlabelled text and labelled sections; keep fields."""
        current: Section | None = None
        seen_known = False
        for line in lines:
            role = self.classify(line)
            if isinstance(role, Field):
                seen_known = True
                where = current.part if current else "fields"
                self.take_markers(line, SECTION_NAMES.get(where, where))
                role = self.classify(line) or role
                self.fields.append((role, where))
                if role.key == "chair":
                    self.profile.parts.add("chairs")
                continue
            if isinstance(role, Label):
                seen_known = True
                current = self.start_section(role, current)
                if role.inline:
                    inline = Line(text=role.inline, number=line.number, bullet="")
                    self.take_markers(inline, current.name)
                    current.lines.append(inline)
                continue
            if (
                current is not None
                and (line.heading or (current.part not in {"objectives", "secretariat"}))
                and is_extra_heading(line)
            ):
                current = Section("extra", heading=line.text)
                self.sections.append(current)
                continue
            if current is not None:
                self.take_markers(line, current.name)
                current.lines.append(line)
            elif seen_known:
                self.take_markers(line, SECTION_NAMES["unlabelled"])
                self.unlabelled.append(line)
            else:
                self.take_markers(line, SECTION_NAMES["preamble"])
                self.preamble.append(line)

    def take_country_runs(self) -> None:
        """A run of ``MIN_COUNTRY_RUN`` or more lines of country names in a prose part
        (objectives, secretariat, focus areas, a section the profile has no place for, the
        unlabelled text) is the list it looks like, under a heading this importer did not
        know: it becomes a list of members (of observers when that heading says so), and the
        report says where it was found."""
        prose = [s for s in self.sections if s.part in PROSE_PARTS]
        holders = [(SECTION_NAMES["unlabelled"], self.unlabelled, None)]
        holders += [(section.name, section.lines, section) for section in prose]
        for where, lines, holder in holders:
            runs = list(self.country_runs(lines))
            for start, end in reversed(runs):
                heading = lines[start - 1] if start > 0 else None
                if heading is not None and not self.looks_like_heading(heading):
                    heading = None
                first = start - 1 if heading is not None else start
                part = "observers" if heading and OBSERVER_WORD.search(heading.text) else "members"
                found = Section(part, heading=heading.text if heading else "")
                found.lines = lines[start:end]
                del lines[first:end]
                self.sections.insert(self.sections.index(holder) + 1 if holder else 0, found)
                self.profile.parts.add(part)
                if heading is not None and (statement := parse_count(heading.text)):
                    self.counts.append(CountCheck(part, "", statement))
                self.report.add(
                    kinds.UNPLACED,
                    f"{end - start} lines of country names found in “{where}” (lines "
                    f"{lines_span(found.lines)}"
                    + (f", under “{_quote(heading.text, 80)}”" if heading else "")
                    + f"): read as the {SECTION_NAMES[part].casefold()} they list",
                    section=where,
                    quote=_quote(" / ".join(line.text for line in found.lines), 300),
                )

    def country_runs(self, lines: list[Line]):
        """(start, end) of each run of lines that are country names and nothing else."""
        start = None
        for index, line in enumerate([*lines, None]):
            if line is not None and self.is_country_line(line):
                start = index if start is None else start
                continue
            if start is not None and index - start >= MIN_COUNTRY_RUN:
                yield start, index
            start = None

    def is_country_line(self, line: Line) -> bool:
        text = line.text.strip().rstrip(".,;")
        if not text or len(text) > 200 or YEAR.search(text):
            return False
        pieces, unread = self.split_countries(text)
        return unread == 0 and bool(pieces) and all(piece.code for piece in pieces)

    @staticmethod
    def looks_like_heading(line: Line) -> bool:
        text = line.text.strip()
        return (
            not line.bullet
            and 1 <= len(text.split()) <= 8
            and not re.search(r"[.!?;,]$", text)
            and text[:1].isupper()
        )

    def start_section(self, label: Label, current: Section | None) -> Section:
        """A label starts a section; a sub-label ("Observer States" under "Observers") starts
        a part of the same section, keeping its kind."""
        heading = label.text
        if label.part in {"members", "observers", "partners"}:
            statement = parse_count(heading)
            if statement:
                self.counts.append(CountCheck(label.part, label.kind, statement))
        section = Section(label.part, label.kind, heading=heading)
        self.sections.append(section)
        if label.read_as:
            self.report.add(
                kinds.UNPLACED,
                f"“{_quote(heading)}” is not a heading this importer knows; read as "
                f"“{label.read_as}”, the one it is closest to",
                section=section.name,
                quote=heading,
            )
        if label.part in {"members", "observers", "partners", "focus", "meetings", "chairs"}:
            self.profile.parts.add(label.part)
        return section

    # Fields ---------------------------------------------------------------------------------

    def read_fields(self) -> None:
        for found, where in self.fields:
            section = SECTION_NAMES.get(where, where)
            reader = getattr(self, f"field_{found.key}")
            reader(found, section)

    def field_established(self, found: Field, section: str) -> None:
        year = int(found.value)
        if self.profile.established is None:
            self.profile.established = year
        elif self.profile.established != year:
            self.unplaced(found.text, section, f"a second year of establishment, {year}")
            return
        rest = found.when.strip(" .,;")
        if rest:
            self.unplaced(rest, section, "said with the year established; not stored")

    def field_type(self, found: Field, section: str) -> None:
        value = found.value
        regions = REGIONS_IN_TYPE.search(value)
        if regions:
            self.add_regions(regions.group("regions"))
            value = (value[: regions.start()] + value[regions.end() :]).strip()
        for kind, pattern in KINDS_OF_PROCESS:
            if pattern.search(value):
                self.profile.kind = self.profile.kind or kind
                return
        self.unplaced(found.text, section, "a type this importer does not know")

    def field_region(self, found: Field, section: str) -> None:
        self.add_regions(found.value)

    def add_regions(self, text: str) -> None:
        text = re.sub(r"\bcontinent[- ]wide\b|\bwhole\b|\bentire\b", "", text, flags=re.I)
        parts = re.split(r"\s*(?:,|;|/|\s[-\u2013\u2014]\s|[\u2013\u2014])\s*", text)
        regions = []
        for part in parts:
            part = part.strip(" .-")
            if not part:
                continue
            # "Asia-Europe": two regions joined by a hyphen.
            pieces = part.split("-") if re.fullmatch(r"[A-Z][a-z]+-[A-Z][a-z]+", part) else [part]
            for piece in pieces:
                # "Horn of Africa and Europe" is two regions; "North and Central America" one.
                halves = re.split(r"\s+and\s+", piece, maxsplit=1)
                if len(halves) == 2 and normalise_country_text(halves[0]) not in DIRECTIONS:
                    regions.extend(halves)
                else:
                    regions.append(piece)
        known = {r.casefold() for r in self.profile.regions}
        for region in regions:
            region = region.strip()
            if region and region.casefold() not in known:
                region = region[0].upper() + region[1:]
                known.add(region.casefold())
                self.profile.regions.append(region)

    def field_status(self, found: Field, section: str) -> None:
        key = normalise_country_text(found.value)
        if key in ACTIVE_VALUES:
            self.profile.activity = "active"
        elif key in DORMANT_VALUES or DORMANT.search(found.value):
            self.profile.activity = "dormant"
        else:
            self.unplaced(found.text, section, "a status this importer does not know")

    def field_website(self, found: Field, section: str) -> None:
        url = URL.search(found.value)
        if url:
            address = url.group(0).rstrip(".,;")
            if address.lower().startswith("www."):
                address = "https://" + address
            self.profile.website = self.profile.website or address
        elif not is_none_value(found.value):
            self.unplaced(found.text, section, "no web address in it")

    def field_association(self, found: Field, section: str) -> None:
        value = found.value.strip()
        if not value or is_none_value(value):
            return
        names = []
        for part in split_top_level(value, (";",)):
            part = re.sub(r"^(and|et)\s+", "", part.strip(), flags=re.I)
            names.extend(split_organisations(part))
        keys = {(o.name.casefold(), o.acronym) for o in self.profile.associated_organisations}
        for text in names:
            organisation = self.organisation_from(text, "association", section)
            if organisation is None:
                continue
            if (organisation.name.casefold(), organisation.acronym) in keys:
                continue
            keys.add((organisation.name.casefold(), organisation.acronym))
            self.profile.associated_organisations.append(organisation)
        extra = self.profile.associated_organisations[2:]
        if extra:
            del self.profile.associated_organisations[2:]
            for organisation in extra:
                self.report.add(
                    kinds.NOT_IMPORTED,
                    f"{organisation.display_name}: a profile is associated with at most two "
                    "regional organisations",
                    section=section,
                )

    def field_chair(self, found: Field, section: str) -> None:
        tenure = found.tenure
        tenure = {
            "actuel": "current",
            "actuelle": "current",
            "present": "current",
            "en exercice": "current",
            "previous": "past",
            "former": "past",
            "ancien": "past",
            "anciens": "past",
            "ancienne": "past",
            "outgoing": "past",
            "sortant": "past",
            "sortante": "past",
            "next": "incoming",
            "upcoming": "incoming",
            "future": "incoming",
            "prochain": "incoming",
            "prochaine": "incoming",
            "entrant": "incoming",
            "entrante": "incoming",
            "actual": "current",
            "en ejercicio": "current",
            "anterior": "past",
            "anteriores": "past",
            "saliente": "past",
            "próximo": "incoming",
            "próxima": "incoming",
            "proximo": "incoming",
            "proxima": "incoming",
        }.get(tenure, tenure)
        self.read_chair_value(found.value, found.text, tenure, found.when, "Chairs")

    def read_chair_value(self, value: str, text: str, tenure: str, when: str, section: str):
        value = value.strip().rstrip(".")
        if not value or is_none_value(value):
            return
        default_dates = year_range(when) if when else None
        for item in split_top_level(value, (",", ";")):
            item = item.strip()
            if not item:
                continue
            dates = default_dates
            note = re.search(r"\(([^()]*)\)\s*$", item)
            if note and (parsed := year_range(note.group(1))):
                dates, item = parsed, item[: note.start()].strip()
            elif match := re.match(
                r"^((?:19|20)\d{2}(?:\s*[-\u2013]\s*(?:19|20)?\d{2})?)\s*[:\-\u2013]?\s*(\D.+)$",
                item,
            ):
                dates, item = year_range(match.group(1)), match.group(2).strip()
            elif match := re.search(r"\s+(?:since|from|depuis)\s+((?:19|20)\d{2})$", item):
                dates, item = year_range(match.group(1)), item[: match.start()].strip()
            pieces, unread = self.split_countries(item)
            holders: list[ParsedChair] = []
            if unread == 0 and pieces and all(p.code for p in pieces):
                holders = [ParsedChair(written=p.written, country=p.code) for p in pieces]
            else:
                organisation = self.organisation_from(item, "chair", section, quiet=True)
                if organisation and looks_like_organisation(item):
                    holders = [ParsedChair(written=item, organisation=organisation)]
            if not holders:
                line = Line(text=item, number=0)
                if self.line_is_last_text(text, item):
                    self.cut_off(item, section)
                else:
                    suggestion = self.suggestion_for(item)
                    self.unknown_name(line, suggestion, section, role="chair")
                continue
            for holder in holders:
                holder.dates = dates
                holder.tenure = tenure
                self.profile.chairs.append(holder)

    def line_is_last_text(self, line_text: str, item: str) -> bool:
        """Whether ``item`` ends the last line of the page (which may be cut off)."""
        last = self.last_page_line.text.strip() if self.last_page_line else ""
        return bool(last) and line_text.strip() == last and line_text.rstrip(" .").endswith(item)

    # Sections -------------------------------------------------------------------------------

    def read_sections(self) -> None:
        merged: dict[str, list[Section]] = {}
        for section in self.sections:
            merged.setdefault(section.part, []).append(section)
        objectives = [line for s in merged.get("objectives", []) for line in s.lines]
        self.objective_lines = objectives
        for section in self.sections:
            if section.part in {"members", "observers", "partners"}:
                self.read_list(section)
            elif section.part == "focus":
                self.read_focus(section)
            elif section.part == "chairs":
                self.read_chairs(section)
            elif section.part == "meetings":
                self.read_meetings(section)
            elif section.part == "extra":
                for line in section.lines:
                    self.unplaced(line, section.name, "a section the profile has no place for")
        secretariat = [line for s in merged.get("secretariat", []) for line in s.lines]
        self.read_secretariat(secretariat + self.secretariat_extra)

    def read_text(self, lines: list[Line], section: str) -> str:
        """Free text as the model's Markdown: paragraphs apart, list items together."""
        blocks: list[str] = []
        for line in lines:
            text = line.text.strip()
            if not text:
                continue
            if self.is_last(line) and not TERMINAL.search(text):
                if not line.bullet or self.looks_truncated(text):
                    text = self.trim_cut_text(text, section)
                    if not text:
                        continue
            if line.bullet:
                marker = line.bullet if re.fullmatch(r"\d{1,2}\.", line.bullet) else "-"
                item = f"{marker} {text}"
                if blocks and re.match(r"^(?:-|\d{1,2}\.) ", blocks[-1].split("\n")[-1]):
                    blocks[-1] += "\n" + item
                else:
                    blocks.append(item)
            else:
                blocks.append(text)
        return "\n\n".join(blocks)

    def trim_cut_text(self, text: str, section: str) -> str:
        """The last line of a cut-off page: keep its whole sentences, report the rest."""
        sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z\u00c0-\u00dd])", text)
        kept, cut = sentences[:-1], sentences[-1]
        self.cut_off(cut, section, "the unfinished sentence was left out")
        return " ".join(kept)

    def read_secretariat(self, lines: list[Line]) -> None:
        if not lines:
            return
        first = lines[0]
        if match := NO_SECRETARIAT.match(first.text):
            self.profile.has_official_secretariat = False
            first = Line(
                text=first.text[match.end() :].strip(),
                number=first.number,
                bullet=first.bullet,
            )
            lines = [first, *lines[1:]] if first.text else lines[1:]
        if len(lines) == 1 and not _is_prose(lines[0].text):
            text = lines[0].text.strip()
            if looks_like_organisation(text) and not SECRETARIAT_TEXT.search(text):
                organisation = self.organisation_from(text, "secretariat", "Secretariat")
                if organisation and self.profile.has_official_secretariat is not False:
                    self.profile.secretariat_organisation = organisation
                    return
        bullets = [line for line in lines if line.bullet]
        if len(bullets) == 1 and len(lines) == 1:
            lines = [Line(text=lines[0].text, number=lines[0].number)]
        text = self.read_text(lines, "Secretariat")
        self.profile.secretariat = text

    def read_focus(self, section: Section) -> None:
        seen: dict[str, str] = {}
        diverted = False
        for index, line in enumerate(section.lines):
            text = line.text.strip()
            following = section.lines[index + 1] if index + 1 < len(section.lines) else None
            if diverted:
                self.secretariat_extra.append(line)
                continue
            if is_none_value(text):
                continue
            if text.endswith(":") and not line.bullet and following is not None:
                self.unplaced(line, section.name, "an introduction or heading, not a focus area")
                continue
            if text.endswith(":"):
                self.unplaced(line, section.name, "a heading of focus areas, not stored")
                continue
            items = self.inline_list(text) if not line.bullet else None
            if items:
                for item in items:
                    self.add_focus_area(item, line, section, seen)
                continue
            words = len(text.split())
            if not line.bullet and (words >= 15 or (words >= 8 and text.endswith("."))):
                if self.is_secretariat_text(text):
                    self.secretariat_extra.append(line)
                    diverted = True
                    continue
                self.unplaced(line, section.name, "text, not a list of focus areas")
                continue
            item = re.sub(r"(?:[;,.]|\s+and|;\s*and|,\s*and)\s*$", "", text).strip()
            item = re.sub(r"^(?:and|et)\s+", "", item)
            if self.is_last(line) and self.looks_truncated(text):
                self.cut_off(line, section.name)
                continue
            self.add_focus_area(item, line, section, seen)

    def inline_list(self, text: str) -> list[str] | None:
        """ "labour migration, border management and return." -> three items; None for a
        sentence."""
        body = text.rstrip(" .;")
        if ";" in body:
            parts = split_top_level(body, (";",))
        else:
            parts = split_top_level(body, (",",))
            if len(parts) >= 2:
                parts = [*parts[:-1], *re.split(r"\s+(?:and|et)\s+", parts[-1])]
        if len(parts) < 2:
            return None
        parts = [re.sub(r"^(?:and|et)\s+", "", part.strip()) for part in parts]
        if any(not part or len(part.split()) > 6 for part in parts):
            return None
        if any(re.search(r"\b(?:is|are|was|were|has|have|include|includes)\b", p) for p in parts):
            return None
        return parts

    def add_focus_area(self, item: str, line: Line, section: Section, seen: dict) -> None:
        if not item:
            return
        if len(item) > 150:
            self.unplaced(line, section.name, "too long for a focus area")
            return
        key = item.casefold()
        if key in seen:
            self.report.add(
                kinds.DUPLICATE,
                f"“{item}” is listed twice; merged",
                section=section.name,
                quote=item,
            )
            return
        seen[key] = item
        self.profile.focus_areas.append(item)

    def read_chairs(self, section: Section) -> None:
        diverted = False
        for line in section.lines:
            text = line.text.strip()
            if diverted:
                self.secretariat_extra.append(line)
                continue
            if is_none_value(text) or re.match(r"^no (formal |official )?chair", text, re.I):
                continue
            if _is_prose(text) and not re.search(r"\d{4}", text[:12]):
                if self.is_secretariat_text(text):
                    self.secretariat_extra.append(line)
                    diverted = True
                else:
                    self.unplaced(line, section.name, "text, not a chair")
                continue
            self.read_chair_value(text, text, "", "", section.name)

    def read_meetings(self, section: Section) -> None:
        seen = set()
        for line in section.lines:
            text = line.text.strip()
            if is_none_value(text):
                continue
            written = ", ".join(line.cells) if line.cells else text
            # A line of many dates is a list or a table, not one meeting (and reading the
            # dates of such a line takes long).
            years = sum(1 for _year in itertools.islice(YEAR.finditer(written), MAX_YEARS + 1))
            meeting = parse_meeting(written) if years <= MAX_YEARS else None
            if meeting is None:
                if self.is_secretariat_text(text) and _is_prose(text):
                    self.secretariat_extra.append(line)
                elif self.is_last(line):
                    self.cut_off(line, section.name)
                elif years > MAX_YEARS:
                    why = f"more than {MAX_YEARS} years in one line, so not read as one meeting"
                    self.unplaced(line, section.name, why)
                else:
                    self.unplaced(line, section.name, "no date in it, so not read as a meeting")
                continue
            if not meeting.title:
                self.report.add(
                    kinds.NOT_IMPORTED,
                    f"“{_quote(text)}” has no title, so it was not imported",
                    section=section.name,
                    quote=text,
                )
                continue
            key = (meeting.title.casefold(), meeting.dates.start)
            if key in seen:
                self.report.add(
                    kinds.DUPLICATE,
                    f"The meeting “{meeting.title}” ({meeting.dates}) is listed twice; merged",
                    section=section.name,
                    quote=text,
                )
                continue
            seen.add(key)
            self.profile.meetings.append(meeting)

    # Lists of states and organisations -----------------------------------------------------

    def read_list(self, section: Section) -> None:
        part, kind = section.part, section.kind
        role = {"members": "member", "observers": "observer", "partners": "partner"}[part]
        group = ""
        columns: list[str] | None = None
        if part == "members" and kind != "organisations" and section.heading:
            heading_group = parse_group_heading(section.heading)
            if heading_group and heading_group[0].casefold() not in {"member", "members"}:
                group = heading_group[0]
        diverted = False
        for line in section.lines:
            text = line.text.strip().strip("-\u2013 ").strip()
            if diverted:
                self.secretariat_extra.append(line)
                continue
            if not text or is_none_value(text):
                continue
            if match := FOOTNOTE_LINE.match(line.text) if not line.bullet else None:
                self.footnotes[match.group("mark")] = match.group("text")
                continue
            if line.bullet == "*" or text.startswith("*"):
                self.footnotes["*"] = text.lstrip("* ")
                continue
            if (statement := parse_count(text, heading=False)) and not self.has_countries(text):
                self.counts.append(CountCheck(part, kind, statement, group=""))
                continue
            if labels := parse_group_row(text, line.cells):
                columns = labels
                continue
            if heading := parse_group_heading(text.rstrip(":")):
                group, count = heading
                columns = None
                if count is not None:
                    self.counts.append(
                        CountCheck(part, kind, CountStatement(total=count, written=text), group)
                    )
                continue
            inline = re.match(r"^(?P<label>[^:]{2,60}):\s*(?P<rest>.+)$", text)
            if inline and (heading := parse_group_heading(inline.group("label"))):
                group, text = heading[0], inline.group("rest")
            elif inline and INTRODUCTION.search(inline.group("label")):
                text = inline.group("rest")  # "The members are: Algeria, Egypt ..."
            if not line.bullet and _is_prose(text) and not self.mostly_countries(text):
                if self.is_secretariat_text(text):
                    self.secretariat_extra.append(line)
                    diverted = True
                elif self.is_last(line) and not TERMINAL.search(text):
                    self.cut_off(line, section.name)
                else:
                    self.unplaced(line, section.name, "text, not a list of names")
                continue
            if line.cells and len(line.cells) > 1:
                for index, cell in enumerate(line.cells):
                    cell_group = columns[index] if columns and index < len(columns) else group
                    cell_line = Line(text=cell, number=line.number)
                    self.read_names(cell_line, cell, section, role, kind, cell_group, None)
            else:
                self.read_names(line, text, section, role, kind, group, columns)

    def is_secretariat_text(self, text: str) -> bool:
        """A bare paragraph where "Secretariat" would be: it says who supports the process."""
        if self.has_secretariat_label:
            return False
        return bool(NO_SECRETARIAT.match(text) or SECRETARIAT_TEXT.search(text))

    @functools.cached_property
    def has_secretariat_label(self) -> bool:
        """Asked of many lines, once the page is cut into sections (which then stay as
        they are)."""
        return any(section.part == "secretariat" and section.lines for section in self.sections)

    def has_countries(self, text: str) -> bool:
        pieces, _unread = self.split_countries(re.sub(r"\([^()]*\)", " ", text))
        return any(piece.code for piece in pieces)

    def mostly_countries(self, text: str) -> bool:
        pieces, unread = self.split_countries(text)
        found = sum(1 for piece in pieces if piece.code)
        return found >= 2 and unread <= found

    def read_names(self, line, text, section, role, kind, group, columns) -> None:
        """One line (or table cell) of a list: countries, or organisations, or both."""
        if kind == "organisations":
            for name in split_organisations(text):
                self.add_organisation(line, name, section, role, group)
            return
        pieces, unread = self.split_countries(text)
        countries = [piece for piece in pieces if piece.code]
        if kind != "states" and (not countries or unread > 0) and looks_like_organisation(text):
            if not countries or not self.mostly_countries(text):
                for name in split_organisations(text):
                    self.add_organisation(line, name, section, role, group)
                return
        if columns and len(countries) > 1:
            if len(countries) == len(columns):
                for piece, column_group in zip(countries, columns, strict=True):
                    self.add_country(line, piece, section, role, column_group)
                pieces = [piece for piece in pieces if not piece.code]
            else:
                for piece in countries:
                    self.add_country(line, piece, section, role, self.column_for(piece, columns))
                pieces = [piece for piece in pieces if not piece.code]
        elif columns and len(countries) == 1:
            self.add_country(
                line, countries[0], section, role, self.column_for(countries[0], columns)
            )
            pieces = [piece for piece in pieces if not piece.code]
        for piece in pieces:
            if piece.code:
                self.add_country(line, piece, section, role, group)
                continue
            written = piece.written.strip(" .,;:")
            if not written or is_none_value(written):
                continue
            if self.is_last(line) and piece is pieces[-1] and not TERMINAL.search(line.text):
                self.cut_off(written, section.name)
                continue
            if kind != "states" and looks_like_organisation(written):
                self.add_organisation(line, written, section, role, group)
                continue
            self.unknown_name(
                Line(text=written, number=line.number),
                self.suggestion_for(written),
                section.name,
                role=role,
                group=group,
                note=piece.note,
            )

    def column_for(self, piece, columns: list[str]) -> str:
        """The column a name of a row with fewer names than columns belongs to, when the
        table of regional groups can tell; "" otherwise (reported by the count check)."""
        matches = [label for label in columns if in_group(piece.code, label)]
        return matches[0] if len(matches) == 1 else ""

    def add_country(self, line: Line, piece, section: Section, role: str, group: str) -> None:
        note = piece.note
        country_role = role
        if role == "partner":
            self.report.add(
                kinds.NOT_IMPORTED,
                f"{country_name(piece.code)} is listed as a partner; profiles list partner "
                "organisations only",
                section=section.name,
                quote=line.text,
            )
            return
        if note and FORMER.search(note):
            self.report.add(
                kinds.NOT_IMPORTED,
                f"{country_name(piece.code)} ({note}) is a former participant, so it was not "
                "imported",
                section=section.name,
                quote=line.text,
            )
            return
        if note and SUSPENDED.search(note):
            country_role = "suspended"
        elif note and OBSERVER_NOTE.match(note.strip()):
            country_role, note = "observer", ""
        self.profile.countries.append(
            ParsedCountry(
                written=piece.written,
                code=piece.code,
                role=country_role,
                group=group[:60],
                note=(note or "")[:200] + (f"\u2063{piece.mark}" if piece.mark else ""),
            )
        )

    def unknown_name(self, line: Line, suggestion: str | None, section: str, **kwargs) -> None:
        written = line.text
        role = kwargs.get("role", "member")
        if suggestion:
            message = f"“{written}” is not a country: did you mean “{country_name(suggestion)}”?"
        else:
            message = f"“{written}” is not a country, and no country's name is close to it"
        self.report.add(
            kinds.UNKNOWN_NAME,
            message,
            section=section,
            quote=written,
            suggestion=suggestion or "",
            blocking=True,
        )
        if role in {"member", "observer"}:
            self.profile.countries.append(
                ParsedCountry(
                    written=written,
                    code=None,
                    suggestion=suggestion,
                    role=role,
                    group=kwargs.get("group", "")[:60],
                    note=(kwargs.get("note") or "")[:200],
                )
            )

    def organisation_from(self, text, role, section, quiet=False) -> ParsedOrganisation | None:
        name = parse_organisation(text)
        if name is None:
            if not quiet:
                self.unplaced(text, section, "not an organisation's name")
            return None
        if name.note and not quiet:
            self.unplaced(f"({name.note})", section, f"a note on {name.name}, not stored with it")
        return ParsedOrganisation(
            name=name.name[:250],
            acronym=name.acronym[:30],
            english_name=name.english_name[:250],
            role=role,
            written=text,
        )

    def add_organisation(self, line: Line, text: str, section: Section, role: str, group: str):
        text = text.strip().strip(",;")
        if not text:
            return
        if self.is_last(line) and line.text.endswith(text):
            single = len(text.split()) == 1 and not looks_like_acronym(text)
            if single or self.looks_truncated(text):
                self.cut_off(text, section.name)
                return
        if not looks_like_organisation(text) and not re.search(r"[A-Z]", text):
            self.unplaced(text, section.name, "not an organisation's name")
            return
        organisation = self.organisation_from(text, role, section.name)
        if organisation is None:
            return
        organisation.group = group[:60]
        self.profile.organisations.append(organisation)

    # Unlabelled text and the name -------------------------------------------------------

    def read_unlabelled(self) -> None:
        """Bare paragraphs after the fields and before the first section: the objectives
        (and a sentence saying the process is dormant: its status)."""
        kept = []
        for line in self.unlabelled:
            text = line.text.strip()
            if DORMANT.search(text) and len(text.split()) <= 25:
                self.profile.activity = "dormant"
                continue
            kept.append(line)
        lines = kept + self.objective_lines
        self.profile.objectives = self.read_text(lines, "Objectives")
        if not self.profile.activity and DORMANT.search(self.profile.objectives):
            self.profile.activity = "dormant"

    def read_name(self) -> None:
        title_line = None
        for line in self.preamble:
            text = line.text.strip()
            if (
                title_line is None
                and len(text.split()) <= 30
                and not re.search(r"[.!?]$", text)
                and re.search(r"[A-Z]", text)
            ):
                title_line = line
                continue
            if title_line is not None and normalise_country_text(text) == normalise_country_text(
                title_line.text
            ):
                continue
            self.unplaced(line, SECTION_NAMES["preamble"], "before the profile's fields")
        title_name, title_acronym = ("", "")
        if title_line is not None:
            title_name, title_acronym = split_title(title_line.text)
        text_name, text_acronym, acronym_only, text_alternatives = self.name_from_text()
        if self.name_option:
            name, acronym = split_title(self.name_option)
            self.profile.name_source = "option"
            acronym = (
                acronym
                or title_acronym
                or (text_acronym if text_name and same_name(text_name, name) else "")
            )
        elif title_name and any(same_name(title_name, other) for other in text_alternatives):
            # Titled "Puebla Process", the text says "The Regional Conference on Migration
            # (RCM) or the Puebla Process ...": the title is the short name of the full one.
            name, acronym = text_name, text_acronym or title_name
            self.profile.name_source = "text"
        elif title_name:
            name, acronym = title_name, title_acronym
            self.profile.name_source = "title"
            if not acronym and text_acronym and same_name(text_name, name):
                acronym = text_acronym
        elif text_name:
            name, acronym = text_name, text_acronym
            self.profile.name_source = "text"
            if acronym_only:
                acronym = acronym or name
                self.report.add(
                    kinds.NAME,
                    f"The page has no title; its text names the process only as “{name}”. "
                    "Check the name, and give the right one with the page if it is not",
                )
        elif self.page.html_title:
            name, acronym = split_title(self.page.html_title)
            self.profile.name_source = "title"
        else:
            name, acronym = "", ""
        if not acronym and self.about and looks_like_acronym(self.about.split("/")[0]):
            acronym = self.about.split("/")[0] if "/" not in self.about else ""
        self.profile.name = name[:200]
        self.profile.acronym = acronym[:40]
        if not name:
            self.report.add(
                kinds.ERROR,
                "The page has no title and its text does not say the process's name: "
                "give the name of the process with the page",
                blocking=True,
            )

    def name_from_text(self) -> tuple[str, str, bool, list[str]]:
        """The process's name as the first sentences of its objectives say it ("The Tripoli
        Process is ..."); the page's address helps choose between several. Returns the name,
        the acronym, whether the name is an acronym only, and the other names the sentence
        gives it. Names are looked for in the
        first ``NAME_WINDOW`` characters of the first lines: a page says its name early."""
        # A sentence before the fields ("The Sample Forum (SF) is ...") may say it too.
        sentences = [line for line in self.preamble if re.search(r"[.!?]$", line.text.strip())]
        lines = [*sentences, *self.unlabelled, *self.objective_lines][:12]
        candidates = []
        for position, line in enumerate(lines):
            for candidate in name_candidates(line.text, NAME_WINDOW):
                candidate.position = position
                candidates.append(candidate)
        address = slug_words(self.page.source_url)
        about = set(normalise_country_text(self.about).split())

        def words_of(name: str) -> set[str]:
            return {w for w in normalise_country_text(name).split() if w not in SLUG_STOPWORDS}

        def score(candidate: NameCandidate):
            words = words_of(candidate.name)
            overlap = len(words & address) / len(words) if words and address else 0
            acronym = normalise_country_text(candidate.acronym)
            bonus = (
                0.5 if acronym and (acronym in about or acronym.replace(" ", "") in address) else 0
            )
            return (candidate.full, not candidate.bare, overlap + bonus, -candidate.position)

        if candidates:
            best = max(candidates, key=score)
            if best.full:
                return best.name, best.acronym, False, best.alternatives
        if address:
            # "... the objectives of the Prague Process are ...": a name the address spells.
            phrases = []
            for line in lines:
                for match in WORD_START.finditer(line.text, 0, NAME_WINDOW):
                    name, acronym, _rest = _read_name(line.text, match.start())
                    name = re.sub(r"^(?:the|le|la|el|l['\u2019])\s*", "", name, flags=re.I)
                    words = words_of(name)
                    if len(words) >= 2 and words <= address:
                        phrases.append((len(words), name, acronym))
            if phrases:
                _length, name, acronym = max(phrases, key=lambda phrase: phrase[0])
                return name, acronym, False, []
        if candidates:
            best = max(candidates, key=score)
            return best.name, best.acronym, True, best.alternatives
        return "", "", False, []

    # The checks ----------------------------------------------------------------------------

    def finish(self) -> None:
        self.apply_footnotes()
        self.assign_groups_from_header()
        self.merge_duplicate_countries()
        self.merge_duplicate_organisations()
        self.check_counts()
        self.check_ceased()
        self.check_undated_chairs()
        if not self.cut_reported:
            self.check_cut_off_tail()
        for country in self.profile.countries:
            country.note = country.note.split("\u2063")[0]
        self.report.sort()

    def apply_footnotes(self) -> None:
        for country in self.profile.countries:
            if "\u2063" not in country.note:
                continue
            note, mark = country.note.split("\u2063", 1)
            text = self.footnotes.get(mark) or self.footnotes.get(mark.strip("()[]"))
            if text is None:
                country.note = note
                continue
            if SUSPENDED.search(text):
                country.role = "suspended"
            country.note = "; ".join(filter(None, [note, text]))[:200]
            if FORMER.search(text):
                self.report.add(
                    kinds.NOT_IMPORTED,
                    f"{country.name} ({text}) is a former participant, so it was not imported",
                    section="Members",
                )
                country.role = "former"
        self.profile.countries = [c for c in self.profile.countries if c.role != "former"]

    def assign_groups_from_header(self) -> None:
        """ "82 Members (53 AU Member States and 28 EU Member States)" over one list: each
        country gets its group from the table of regional organisations. The first statement
        that gives some country a group does it; the others are not needed."""
        members = self.profile.member_states
        if not members or any(c.group for c in members):
            return
        tried = set()
        for check in self.counts:
            if check.part != "members" or check.group or len(check.statement.groups) < 2:
                continue
            labels = tuple(label for label, _count in check.statement.groups)
            if labels in tried or not any(bloc_of_label(label) for label in labels):
                continue  # tried already, or no group the table knows: nothing to give
            tried.add(labels)
            for country in members:
                code = country.code or country.suggestion
                matches = [label for label in labels if code and in_group(code, label)]
                if len(matches) == 1:
                    country.group = matches[0]
            if any(c.group for c in members):
                return

    def merge_duplicate_countries(self) -> None:
        kept: dict[str, ParsedCountry] = {}
        result = []
        for country in self.profile.countries:
            key = country.code or f"?{normalise_country_text(country.written)}"
            if key in kept:
                first = kept[key]
                if first.role == country.role:
                    message = f"{country.name} is listed twice; merged"
                else:
                    message = (
                        f"{country.name} is listed as {first.role} and as {country.role}; "
                        f"kept as {first.role}"
                    )
                self.report.add(
                    kinds.DUPLICATE,
                    message,
                    section=SECTION_NAMES["members" if first.role == "member" else "observers"],
                    quote=country.written,
                )
                continue
            kept[key] = country
            result.append(country)
        self.profile.countries = result

    def merge_duplicate_organisations(self) -> None:
        kept: dict[str, ParsedOrganisation] = {}
        result = []
        for organisation in self.profile.organisations:
            keys = [normalise_country_text(organisation.name)]
            if organisation.acronym:
                keys.append(normalise_country_text(organisation.acronym))
            duplicate = next((kept[key] for key in keys if key in kept), None)
            if duplicate is not None:
                self.report.add(
                    kinds.DUPLICATE,
                    f"{organisation.display_name} is listed twice; merged"
                    + (
                        f" (kept as {duplicate.role})"
                        if duplicate.role != organisation.role
                        else ""
                    ),
                    section=SECTION_NAMES.get(organisation.role + "s", ""),
                    quote=organisation.written,
                )
                continue
            for key in keys:
                kept[key] = organisation
            result.append(organisation)
        self.profile.organisations = result

    def check_counts(self) -> None:
        # How many of each role and group the page lists, counted once for every statement.
        countries = Counter()
        organisations = Counter()
        for country in self.profile.countries:
            countries[country.role, None] += 1
            countries[country.role, country.group.casefold()] += 1
        for organisation in self.profile.organisations:
            organisations[organisation.role, None] += 1
            organisations[organisation.role, organisation.group.casefold()] += 1
        any_member_group = any(c.group for c in self.profile.member_states)
        for check in self.counts:
            statement = check.statement
            listed = self.listed(check.part, check.kind, check.group, countries, organisations)
            section = SECTION_NAMES[check.part]
            what = {"members": "members", "observers": "observers", "partners": "partners"}[
                check.part
            ]
            if check.kind == "states":
                what = {"members": "member states", "observers": "observer states"}.get(
                    check.part, "states"
                )
            elif check.kind == "organisations":
                what = f"{check.part[:-1]} organisations"
            if check.group:
                what = f"{check.group} {what}"
            if statement.total is not None and statement.total != listed:
                self.report.add(
                    kinds.COUNT,
                    f"The page states {statement.total} {what} but lists {listed}",
                    section=section,
                    quote=statement.written,
                )
            if statement.groups:
                total = sum(count for _label, count in statement.groups)
                if statement.total is not None and total != statement.total:
                    sum_text = " + ".join(f"{count} {label}" for label, count in statement.groups)
                    self.report.add(
                        kinds.COUNT,
                        f"The groups add up to {total} ({sum_text}), not the "
                        f"{statement.total} stated",
                        section=section,
                        quote=statement.written,
                    )
                for label, count in statement.groups:
                    in_label = countries["member", label.casefold()]
                    if not any_member_group:
                        break
                    if in_label != count:
                        self.report.add(
                            kinds.COUNT,
                            f"The page states {count} {label} member states but lists {in_label}",
                            section=section,
                            quote=statement.written,
                        )

    @staticmethod
    def listed(part: str, kind: str, group: str, countries: Counter, organisations: Counter):
        """How many the page lists of what a statement counts (suspended members are not
        counted as members), from the counts of :meth:`check_counts`."""
        role = {"members": "member", "observers": "observer", "partners": "partner"}[part]
        key = (role, group.casefold() if group else None)
        if kind == "states":
            return countries[key]
        if kind == "organisations":
            return organisations[key]
        return countries[key] + organisations[key]

    def check_ceased(self) -> None:
        organisations = [*self.profile.organisations, *self.profile.associated_organisations]
        if self.profile.secretariat_organisation:
            organisations.append(self.profile.secretariat_organisation)
        reported = set()
        for organisation in organisations:
            entry = find_ceased(organisation.name, organisation.acronym)
            if entry is None or entry.name in reported:
                continue
            reported.add(entry.name)
            self.report.add(
                kinds.CEASED,
                f"{entry.name} ({entry.acronym}) ceased to exist in {entry.ceased_year}; its "
                f"successor is the {entry.successor_name} ({entry.successor_acronym})",
                section=SECTION_NAMES.get(organisation.role + "s", "")
                if organisation.role in {"member", "observer", "partner"}
                else "",
                quote=organisation.written,
            )

    def check_undated_chairs(self) -> None:
        undated = [chair for chair in self.profile.chairs if chair.dates is None]
        for chair in undated:
            tenure = f"{chair.tenure} chair" if chair.tenure else "chair"
            self.report.add(
                kinds.NOT_IMPORTED,
                f"{chair.holder_name} ({tenure}): the page gives no dates, and a chair needs "
                "at least a start year; add it in the admin",
                section="Chairs",
                quote=chair.written,
            )

    def check_cut_off_tail(self) -> None:
        """A page that stops mid-sentence in a part read as a field or a heading."""
        last = self.last_page_line
        if last is None:
            return
        text = last.text.strip()
        unbalanced = text.count("(") > text.count(")") or text.count("[") > text.count("]")
        # "..., and" / "...;" / "...:": the page stops where more was to follow.
        continues = re.search(r"(?:[,;:\u2013-]|\band|\bor|\bet)$", text)
        if unbalanced or continues:
            section = next(
                (s.name for s in self.sections if any(line is last for line in s.lines)), ""
            )
            self.cut_off(last, section, "what was read of it is kept, what followed is missing")


#: Parts read as free text or items that are never countries, where a run of country names
#: is a list under a heading the importer did not know.
PROSE_PARTS = {"objectives", "secretariat", "focus", "extra"}
MIN_COUNTRY_RUN = 3
OBSERVER_WORD = re.compile(r"\bobserv|\bobservateur|\bobservador", re.IGNORECASE)


def lines_span(lines: list[Line]) -> str:
    first, last = lines[0].number, lines[-1].number
    return f"{first}–{last}" if last != first else str(first)


FIELD_ONLY = re.compile(
    r"^(?:type|established|created|launched|founded|formal association with regional or "
    r"multi-stakeholder organi[sz]ation|website|official website|regions?(?: covered)?|status|"
    r"cr[ée]{2}e?|date de cr[ée]ation|site web|statut|establecido|creado|fecha de creaci[óo]n|"
    r"sitio web|estatus)\s*:?$",
    re.IGNORECASE,
)


def join_labels_and_values(lines: list[Line]) -> list[Line]:
    """ "Established" and "2001" on lines of their own (a saved page's label and value
    elements) read as "Established: 2001"."""
    joined: list[Line] = []
    skip = False
    for index, line in enumerate(lines):
        if skip:
            skip = False
            continue
        following = lines[index + 1] if index + 1 < len(lines) else None
        if (
            following is not None
            and FIELD_ONLY.match(line.text.strip())
            and classify(following) is None
        ):
            text = f"{line.text.strip().rstrip(':')}: {following.text.strip()}"
            joined.append(Line(text=text, number=following.number, heading=line.heading))
            skip = True
            continue
        joined.append(line)
    return joined


def split_title(text: str) -> tuple[str, str]:
    """ "Global Forum on Migration and Development (GFMD)" -> name and acronym;
    "EU-Horn of Africa Migration Route Initiative (Khartoum Process)" -> name and short name."""
    text = " ".join(text.split()).strip(" .:")
    text = re.sub(r"^(?:the|le|la|el|l['\u2019])\s+(?=[A-Z0-9])", "", text, flags=re.I)
    match = re.match(r"^(?P<name>.+?)\s*\((?P<short>[^()]{1,40})\)$", text)
    if match:
        short = match.group("short").strip()
        if looks_like_acronym(short) or (
            len(short.split()) <= 4 and all(w[:1].isupper() or w.isdigit() for w in short.split())
        ):
            return match.group("name").strip(), short
    return text, ""


def same_name(a: str, b: str) -> bool:
    return normalise_country_text(a) == normalise_country_text(b)


SENTENCE_START = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=[.!?]\u201d\s))(?P<article>(?:The|Le|La|L['\u2019]|El)\s*)?(?=[A-Z0-9])"
)


@dataclass
class NameCandidate:
    name: str
    acronym: str
    position: int = 0
    #: Other names the sentence gives ("… or the Puebla Process").
    alternatives: list[str] = field(default_factory=list)
    #: An acronym alone without "The" ("SDM was formed as ..."): the name of last resort.
    bare: bool = False

    @property
    def full(self) -> bool:
        """A name of two words or more ("Tripoli Process"), not an acronym alone ("GFMD")."""
        return len(self.name.split()) >= 2


def name_candidates(text: str, window: int | None = None) -> list[NameCandidate]:
    """Names a sentence gives the process it is about: "The Tripoli Process is ...",
    "The Migration Dialogue for West Africa or MIDWA was ...", "The Pan-African Forum on
    migration (PAFOM) [formerly ...] is ..." (in sentences starting in ``text[:window]``)."""
    found = []
    for match in SENTENCE_START.finditer(text, 0, len(text) if window is None else window):
        name, acronym, rest, alternatives = _read_name_and_alternatives(text, match.end())
        if not name:
            continue
        verb = FIRST_WORD.search(text, rest)
        if acronym and verb is not None and verb.group(0)[:1].isupper():
            # "The Sample (SDM) Dialogue is ...": the name goes on after its acronym.
            more, _more_acronym, after = _read_name(text, verb.start())
            following = FIRST_WORD.search(text, after)
            if more and following and following.group(0).casefold() in NAME_VERBS:
                name, verb = f"{name} {more}", following
        if verb is None:
            continue
        if verb.group(0).casefold() not in NAME_VERBS and not (
            # "The Sample Forum (SF) creates ...": any verb, after a name and its acronym.
            acronym and verb.group(0).islower() and verb.start() == SPACES.match(text, rest).end()
        ):
            continue
        if country_code(name) or (len(name.split()) < 2 and not looks_like_acronym(name)):
            continue
        # "MME is now ...": an acronym alone, without "The", may name something in passing;
        # it is the process's name only when the page gives no other.
        bare = not match.group("article") and len(name.split()) < 2 and not acronym
        found.append(NameCandidate(name, acronym, alternatives=alternatives, bare=bare))
    return found


#: Where a page's text says the process's name: in its first characters (a sentence may go on
#: past them), so a huge paragraph is not searched through for one.
NAME_WINDOW = 2000
WORD_START = re.compile(r"(?<![\w-])[A-Z0-9]")
#: The longest name of a process is about a dozen words ("Intergovernmental Consultations on
#: Migration, Asylum and Refugees"); a longer run of capitalised words is not a name.
MAX_NAME_WORDS = 20
FIRST_WORD = re.compile(r"[\w\u00c0-\u024f'\u2019+-]+")
TOKEN = re.compile(r"\S+")
SPACES = re.compile(r"\s*")
ACRONYM_IN_BRACKETS = re.compile(r"\((?P<inside>[^()]*(?:\([^()]*\)[^()]*)*)\)")
NOTE_IN_SQUARE_BRACKETS = re.compile(r"\[[^\]]*\]")
ALTERNATIVE_NAME = re.compile(
    r"(?:or|ou)\s+(?:the\s+|le\s+|la\s+)?(?P<alt>[A-Z0-9][\w+&'\u2019-]*"
    r"(?:\s+[A-Z0-9][\w+&'\u2019-]*){0,3})"
)


def _read_name(text: str, start: int = 0) -> tuple[str, str, int]:
    """Read a capitalised name at ``start`` in ``text``; returns the name, its acronym, and
    where the rest of the sentence starts (see :func:`_read_name_and_alternatives`)."""
    name, acronym, position, _alternatives = _read_name_and_alternatives(text, start)
    return name, acronym, position


def _read_name_and_alternatives(text: str, start: int = 0) -> tuple[str, str, int, list[str]]:
    """Read a capitalised name at ``start`` in ``text``; returns the name, its acronym,
    where the rest of the sentence starts, and the other names it is given ("The Regional
    Conference on Migration (RCM) or the Puebla Process": "Puebla Process"). Reads only as
    far as the name goes (never the whole rest of the text), so a page of many sentences is
    read in linear time."""
    tokens = TOKEN.finditer(text, start)
    current = next(tokens, None)
    following = next(tokens, None)
    read: list[re.Match] = []
    words: list[str] = []
    lower_used = False
    while current is not None:
        token = current.group(0)
        bare = token.rstrip(",;:")
        if not bare or bare[0] in '([\u201c"' or bare.casefold() in {"or", "ou"}:
            break
        next_token = following.group(0) if following is not None else ""
        capital = bare[0].isupper() or bare[0].isdigit()
        if not capital and bare.casefold() not in NAME_CONNECTORS:
            # One lower-case word inside a name: "Forum on migration (PAFOM)",
            # "Comprehensive bi-regional Dialogue".
            if (
                lower_used
                or not words
                or bare.casefold() in NAME_VERBS
                or token != bare
                or not (next_token[:1].isupper() or next_token.startswith("("))
            ):
                break
            lower_used = True
        words.append(bare)
        if len(words) > MAX_NAME_WORDS:
            return "", "", start, []  # a title in capitals, a list: no process's name is so long
        read.append(current)
        current, following = following, next(tokens, None)
        if token.endswith((";", ":")):
            break
        if token.endswith(","):
            # "Migration, Mobility and ...": a comma inside a name, before a capital.
            if not next_token[:1].isupper():
                break
            words[-1] += ","
    while words and words[-1].rstrip(",").casefold() in NAME_CONNECTORS | {"and"}:
        words.pop()
    name = " ".join(words).rstrip(",")
    if not name:
        return "", "", start, []
    # The rest starts after the last word kept (connectors dropped from the end are in it).
    position = read[len(words) - 1].end()
    acronym = ""
    alternatives: list[str] = []
    for _step in range(4):
        position = SPACES.match(text, position).end()
        if match := ACRONYM_IN_BRACKETS.match(text, position):
            first = match.group("inside").split(",")[0].strip()
            if not acronym and looks_like_acronym(first):
                acronym = first
            position = match.end()
            continue
        if match := NOTE_IN_SQUARE_BRACKETS.match(text, position):
            position = match.end()
            continue
        if alternative := ALTERNATIVE_NAME.match(text, position):
            other = alternative.group("alt").strip()
            alternatives.append(other)
            acronym = acronym or acronym_of_short_name(other)
            position = alternative.end()
            continue
        break
    return name, acronym, position, alternatives


#: Words a short name adds to an acronym: "MIDWA Process" is MIDWA's short name.
GENERIC_NAME_WORDS = {"process", "dialogue", "forum", "initiative", "conference", "processus"}


def acronym_of_short_name(short: str) -> str:
    """ "MIDWA Process" -> "MIDWA"; "Colombo Process" stays as it is (a short name)."""
    first, *rest = short.split()
    if rest and looks_like_acronym(first) and first.isupper() and len(first) >= 2:
        if all(word.casefold() in GENERIC_NAME_WORDS for word in rest):
            return first
    return short


def slug_words(url: str) -> set[str]:
    """The words of a page address's last part: ".../prague-process-0" -> {prague, process}."""
    if not url:
        return set()
    slug = url.rstrip("/").rsplit("/", 1)[-1]
    return {w for w in re.split(r"[-_]+", slug.casefold()) if w and not w.isdigit()}


def parse_page(
    data: bytes | str, *, name: str | None = None, language: str | None = None
) -> tuple[ParsedProfile, Report]:
    """Read a legacy page (its text as a browser copies it, or its saved HTML). The page's
    language is that of its labels unless ``language`` (one of ``LANGUAGES``) says."""
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"Pages are read in {', '.join(LANGUAGES)}, not {language!r}")
    page = read_page(data)
    return PageParser(page, name=name, language=language).run()
