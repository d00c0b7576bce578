"""Planning each part of a profile: the rows a page adds, changes, and does not list.

A part the page has is made to match it, row by row (the key of a row: a country; an
organisation; a focus area; a meeting's start date and title; a chair's start date and holder);
a part it does not have is left alone (``on_page`` is false). Each function reads the stored
profile's rows as prefetched (``ProcessQuerySet.for_profile_page``) and the shared records
through :class:`~rcp.legacy.references.References`: no query of its own.
"""

from django.utils.text import capfirst
from django.utils.translation import gettext
from django_countries import countries

from rcp.legacy import report as kinds
from rcp.legacy.changes import FieldChange, PartPlan, PlannedRow, field_label
from rcp.legacy.profile import reported_country_name
from rcp.legacy.references import record_key
from rcp.legacy.report import Finding
from rcp.legacy.state import section_name
from rcp.models import (
    Chair,
    Meeting,
    OrganisationRole,
    Participation,
    ParticipationRole,
    ProcessFocusArea,
    ProcessOrganisation,
)
from rcp.rows import pair_rows


def _row_changes(row, values: dict, labels: dict) -> tuple[dict, list[FieldChange]]:
    """The values of ``values`` that differ from ``row``'s, and how they read; ``labels``
    gives each field's label and how its values read."""
    changed = {name: value for name, value in values.items() if getattr(row, name) != value}
    changes = [
        FieldChange(labels[name][0], labels[name][1](getattr(row, name)), labels[name][1](value))
        for name, value in changed.items()
    ]
    return changed, changes


def _role(value) -> str:
    return str(ParticipationRole(value).label) if value else ""


def _text(value) -> str:
    return str(value) if value not in (None, "") else ""


def _country_label(code: str, role: str, group: str = "") -> str:
    extras = ", ".join(part for part in (_role(role), group) if part)
    return f"{countries.name(code)} ({extras})"


def plan_countries(parsed, stored, *, accept_suggestions, findings, accepted) -> PartPlan:
    """The page's members stand for the profile's members and suspended members, its
    observers for the observers (guests are never on a page, and stay). A country listed twice
    is merged (``findings``); a suggestion used is noted in ``accepted``."""
    replaced_roles = set()
    if "members" in parsed.parts:
        replaced_roles |= {"member", "suspended"}
    if "observers" in parsed.parts:
        replaced_roles |= {"observer"}
    wanted: dict[str, dict] = {}
    for country in parsed.countries:
        code = country.code
        if code is None and accept_suggestions and country.suggestion:
            code = country.suggestion
            accepted.append(country.written)
        if code is None:
            continue
        if code in wanted:
            findings.append(
                Finding(
                    kind=kinds.DUPLICATE,
                    message=gettext("%(country)s is listed twice (once as “%(written)s”); merged")
                    % {"country": reported_country_name(code), "written": country.written},
                    section=section_name("members" if country.role == "member" else "observers"),
                    quote=country.written,
                )
            )
            continue
        # The texts are English (named explicitly: ``group`` writes the active language).
        wanted[code] = {"role": country.role, "group_en": country.group, "note_en": country.note}
    part = PartPlan("countries", on_page=bool(replaced_roles))
    if not replaced_roles:
        return part
    existing = {row.country.code: row for row in stored.participations.all()} if stored else {}
    labels = {
        "role": (field_label(Participation, "role"), _role),
        "group_en": (field_label(Participation, "group"), _text),
        "note_en": (field_label(Participation, "note"), _text),
    }
    pairs = pair_rows(existing, wanted)
    for code, row in pairs.unlisted:
        if row.role in replaced_roles:
            label = _country_label(code, row.role, row.group_en)
            part.unlisted.append(PlannedRow(label, (code,), row))
    for code, values in pairs.added:
        if values["role"] in replaced_roles:
            new = Participation(process=stored, country=code, **values)
            label = _country_label(code, values["role"], values["group_en"])
            part.added.append(PlannedRow(label, (code,), new, values))
    for code, row, values in pairs.paired:
        if values["role"] in replaced_roles:
            changed, changes = _row_changes(row, values, labels)
            if changed:
                label = countries.name(code)
                part.changed.append(PlannedRow(label, (code,), row, changed, changes))
    return part


