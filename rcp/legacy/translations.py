"""A French or Spanish page of IOM's imported as the translation of a profile on file.

English is the source of every profile (:mod:`rcp.multilingual`): a page in another language
(its language is that of its labels, :func:`rcp.legacy.labels.page_language`) never creates a
profile nor touches an English text. It matches the profile it translates (by its name in any
language, its acronym, or the distinctive words of its name with the same year, since the
profile may not have a French name yet: "Processus de Tripoli", 2001, is the "Tripoli
Process", 2001), and fills that language's columns (``name_fr``, ``objectives_fr``,
``group_fr``, ...) of the profile and of the rows the page and the profile share:

- the countries, by country: their group and note;
- the organisations on file the page names (in any of their languages): their name and acronym
  in the page's language when they have none, and the group of their link to the profile;
- the meetings, by start date (when one meeting of the profile starts that day): title, city;
- not the focus areas, shared by every profile and named on the page only (see
  :func:`_plan_focus_areas`): the page's list is shown, for an editor to translate them.

What the page has and the profile does not (a country, an organisation, a meeting), and the
facts that are not texts (the year, the website) where they differ, are reported as
differences (:attr:`TranslationPlan.differences`), never written: the English page is imported
for those.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import get_language_info, gettext
from django_countries import countries

from rcp.countries import normalise_country_text
from rcp.legacy.changes import FieldChange, PartPlan, PlannedRow, field_label
from rcp.legacy.references import References
from rcp.models import Process
from rcp.multilingual import LANGUAGE_CODES, SOURCE_LANGUAGE, column, text_in

#: The texts of a profile a page gives, written in the page's language.
TEXT_FIELDS = ("name", "acronym", "objectives", "secretariat")
#: The facts a page gives that are the same in every language: compared, never written.
FACT_FIELDS = ("kind", "activity", "established", "website")

#: Words of a process's name that do not tell one process from another, in any language:
#: what is left of "Processus de Tripoli" is "tripoli", as of "Tripoli Process".
GENERIC_NAME_WORDS = frozenset(
    """
    process processus proceso dialogue dialogo forum foro consultation consultations
    consultative consultatif consultatifs consultivo consultivos conference conferencia
    meeting reunion initiative iniciativa partnership partenariat asociacion regional
    regionale regionales regionaux migration migrations migracion migraciones on of the and
    for in sur de du des la le les l d et pour en el los las del y para sobre
    """.split()
)


def language_name(language: str) -> str:
    """ "French", in the language of the page being shown."""
    return get_language_info(language)["name_translated"]


def _distinctive_words(name: str) -> frozenset[str]:
    return frozenset(normalise_country_text(name).split()) - GENERIC_NAME_WORDS


def by_distinctive_words(parsed, queryset) -> list[Process]:
    """The profiles established the year the page says whose name, in some language, has the
    distinctive words of the page's name ("Trípoli" is "Tripoli"). For a translated page of a
    profile that has no name in the page's language yet."""
    words = _distinctive_words(parsed.name)
    if not words or not parsed.established:
        return []
    return [
        process
        for process in queryset.filter(established=parsed.established)
        if any(
            words <= _distinctive_words(text_in(process, "name", language))
            for language in LANGUAGE_CODES
            if text_in(process, "name", language)
        )
    ]


def name_in_any_language(field: str, text: str) -> Q:
    """``field`` is ``text`` (whatever the case) in one of the languages."""
    condition = Q(pk__in=[])
    for language in LANGUAGE_CODES:
        condition |= Q(**{f"{column(field, language)}__iexact": text})
    return condition


@dataclass
class TranslationPlan:
    """What a translated page fills in its language (see the module docstring)."""

    language: str
    field_values: dict = field(default_factory=dict)
    field_changes: list[FieldChange] = field(default_factory=list)
    parts: list[PartPlan] = field(default_factory=list)
    #: What the page has that the profile does not, or says otherwise: not written.
    differences: list[str] = field(default_factory=list)


def _label(model, name: str, language: str) -> str:
    return f"{field_label(model, name)} ({language_name(language)})"


def _fill(record, name: str, value: str, language: str) -> tuple[dict, list[FieldChange]]:
    """The column of ``name`` in ``language`` to write with ``value``, if it changes. A text
    spelt as in English ("Tripoli", "UNICEF") is its translation too: stored, so that the
    profile counts as translated and the page does not mark the word as English."""
    value = (value or "").strip()
    if not value:
        return {}, []
    old = text_in(record, name, language)
    if old == value:
        return {}, []
    change = FieldChange(_label(type(record), name, language), old, value)
    return {column(name, language): value}, [change]


def _fill_if_empty(record, name: str, value: str, language: str):
    """As :func:`_fill`, for a shared record: only a text it does not have yet (another
    profile's page may have given it)."""
    if text_in(record, name, language):
        return {}, []
    return _fill(record, name, value, language)


