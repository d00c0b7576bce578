"""Writing a parsed legacy page into the database: one profile, created or updated.

Everything goes through the models and ``full_clean()``, in one transaction and one changeset
(one version in the profile's history): if any record is invalid, nothing is written. A page
updates the profile of the same name or acronym instead of creating a second one; a part the
page does not have (a section missing, or lost where a saved page is cut off) is left as it is,
and a part it has is made to match the page, row by row, so re-importing an unchanged page
changes nothing.
"""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext

from rcp.ceased_organisations import find_ceased
from rcp.history_records import Source, SourceKind, changeset
from rcp.legacy import report as kinds
from rcp.legacy.profile import ParsedOrganisation, ParsedProfile, country_name
from rcp.legacy.report import Report
from rcp.models import (
    Chair,
    FocusArea,
    LegacyImport,
    Meeting,
    Organisation,
    Participation,
    Process,
    ProcessFocusArea,
    ProcessOrganisation,
    PublicationStatus,
    Region,
)
from rcp.workflow import authorise, history_user

logger = logging.getLogger("rcp.legacy")


class ImportRefused(Exception):
    """The page cannot be imported as it is; ``problems`` say why, nothing was written."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ImportOutcome:
    process: Process
    created: bool
    dry_run: bool
    report: Report
    legacy_import: LegacyImport | None = None
    changes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        verb = "would create" if self.dry_run and self.created else "would update"
        if not self.dry_run:
            verb = "created" if self.created else "updated"
        status = PublicationStatus(self.process.status).label
        return f"{verb.capitalize()} the profile “{self.process.name}” ({status})."


def find_existing(parsed: ParsedProfile) -> Process | None:
    """The profile a page is about: same name, slug or acronym (either way round)."""
    name = parsed.name.strip()
    acronym = parsed.acronym.strip()
    by_name = Q(name__iexact=name) | Q(slug=slugify(name)[:100])
    if acronym:
        by_name |= Q(name__iexact=acronym)
    matches = list(Process.objects.filter(by_name))
    if not matches and acronym:
        matches = list(Process.objects.filter(acronym__iexact=acronym))
    if not matches and name:
        matches = list(Process.objects.filter(acronym__iexact=name))
    if len(matches) > 1:
        raise ImportRefused(
            [
                gettext(
                    "Several profiles match “%(name)s”: %(matches)s. Give the exact name of the "
                    "one to update."
                )
                % {"name": name, "matches": ", ".join(p.name for p in matches)}
            ]
        )
    return matches[0] if matches else None


def unique_slug(name: str, *, exclude_pk=None) -> str:
    base = slugify(name)[:90].strip("-") or "process"
    slug, suffix = base, 2
    while Process.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


class _Writer:
    def __init__(self, parsed, report, *, user, publish, accept_suggestions, source_name):
        self.parsed = parsed
        self.report = report
        self.user = user
        self.publish = publish
        self.accept_suggestions = accept_suggestions
        self.source_name = source_name
        self.reason = (
            gettext("Imported from the legacy page %(page)s") % {"page": source_name}
        ).strip()
        self.organisations: dict[tuple, Organisation] = {}
        self.changes: list[str] = []

    # Saving ---------------------------------------------------------------------------------

    def save(self, instance, **clean_kwargs) -> None:
        try:
            instance.full_clean(**clean_kwargs)
        except ValidationError as error:
            raise ImportRefused(
                [
                    f"{instance._meta.verbose_name} “{instance}”: {message}"
                    for message in _messages(error)
                ]
            ) from error
        if history_user(self.user) is not None:
            instance._history_user = self.user
        instance._change_reason = self.reason
        instance.save()

    def delete(self, instance) -> None:
        if history_user(self.user) is not None:
            instance._history_user = self.user
        instance._change_reason = self.reason
        instance.delete()

    # The profile ----------------------------------------------------------------------------

    def write(self) -> tuple[Process, bool]:
        parsed = self.parsed
        process = find_existing(parsed)
        created = process is None
        if created:
            process = Process(name=parsed.name, slug=unique_slug(parsed.name))
        elif parsed.name_source == "option" and parsed.name != process.name:
            process.name = parsed.name
        elif parsed.name and parsed.name.casefold() != process.name.casefold():
            self.report.add(
                kinds.NAME,
                f"The page calls the process “{parsed.name}”; the profile it updates keeps "
                f"its name, “{process.name}” (give --name to rename it)",
            )
        if self.publish:
            process.status = PublicationStatus.PUBLISHED
        values = {
            "acronym": parsed.acronym,
            "kind": parsed.kind,
            "activity": parsed.activity,
            "established": parsed.established,
            "website": parsed.website,
            "objectives": parsed.objectives,
            "secretariat": parsed.secretariat,
        }
        for name, value in values.items():
            if value not in ("", None):
                setattr(process, name, value)
        if parsed.has_official_secretariat is not None:
            process.has_official_secretariat = parsed.has_official_secretariat
            if not parsed.has_official_secretariat:
                process.secretariat_organisation = None
        if parsed.secretariat_organisation is not None:
            process.secretariat_organisation = self.organisation(parsed.secretariat_organisation)
        authorise(process, actor=self.user)  # PermissionDenied: publishing needs a Publisher
        if created or _changed(process):
            self.save(process)
        if parsed.regions:
            regions = [self.region(name) for name in parsed.regions]
            if set(process.regions.all()) != set(regions):
                process.regions.set(regions)
        if parsed.associated_organisations:
            associated = [self.organisation(o) for o in parsed.associated_organisations]
            try:
                Process.validate_associated_organisations(associated)
            except ValidationError as error:
                raise ImportRefused(_messages(error)) from error
            if set(process.associated_organisations.all()) != set(associated):
                process.associated_organisations.set(associated)
        self.write_countries(process)
        self.write_organisations(process)
        self.write_focus_areas(process)
        self.write_meetings(process)
        self.write_chairs(process)
        return process, created

    def region(self, name: str) -> Region:
        region = Region.objects.filter(name__iexact=name).first()
        if region is None:
            region = Region(name=name, slug=slugify(name)[:100])
            self.save(region)
        return region

    def organisation(self, parsed: ParsedOrganisation) -> Organisation:
        """An existing organisation by acronym or name, or a new one. An existing record is
        shared by every profile, so only its empty fields are filled in."""
        key = (parsed.name.casefold(), parsed.acronym.casefold())
        if key in self.organisations:
            return self.organisations[key]
        found = None
        if parsed.acronym:
            same_acronym = list(Organisation.objects.filter(acronym__iexact=parsed.acronym))
            found = next(
                (o for o in same_acronym if o.name.casefold() == parsed.name.casefold()),
                same_acronym[0] if len(same_acronym) == 1 else None,
            )
        if found is None:
            found = Organisation.objects.filter(
                Q(name__iexact=parsed.name) | Q(english_name__iexact=parsed.name)
            ).first()
        if found is None and not parsed.acronym and parsed.name.isupper():
            found = Organisation.objects.filter(acronym__iexact=parsed.name).first()
        if found is None:
            found = Organisation(
                name=parsed.name, acronym=parsed.acronym, english_name=parsed.english_name
            )
            self.save(found)
        else:
            changed = False
            for name in ("acronym", "english_name"):
                if not getattr(found, name) and getattr(parsed, name):
                    setattr(found, name, getattr(parsed, name))
                    changed = True
            if changed:
                self.save(found)
        ceased = find_ceased(found.name, found.acronym)
        if ceased and found.ceased_year is None:
            found.ceased_year = ceased.ceased_year
            found.succeeded_by = self.organisation(
                ParsedOrganisation(name=ceased.successor_name, acronym=ceased.successor_acronym)
            )
            self.save(found)
        self.organisations[key] = found
        return found

    # The parts ------------------------------------------------------------------------------

    def write_countries(self, process: Process) -> None:
        replaced_roles = set()
        if "members" in self.parsed.parts:
            replaced_roles |= {"member", "suspended"}
        if "observers" in self.parsed.parts:
            replaced_roles |= {"observer"}
        wanted: dict[str, dict] = {}
        for country in self.parsed.countries:
            code = country.code
            if code is None and self.accept_suggestions and country.suggestion:
                code = country.suggestion
                for finding in self.report.of_kind(kinds.UNKNOWN_NAME):
                    if finding.quote == country.written:
                        finding.accepted = True
            if code is None:
                continue
            if code in wanted:
                self.report.add(
                    kinds.DUPLICATE,
                    f"{country_name(code)} is listed twice (once as “{country.written}”); merged",
                    section="Members" if country.role == "member" else "Observers",
                    quote=country.written,
                )
                continue
            wanted[code] = {"role": country.role, "group": country.group, "note": country.note}
        if not replaced_roles:
            return
        existing = {row.country.code: row for row in process.participations.all()}
        for code, row in existing.items():
            if row.role in replaced_roles and code not in wanted:
                self.delete(row)
        for code, values in wanted.items():
            if values["role"] not in replaced_roles:
                continue
            row = existing.get(code) or Participation(process=process, country=code)
            if row.pk and all(getattr(row, k) == v for k, v in values.items()):
                continue
            for name, value in values.items():
                setattr(row, name, value)
            self.save(row)

    def write_organisations(self, process: Process) -> None:
        roles = {
            role
            for part, role in (
                ("members", "member"),
                ("observers", "observer"),
                ("partners", "partner"),
            )
            if part in self.parsed.parts
        }
        if not roles:
            return
        wanted: dict[int, dict] = {}
        positions: dict[str, int] = {}
        for parsed in self.parsed.organisations:
            if parsed.role not in roles:
                continue
            organisation = self.organisation(parsed)
            if organisation.pk in wanted:
                continue
            positions[parsed.role] = positions.get(parsed.role, 0) + 1
            wanted[organisation.pk] = {
                "role": parsed.role,
                "group": parsed.group,
                "position": positions[parsed.role],
            }
        existing = {link.organisation_id: link for link in process.organisation_roles.all()}
        for pk, link in existing.items():
            if link.role in roles and pk not in wanted:
                self.delete(link)
        for pk, values in wanted.items():
            link = existing.get(pk) or ProcessOrganisation(process=process, organisation_id=pk)
            if link.pk and all(getattr(link, k) == v for k, v in values.items()):
                continue
            for name, value in values.items():
                setattr(link, name, value)
            self.save(link)

    def write_focus_areas(self, process: Process) -> None:
        if "focus" not in self.parsed.parts:
            return
        wanted: dict[int, int] = {}
        for name in self.parsed.focus_areas:
            focus_area = FocusArea.objects.filter(
                Q(name__iexact=name) | Q(slug=slugify(name)[:150])
            ).first()
            if focus_area is None:
                focus_area = FocusArea(name=name)
                self.save(focus_area)
            if focus_area.pk not in wanted:
                wanted[focus_area.pk] = len(wanted) + 1
        existing = {link.focus_area_id: link for link in process.focus_area_links.all()}
        for pk, link in existing.items():
            if pk not in wanted:
                self.delete(link)
        for pk, position in wanted.items():
            link = existing.get(pk) or ProcessFocusArea(process=process, focus_area_id=pk)
            if link.pk and link.position == position:
                continue
            link.position = position
            self.save(link)

    def write_meetings(self, process: Process) -> None:
        if "meetings" not in self.parsed.parts:
            return
        existing = {(m.start_date, m.title): m for m in process.meetings.all()}
        wanted = set()
        for parsed in self.parsed.meetings:
            meeting = Meeting(
                process=process,
                title=parsed.title[:300],
                start_date=parsed.dates.start,
                end_date=parsed.dates.end,
                date_precision=parsed.dates.precision,
                city=parsed.city,
                country=parsed.country or "",
            )
            meeting.normalise_dates()
            key = (meeting.start_date, meeting.title)
            if key in wanted:
                continue
            wanted.add(key)
            old = existing.get(key)
            if old is not None:
                fields = ("end_date", "date_precision", "city")
                if all(getattr(old, f) == getattr(meeting, f) for f in fields) and (
                    old.country.code or ""
                ) == (parsed.country or ""):
                    continue
                meeting.pk = old.pk
                meeting._state.adding = False
            self.save(meeting)
        for key, meeting in existing.items():
            if key not in wanted:
                self.delete(meeting)

    def write_chairs(self, process: Process) -> None:
        if "chairs" not in self.parsed.parts:
            return
        dated = [chair for chair in self.parsed.chairs if chair.dates is not None]
        existing = {
            (c.start_date, c.country.code or "", c.organisation_id): c for c in process.chairs.all()
        }
        wanted = set()
        for parsed in dated:
            organisation = self.organisation(parsed.organisation) if parsed.organisation else None
            chair = Chair(
                process=process,
                country=parsed.country or "",
                organisation=organisation,
                start_date=parsed.dates.start,
                end_date=parsed.dates.end,
                date_precision=parsed.dates.precision,
            )
            chair.normalise_dates()
            key = (
                chair.start_date,
                parsed.country or "",
                organisation.pk if organisation else None,
            )
            if key in wanted:
                continue
            wanted.add(key)
            old = existing.get(key)
            if old is not None:
                if old.end_date == chair.end_date and old.date_precision == chair.date_precision:
                    continue
                chair.pk = old.pk
                chair._state.adding = False
            self.save(chair)
        # Undated chairs (reported) are not on the page as rows: existing ones stay.
        if dated:
            for key, chair in existing.items():
                if key not in wanted:
                    self.delete(chair)


def _changed(process: Process) -> bool:
    """Whether saving would change the stored profile (an unchanged re-import saves nothing)."""
    stored = Process.objects.filter(pk=process.pk).values().first()
    if stored is None:
        return True
    for model_field in process._meta.concrete_fields:
        if model_field.attname in {"updated_at", "version", "created_at"}:
            continue
        if stored.get(model_field.attname) != getattr(process, model_field.attname):
            return True
    return False


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{name}: {message}" if name != "__all__" else message
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return list(error.messages)


def import_profile(
    parsed: ParsedProfile,
    report: Report,
    *,
    user=None,
    publish: bool = False,
    accept_suggestions: bool = False,
    dry_run: bool = False,
    source_name: str = "",
) -> ImportOutcome:
    """Create or update the profile a parsed page describes, and record its report.

    Refuses (``ImportRefused``, nothing written) when the report has problems that stop the
    import: no name, or names that are not countries unless ``accept_suggestions``. The
    profile is a draft unless ``publish`` (an existing profile keeps its status). ``user`` is
    who imports: a user, or ``rcp.workflow.COMMAND_LINE``; publishing passes the publishing
    gate, which raises ``PermissionDenied`` (nothing written) for anyone else but a Publisher.
    With ``dry_run`` everything is validated and then rolled back."""
    blocking = report.blocking(accept_suggestions=accept_suggestions)
    if blocking:
        problems = [str(finding) for finding in blocking]
        if any(f.kind == kinds.UNKNOWN_NAME for f in blocking):
            problems.append(
                gettext(
                    "Correct the page, or accept the suggestions (--accept-suggestions in the "
                    "command, the checkbox in the admin)."
                )
            )
        raise ImportRefused(problems)
    writer = _Writer(
        parsed,
        report,
        user=user,
        publish=publish,
        accept_suggestions=accept_suggestions,
        source_name=source_name,
    )
    with transaction.atomic(), changeset(Source(SourceKind.LEGACY, source_name)):
        process, created = writer.write()
        record = LegacyImport(
            process=process,
            user=user if getattr(user, "pk", None) else None,
            source_name=source_name[:255],
            source_url=parsed.source_url[:500],
            created_profile=created,
            summary=parsed.summary(),
            report=report.to_json(),
        )
        record.full_clean()
        record.save()
        if dry_run:
            transaction.set_rollback(True)
    if dry_run:
        record = None
    else:
        logger.info(
            "legacy page imported",
            extra={"profile": process.slug, "source": source_name, "new_profile": created},
        )
    return ImportOutcome(
        process=process, created=created, dry_run=dry_run, report=report, legacy_import=record
    )
