"""Reading a legacy profile page into a :class:`ParsedProfile` and its :class:`Report`.

The steps, each in its own module:

1. ``extract``: the saved text or HTML becomes lines (bullets and table cells kept apart).
2. ``chrome``: the website's navigation, captions and disclaimers go.
3. ``labels``: each line is a section label, a field ("Established: 2001") or content; the
   lines are cut into sections. A section may be missing, renamed, out of order or unlabelled
   (a bare paragraph after the fields is the objectives; one about a secretariat, found among
   lists, is the secretariat).
4. The readers fill in the profile from the sections, each in the module of its concern:
   ``fields`` (the fields and the chairs), ``lists`` (states and organisations with their
   groups, counts and footnotes, and runs of country names found in prose), ``naming`` (the
   name and acronym), and this module (the sections themselves: focus areas, meetings, the
   secretariat and free text).
5. ``checks``: what needs the whole page read (duplicates merged, counts compared with the
   lists, ceased organisations, footnotes applied).

Every step reports what is wrong: duplicates, names that are not countries, counts that
disagree, editorial markers, ceased organisations, and every line it could not place,
quoted. The steps share one :class:`~rcp.legacy.state.ParseState`, the only mutable state
of a parse.

Nothing here touches the database; ``rcp.legacy.service`` writes the result.

Every step takes time linear in the page's size, whatever the page holds (one huge line,
thousands of names that are not countries, deep HTML...): each line is classified once, list
lines are read word by word with back-pointers, names and dates are looked for only where
they may be, and what cannot be linear is bounded (``MAX_SUGGESTIONS``, ``MAX_YEARS``,
``NAME_WINDOW``, a report's ``MAX_LISTED``; the page's own limits are in
:mod:`rcp.legacy.limits`). ``bench/legacy.py`` measures pages at the limit.
"""

import itertools
import re
from collections import Counter

from django.utils.translation import gettext as _

from rcp.legacy import report as kinds
from rcp.legacy.checks import finish
from rcp.legacy.chrome import remove_chrome
from rcp.legacy.extract import Line, read_page
from rcp.legacy.fields import DORMANT, read_chairs, read_fields
from rcp.legacy.labels import LANGUAGES, Field, Label, classify, is_extra_heading, page_language
from rcp.legacy.lists import read_list, take_country_runs
from rcp.legacy.meetings import parse_meeting
from rcp.legacy.names import (
    is_none_value,
    looks_like_organisation,
    parse_count,
    split_top_level,
)
from rcp.legacy.naming import read_name
from rcp.legacy.profile import ParsedProfile
from rcp.legacy.report import Report
from rcp.legacy.state import (
    NO_SECRETARIAT,
    SECRETARIAT_TEXT,
    TERMINAL,
    YEAR,
    CountCheck,
    ParseState,
    Section,
    excerpt,
    is_prose,
    section_name,
)

#: Years one meeting's line may name ("30 November 2010 – 2 December 2011", "(2013-2015 cycle)").
MAX_YEARS = 6


def parse_page(
    data: bytes | str, *, name: str | None = None, language: str | None = None
) -> tuple[ParsedProfile, Report]:
    """Read a legacy page (its text as a browser copies it, or its saved HTML). The page's
    language is that of its labels unless ``language`` (one of ``LANGUAGES``) says."""
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"Pages are read in {', '.join(LANGUAGES)}, not {language!r}")
    page = read_page(data)
    return parse(ParseState(page, name=name, language=language))


def parse(state: ParseState) -> tuple[ParsedProfile, Report]:
    """Run the steps in order on one page's state."""
    lines = join_labels_and_values(state.page.lines)
    roles = [state.classify(line) for line in lines]
    state.profile.language = state.language_option or page_language(roles)
    first_known = next((i for i, role in enumerate(roles) if role is not None), -1)
    chrome = remove_chrome(lines, first_content=first_known)
    for line in chrome.before_start:
        state.unplaced(line, section_name("preamble"), _("before “For IOM webpage:”"))
    state.about = chrome.about
    if chrome.website:
        state.profile.website = chrome.website
    lines = chrome.lines
    if lines:
        state.last_number = lines[-1].number
        state.last_page_line = next(
            (line for line in state.page.lines if line.number == state.last_number), None
        )
    state.page_words = Counter(
        word for line in lines for word in re.findall(r"[^\W\d_]+", line.text.casefold())
    )
    segment(state, lines)
    take_country_runs(state)
    read_fields(state)
    read_sections(state)
    read_unlabelled(state)
    read_name(state)
    finish(state)
    return state.profile, state.report


