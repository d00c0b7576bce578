"""Lists of states and organisations: members, observers and partners, in every layout a
page gives them (one per line, comma lists, tables, groups with counts), and runs of country
names found in prose, which are the lists they look like."""

import re

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
from rcp.legacy.profile import ParsedCountry, country_name
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

INTRODUCTION = re.compile(
    r"\b(?:are|is|include|includes|including|comprise|comprises|consist of|namely|sont|"
    r"comprennent|incluent|notamment|son|incluyen|comprenden|en particular)$",
    re.IGNORECASE,
)

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
                state.counts.append(CountCheck(part, "", statement))
            state.report.add(
                kinds.UNPLACED,
                f"{end - start} lines of country names found in “{where}” (lines "
                f"{lines_span(found.lines)}"
                + (f", under “{excerpt(heading.text, 80)}”" if heading else "")
                + f"): read as the {SECTION_NAMES[part].casefold()} they list",
                section=where,
                quote=excerpt(" / ".join(line.text for line in found.lines), 300),
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


def read_list(state: ParseState, section: Section) -> None:
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
            state.secretariat_extra.append(line)
            continue
        if not text or is_none_value(text):
            continue
        if match := FOOTNOTE_LINE.match(line.text) if not line.bullet else None:
            state.footnotes[match.group("mark")] = match.group("text")
            continue
        if line.bullet == "*" or text.startswith("*"):
            state.footnotes["*"] = text.lstrip("* ")
            continue
        if (statement := parse_count(text, heading=False)) and not has_countries(state, text):
            state.counts.append(CountCheck(part, kind, statement, group=""))
            continue
        if labels := parse_group_row(text, line.cells):
            columns = labels
            continue
        if heading := parse_group_heading(text.rstrip(":")):
            group, count = heading
            columns = None
            if count is not None:
                state.counts.append(
                    CountCheck(part, kind, CountStatement(total=count, written=text), group)
                )
            continue
        inline = re.match(r"^(?P<label>[^:]{2,60}):\s*(?P<rest>.+)$", text)
        if inline and (heading := parse_group_heading(inline.group("label"))):
            group, text = heading[0], inline.group("rest")
        elif inline and INTRODUCTION.search(inline.group("label")):
            text = inline.group("rest")  # "The members are: Algeria, Egypt ..."
        if not line.bullet and is_prose(text) and not mostly_countries(state, text):
            if state.is_secretariat_text(text):
                state.secretariat_extra.append(line)
                diverted = True
            elif state.is_last(line) and not TERMINAL.search(text):
                state.cut_off(line, section.name)
            else:
                state.unplaced(line, section.name, "text, not a list of names")
            continue
        if line.cells and len(line.cells) > 1:
            for index, cell in enumerate(line.cells):
                cell_group = columns[index] if columns and index < len(columns) else group
                cell_line = Line(text=cell, number=line.number)
                read_names(state, cell_line, cell, section, role, kind, cell_group, None)
        else:
            read_names(state, line, text, section, role, kind, group, columns)


def has_countries(state: ParseState, text: str) -> bool:
    pieces, _unread = state.split_countries(re.sub(r"\([^()]*\)", " ", text))
    return any(piece.code for piece in pieces)


def mostly_countries(state: ParseState, text: str) -> bool:
    pieces, unread = state.split_countries(text)
    found = sum(1 for piece in pieces if piece.code)
    return found >= 2 and unread <= found


def read_names(state: ParseState, line, text, section, role, kind, group, columns) -> None:
    """One line (or table cell) of a list: countries, or organisations, or both."""
    if kind == "organisations":
        for name in split_organisations(text):
            add_organisation(state, line, name, section, role, group)
        return
    pieces, unread = state.split_countries(text)
    countries = [piece for piece in pieces if piece.code]
    if kind != "states" and (not countries or unread > 0) and looks_like_organisation(text):
        if not countries or not mostly_countries(state, text):
            for name in split_organisations(text):
                add_organisation(state, line, name, section, role, group)
            return
    if columns and len(countries) > 1:
        if len(countries) == len(columns):
            for piece, column_group in zip(countries, columns, strict=True):
                add_country(state, line, piece, section, role, column_group)
            pieces = [piece for piece in pieces if not piece.code]
        else:
            for piece in countries:
                add_country(state, line, piece, section, role, column_for(piece, columns))
            pieces = [piece for piece in pieces if not piece.code]
    elif columns and len(countries) == 1:
        add_country(state, line, countries[0], section, role, column_for(countries[0], columns))
        pieces = [piece for piece in pieces if not piece.code]
    for piece in pieces:
        if piece.code:
            add_country(state, line, piece, section, role, group)
            continue
        written = piece.written.strip(" .,;:")
        if not written or is_none_value(written):
            continue
        if state.is_last(line) and piece is pieces[-1] and not TERMINAL.search(line.text):
            state.cut_off(written, section.name)
            continue
        if kind != "states" and looks_like_organisation(written):
            add_organisation(state, line, written, section, role, group)
            continue
        state.unknown_name(
            Line(text=written, number=line.number),
            state.suggestion_for(written),
            section.name,
            role=role,
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
            f"{country_name(piece.code)} is listed as a partner; profiles list partner "
            "organisations only",
            section=section.name,
            quote=line.text,
        )
        return
    if note and FORMER.search(note):
        state.report.add(
            kinds.NOT_IMPORTED,
            f"{country_name(piece.code)} ({note}) is a former participant, so it was not imported",
            section=section.name,
            quote=line.text,
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
        state.unplaced(text, section.name, "not an organisation's name")
        return
    organisation = state.organisation_from(text, role, section.name)
    if organisation is None:
        return
    organisation.group = group[:60]
    state.profile.organisations.append(organisation)
