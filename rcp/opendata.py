"""Open data: every published profile as JSON, its countries as CSV, the whole set as one file.

The JSON of a profile (``/processes/<slug>.json``) and each item of the whole data set
(``/data/profiles.json``) have this shape; the /data/ page and the README document it:

    {
      "slug": "tripoli-process",
      "name": "Tripoli Process", "name_fr": "Processus de Tripoli", "name_es": "Proceso de...",
      "acronym": "", "acronym_fr": "", "acronym_es": "",
      "url": "https://.../processes/tripoli-process/",
      "type": "interregional" | "rcp" | "global" | "",
      "regions": ["Africa", ...], "regions_fr": ["Afrique", ...], "regions_es": ["África", ...],
      "activity": "active" | "dormant" | "",
      "established": 2001 | null, "website": "",
      "objectives": "<Markdown>", "objectives_fr": "<Markdown>", "objectives_es": "<Markdown>",
      "secretariat": {"official": false, "organisation":
        {"slug", "name", "name_fr", "name_es", "acronym", "acronym_fr", "acronym_es"} | null,
        "details": "<Markdown>", "details_fr": "<Markdown>", "details_es": "<Markdown>"},
      "associated_organisations": [{"slug", "name", "name_fr", "name_es", "acronym", ...}],
      "member_count": 81,
      "countries": [{"country": "DZ", "name": "Algeria", "role": "member",
                     "group": "AU", "group_fr": "UA", "group_es": "UA",
                     "note": "", "note_fr": "", "note_es": ""}],
      "organisations": [{"slug", "name", "name_fr", "name_es", "acronym", ..., "role": "observer",
                         "group": "", "group_fr": "", "group_es": "", "ceased": 2002 | null}],
      "focus_areas": [{"slug", "name", "name_fr", "name_es"}],
      "chairs": [{"country": "MA" | "", "organisation": "<slug>" | "", "start": "2019-01-01",
                  "end": null, "precision": "year"}],
      "meetings": [{"title": "", "title_fr": "", "title_es": "", "start": "2014-04-02",
                    "end": "2014-04-03" | null, "precision": "day" | "month" | "year",
                    "city": "", "city_fr": "", "city_es": "", "country": "BE"}],
      "last_updated": "2026-11-28"
    }

Every text an editor writes (rcp/translation.py) comes in each language: its key holds the
English text, whatever the language of the address, as it did before translations existed;
the same key ending in ``_fr`` and ``_es`` (the spreadsheets' column names) holds the French
and Spanish, ``null`` while not yet translated (a reader then shows the English), ``""`` when
there is nothing to translate (no English either). Country codes are ISO 3166 alpha-2; country
names follow the language of the URL (/fr/, /es/).
"""

import functools
from dataclasses import dataclass

from django.utils import timezone

from rcp.formats import SafeCSV
from rcp.models import (
    Participation,
    ParticipationRole,
    Process,
    country_name,
    country_names,
    reading_order_key,
)
from rcp.multilingual import (
    LANGUAGE_CODES,
    SOURCE_LANGUAGE,
    TRANSLATION_LANGUAGES,
    column,
    is_untranslated,
    text_in,
)
from rcp.resources import ParticipationResource

SCHEMA_VERSION = 1


def translation_of(record, field: str, language: str) -> str | None:
    """The text of ``field`` in ``language``: None while it is not translated (the English
    stands for it), "" when there is nothing to translate."""
    if is_untranslated(record, field, language):
        return None
    return text_in(record, field, language)


def in_every_language(record, field: str, key: str | None = None) -> dict:
    """``{"name": <English>, "name_fr": ..., "name_es": ...}`` for one text of ``record``;
    ``key`` names it when the data calls it otherwise (the secretariat's ``details``).

    :func:`translation_of` for each language, with the columns and keys worked out once per
    field: the data set holds six texts for each of its tens of thousands of countries."""
    english_column, translations = _columns(field, key or field)
    english = getattr(record, english_column, None) or ""
    data = {key or field: english}
    for translated_column, translated_key in translations:
        text = getattr(record, translated_column, None) or ""
        data[translated_key] = None if english and not text else text
    return data


