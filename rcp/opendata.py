"""Open data: every published profile as JSON, its countries as CSV, the whole set as one file.

The JSON of a profile (``/processes/<slug>.json``) and each item of the whole data set
(``/data/profiles.json``) have this shape; the /data/ page and the README document it:

    {
      "slug": "tripoli-process", "name": "Tripoli Process", "acronym": "",
      "url": "https://.../processes/tripoli-process/",
      "type": "interregional" | "rcp" | "global" | "",
      "regions": ["Africa", ...], "activity": "active" | "dormant" | "",
      "established": 2001 | null, "website": "",
      "objectives": "<Markdown>", "secretariat": {"official": false,
        "organisation": {"slug", "name", "acronym"} | null, "details": "<Markdown>"},
      "associated_organisations": [{"slug", "name", "acronym"}],
      "member_count": 81,
      "countries": [{"country": "DZ", "name": "Algeria", "role": "member", "group": "AU",
                     "note": ""}],
      "organisations": [{"slug", "name", "acronym", "role": "observer", "group": "",
                         "ceased": 2002 | null}],
      "focus_areas": [{"slug", "name"}],
      "chairs": [{"country": "MA" | "", "organisation": "<slug>" | "", "start": "2019-01-01",
                  "end": null, "precision": "year"}],
      "meetings": [{"title", "start": "2014-04-02", "end": "2014-04-03" | null,
                    "precision": "day" | "month" | "year", "city", "country": "BE"}],
      "last_updated": "2026-11-28"
    }

Country codes are ISO 3166 alpha-2; names follow the language of the URL (/fr/, /es/).
"""

from django.utils import timezone

from rcp.formats import SafeCSV
from rcp.models import Process
from rcp.resources import ParticipationResource

SCHEMA_VERSION = 1


def organisation_data(organisation) -> dict:
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "acronym": organisation.acronym,
    }


def profile_data(process: Process, *, build_absolute_uri=None) -> dict:
    """A profile fetched with ``Process.objects.for_profile_page()``, as plain data."""
    url = process.get_absolute_url()
    return {
        "slug": process.slug,
        "name": process.name,
        "acronym": process.acronym,
        "url": build_absolute_uri(url) if build_absolute_uri else url,
        "type": process.kind,
        "regions": [region.name for region in process.regions.all()],
        "activity": process.activity,
        "established": process.established,
        "website": process.website,
        "objectives": process.objectives,
        "secretariat": {
            "official": process.has_official_secretariat,
            "organisation": organisation_data(process.secretariat_organisation)
            if process.secretariat_organisation
            else None,
            "details": process.secretariat,
        },
        "associated_organisations": [
            organisation_data(o) for o in process.associated_organisations.all()
        ],
        "member_count": process.member_count,
        "countries": [
            {
                "country": p.country.code,
                "name": str(p.country.name),
                "role": p.role,
                "group": p.group,
                "note": p.note,
            }
            for role_list in (
                process.member_states,
                process.suspended_states,
                process.observer_states,
                process.guest_states,
            )
            for p in role_list
        ],
        "organisations": [
            {
                **organisation_data(link.organisation),
                "role": link.role,
                "group": link.group,
                "ceased": link.organisation.ceased_year,
            }
            for link in process.organisation_roles.all()
        ],
        "focus_areas": [{"slug": f.slug, "name": f.name} for f in process.focus_areas],
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
                "title": meeting.title,
                "start": meeting.start_date.isoformat(),
                "end": meeting.end_date.isoformat() if meeting.end_date else None,
                "precision": meeting.date_precision,
                "city": meeting.city,
                "country": meeting.country.code or "",
            }
            for meeting in process.meetings_newest_first
        ],
        "last_updated": timezone.localdate(process.updated_at).isoformat(),
    }


def full_dataset(*, build_absolute_uri=None) -> dict:
    """Every published profile, in one document."""
    processes = Process.objects.published().for_profile_page()
    return {
        "schema_version": SCHEMA_VERSION,
        "generated": timezone.now().isoformat(timespec="seconds"),
        "profiles": [
            profile_data(process, build_absolute_uri=build_absolute_uri) for process in processes
        ],
    }


def countries_csv(process: Process) -> str:
    """The countries of one profile, as the CSV export writes them (formulas escaped)."""
    resource = ParticipationResource()
    queryset = process.participations.select_related("process").order_by("country")
    return SafeCSV().export_data(resource.export(queryset=queryset))
