"""Lists of states and organisations: members, observers and partners, in every layout a
page gives them (one per line, comma lists, tables, groups with counts), and runs of country
names found in prose, which are the lists they look like."""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from rcp.countries import is_start_of_country_name
from rcp.legacy import report as kinds
from rcp.legacy.blocs import in_group
from rcp.legacy.extract import Line
from rcp.legacy.names import (
    FOOTNOTE_LINE,
    FORMER,
    OBSERVER_NOTE,
    SUSPENDED,
    CountStatement,
    is_none_value,
    looks_like_acronym,
    looks_like_organisation,
    parse_count,
    parse_group_heading,
    parse_group_row,
    split_organisations,
)
from rcp.legacy.profile import ParsedCountry, reported_country_name
from rcp.legacy.state import (
    SECTION_NAMES,
    TERMINAL,
    YEAR,
    CountCheck,
    ParseState,
    Section,
    excerpt,
    is_prose,
)

INTRODUCTION_WORDS = (
    r"are|is|include|includes|including|comprise|comprises|consist of|namely|bring together|"
    r"brings together|gathers|sont|comprennent|incluent|notamment|regroupe|rassemble|r[ée]unit|"
    r"son|incluyen|comprenden|en particular|re[úu]ne|agrupa"
)
#: "The members are: Algeria, Egypt ...", "The Process brings together 4 states: ...": the
#: words before the colon.
INTRODUCTION = re.compile(rf"\b(?:{INTRODUCTION_WORDS})\b", re.IGNORECASE)
#: "The members of the dialogue include Algeria, Egypt ... as well as Tunisia.": a sentence
#: that introduces its list without a colon.
INTRODUCED_LIST = re.compile(
    rf"^(?P<introduction>[^,:;()]{{2,100}}?\b(?:{INTRODUCTION_WORDS}))\s+(?P<rest>\S.*)$",
    re.IGNORECASE,
)
#: Words of an introduction that give its list another role than the section's.
OTHER_ROLE = re.compile(
    r"\b(?:former|formerly|suspended|candidate|observers?|no longer|anciens?|suspendu|"
    r"candidats?|observateurs?|antiguos?|suspendidos?|candidatos?|observadores?)\b",
    re.IGNORECASE,
)
#: A list separated otherwise than by spaces: a line without these that names several
#: countries is a row of a table flattened to text.
SEPARATORS = re.compile(r"[,;/|]|\s(?:and|et|y|&)\s", re.IGNORECASE)

#: Parts read as free text or items that are never countries, where a run of country names
#: is a list under a heading the importer did not know.
PROSE_PARTS = {"objectives", "secretariat", "focus", "extra"}
MIN_COUNTRY_RUN = 3
OBSERVER_WORD = re.compile(r"\bobserv|\bobservateur|\bobservador", re.IGNORECASE)


def lines_span(lines: list[Line]) -> str:
    first, last = lines[0].number, lines[-1].number
    return f"{first}–{last}" if last != first else str(first)


def take_country_runs(state: ParseState) -> None:
    """A run of ``MIN_COUNTRY_RUN`` or more lines of country names in a prose part
    (objectives, secretariat, focus areas, a section the profile has no place for, the
    unlabelled text) is the list it looks like, under a heading this importer did not
    know: it becomes a list of members (of observers when that heading says so), and the
    report says where it was found."""
    prose = [s for s in state.sections if s.part in PROSE_PARTS]
    holders = [(SECTION_NAMES["unlabelled"], state.unlabelled, None)]
    holders += [(section.name, section.lines, section) for section in prose]
    for where, lines, holder in holders:
        runs = list(country_runs(state, lines))
        for start, end in reversed(runs):
            heading = lines[start - 1] if start > 0 else None
            if heading is not None and not looks_like_heading(heading):
                heading = None
            first = start - 1 if heading is not None else start
            part = "observers" if heading and OBSERVER_WORD.search(heading.text) else "members"
            found = Section(part, heading=heading.text if heading else "")
            found.lines = lines[start:end]
            del lines[first:end]
            state.sections.insert(state.sections.index(holder) + 1 if holder else 0, found)
            state.profile.parts.add(part)
            if heading is not None and (statement := parse_count(heading.text)):
                state.counts.append(CountCheck(part, "", statement, line=heading.number))
            values = {
                "count": end - start,
                "section": where,
                "lines": lines_span(found.lines),
                "heading": excerpt(heading.text, 80) if heading else "",
            }
            if part == "observers":
                message = _(
                    "%(count)s lines of country names found in “%(section)s” (lines %(lines)s, "
                    "under “%(heading)s”): read as the observers they list"
                )
            elif heading is not None:
                message = _(
                    "%(count)s lines of country names found in “%(section)s” (lines %(lines)s, "
                    "under “%(heading)s”): read as the members they list"
                )
            else:
                message = _(
                    "%(count)s lines of country names found in “%(section)s” (lines "
                    "%(lines)s): read as the members they list"
                )
            state.report.add(
                kinds.READ_AS,
                message % values,
                section=where,
                quote=excerpt(" / ".join(line.text for line in found.lines), 300),
                line=found.lines[0].number,
            )


