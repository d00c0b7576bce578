"""What is checked once the whole page is read: footnotes applied, groups given from a
count, duplicates merged, counts compared with the lists, ceased organisations, undated
chairs, and a page cut off where no reader noticed."""

import re
from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rcp.countries import normalise_country_text
from rcp.legacy import report as kinds
from rcp.legacy.blocs import bloc_of_label, in_group
from rcp.legacy.ceased_organisations import find_ceased
from rcp.legacy.names import (
    FORMER,
    SUSPENDED,
)
from rcp.legacy.profile import ParsedCountry, ParsedOrganisation, reported_country_name
from rcp.legacy.state import (
    SECTION_NAMES,
    ParseState,
    section_name,
)

#: A role a country or organisation is listed in, as a finding names it.
ROLE_NAMES = {
    "member": gettext_lazy("member"),
    "observer": gettext_lazy("observer"),
    "partner": gettext_lazy("partner"),
    "suspended": gettext_lazy("suspended"),
    "former": gettext_lazy("former"),
    "chair": gettext_lazy("chair"),
    "secretariat": gettext_lazy("secretariat"),
}

#: What a count of a part of the page counts, by (part, kind of count), as the findings of
#: ``check_counts`` name it.
COUNTED = {
    ("members", ""): gettext_lazy("members"),
    ("members", "states"): gettext_lazy("member states"),
    ("members", "organisations"): gettext_lazy("member organisations"),
    ("observers", ""): gettext_lazy("observers"),
    ("observers", "states"): gettext_lazy("observer states"),
    ("observers", "organisations"): gettext_lazy("observer organisations"),
    ("partners", ""): gettext_lazy("partners"),
    ("partners", "states"): gettext_lazy("states"),
    ("partners", "organisations"): gettext_lazy("partner organisations"),
}

#: A chair's tenure (``ParsedChair.tenure``), as a finding names the chair.
CHAIR_TENURES = {
    "": gettext_lazy("chair"),
    "current": gettext_lazy("current chair"),
    "past": gettext_lazy("past chair"),
    "incoming": gettext_lazy("incoming chair"),
}


def role_name(role: str) -> str:
    return str(ROLE_NAMES.get(role, role))


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
                _("%(country)s (%(note)s) is a former participant, so it was not imported")
                % {"country": reported_country_name(country.code) or country.name, "note": text},
                section=section_name("members"),
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
            if not state.report.lists(kinds.DUPLICATE):
                message = ""  # counted, not listed: a page of thousands builds no messages
            elif first.role == country.role:
                message = _("%(country)s is listed twice; merged") % {
                    "country": reported_country_name(country.code) or country.name
                }
            else:
                message = _(
                    "%(country)s is listed as %(first)s and as %(second)s; kept as %(first)s"
                ) % {
                    "country": reported_country_name(country.code) or country.name,
                    "first": role_name(first.role),
                    "second": role_name(country.role),
                }
            state.report.add(
                kinds.DUPLICATE,
                message,
                section=section_name("members" if first.role == "member" else "observers"),
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
                (
                    _("%(organisation)s is listed twice; merged (kept as %(role)s)")
                    if duplicate.role != organisation.role
                    else _("%(organisation)s is listed twice; merged")
                )
                % {"organisation": organisation.display_name, "role": role_name(duplicate.role)},
                section=organisation_section(organisation.role),
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
        section = section_name(check.part)
        kind = check.kind if check.kind in {"states", "organisations"} else ""
        what = str(COUNTED[check.part, kind])
        if check.group:
            # Translators: a group of the page ("AU", "ECOWAS") and what is counted in it
            # ("member states"), as in "The page states 12 AU member states but lists 11".
            what = _("%(group)s %(counted)s") % {"group": check.group, "counted": what}
        if statement.total is not None and statement.total != listed:
            state.report.add(
                kinds.COUNT,
                _("The page states %(stated)s %(counted)s but lists %(listed)s")
                % {"stated": statement.total, "counted": what, "listed": listed},
                section=section,
                quote=statement.written,
                line=check.line,
            )
        if statement.groups:
            total = sum(count for _label, count in statement.groups)
            if statement.total is not None and total != statement.total:
                sum_text = " + ".join(f"{count} {label}" for label, count in statement.groups)
                state.report.add(
                    kinds.COUNT,
                    _("The groups add up to %(total)s (%(sum)s), not the %(stated)s stated")
                    % {"total": total, "sum": sum_text, "stated": statement.total},
                    section=section,
                    quote=statement.written,
                    line=check.line,
                )
            for label, count in statement.groups:
                in_label = countries["member", label.casefold()]
                if not any_member_group:
                    break
                if in_label != count:
                    state.report.add(
                        kinds.COUNT,
                        _("The page states %(stated)s %(group)s member states but lists %(listed)s")
                        % {"stated": count, "group": label, "listed": in_label},
                        section=section,
                        quote=statement.written,
                        line=check.line,
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
            _(
                "%(name)s (%(acronym)s) ceased to exist in %(year)s; its successor is the "
                "%(successor)s (%(successor_acronym)s)"
            )
            % {
                "name": entry.name,
                "acronym": entry.acronym,
                "year": entry.ceased_year,
                "successor": entry.successor_name,
                "successor_acronym": entry.successor_acronym,
            },
            section=organisation_section(organisation.role)
            if organisation.role in {"member", "observer", "partner"}
            else "",
            quote=organisation.written,
        )


def check_undated_chairs(state: ParseState) -> None:
    undated = [chair for chair in state.profile.chairs if chair.dates is None]
    for chair in undated:
        tenure = CHAIR_TENURES.get(chair.tenure) or f"{chair.tenure} chair"
        state.report.add(
            kinds.NOT_IMPORTED,
            _(
                "%(holder)s (%(tenure)s): the page gives no dates, and a chair needs at least a "
                "start year; add it in the admin"
            )
            % {"holder": chair.holder_name, "tenure": tenure},
            section=section_name("chairs"),
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
        state.cut_off(last, section, _("what was read of it is kept, what followed is missing"))


def organisation_section(role: str) -> str:
    """The section an organisation of a role is listed in ("Members" for a member), or none."""
    part = role + "s"
    return section_name(part) if part in SECTION_NAMES else ""
