"""What importing a legacy page would change, worked out before anything is written.

:func:`plan_profile_import` compares what the parser read with the stored profile (or finds
there is none) and returns a :class:`ProfileImportPlan`: the profile's fields that change
(old → new), and for each part (countries, organisations, focus areas, meetings, chairs) the
rows to add, to change (field by field) and those the page does not list. The admin's preview
shows it; the import (:func:`rcp.legacy.service.import_profile`) makes it again, in its
transaction, and writes exactly it, so what the editor confirmed is what is written.

The rules of an update are here, once:

- a field the page does not give (no year established, no website) keeps the stored value;
- a part the page does not have (a section missing, or lost where a saved page is cut off) is
  kept as it is, and a part it has is made to match the page, row by row;
- rows of a part the page has but that the page does not list are removed, except from a
  published profile, where the editor must ask for it (``remove_unlisted``): otherwise they
  stay.

A page in French or Spanish (``parsed.language``) is a translation: it fills that language's
texts of the profile it matches and nothing else (:mod:`rcp.legacy.translations`), and is
refused when it matches none (English is the source). English pages write the English columns
(``name_en``, ``group_en``) by name, whatever the language the admin is in.

Everything is read in a fixed number of queries, whatever the page's length, and nothing is
written: a record the page names that is not on file (an organisation, a focus area, a region)
is planned (:mod:`rcp.legacy.references`); each part is planned in :mod:`rcp.legacy.part_plans`,
as the changes of :mod:`rcp.legacy.changes`.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext, gettext_lazy
from django_countries.fields import Country

from rcp.legacy import part_plans, translations
from rcp.legacy import report as kinds
from rcp.legacy.changes import FieldChange, PartPlan, field_label
from rcp.legacy.profile import ParsedProfile
from rcp.legacy.references import References, record_key
from rcp.legacy.report import Finding, Report
from rcp.models import Activity, Process, ProcessKind, PublicationStatus, join_with_and
from rcp.multilingual import SOURCE_LANGUAGE, column, text_in, translated_fields


class ImportRefused(Exception):
    """The page cannot be imported as it is; ``problems`` say why, nothing was written."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def find_existing(parsed: ParsedProfile) -> Process | None:
    """The profile a page is about: same name (in any language), slug or acronym (either way
    round); for a translated page, else the same year and the distinctive words of its name
    (:func:`rcp.legacy.translations.by_distinctive_words`)."""
    name = parsed.name.strip()
    acronym = parsed.acronym.strip()
    in_any = translations.name_in_any_language
    by_name = in_any("name", name) | Q(slug=slugify(name)[:100])
    if acronym:
        by_name |= in_any("name", acronym)
    matches = list(Process.objects.filter(by_name))
    if not matches and acronym:
        matches = list(Process.objects.filter(in_any("acronym", acronym)))
    if not matches and name:
        matches = list(Process.objects.filter(in_any("acronym", name)))
    if not matches and parsed.language != SOURCE_LANGUAGE:
        matches = translations.by_distinctive_words(parsed, Process.objects.all())
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


