"""The fields of a page ("Established: 2001", "Type: Regional ...", "Chair: Morocco")
and its list of chairs."""

import re

from django.utils.translation import gettext as _

from rcp.countries import normalise_country_text
from rcp.legacy import report as kinds
from rcp.legacy.chrome import URL
from rcp.legacy.dates import year_range
from rcp.legacy.extract import Line
from rcp.legacy.labels import Field
from rcp.legacy.names import (
    is_none_value,
    looks_like_organisation,
    split_organisations,
    split_top_level,
)
from rcp.legacy.profile import ParsedChair
from rcp.legacy.state import (
    ParseState,
    Section,
    is_prose,
    section_name,
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


def field_established(state: ParseState, found: Field, section: str) -> None:
    year = int(found.value)
    if state.profile.established is None:
        state.profile.established = year
    elif state.profile.established != year:
        state.unplaced(
            found.text, section, _("a second year of establishment, %(year)s") % {"year": year}
        )
        return
    rest = found.when.strip(" .,;")
    if rest:
        state.unplaced(rest, section, _("said with the year established; not stored"))


def field_type(state: ParseState, found: Field, section: str) -> None:
    value = found.value
    regions = REGIONS_IN_TYPE.search(value)
    if regions:
        add_regions(state, regions.group("regions"))
        value = (value[: regions.start()] + value[regions.end() :]).strip()
    for kind, pattern in KINDS_OF_PROCESS:
        if pattern.search(value):
            state.profile.kind = state.profile.kind or kind
            return
    state.unplaced(found.text, section, _("a type this importer does not know"))


def field_region(state: ParseState, found: Field, section: str) -> None:
    add_regions(state, found.value)


def add_regions(state: ParseState, text: str) -> None:
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
    known = {r.casefold() for r in state.profile.regions}
    for region in regions:
        region = region.strip()
        if region and region.casefold() not in known:
            region = region[0].upper() + region[1:]
            known.add(region.casefold())
            state.profile.regions.append(region)


def field_status(state: ParseState, found: Field, section: str) -> None:
    key = normalise_country_text(found.value)
    if key in ACTIVE_VALUES:
        state.profile.activity = "active"
    elif key in DORMANT_VALUES or DORMANT.search(found.value):
        state.profile.activity = "dormant"
    else:
        state.unplaced(found.text, section, _("a status this importer does not know"))


def field_website(state: ParseState, found: Field, section: str) -> None:
    url = URL.search(found.value)
    if url:
        address = url.group(0).rstrip(".,;")
        if address.lower().startswith("www."):
            address = "https://" + address
        state.profile.website = state.profile.website or address
    elif not is_none_value(found.value):
        state.unplaced(found.text, section, _("no web address in it"))


def field_association(state: ParseState, found: Field, section: str) -> None:
    value = found.value.strip()
    if not value or is_none_value(value):
        return
    names = []
    for part in split_top_level(value, (";",)):
        part = re.sub(r"^(and|et)\s+", "", part.strip(), flags=re.I)
        names.extend(split_organisations(part))
    keys = {(o.name.casefold(), o.acronym) for o in state.profile.associated_organisations}
    for text in names:
        organisation = state.organisation_from(text, "association", section)
        if organisation is None:
            continue
        if (organisation.name.casefold(), organisation.acronym) in keys:
            continue
        keys.add((organisation.name.casefold(), organisation.acronym))
        state.profile.associated_organisations.append(organisation)
    extra = state.profile.associated_organisations[2:]
    if extra:
        del state.profile.associated_organisations[2:]
        for organisation in extra:
            state.report.add(
                kinds.NOT_IMPORTED,
                _(
                    "%(organisation)s: a profile is associated with at most two regional "
                    "organisations"
                )
                % {"organisation": organisation.display_name},
                section=section,
            )


def field_chair(state: ParseState, found: Field, section: str) -> None:
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
    read_chair_value(state, found.value, found.text, tenure, found.when, section_name("chairs"))


def read_chair_value(
    state: ParseState, value: str, text: str, tenure: str, when: str, section: str
):
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
        pieces, unread = state.split_countries(item)
        holders: list[ParsedChair] = []
        if unread == 0 and pieces and all(p.code for p in pieces):
            holders = [ParsedChair(written=p.written, country=p.code) for p in pieces]
        else:
            organisation = state.organisation_from(item, "chair", section, quiet=True)
            if organisation and looks_like_organisation(item):
                holders = [ParsedChair(written=item, organisation=organisation)]
        if not holders:
            line = Line(text=item, number=0)
            if state.line_is_last_text(text, item):
                state.cut_off(item, section)
            else:
                suggestion = state.suggestion_for(item)
                state.unknown_name(line, suggestion, section, role="chair")
            continue
        for holder in holders:
            holder.dates = dates
            holder.tenure = tenure
            state.profile.chairs.append(holder)


def read_chairs(state: ParseState, section: Section) -> None:
    diverted = False
    for line in section.lines:
        text = line.text.strip()
        if diverted:
            state.secretariat_extra.append(line)
            continue
        if is_none_value(text) or re.match(r"^no (formal |official )?chair", text, re.I):
            continue
        if is_prose(text) and not re.search(r"\d{4}", text[:12]):
            if state.is_secretariat_text(text):
                state.secretariat_extra.append(line)
                diverted = True
            else:
                state.unplaced(line, section.name, _("text, not a chair"))
            continue
        read_chair_value(state, text, text, "", "", section.name)


#: The reader of each kind of field (``Field.key``, see :mod:`rcp.legacy.labels`).
FIELD_READERS = {
    "established": field_established,
    "type": field_type,
    "region": field_region,
    "status": field_status,
    "website": field_website,
    "association": field_association,
    "chair": field_chair,
}


def read_fields(state: ParseState) -> None:
    """The fields ("Established: 2001", "Type: ...") in the order the page gives them."""
    for found, where in state.fields:
        FIELD_READERS[found.key](state, found, section_name(where))