def segment(state: ParseState, lines: list[Line]) -> None:
    """Cut the lines into the preamble, unlabelled text and labelled sections; keep fields."""
    current: Section | None = None
    seen_known = False
    for line in lines:
        role = state.classify(line)
        if isinstance(role, Field):
            seen_known = True
            where = current.part if current else "fields"
            state.take_markers(line, section_name(where))
            role = state.classify(line) or role
            state.fields.append((role, where))
            if role.key == "chair":
                state.profile.parts.add("chairs")
            continue
        if isinstance(role, Label):
            seen_known = True
            current = start_section(state, role, current, line.number)
            if role.inline:
                inline = Line(text=role.inline, number=line.number, bullet="")
                state.take_markers(inline, current.name)
                current.lines.append(inline)
            continue
        if (
            current is not None
            and (line.heading or (current.part not in {"objectives", "secretariat"}))
            and is_extra_heading(line)
        ):
            current = Section("extra", heading=line.text)
            state.sections.append(current)
            continue
        if current is not None:
            state.take_markers(line, current.name)
            current.lines.append(line)
        elif seen_known:
            state.take_markers(line, section_name("unlabelled"))
            state.unlabelled.append(line)
        else:
            state.take_markers(line, section_name("preamble"))
            state.preamble.append(line)


def start_section(
    state: ParseState, label: Label, current: Section | None, number: int = 0
) -> Section:
    """A label starts a section; a sub-label ("Observer States" under "Observers") starts
    a part of the same section, keeping its kind."""
    heading = label.text
    if label.part in {"members", "observers", "partners"}:
        statement = parse_count(heading)
        if statement:
            state.counts.append(CountCheck(label.part, label.kind, statement, line=number))
    section = Section(label.part, label.kind, heading=heading)
    state.sections.append(section)
    if label.read_as:
        state.report.add(
            kinds.READ_AS,
            _(
                "“%(heading)s” is not a heading this importer knows; read as “%(label)s”, the "
                "one it is closest to"
            )
            % {"heading": excerpt(heading), "label": label.read_as},
            section=section.name,
            quote=heading,
            line=number,
        )
    if label.part in {"members", "observers", "partners", "focus", "meetings", "chairs"}:
        state.profile.parts.add(label.part)
    return section


def read_sections(state: ParseState) -> None:
    merged: dict[str, list[Section]] = {}
    for section in state.sections:
        merged.setdefault(section.part, []).append(section)
    objectives = [line for s in merged.get("objectives", []) for line in s.lines]
    state.objective_lines = objectives
    for section in state.sections:
        if section.part in {"members", "observers", "partners"}:
            read_list(state, section)
        elif section.part == "focus":
            read_focus(state, section)
        elif section.part == "chairs":
            read_chairs(state, section)
        elif section.part == "meetings":
            read_meetings(state, section)
        elif section.part == "extra":
            for line in section.lines:
                state.unplaced(line, section.name, _("a section the profile has no place for"))
    secretariat = [line for s in merged.get("secretariat", []) for line in s.lines]
    read_secretariat(state, secretariat + state.secretariat_extra)


def read_text(state: ParseState, lines: list[Line], section: str) -> str:
    """Free text as the model's Markdown: paragraphs apart, list items together."""
    blocks: list[str] = []
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if state.is_last(line) and not TERMINAL.search(text):
            if not line.bullet or state.looks_truncated(text):
                text = trim_cut_text(state, text, section)
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