def country_runs(state: ParseState, lines: list[Line]):
    """(start, end) of each run of lines that are country names and nothing else."""
    start = None
    for index, line in enumerate([*lines, None]):
        if line is not None and is_country_line(state, line):
            start = index if start is None else start
            continue
        if start is not None and index - start >= MIN_COUNTRY_RUN:
            yield start, index
        start = None


def is_country_line(state: ParseState, line: Line) -> bool:
    text = line.text.strip().rstrip(".,;")
    if not text or len(text) > 200 or YEAR.search(text):
        return False
    pieces, unread = state.split_countries(text)
    return unread == 0 and bool(pieces) and all(piece.code for piece in pieces)


def looks_like_heading(line: Line) -> bool:
    text = line.text.strip()
    return (
        not line.bullet
        and 1 <= len(text.split()) <= 8
        and not re.search(r"[.!?;,]$", text)
        and text[:1].isupper()
    )


ROLES = {"members": "member", "observers": "observer", "partners": "partner"}


@dataclass
class ListReading:
    """Where the reading of one list section stands: the group and table columns the last
    heading gave, and the rows of a table saved as text found so far."""

    section: Section
    group: str = ""
    columns: list[str] | None = None
    #: The rest of the section is the secretariat's text, which it ran into.
    diverted: bool = False
    table_rows: list[tuple[Line, int]] = field(default_factory=list)

    @property
    def role(self) -> str:
        return ROLES[self.section.part]

    def count(self, statement: CountStatement, group: str = "", line: int = 0) -> CountCheck:
        return CountCheck(self.section.part, self.section.kind, statement, group, line)


def read_list(state: ParseState, section: Section) -> None:
    """A section of members, observers or partners, line by line: footnotes, counts and
    group headings among the names, and names in every layout (see the module's doc)."""
    reading = ListReading(section, group=group_of_heading(section))
    for line in section.lines:
        if reading.diverted:
            state.secretariat_extra.append(line)
            continue
        text = line.text.strip().strip("-\u2013 ").strip()
        if not text or is_none_value(text) or take_list_structure(state, reading, line, text):
            continue
        text = names_of_line(state, reading, line, text)
        if not line.bullet and is_prose(text) and not mostly_countries(state, text):
            read_prose_line(state, reading, line, text)
        elif line.cells and len(line.cells) > 1:
            for index, cell in enumerate(line.cells):
                columns = reading.columns
                cell_group = columns[index] if columns and index < len(columns) else reading.group
                cell_line = Line(text=cell, number=line.number)
                read_names(state, reading, cell_line, cell, cell_group, None)
        else:
            if cells := flattened_row_cells(state, text):
                reading.table_rows.append((line, cells))
            read_names(state, reading, line, text, reading.group, reading.columns)
    if reading.table_rows:
        report_flattened_table(state, section, reading.table_rows)


def group_of_heading(section: Section) -> str:
    """The group a members heading names ("AU Member States"), or ""."""
    if section.part != "members" or section.kind == "organisations" or not section.heading:
        return ""
    heading = parse_group_heading(section.heading)
    if heading and heading[0].casefold() not in {"member", "members"}:
        return heading[0]
    return ""