@dataclass
class ProfileImportPlan:
    #: The stored profile the page updates, or ``None``: the import creates one.
    process: Process | None
    #: The profile's name after the import.
    name: str
    #: Fields of the profile the import writes (only those that change).
    field_values: dict
    #: Regions and associated organisations, when they change.
    related_values: dict
    field_changes: list[FieldChange]
    #: Fields the page does not give that the profile has: kept, as (label, value).
    kept_fields: list[tuple[str, str]]
    parts: list[PartPlan]
    references: References
    #: What the import adds to the page's report (duplicates merged, a name kept).
    findings: list[Finding]
    #: The names not countries whose suggestion the import uses.
    accepted: list[str]
    #: The language the page is written in: another than English fills that language's texts
    #: of the profile (:mod:`rcp.legacy.translations`).
    language: str = SOURCE_LANGUAGE
    #: For a translated page, what it has that the profile does not: reported, not written.
    differences: list[str] = dataclass_field(default_factory=list)

    @property
    def created(self) -> bool:
        return self.process is None

    @property
    def is_translation(self) -> bool:
        return self.language != SOURCE_LANGUAGE

    def translation_summary(self) -> str:
        """What a translated page does, for the preview."""
        return TRANSLATION_SUMMARIES[self.language] % {"name": self.name}

    @property
    def removals_need_consent(self) -> bool:
        """Rows the page does not list leave a published profile only when the editor asks:
        readers see them, and a saved page often lacks rows only because it is old or cut."""
        return self.process is not None and self.process.status == PublicationStatus.PUBLISHED

    @property
    def unlisted_count(self) -> int:
        return sum(len(part.unlisted) for part in self.parts)

    def unlisted_summary(self) -> str:
        """ "2 countries and 1 organisation": what is on the profile and not on the page."""
        return join_with_and([part.count_of_unlisted() for part in self.parts if part.unlisted])

    def removes_unlisted(self, remove_unlisted: bool) -> bool:
        return remove_unlisted or not self.removals_need_consent

    @property
    def parts_on_page(self) -> list[PartPlan]:
        return [part for part in self.parts if part.on_page]

    @property
    def parts_kept(self) -> list[PartPlan]:
        return [part for part in self.parts if not part.on_page]

    @property
    def shared_additions(self) -> list[tuple[str, str]]:
        """The records the import adds to the shared lists, as (kind, name)."""
        return [
            (capfirst(record._meta.verbose_name), str(record)) for record in self.references.new
        ]

    @property
    def changes_nothing(self) -> bool:
        return not (
            self.field_changes
            or self.references.to_save
            or any(part.has_rows for part in self.parts)
        )

    def stamp(self) -> dict:
        """What the plan is about and what it does, in plain data: the preview keeps it, and
        the confirmation imports only if its own plan has the same (the profile, and the
        records the page names, did not change in between). The status is left out: publishing
        is the editor's choice at the confirmation."""
        writes = {
            "fields": sorted(
                (name, _plain(value))
                for name, value in self.field_values.items()
                if name != "status"
            ),
            "related": {
                name: [record_key(record) for record in records]
                for name, records in sorted(self.related_values.items())
            },
            "shared": [
                (record_key(record), _record_values(record)) for record in self.references.to_save
            ],
            "parts": [
                (
                    part.kind,
                    [
                        (action, row.key, sorted((k, _plain(v)) for k, v in row.values.items()))
                        for action, rows in (
                            ("add", part.added),
                            ("change", part.changed),
                            ("unlisted", part.unlisted),
                        )
                        for row in rows
                    ],
                )
                for part in self.parts
            ],
        }
        digest = hashlib.sha256(json.dumps(writes, default=str).encode("utf-8")).hexdigest()
        return {
            "profile": self.process.pk if self.process else None,
            "version": self.process.version if self.process else None,
            "plan": digest,
        }

    def record(self, report: Report) -> None:
        """Add what the import found to the page's report, which is kept with the profile."""
        for finding in self.findings:
            report.add(finding.kind, finding.message, section=finding.section, quote=finding.quote)
        for finding in report.of_kind(kinds.UNKNOWN_NAME):
            if finding.quote in self.accepted:
                finding.accepted = True

    def report_with_findings(self, report: Report) -> Report:
        """The page's report with what the import would add, for the preview."""
        shown = Report.from_json(report.to_json())
        for finding in self.findings:
            shown.add(finding.kind, finding.message, section=finding.section, quote=finding.quote)
        return shown


def _plain(value):
    if isinstance(value, models.Model):
        return record_key(value)
    if isinstance(value, Country):
        return value.code or ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _record_values(record) -> list:
    values = []
    for model_field in record._meta.concrete_fields:
        if model_field.primary_key:
            continue
        if model_field.is_relation and model_field.is_cached(record):
            value = getattr(record, model_field.name)
        else:
            value = getattr(record, model_field.attname)
        values.append((model_field.name, _plain(value)))
    return values