def plan_translation(parsed, stored: Process, *, accept_suggestions: bool) -> TranslationPlan:
    """What ``parsed``, a page in ``parsed.language``, fills in ``stored`` (read as
    ``for_profile_page`` prefetches it, and the organisations the page names in one query)."""
    language = parsed.language
    plan = TranslationPlan(language)
    for name in TEXT_FIELDS:
        values, changes = _fill(stored, name, getattr(parsed, name), language)
        plan.field_values.update(values)
        plan.field_changes += changes
    for name in FACT_FIELDS:
        value, now = getattr(parsed, name), getattr(stored, name)
        if value not in ("", None) and now not in ("", None) and value != now:
            plan.differences.append(
                gettext("%(field)s: the page says “%(page)s”, the profile “%(profile)s” (kept)")
                % {"field": field_label(Process, name), "page": value, "profile": now}
            )
    plan.parts = [
        _plan_countries(parsed, stored, plan, accept_suggestions=accept_suggestions),
        _plan_organisations(parsed, stored, plan),
        _plan_focus_areas(parsed, stored, plan),
        _plan_meetings(parsed, stored, plan),
    ]
    return plan


def _not_on_profile(plan: TranslationPlan, what: str) -> None:
    plan.differences.append(
        gettext("“%(name)s” is on the page, not on the profile: not added") % {"name": what}
    )


def _plan_countries(parsed, stored, plan, *, accept_suggestions) -> PartPlan:
    part = PartPlan("countries", on_page=bool({"members", "observers"} & parsed.parts))
    existing = {row.country.code: row for row in stored.participations.all()}
    seen = set()
    for country in parsed.countries:
        code = country.code or (country.suggestion if accept_suggestions else None)
        if code is None or code in seen:
            continue
        seen.add(code)
        row = existing.get(code)
        if row is None:
            _not_on_profile(plan, str(countries.name(code)))
            continue
        values, changes = {}, []
        for name, value in (("group", country.group), ("note", country.note)):
            more_values, more_changes = _fill(row, name, value, plan.language)
            values.update(more_values)
            changes += more_changes
        if values:
            part.changed.append(
                PlannedRow(str(countries.name(code)), (code,), row, values, changes)
            )
    return part


def _plan_organisations(parsed, stored, plan) -> PartPlan:
    roles = {"observers": "observer", "members": "member", "partners": "partner"}
    on_page = {role for part, role in roles.items() if part in parsed.parts}
    part = PartPlan("organisations", on_page=bool(on_page))
    written = [o for o in parsed.organisations if o.role in on_page]
    references = References(organisations=written, any_language=True)
    links = {link.organisation_id: link for link in stored.organisation_roles.all()}
    seen = set()
    for organisation in written:
        found = references.find_organisation(organisation)
        if found is None or found.pk not in links:
            _not_on_profile(plan, organisation.display_name)
            continue
        if found.pk in seen:
            continue
        seen.add(found.pk)
        label = text_in(found, "name", SOURCE_LANGUAGE)
        values, changes = _fill_if_empty(found, "name", organisation.name, plan.language)
        if organisation.acronym:
            more_values, more_changes = _fill_if_empty(
                found, "acronym", organisation.acronym, plan.language
            )
            values.update(more_values)
            changes += more_changes
        if values:
            part.changed.append(
                PlannedRow(label, ("organisation", found.pk), found, values, changes)
            )
        link = links[found.pk]
        values, changes = _fill(link, "group", organisation.group, plan.language)
        if values:
            part.changed.append(PlannedRow(label, ("link", link.pk), link, values, changes))
    return part


def _plan_focus_areas(parsed, stored, plan) -> PartPlan:
    """Nothing: a page lists its focus areas by name only, and they are shared by every
    profile, so that pairing the page's names with the profile's by their order could give
    other profiles wrong names. The page's list is shown for an editor to translate them."""
    part = PartPlan("focus_areas", on_page="focus" in parsed.parts)
    if part.on_page and parsed.focus_areas:
        plan.differences.append(
            gettext(
                "Focus areas are shared by every profile: their names are not translated from "
                "the page (translate them in the admin). The page lists: %(names)s"
            )
            % {"names": "; ".join(parsed.focus_areas)}
        )
    return part


def _plan_meetings(parsed, stored, plan) -> PartPlan:
    part = PartPlan("meetings", on_page="meetings" in parsed.parts)
    by_start: dict = {}
    for meeting in stored.meetings.all():
        by_start.setdefault(meeting.start_date, []).append(meeting)
    for written in parsed.meetings:
        same_day = by_start.get(written.dates.start, [])
        if len(same_day) != 1:
            _not_on_profile(plan, f"{written.title}, {written.dates}")
            continue
        meeting = same_day[0]
        values, changes = _fill(meeting, "title", written.title[:300], plan.language)
        more_values, more_changes = _fill(meeting, "city", written.city[:100], plan.language)
        values.update(more_values)
        changes += more_changes
        if values:
            label = f"{text_in(meeting, 'title', SOURCE_LANGUAGE)}, {meeting.dates_display}"
            part.changed.append(
                PlannedRow(
                    label, (meeting.start_date.isoformat(), meeting.pk), meeting, values, changes
                )
            )
    return part
