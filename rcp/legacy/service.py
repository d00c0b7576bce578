"""Writing a parsed legacy page into the database: one profile, created or updated.

The import writes its plan (:mod:`rcp.legacy.plan`, which holds the rules of an update: what
the page lacks is kept, and rows the page does not list leave a published profile only when
the editor asks), made again in the import's transaction with the profile locked. Everything
goes through the models and ``full_clean()``, in one transaction and one changeset (one version
in the profile's history): if any record is invalid, nothing is written. A page updates the
profile of the same name or acronym instead of creating a second one, and re-importing an
unchanged page changes nothing. A French or Spanish page fills the translations of the profile
it matches (:mod:`rcp.legacy.translations`).
"""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy

from rcp.history_records import Source, SourceKind, changeset
from rcp.legacy import report as kinds
from rcp.legacy.plan import ImportRefused, ProfileImportPlan, plan_profile_import
from rcp.legacy.profile import ParsedProfile
from rcp.legacy.report import Report
from rcp.models import LegacyImport, Process, PublicationStatus
from rcp.rows import set_links, write_rows
from rcp.workflow import authorise, history_user

logger = logging.getLogger("rcp.legacy")

#: What importing a translated page did (``ImportOutcome.describe``).
FILLED = {
    "fr": gettext_lazy("Filled the French texts of the profile “%(name)s” (%(status)s)."),
    "es": gettext_lazy("Filled the Spanish texts of the profile “%(name)s” (%(status)s)."),
}
FILLED_DRY_RUN = {
    "fr": gettext_lazy("Would fill the French texts of the profile “%(name)s” (%(status)s)."),
    "es": gettext_lazy("Would fill the Spanish texts of the profile “%(name)s” (%(status)s)."),
}


class ProfileChanged(ImportRefused):
    """The stored profile, or a record the page names, changed after the preview the editor
    confirmed: the import would not write what the preview showed, so it writes nothing."""


@dataclass
class ImportOutcome:
    process: Process
    created: bool
    dry_run: bool
    report: Report
    plan: ProfileImportPlan
    legacy_import: LegacyImport | None = None
    #: Whether rows the page does not list stayed on the (published) profile.
    kept_unlisted: bool = False

    def describe(self) -> str:
        values = {
            "name": self.process.name,
            "status": PublicationStatus(self.process.status).label,
        }
        if self.plan.is_translation:
            texts = FILLED_DRY_RUN if self.dry_run else FILLED
            text = str(texts[self.plan.language]) % values
        elif self.dry_run and self.created:
            text = gettext("Would create the profile “%(name)s” (%(status)s).") % values
        elif self.dry_run:
            text = gettext("Would update the profile “%(name)s” (%(status)s).") % values
        elif self.created:
            text = gettext("Created the profile “%(name)s” (%(status)s).") % values
        elif self.plan.changes_nothing:
            text = gettext("The page matches the profile “%(name)s”: nothing changed.") % values
        else:
            text = gettext("Updated the profile “%(name)s” (%(status)s).") % values
        if self.kept_unlisted:
            text += " " + gettext("The %(rows)s the page does not list stay on the profile.") % {
                "rows": self.plan.unlisted_summary()
            }
        return text


def unique_slug(name: str, *, exclude_pk=None) -> str:
    base = slugify(name)[:90].strip("-") or "process"
    slug, suffix = base, 2
    while Process.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


