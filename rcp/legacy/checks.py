"""What is checked once the whole page is read: footnotes applied, groups given from a
count, duplicates merged, counts compared with the lists, ceased organisations, undated
chairs, and a page cut off where no reader noticed."""

import re
from collections import Counter

from rcp.countries import normalise_country_text
from rcp.legacy import report as kinds
from rcp.legacy.blocs import bloc_of_label, in_group
from rcp.legacy.ceased_organisations import find_ceased
from rcp.legacy.names import (
    FORMER,
    SUSPENDED,
)
from rcp.legacy.profile import ParsedCountry, ParsedOrganisation
from rcp.legacy.state import (
    SECTION_NAMES,
    ParseState,
)


def finish(state: ParseState) -> None:
    apply_footnotes(state)
    assign_groups_from_header(state)
    merge_duplicate_countries(state)
    merge_duplicate_organisations(state)
    check_counts(state)
    check_ceased(state)
    check_undated_chairs(state)
    if not state.cut_reported:
        check_cut_off_tail(state)
    for country in state.profile.countries:
        country.note = country.note.split("\u2063")[0]
    state.report.sort()


def apply_footnotes(state: ParseState) -> None:
    for country in state.profile.countries:
        if "\u2063" not in country.note:
            continue
        note, mark = country.note.split("\u2063", 1)
        text = state.footnotes.get(mark) or state.footnotes.get(mark.strip("()[]"))
        if text is None:
            country.note = note
            continue
        if SUSPENDED.search(text):
            country.role = "suspended"
        country.note = "; ".join(filter(None, [note, text]))[:200]
        if FORMER.search(text):
            state.report.add(
                kinds.NOT_IMPORTED,
                f"{country.name} ({text}) is a former participant, so it was not imported",
                section="Members",
            )
            country.role = "former"
    state.profile.countries = [c for c in state.profile.countries if c.role != "former"]


def assign_groups_from_header(state: ParseState) -> None:
    """ "82 Members (53 AU Member States and 28 EU Member States)" over one list: each
    country gets its group from the table of regional organisations. The first statement
    that gives some country a group does it; the others are not needed."""
    members = state.profile.member_states
    if not members or any(c.group for c in members):
        return
    tried = set()
    for check in state.counts:
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


def merge_duplicate_countries(state: ParseState) -> None:
    kept: dict[str, ParsedCountry] = {}
    result = []
    for country in state.profile.countries:
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
            state.report.add(
                kinds.DUPLICATE,
                message,
                section=SECTION_NAMES["members" if first.role == "member" else "observers"],
                quote=country.written,
            )
            continue
        kept[key] = country
        result.append(country)
    state.profile.countries = result


def merge_duplicate_organisations(state: ParseState) -> None:
    kept: dict[str, ParsedOrganisation] = {}
    result = []
    for organisation in state.profile.organisations:
        keys = [normalise_country_text(organisation.name)]
        if organisation.acronym:
            keys.append(normalise_country_text(organisation.acronym))
        duplicate = next((kept[key] for key in keys if key in kept), None)
        if duplicate is not None:
            state.report.add(
                kinds.DUPLICATE,
                f"{organisation.display_name} is listed twice; merged"
                + (f" (kept as {duplicate.role})" if duplicate.role != organisation.role else ""),
                section=SECTION_NAMES.get(organisation.role + "s", ""),
                quote=organisation.written,
            )
            continue
        for key in keys:
            kept[key] = organisation
        result.append(organisation)
    state.profile.organisations = result


