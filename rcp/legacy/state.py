"""The state of one page's parse, shared by the steps that read it.

:class:`ParseState` holds what the steps find (the profile, the report, the page cut into
sections, the counts stated, the footnotes) and the few helpers every step uses to report:
a line not placed, the page cut off, a name that is not a country. The steps themselves are
functions of a state, each in the module of its concern (``rcp.legacy.lists``,
``rcp.legacy.fields``, ``rcp.legacy.naming``, ``rcp.legacy.checks``, and
``rcp.legacy.parser``, which runs them); this module imports none of them.
"""

import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rcp.countries import normalise_country_text
from rcp.legacy import report as kinds
from rcp.legacy.extract import Line, PageText
from rcp.legacy.labels import Field, Label, classify
from rcp.legacy.names import CountStatement, parse_organisation, split_countries, suggestion_for
from rcp.legacy.profile import (
    ParsedCountry,
    ParsedOrganisation,
    ParsedProfile,
    reported_country_name,
)
from rcp.legacy.report import Report
from rcp.legacy.vocabulary import DOMAIN_WORDS, INFLECTIONS
from rcp.text import EDITORIAL_MARKER

YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
#: Names that are not countries a page may have, each with a suggestion (see
#: ``ParseState.suggestion_for``); real pages have a handful.
MAX_SUGGESTIONS = 100

#: The name a finding gives the part of the page it is about (lazy: a finding takes it as
#: text in the language of the parse, see ``section_name``).
SECTION_NAMES = {
    "preamble": gettext_lazy("Page heading"),
    "unlabelled": gettext_lazy("Unlabelled text"),
    "objectives": gettext_lazy("Objectives"),
    "focus": gettext_lazy("Current Focus"),
    "secretariat": gettext_lazy("Secretariat"),
    "members": gettext_lazy("Members"),
    "observers": gettext_lazy("Observers"),
    "partners": gettext_lazy("Partners"),
    "chairs": gettext_lazy("Chairs"),
    "meetings": gettext_lazy("Meetings"),
    "extra": gettext_lazy("Other section"),
    "fields": gettext_lazy("Fields"),
}


def section_name(part: str) -> str:
    """The name of a part of the page, as plain text in the active language (a part this
    module does not name, such as a heading of the page, is its own name)."""
    return str(SECTION_NAMES.get(part, part))


TERMINAL = re.compile(r"[.!?:;)\]\u201d\"\u2019\u00bb*]$|\d$")

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

    @functools.cached_property
    def name(self) -> str:
        """Asked of each finding in the section: translated once."""
        if self.part == "extra" and self.heading:
            return self.heading.rstrip(":")
        return section_name(self.part)


@dataclass
class CountCheck:
    part: str
    kind: str
    statement: CountStatement
    group: str = ""
    #: The line stating the count.
    line: int = 0


def excerpt(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def is_prose(text: str) -> bool:
    words = text.split()
    return len(words) >= 12 or (len(words) >= 6 and text.rstrip().endswith("."))


class ParseState:
    """What one page's parse has found so far, and how its steps report."""

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
                    _(
                        "The page names more than %(limit)s things that are not countries "
                        "where countries are listed: it does not read as a profile page. Check "
                        "that it is one, and correct its lists"
                    )
                    % {"limit": MAX_SUGGESTIONS},
                    blocking=True,
                )
            return None
        self.suggestions[key] = suggestion_for(text)
        return self.suggestions[key]

    def unplaced(self, line: Line | str, section: str, why: str = "") -> None:
        text = line.text if isinstance(line, Line) else line
        if isinstance(line, Line) and self.is_last(line) and not TERMINAL.search(text.strip()):
            self.cut_off(line, section, _("the line was not kept"))
            return
        if not self.report.lists(kinds.UNPLACED):
            message = ""  # counted, not listed
        elif why:
            message = _("“%(line)s” (%(why)s)") % {"line": excerpt(text), "why": why}
        else:
            message = _("“%(line)s”") % {"line": excerpt(text)}
        self.report.add(
            kinds.UNPLACED,
            message,
            section=section,
            quote=excerpt(text, 1000),
            line=line.number if isinstance(line, Line) else 0,
        )

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
        if kept:
            message = _("The page ends in the middle of “%(line)s”; %(kept)s.") % {
                "line": excerpt(text, 120),
                "kept": kept,
            }
        else:
            message = _("The page ends in the middle of “%(line)s”; that entry was left out.") % {
                "line": excerpt(text, 120)
            }
        self.report.add(
            kinds.CUT_OFF,
            message,
            section=section,
            quote=excerpt(text, 1000),
            # What is cut off is at the end of the last line.
            line=line.number if isinstance(line, Line) else self.last_number,
        )
        self.cut_reported = True

    def line_is_last_text(self, line_text: str, item: str) -> bool:
        """Whether ``item`` ends the last line of the page (which may be cut off)."""
        last = self.last_page_line.text.strip() if self.last_page_line else ""
        return bool(last) and line_text.strip() == last and line_text.rstrip(" .").endswith(item)

    def take_markers(self, line: Line, section: str) -> None:
        """Remove reviewers' markers ("[KG1]", "[pic]") from the line, and report each."""
        markers = EDITORIAL_MARKER.findall(line.text)
        if not markers:
            return
        for match in EDITORIAL_MARKER.finditer(line.text):
            context = line.text[max(match.start() - 60, 0) : match.end() + 60]
            self.report.add(
                kinds.MARKER,
                _("Editorial marker “%(marker)s” removed") % {"marker": match.group(0)},
                section=section,
                quote=excerpt(context, 200),
                line=line.number,
            )
        line.text = " ".join(EDITORIAL_MARKER.sub(" ", line.text).split())
        line.cells = [" ".join(EDITORIAL_MARKER.sub(" ", cell).split()) for cell in line.cells]

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

    def unknown_name(self, line: Line, suggestion: str | None, section: str, **kwargs) -> None:
        written = line.text
        role = kwargs.get("role", "member")
        if not self.report.lists(kinds.UNKNOWN_NAME):
            message = ""  # counted, not listed
        elif suggestion:
            message = _("“%(written)s” is not a country: did you mean “%(suggestion)s”?") % {
                "written": written,
                "suggestion": reported_country_name(suggestion),
            }
        else:
            message = _("“%(written)s” is not a country, and no country's name is close to it") % {
                "written": written
            }
        self.report.add(
            kinds.UNKNOWN_NAME,
            message,
            section=section,
            quote=written,
            suggestion=suggestion or "",
            blocking=True,
            line=line.number,
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
                self.unplaced(text, section, _("not an organisation's name"))
            return None
        if name.note and not quiet:
            self.unplaced(
                f"({name.note})",
                section,
                _("a note on %(organisation)s, not stored with it") % {"organisation": name.name},
            )
        return ParsedOrganisation(
            name=name.name[:250],
            acronym=name.acronym[:30],
            english_name=name.english_name[:250],
            role=role,
            written=text,
        )