def organisation_roles(parsed) -> set[str]:
    """The organisations' roles whose lists the page has."""
    return {
        role
        for part, role in (
            ("members", "member"),
            ("observers", "observer"),
            ("partners", "partner"),
        )
        if part in parsed.parts
    }


def plan_organisations(parsed, stored, references) -> PartPlan:
    roles = organisation_roles(parsed)
    part = PartPlan("organisations", on_page=bool(roles))
    if not roles:
        return part
    wanted: dict[tuple, tuple] = {}
    positions: dict[str, int] = {}
    for written in parsed.organisations:
        if written.role not in roles:
            continue
        organisation = references.organisation(written)
        key = record_key(organisation)
        if key in wanted:
            continue
        positions[written.role] = positions.get(written.role, 0) + 1
        wanted[key] = (
            organisation,
            {"role": written.role, "group_en": written.group, "position": positions[written.role]},
        )
    existing = (
        {record_key(link.organisation): link for link in stored.organisation_roles.all()}
        if stored
        else {}
    )
    labels = {
        "role": (field_label(ProcessOrganisation, "role"), _organisation_role),
        "group_en": (field_label(ProcessOrganisation, "group"), _text),
        "position": (gettext("Place in the list"), _text),
    }
    pairs = pair_rows(existing, wanted)
    for key, link in pairs.unlisted:
        if link.role in roles:
            label = f"{link.organisation} ({_organisation_role(link.role)})"
            part.unlisted.append(PlannedRow(label, key, link))
    for key, (organisation, values) in pairs.added:
        new = ProcessOrganisation(process=stored, organisation=organisation, **values)
        label = f"{organisation} ({_organisation_role(values['role'])})"
        part.added.append(PlannedRow(label, key, new, values))
    for key, link, (organisation, values) in pairs.paired:
        changed, changes = _row_changes(link, values, labels)
        if changed:
            part.changed.append(PlannedRow(str(organisation), key, link, changed, changes))
    return part


def _organisation_role(value) -> str:
    return str(OrganisationRole(value).label) if value else ""


def plan_focus_areas(parsed, stored, references) -> PartPlan:
    part = PartPlan("focus_areas", on_page="focus" in parsed.parts)
    if not part.on_page:
        return part
    wanted: dict[tuple, tuple] = {}
    for name in parsed.focus_areas:
        focus_area = references.focus_area(name)
        key = record_key(focus_area)
        if key not in wanted:
            wanted[key] = (focus_area, len(wanted) + 1)
    existing = (
        {record_key(link.focus_area): link for link in stored.focus_area_links.all()}
        if stored
        else {}
    )
    pairs = pair_rows(existing, wanted)
    for key, link in pairs.unlisted:
        part.unlisted.append(PlannedRow(str(link.focus_area), key, link))
    for key, (focus_area, position) in pairs.added:
        new = ProcessFocusArea(process=stored, focus_area=focus_area, position=position)
        part.added.append(PlannedRow(str(focus_area), key, new, {"position": position}))
    for key, link, (focus_area, position) in pairs.paired:
        if link.position != position:
            change = FieldChange(gettext("Place in the list"), str(link.position), str(position))
            part.changed.append(
                PlannedRow(str(focus_area), key, link, {"position": position}, [change])
            )
    return part


def _meeting_label(meeting: Meeting) -> str:
    place = meeting.place_display
    return f"{meeting.title}, {meeting.dates_display}" + (f", {place}" if place else "")