@functools.cache
def _columns(field: str, key: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The English column of ``field``, and each translation's column with its key."""
    return column(field, SOURCE_LANGUAGE), tuple(
        (column(field, language), column(key, language)) for language in TRANSLATION_LANGUAGES
    )


def organisation_data(organisation) -> dict:
    return {
        "slug": organisation.slug,
        **in_every_language(organisation, "name"),
        **in_every_language(organisation, "acronym"),
    }


def region_names(regions) -> dict:
    """``{"regions": [<English>...], "regions_fr": [...], "regions_es": [...]}``."""
    return {
        "regions": [text_in(region, "name", SOURCE_LANGUAGE) for region in regions],
        **{
            column("regions", language): [
                translation_of(region, "name", language) for region in regions
            ]
            for language in TRANSLATION_LANGUAGES
        },
    }


def country_data(participation) -> dict:
    """One of a profile's countries, as plain data: a ``Participation``, or a row with the
    same attributes (:func:`countries_by_profile`)."""
    return {
        "country": participation.country_code,
        "name": participation.country_name,
        "role": participation.role,
        **in_every_language(participation, "group"),
        **in_every_language(participation, "note"),
    }


def profile_data(process: Process, *, build_absolute_uri=None, countries=None) -> dict:
    """A profile fetched with ``Process.objects.for_profile_page()``, as plain data; its
    ``countries`` as :func:`country_data` gives them, if already read (the data set)."""
    url = process.get_absolute_url()
    if countries is None:
        countries = [
            country_data(participation)
            for role_list in (
                process.member_states,
                process.suspended_states,
                process.observer_states,
                process.guest_states,
            )
            for participation in role_list
        ]
    member_states = sum(country["role"] == ParticipationRole.MEMBER for country in countries)
    return {
        "slug": process.slug,
        **in_every_language(process, "name"),
        **in_every_language(process, "acronym"),
        "url": build_absolute_uri(url) if build_absolute_uri else url,
        "type": process.kind,
        **region_names(list(process.regions.all())),
        "activity": process.activity,
        "established": process.established,
        "website": process.website,
        **in_every_language(process, "objectives"),
        "secretariat": {
            "official": process.has_official_secretariat,
            "organisation": organisation_data(process.secretariat_organisation)
            if process.secretariat_organisation
            else None,
            **in_every_language(process, "secretariat", "details"),
        },
        "associated_organisations": [
            organisation_data(o) for o in process.associated_organisations.all()
        ],
        "member_count": member_states + len(process.member_organisations),
        "countries": countries,
        "organisations": [
            {
                **organisation_data(link.organisation),
                "role": link.role,
                **in_every_language(link, "group"),
                "ceased": link.organisation.ceased_year,
            }
            for link in process.organisation_roles.all()
        ],
        "focus_areas": [
            {"slug": f.slug, **in_every_language(f, "name")} for f in process.focus_areas
        ],
        "chairs": [
            {
                "country": chair.country.code or "",
                "organisation": chair.organisation.slug if chair.organisation_id else "",
                "start": chair.start_date.isoformat(),
                "end": chair.end_date.isoformat() if chair.end_date else None,
                "precision": chair.date_precision,
            }
            for chair in process.chairs_newest_first
        ],
        "meetings": [
            {
                **in_every_language(meeting, "title"),
                "start": meeting.start_date.isoformat(),
                "end": meeting.end_date.isoformat() if meeting.end_date else None,
                "precision": meeting.date_precision,
                **in_every_language(meeting, "city"),
                "country": meeting.country.code or "",
            }
            for meeting in process.meetings_newest_first
        ],
        "last_updated": timezone.localdate(process.updated_at).isoformat(),
    }


def full_dataset(*, build_absolute_uri=None) -> dict:
    """Every published profile, in one document (served from the page cache, built again
    once the data changes). Its countries, most of its rows (80,000 at 1,000 profiles), are
    read as values rather than models: the same data as each profile's JSON."""
    processes = Process.objects.published().for_profile_page(participations=False)
    countries = countries_by_profile(Process.objects.published())
    return {
        "schema_version": SCHEMA_VERSION,
        "generated": timezone.now().isoformat(timespec="seconds"),
        "profiles": [
            profile_data(
                process,
                build_absolute_uri=build_absolute_uri,
                countries=countries.get(process.pk, []),
            )
            for process in processes
        ],
    }


# The order of a profile's countries in its data: by role, then by name (as its page lists them).
ROLE_ORDER = {
    role: position
    for position, role in enumerate(
        (
            ParticipationRole.MEMBER,
            ParticipationRole.SUSPENDED,
            ParticipationRole.OBSERVER,
            ParticipationRole.GUEST,
        )
    )
}


@dataclass(frozen=True)
class CountryRow:
    """A participation read as values, with the attributes :func:`country_data` reads."""

    values: dict
    country_name: str

    def __getattr__(self, name: str):
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def country_code(self) -> str:
        return self.values["country"]


def countries_by_profile(processes) -> dict[int, list[dict]]:
    """The :func:`country_data` of the profiles of ``processes``, by profile id, each
    profile's in the order of :data:`ROLE_ORDER` and then by name. One query."""
    texts = [column(field, language) for field in ("group", "note") for language in LANGUAGE_CODES]
    rows = Participation.objects.filter(process__in=processes).values(
        "process_id", "country", "role", *texts
    )
    names = country_names()
    by_profile: dict[int, list[tuple]] = {}
    for values in rows:
        code = values["country"]
        name, key = names.get(code) or (country_name(code), reading_order_key(country_name(code)))
        data = country_data(CountryRow(values, name))
        by_profile.setdefault(values["process_id"], []).append(
            (ROLE_ORDER.get(values["role"], len(ROLE_ORDER)), key, data)
        )
    return {
        process_id: [data for _role, _key, data in sorted(entries, key=lambda e: e[:2])]
        for process_id, entries in by_profile.items()
    }


def countries_csv(process: Process) -> str:
    """The countries of one profile, as the CSV export writes them (formulas escaped), with
    the group and note in every language (``group_fr``, ``note_es``...)."""
    resource = ParticipationResource()
    queryset = process.participations.select_related("process").order_by("country")
    return SafeCSV().export_data(resource.export(queryset=queryset))