def take_list_structure(state: ParseState, reading: ListReading, line: Line, text: str) -> bool:
    """Take a line that is about the list rather than in it: a footnote, a count, the
    column labels of a table of groups, a group's heading. Whether it was one."""
    if match := FOOTNOTE_LINE.match(line.text) if not line.bullet else None:
        state.footnotes[match.group("mark")] = match.group("text")
    elif line.bullet == "*" or text.startswith("*"):
        state.footnotes["*"] = text.lstrip("* ")
    elif (statement := parse_count(text, heading=False)) and not has_countries(state, text):
        state.counts.append(reading.count(statement, line=line.number))
    elif labels := parse_group_row(text, line.cells):
        reading.columns = labels
    elif heading := parse_group_heading(text.rstrip(":")):
        reading.group, count = heading
        reading.columns = None
        if count is not None:
            statement = CountStatement(total=count, written=text)
            state.counts.append(reading.count(statement, reading.group, line.number))
    else:
        return False
    return True


def names_of_line(state: ParseState, reading: ListReading, line: Line, text: str) -> str:
    """The names of a line without what introduces them: a group ("AU: Algeria, ..."), a
    sentence ("The members are: ...", "Its members include Algeria, ..."), whose count is
    checked."""
    inline = re.match(r"^(?P<label>[^:]{2,60}):\s*(?P<rest>.+)$", text)
    if inline is None:
        return without_introduction(state, text, reading.section.part)
    label, rest = inline.group("label"), inline.group("rest")
    if heading := parse_group_heading(label):
        reading.group = heading[0]
        return rest
    if is_introduction(state, label):
        if statement := parse_count(label, heading=False):
            state.counts.append(reading.count(statement, line=line.number))
        return rest
    return text


def read_prose_line(state: ParseState, reading: ListReading, line: Line, text: str) -> None:
    """A sentence among the names: the secretariat's text (and the rest of the section
    with it), the page cut off, or a line not placed."""
    if state.is_secretariat_text(text):
        state.secretariat_extra.append(line)
        reading.diverted = True
    elif state.is_last(line) and not TERMINAL.search(text):
        state.cut_off(line, reading.section.name)
    else:
        state.unplaced(line, reading.section.name, _("text, not a list of names"))


def is_introduction(state: ParseState, label: str) -> bool:
    """Whether the words before a colon introduce the list after it ("The members are",
    "The Process brings together 4 states"), rather than name a group or a country."""
    return bool(INTRODUCTION.search(label)) and not has_countries(state, label)


def without_introduction(state: ParseState, text: str, part: str = "members") -> str:
    """The list a sentence introduces ("The members of the dialogue include Algeria, Egypt
    and Libya."), without its introduction; the text as it is when it is not such a
    sentence (the introduction names no country, what follows is a list of names)."""
    match = INTRODUCED_LIST.match(text)
    if match is None or has_countries(state, match.group("introduction")):
        return text
    other_role = OTHER_ROLE.search(match.group("introduction"))
    if other_role and not (part == "observers" and OBSERVER_WORD.match(other_role.group(0))):
        return text  # "Former members include ...": not this section's list; left unplaced
    rest = match.group("rest")
    organisations = split_organisations(rest)
    if mostly_countries(state, rest) or (
        len(organisations) >= 2 and all(looks_like_organisation(name) for name in organisations)
    ):
        return rest
    return text


def flattened_row_cells(state: ParseState, text: str) -> int:
    """How many countries a line names with only spaces between them ("Central African
    Republic Greece Namibia Togo": 4), a row of a table saved as text; 0 for any other line."""
    if SEPARATORS.search(text):
        return 0
    pieces, unread = state.split_countries(text)
    if unread or len(pieces) < 2 or not all(piece.code for piece in pieces):
        return 0
    return len(pieces)


def report_flattened_table(state: ParseState, section: Section, rows: list) -> None:
    """Say how a table saved as text was read: its cells are split where a country's name
    ends (the longest name first), which an editor should check on the page."""
    lines = [line for line, _cells in rows]
    columns = max(cells for _line, cells in rows)
    message = _(
        "Lines %(lines)s have several country names to a line, with only spaces between them: "
        "read as a %(columns)s-column table, split where each country's name ends"
    ) % {"lines": lines_span(lines), "columns": columns}
    state.report.add(
        kinds.READ_AS,
        message,
        section=section.name,
        quote=excerpt(" / ".join(line.text for line in lines), 300),
        line=lines[0].number,
    )


def has_countries(state: ParseState, text: str) -> bool:
    pieces, _unread = state.split_countries(re.sub(r"\([^()]*\)", " ", text))
    return any(piece.code for piece in pieces)


def mostly_countries(state: ParseState, text: str) -> bool:
    pieces, unread = state.split_countries(text)
    found = sum(1 for piece in pieces if piece.code)
    return found >= 2 and unread <= found