class _Writer:
    """Writes a plan through the models, as ``user``, with the reason the history shows."""

    def __init__(self, plan: ProfileImportPlan, *, user, source_name: str, remove_unlisted):
        self.plan = plan
        self.user = user
        self.remove_unlisted = remove_unlisted
        self.reason = (
            gettext("Imported from the legacy page %(page)s") % {"page": source_name}
        ).strip()

    def save(self, instance) -> None:
        # A planned record refers to others planned with it, saved since: take their keys.
        for model_field in instance._meta.concrete_fields:
            if model_field.is_relation and model_field.is_cached(instance):
                setattr(instance, model_field.name, getattr(instance, model_field.name))
        try:
            instance.full_clean()
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

    def write_row(self, planned, process: Process) -> None:
        if hasattr(planned.instance, "process_id"):  # not a shared record a page translates
            planned.instance.process = process
        for name, value in planned.values.items():
            setattr(planned.instance, name, value)
        self.save(planned.instance)

    def write(self) -> Process:
        plan = self.plan
        # The shared records first (a successor before its predecessor): the rest refer to them.
        for record in plan.references.to_save:
            self.save(record)
        process = plan.process
        if process is None:
            # The English name, whatever the active language (``name`` would write its column).
            process = Process(name_en=plan.name, slug=unique_slug(plan.name))
        for name, value in plan.field_values.items():
            setattr(process, name, value)
        authorise(process, actor=self.user)  # PermissionDenied: publishing needs a Publisher
        if plan.created or plan.field_values:
            self.save(process)
        set_links(process, plan.related_values)
        for part in plan.parts:
            # The plan paired the rows (``pair_rows``) and lists only those that differ.
            write_rows(
                remove=part.unlisted if self.remove_unlisted else [],
                write=[*part.changed, *part.added],
                delete=lambda planned: self.delete(planned.instance),
                save=lambda planned: self.write_row(planned, process),
            )
        # The parts read for the plan are no longer the profile's: whoever reads them next
        # reads them again.
        process.__dict__.pop("_prefetched_objects_cache", None)
        return process


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{name}: {message}" if name != "__all__" else message
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return list(error.messages)


def profile_changed_message(parsed: ParsedProfile) -> str:
    return gettext(
        "The profile “%(name)s” changed after your preview, so nothing was imported. The "
        "preview below shows what the import would change now: check it, then import again."
    ) % {"name": parsed.name}


def import_profile(
    parsed: ParsedProfile,
    report: Report,
    *,
    user=None,
    publish: bool = False,
    accept_suggestions: bool = False,
    remove_unlisted: bool = False,
    dry_run: bool = False,
    source_name: str = "",
    expected: dict | None = None,
) -> ImportOutcome:
    """Create or update the profile a parsed page describes, and record its report.

    Refuses (``ImportRefused``, nothing written) when the report has problems that stop the
    import: no name, or names that are not countries unless ``accept_suggestions``. The
    profile is a draft unless ``publish`` (an existing profile keeps its status). ``user`` is
    who imports: a user, or ``rcp.workflow.COMMAND_LINE``; publishing passes the publishing
    gate, which raises ``PermissionDenied`` (nothing written) for anyone else but a Publisher.
    Rows the page does not list are removed from a draft, and from a published profile only
    with ``remove_unlisted``. ``expected`` is the stamp of the plan a preview showed
    (:meth:`ProfileImportPlan.stamp`): if the plan made now differs, ``ProfileChanged`` (nothing
    written). With ``dry_run`` everything is validated and then rolled back."""
    blocking = report.blocking(accept_suggestions=accept_suggestions)
    if blocking:
        problems = [str(finding) for finding in blocking]
        if any(f.kind == kinds.UNKNOWN_NAME for f in blocking):
            problems.append(
                gettext(
                    "Correct the page, or accept the suggestions for the names that are not "
                    "countries."
                )
            )
        raise ImportRefused(problems)
    with transaction.atomic(), changeset(Source(SourceKind.LEGACY, source_name)):
        plan = plan_profile_import(
            parsed, accept_suggestions=accept_suggestions, publish=publish, lock=True
        )
        if expected is not None and plan.stamp() != expected:
            raise ProfileChanged([profile_changed_message(parsed)])
        removes = plan.removes_unlisted(remove_unlisted)
        process = _Writer(plan, user=user, source_name=source_name, remove_unlisted=removes).write()
        plan.record(report)
        record = LegacyImport(
            process=process,
            user=user if getattr(user, "pk", None) else None,
            source_name=source_name[:255],
            source_url=parsed.source_url[:500],
            created_profile=plan.created,
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
            extra={"profile": process.slug, "source": source_name, "new_profile": plan.created},
        )
    return ImportOutcome(
        process=process,
        created=plan.created,
        dry_run=dry_run,
        report=report,
        plan=plan,
        legacy_import=record,
        kept_unlisted=bool(plan.unlisted_count) and not removes,
    )