def check_counts(state: ParseState) -> None:
    # How many of each role and group the page lists, counted once for every statement.
    countries = Counter()
    organisations = Counter()
    for country in state.profile.countries:
        countries[country.role, None] += 1
        countries[country.role, country.group.casefold()] += 1
    for organisation in state.profile.organisations:
        organisations[organisation.role, None] += 1
        organisations[organisation.role, organisation.group.casefold()] += 1
    any_member_group = any(c.group for c in state.profile.member_states)
    for check in state.counts:
        statement = check.statement
        listed = count_listed(check.part, check.kind, check.group, countries, organisations)
        section = SECTION_NAMES[check.part]
        what = {"members": "members", "observers": "observers", "partners": "partners"}[check.part]
        if check.kind == "states":
            what = {"members": "member states", "observers": "observer states"}.get(
                check.part, "states"
            )
        elif check.kind == "organisations":
            what = f"{check.part[:-1]} organisations"
        if check.group:
            what = f"{check.group} {what}"
        if statement.total is not None and statement.total != listed:
            state.report.add(
                kinds.COUNT,
                f"The page states {statement.total} {what} but lists {listed}",
                section=section,
                quote=statement.written,
            )
        if statement.groups:
            total = sum(count for _label, count in statement.groups)
            if statement.total is not None and total != statement.total:
                sum_text = " + ".join(f"{count} {label}" for label, count in statement.groups)
                state.report.add(
                    kinds.COUNT,
                    f"The groups add up to {total} ({sum_text}), not the {statement.total} stated",
                    section=section,
                    quote=statement.written,
                )
            for label, count in statement.groups:
                in_label = countries["member", label.casefold()]
                if not any_member_group:
                    break
                if in_label != count:
                    state.report.add(
                        kinds.COUNT,
                        f"The page states {count} {label} member states but lists {in_label}",
                        section=section,
                        quote=statement.written,
                    )


def count_listed(part: str, kind: str, group: str, countries: Counter, organisations: Counter):
    """How many the page lists of what a statement counts (suspended members are not
    counted as members), from the counts of :meth:`check_counts`."""
    role = {"members": "member", "observers": "observer", "partners": "partner"}[part]
    key = (role, group.casefold() if group else None)
    if kind == "states":
        return countries[key]
    if kind == "organisations":
        return organisations[key]
    return countries[key] + organisations[key]


def check_ceased(state: ParseState) -> None:
    organisations = [*state.profile.organisations, *state.profile.associated_organisations]
    if state.profile.secretariat_organisation:
        organisations.append(state.profile.secretariat_organisation)
    reported = set()
    for organisation in organisations:
        entry = find_ceased(organisation.name, organisation.acronym)
        if entry is None or entry.name in reported:
            continue
        reported.add(entry.name)
        state.report.add(
            kinds.CEASED,
            f"{entry.name} ({entry.acronym}) ceased to exist in {entry.ceased_year}; its "
            f"successor is the {entry.successor_name} ({entry.successor_acronym})",
            section=SECTION_NAMES.get(organisation.role + "s", "")
            if organisation.role in {"member", "observer", "partner"}
            else "",
            quote=organisation.written,
        )


def check_undated_chairs(state: ParseState) -> None:
    undated = [chair for chair in state.profile.chairs if chair.dates is None]
    for chair in undated:
        tenure = f"{chair.tenure} chair" if chair.tenure else "chair"
        state.report.add(
            kinds.NOT_IMPORTED,
            f"{chair.holder_name} ({tenure}): the page gives no dates, and a chair needs "
            "at least a start year; add it in the admin",
            section="Chairs",
            quote=chair.written,
        )


def check_cut_off_tail(state: ParseState) -> None:
    """A page that stops mid-sentence in a part read as a field or a heading."""
    last = state.last_page_line
    if last is None:
        return
    text = last.text.strip()
    unbalanced = text.count("(") > text.count(")") or text.count("[") > text.count("]")
    # "..., and" / "...;" / "...:": the page stops where more was to follow.
    continues = re.search(r"(?:[,;:\u2013-]|\band|\bor|\bet)$", text)
    if unbalanced or continues:
        section = next(
            (s.name for s in state.sections if any(line is last for line in s.lines)), ""
        )
        state.cut_off(last, section, "what was read of it is kept, what followed is missing")