def read_names(
    state: ParseState,
    reading: ListReading,
    line: Line,
    text: str,
    group: str,
    columns: list[str] | None,
) -> None:
    """One line (or table cell) of a list: countries, or organisations, or both."""
    section, role, kind = reading.section, reading.role, reading.section.kind
    pieces, unread = state.split_countries(text) if kind != "organisations" else ([], 0)
    countries = [piece for piece in pieces if piece.code]
    if kind == "organisations" or (
        kind != "states"
        and (not countries or (unread > 0 and not mostly_countries(state, text)))
        and looks_like_organisation(text)
    ):
        for name in split_organisations(text):
            add_organisation(state, line, name, section, role, group)
        return
    if columns and countries:
        # A row of a table of groups: one name to a column, or the table of regional
        # groups tells the column of each.
        if len(countries) > 1 and len(countries) == len(columns):
            groups = columns
        else:
            groups = [column_for(piece, columns) for piece in countries]
        for piece, column_group in zip(countries, groups, strict=True):
            add_country(state, line, piece, section, role, column_group)
        pieces = [piece for piece in pieces if not piece.code]
    for piece in pieces:
        if piece.code:
            add_country(state, line, piece, section, role, group)
        else:
            read_unknown_piece(state, reading, line, piece, group, last=piece is pieces[-1])


def read_unknown_piece(state: ParseState, reading: ListReading, line, piece, group, last):
    """Words of a list that are not a country: the last entry of a page cut off in the
    middle of a word, an organisation, or a name to correct (with a suggestion)."""
    section, kind = reading.section, reading.section.kind
    written = piece.written.strip(" .,;:")
    if not written or is_none_value(written):
        return
    if (
        last
        and state.is_last(line)
        and not TERMINAL.search(line.text)
        and (is_start_of_country_name(written) or state.looks_truncated(written))
    ):
        state.cut_off(written, section.name)
    elif kind != "states" and looks_like_organisation(written):
        add_organisation(state, line, written, section, reading.role, group)
    else:
        state.unknown_name(
            Line(text=written, number=line.number),
            state.suggestion_for(written),
            section.name,
            role=reading.role,
            group=group,
            note=piece.note,
        )


def column_for(piece, columns: list[str]) -> str:
    """The column a name of a row with fewer names than columns belongs to, when the
    table of regional groups can tell; "" otherwise (reported by the count check)."""
    matches = [label for label in columns if in_group(piece.code, label)]
    return matches[0] if len(matches) == 1 else ""


def add_country(
    state: ParseState, line: Line, piece, section: Section, role: str, group: str
) -> None:
    note = piece.note
    country_role = role
    if role == "partner":
        state.report.add(
            kinds.NOT_IMPORTED,
            _("%(country)s is listed as a partner; profiles list partner organisations only")
            % {"country": reported_country_name(piece.code)},
            section=section.name,
            quote=line.text,
            line=line.number,
        )
        return
    if note and FORMER.search(note):
        state.report.add(
            kinds.NOT_IMPORTED,
            _("%(country)s (%(note)s) is a former participant, so it was not imported")
            % {"country": reported_country_name(piece.code), "note": note},
            section=section.name,
            quote=line.text,
            line=line.number,
        )
        return
    if note and SUSPENDED.search(note):
        country_role = "suspended"
    elif note and OBSERVER_NOTE.match(note.strip()):
        country_role, note = "observer", ""
    state.profile.countries.append(
        ParsedCountry(
            written=piece.written,
            code=piece.code,
            role=country_role,
            group=group[:60],
            note=(note or "")[:200] + (f"\u2063{piece.mark}" if piece.mark else ""),
        )
    )


def add_organisation(
    state: ParseState, line: Line, text: str, section: Section, role: str, group: str
):
    text = text.strip().strip(",;")
    if not text:
        return
    if state.is_last(line) and line.text.endswith(text):
        single = len(text.split()) == 1 and not looks_like_acronym(text)
        if single or state.looks_truncated(text):
            state.cut_off(text, section.name)
            return
    if not looks_like_organisation(text) and not re.search(r"[A-Z]", text):
        state.unplaced(text, section.name, _("not an organisation's name"))
        return
    organisation = state.organisation_from(text, role, section.name)
    if organisation is None:
        return
    organisation.group = group[:60]
    state.profile.organisations.append(organisation)