# Planning ----------------------------------------------------------------------------------

#: The profile's fields a page gives; one the page leaves empty keeps the stored value.
PAGE_FIELDS = ("acronym", "kind", "activity", "established", "website", "objectives", "secretariat")


TRANSLATION_SUMMARIES = {
    "fr": gettext_lazy(
        "This French page matches the profile “%(name)s”: it fills its French texts."
    ),
    "es": gettext_lazy(
        "This Spanish page matches the profile “%(name)s”: it fills its Spanish texts."
    ),
}
NO_PROFILE_TO_TRANSLATE = {
    "fr": gettext_lazy(
        "This French page matches no profile. English is the source of every profile: import "
        "the English page first, then this one to fill its French texts."
    ),
    "es": gettext_lazy(
        "This Spanish page matches no profile. English is the source of every profile: import "
        "the English page first, then this one to fill its Spanish texts."
    ),
}


def plan_profile_import(
    parsed: ParsedProfile,
    *,
    accept_suggestions: bool = False,
    publish: bool = False,
    lock: bool = False,
) -> ProfileImportPlan:
    """What importing ``parsed`` would change (see the module docstring). ``lock`` (inside a
    transaction) keeps the stored profile's row locked until the transaction ends, so that
    nobody changes it between the plan and its writing. Raises ``ImportRefused`` when the page
    matches several profiles, or names more associated organisations than a profile has."""
    stored = find_existing(parsed) if parsed.name else None
    if stored is None and parsed.language != SOURCE_LANGUAGE:
        raise ImportRefused([str(NO_PROFILE_TO_TRANSLATE[parsed.language])])
    if stored is not None:
        if lock:
            list(Process.objects.select_for_update().filter(pk=stored.pk).values_list("pk"))
        stored = Process.objects.for_profile_page().filter(pk=stored.pk).first()
    if parsed.language != SOURCE_LANGUAGE:
        return _plan_translation(parsed, stored, accept_suggestions=accept_suggestions)
    references = References(
        organisations=_organisations_named(parsed),
        focus_areas=parsed.focus_areas if "focus" in parsed.parts else [],
        regions=parsed.regions,
    )
    findings: list[Finding] = []
    accepted: list[str] = []
    field_values, related_values, changes, kept = _plan_fields(
        parsed, stored, references, publish=publish, findings=findings
    )
    parts = [
        part_plans.plan_countries(
            parsed, stored, accept_suggestions=accept_suggestions, findings=findings,
            accepted=accepted,
        ),
        part_plans.plan_organisations(parsed, stored, references),
        part_plans.plan_focus_areas(parsed, stored, references),
        part_plans.plan_meetings(parsed, stored),
        part_plans.plan_chairs(parsed, stored, references),
    ]  # fmt: skip
    return ProfileImportPlan(
        process=stored,
        name=field_values.get(
            _column("name"), text_in(stored, "name", SOURCE_LANGUAGE) if stored else parsed.name
        ),
        field_values=field_values,
        related_values=related_values,
        field_changes=changes,
        kept_fields=kept,
        parts=parts,
        references=references,
        findings=findings,
        accepted=accepted,
    )


def _plan_translation(parsed, stored, *, accept_suggestions) -> ProfileImportPlan:
    """The plan of a page in another language than English: it fills that language's texts
    of ``stored``, and creates, removes or changes nothing else."""
    translation = translations.plan_translation(
        parsed, stored, accept_suggestions=accept_suggestions
    )
    return ProfileImportPlan(
        process=stored,
        name=text_in(stored, "name", SOURCE_LANGUAGE),
        field_values=translation.field_values,
        related_values={},
        field_changes=translation.field_changes,
        kept_fields=[],
        parts=translation.parts,
        references=References(),
        findings=[],
        accepted=[],
        language=parsed.language,
        differences=translation.differences,
    )