def plan_meetings(parsed, stored) -> PartPlan:
    part = PartPlan("meetings", on_page="meetings" in parsed.parts)
    if not part.on_page:
        return part
    existing = {(m.start_date, m.title_en): m for m in stored.meetings.all()} if stored else {}
    wanted: dict[tuple, tuple] = {}
    for written in parsed.meetings:
        meeting = Meeting(
            process=stored,
            title_en=written.title[:300],
            start_date=written.dates.start,
            end_date=written.dates.end,
            date_precision=written.dates.precision,
            city_en=written.city,
            country=written.country or "",
        )
        meeting.normalise_dates()
        wanted.setdefault((meeting.start_date, meeting.title_en), meeting)
    pairs = pair_rows(existing, wanted)
    for key, meeting in pairs.added:
        part.added.append(
            PlannedRow(_meeting_label(meeting), _plain_key(key), meeting, _meeting_values(meeting))
        )
    for key, old, meeting in pairs.paired:
        changed = _dated_changes(old, meeting)
        if old.city_en != meeting.city_en:
            changed.append(FieldChange(field_label(Meeting, "city"), old.city_en, meeting.city_en))
        if (old.country.code or "") != (meeting.country.code or ""):
            changed.append(
                FieldChange(
                    field_label(Meeting, "country"),
                    old.country.name if old.country else "",
                    meeting.country.name if meeting.country else "",
                )
            )
        if changed:
            values = _meeting_values(meeting)
            part.changed.append(
                PlannedRow(_meeting_label(old), _plain_key(key), old, values, changed)
            )
    for key, meeting in pairs.unlisted:
        part.unlisted.append(PlannedRow(_meeting_label(meeting), _plain_key(key), meeting))
    return part


def _meeting_values(meeting: Meeting) -> dict:
    """What an import writes of a meeting already on the profile (its key stays)."""
    return {
        "end_date": meeting.end_date,
        "date_precision": meeting.date_precision,
        "city_en": meeting.city_en,
        "country": meeting.country.code or "",
    }


def _plain_key(key: tuple) -> tuple:
    """A row's key as plain data (the plan's digest is of JSON): the date as text."""
    return (key[0].isoformat(), *key[1:])


def _dated_changes(old, new) -> list[FieldChange]:
    if old.end_date == new.end_date and old.date_precision == new.date_precision:
        return []
    return [FieldChange(capfirst(gettext("when")), old.dates_display, new.dates_display)]


def plan_chairs(parsed, stored, references) -> PartPlan:
    # Undated chairs (reported) are not on the page as rows: a page with no dated chair has
    # no chairs to import, and the profile's stay.
    dated = [chair for chair in parsed.chairs if chair.dates is not None]
    part = PartPlan("chairs", on_page="chairs" in parsed.parts and bool(dated))
    if not part.on_page:
        return part
    existing = (
        {
            (c.start_date, c.country.code or "", record_key(c.organisation)): c
            for c in stored.chairs.all()
        }
        if stored
        else {}
    )
    wanted: dict[tuple, Chair] = {}
    for written in dated:
        organisation = (
            references.organisation(written.organisation) if written.organisation else None
        )
        chair = Chair(
            process=stored,
            country=written.country or "",
            organisation=organisation,
            start_date=written.dates.start,
            end_date=written.dates.end,
            date_precision=written.dates.precision,
        )
        chair.normalise_dates()
        wanted.setdefault(
            (chair.start_date, written.country or "", record_key(organisation)), chair
        )
    pairs = pair_rows(existing, wanted)
    for key, chair in pairs.added:
        values = {"end_date": chair.end_date, "date_precision": chair.date_precision}
        label = f"{chair.holder_name}, {chair.dates_display}"
        part.added.append(PlannedRow(label, _plain_key(key), chair, values))
    for key, old, chair in pairs.paired:
        if changes := _dated_changes(old, chair):
            values = {"end_date": chair.end_date, "date_precision": chair.date_precision}
            label = f"{old.holder_name}, {old.dates_display}"
            part.changed.append(PlannedRow(label, _plain_key(key), old, values, changes))
    for key, chair in pairs.unlisted:
        label = f"{chair.holder_name}, {chair.dates_display}"
        part.unlisted.append(PlannedRow(label, _plain_key(key), chair))
    return part