def trim_cut_text(state: ParseState, text: str, section: str) -> str:
    """The last line of a cut-off page: keep its whole sentences, report the rest."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z\u00c0-\u00dd])", text)
    kept, cut = sentences[:-1], sentences[-1]
    state.cut_off(cut, section, _("the unfinished sentence was left out"))
    return " ".join(kept)


def read_secretariat(state: ParseState, lines: list[Line]) -> None:
    if not lines:
        return
    first = lines[0]
    if match := NO_SECRETARIAT.match(first.text):
        state.profile.has_official_secretariat = False
        first = Line(
            text=first.text[match.end() :].strip(),
            number=first.number,
            bullet=first.bullet,
        )
        lines = [first, *lines[1:]] if first.text else lines[1:]
    if len(lines) == 1 and not is_prose(lines[0].text):
        text = lines[0].text.strip()
        if looks_like_organisation(text) and not SECRETARIAT_TEXT.search(text):
            organisation = state.organisation_from(text, "secretariat", section_name("secretariat"))
            if organisation and state.profile.has_official_secretariat is not False:
                state.profile.secretariat_organisation = organisation
                return
    bullets = [line for line in lines if line.bullet]
    if len(bullets) == 1 and len(lines) == 1:
        lines = [Line(text=lines[0].text, number=lines[0].number)]
    text = read_text(state, lines, section_name("secretariat"))
    state.profile.secretariat = text


def read_focus(state: ParseState, section: Section) -> None:
    seen: dict[str, str] = {}
    diverted = False
    for index, line in enumerate(section.lines):
        text = line.text.strip()
        following = section.lines[index + 1] if index + 1 < len(section.lines) else None
        if diverted:
            state.secretariat_extra.append(line)
            continue
        if is_none_value(text):
            continue
        if text.endswith(":") and not line.bullet and following is not None:
            state.unplaced(line, section.name, _("an introduction or heading, not a focus area"))
            continue
        if text.endswith(":"):
            state.unplaced(line, section.name, _("a heading of focus areas, not stored"))
            continue
        items = inline_list(text) if not line.bullet else None
        if items:
            for item in items:
                add_focus_area(state, item, line, section, seen)
            continue
        words = len(text.split())
        if not line.bullet and (words >= 15 or (words >= 8 and text.endswith("."))):
            if state.is_secretariat_text(text):
                state.secretariat_extra.append(line)
                diverted = True
                continue
            state.unplaced(line, section.name, _("text, not a list of focus areas"))
            continue
        item = re.sub(r"(?:[;,.]|\s+and|;\s*and|,\s*and)\s*$", "", text).strip()
        item = re.sub(r"^(?:and|et)\s+", "", item)
        if state.is_last(line) and state.looks_truncated(text):
            state.cut_off(line, section.name)
            continue
        add_focus_area(state, item, line, section, seen)


def inline_list(text: str) -> list[str] | None:
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


def add_focus_area(state: ParseState, item: str, line: Line, section: Section, seen: dict) -> None:
    if not item:
        return
    if len(item) > 150:
        state.unplaced(line, section.name, _("too long for a focus area"))
        return
    key = item.casefold()
    if key in seen:
        state.report.add(
            kinds.DUPLICATE,
            _("“%(item)s” is listed twice; merged") % {"item": item},
            section=section.name,
            quote=item,
            line=line.number,
        )
        return
    seen[key] = item
    state.profile.focus_areas.append(item)


def read_meetings(state: ParseState, section: Section) -> None:
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
            if state.is_secretariat_text(text) and is_prose(text):
                state.secretariat_extra.append(line)
            elif state.is_last(line):
                state.cut_off(line, section.name)
            elif years > MAX_YEARS:
                why = _("more than %(limit)s years in one line, so not read as one meeting") % {
                    "limit": MAX_YEARS
                }
                state.unplaced(line, section.name, why)
            else:
                state.unplaced(line, section.name, _("no date in it, so not read as a meeting"))
            continue
        if not meeting.title:
            state.report.add(
                kinds.NOT_IMPORTED,
                _("“%(line)s” has no title, so it was not imported") % {"line": excerpt(text)},
                section=section.name,
                quote=text,
                line=line.number,
            )
            continue
        key = (meeting.title.casefold(), meeting.dates.start)
        if key in seen:
            state.report.add(
                kinds.DUPLICATE,
                _("The meeting “%(title)s” (%(dates)s) is listed twice; merged")
                % {"title": meeting.title, "dates": meeting.dates},
                section=section.name,
                quote=text,
                line=line.number,
            )
            continue
        seen.add(key)
        state.profile.meetings.append(meeting)


def read_unlabelled(state: ParseState) -> None:
    """Bare paragraphs after the fields and before the first section: the objectives
    (and a sentence saying the process is dormant: its status)."""
    kept = []
    for line in state.unlabelled:
        text = line.text.strip()
        if DORMANT.search(text) and len(text.split()) <= 25:
            state.profile.activity = "dormant"
            continue
        kept.append(line)
    lines = kept + state.objective_lines
    state.profile.objectives = read_text(state, lines, section_name("objectives"))
    if not state.profile.activity and DORMANT.search(state.profile.objectives):
        state.profile.activity = "dormant"


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