def _organisations_named(parsed: ParsedProfile) -> list:
    """The organisations the import would use (the others are not looked up)."""
    roles = part_plans.organisation_roles(parsed)
    named = [o for o in parsed.organisations if o.role in roles]
    named += parsed.associated_organisations
    if parsed.secretariat_organisation is not None:
        named.append(parsed.secretariat_organisation)
    if "chairs" in parsed.parts:
        named += [c.organisation for c in parsed.chairs if c.dates and c.organisation]
    return named


def _display(name: str, value) -> str:
    """A value of the profile as people read it."""
    if value is None or value == "":
        return ""
    if isinstance(value, list):
        return "; ".join(str(record) for record in value)
    if name == "kind":
        return str(ProcessKind(value).label)
    if name == "activity":
        return str(Activity(value).label)
    if name == "status":
        return str(PublicationStatus(value).label)
    if name == "has_official_secretariat":
        return capfirst(gettext("yes") if value else gettext("no"))
    return str(value)


def _column(name: str) -> str:
    """The column an English page writes: ``name_en`` for a translated field (``name`` would
    write the active language's, and the admin may be in French)."""
    return column(name, SOURCE_LANGUAGE) if name in translated_fields(Process) else name


def _plan_fields(parsed, stored, references, *, publish, findings):
    """The profile's fields (and regions and associated organisations) that change, and those
    the page does not give that stay."""
    current = stored or Process()
    wanted: dict = {}
    kept: list[tuple[str, str]] = []
    if stored is not None:
        stored_name = text_in(stored, "name", SOURCE_LANGUAGE)
        if parsed.name_source == "option" and parsed.name != stored_name:
            wanted["name"] = parsed.name
        elif parsed.name and parsed.name.casefold() != stored_name.casefold():
            findings.append(
                Finding(
                    kind=kinds.NAME,
                    message=gettext(
                        "The page calls the process “%(page_name)s”; the profile it updates "
                        "keeps its name, “%(name)s” (give the new name with the page to rename "
                        "it)"
                    )
                    % {"page_name": parsed.name, "name": stored_name},
                )
            )
    for name in PAGE_FIELDS:
        value = getattr(parsed, name)
        if value not in ("", None):
            wanted[name] = value
        elif stored is not None and getattr(stored, _column(name)) not in ("", None):
            kept.append(
                (field_label(Process, name), _display(name, getattr(stored, _column(name))))
            )
    if parsed.has_official_secretariat is not None:
        wanted["has_official_secretariat"] = parsed.has_official_secretariat
        if not parsed.has_official_secretariat:
            wanted["secretariat_organisation"] = None
    if parsed.secretariat_organisation is not None:
        wanted["secretariat_organisation"] = references.organisation(
            parsed.secretariat_organisation
        )
    if publish:
        wanted["status"] = PublicationStatus.PUBLISHED

    field_values, changes = {}, []
    for name, value in wanted.items():
        old = getattr(current, _column(name))
        if name == "secretariat_organisation":
            if record_key(old) == record_key(value):
                continue
        elif old == value:
            continue
        field_values[_column(name)] = value
        changes.append(
            FieldChange(field_label(Process, name), _display(name, old), _display(name, value))
        )

    related_values = {}
    related = {
        "regions": [references.region(name) for name in parsed.regions],
        "associated_organisations": [
            references.organisation(o) for o in parsed.associated_organisations
        ],
    }
    try:
        Process.validate_associated_organisations(related["associated_organisations"])
    except ValidationError as error:
        raise ImportRefused(list(error.messages)) from error
    for name, records in related.items():
        old = list(getattr(stored, name).all()) if stored is not None else []
        if not records:
            if old:
                kept.append((field_label(Process, name), _display(name, old)))
            continue
        if set(map(record_key, old)) == set(map(record_key, records)):
            continue
        related_values[name] = records
        changes.append(
            FieldChange(field_label(Process, name), _display(name, old), _display(name, records))
        )
    return field_values, related_values, changes, kept
