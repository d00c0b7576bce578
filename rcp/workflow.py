"""Publishing and reviewing profiles: the decisions of the editorial workflow.

Editors edit, and hand a draft over to the Publishers by submitting it for review
(:func:`submit_for_review`); a Publisher publishes it (:func:`publish_reviewed`) or sends it back
with a note (:func:`send_back`). Only users holding ``rcp.publish_process`` (the Publishers and
Administrators groups) change whether the public sees a profile: they publish, unpublish and
archive, create a profile that is not a draft, and delete a profile that is not a draft.

:func:`authorise` is the one publishing gate. Every way in calls it before it saves or deletes a
profile, naming who acts: the admin's form, actions and deletions, the CSV/XLSX import (admin and
``manage.py import``), the legacy page import (admin and ``manage.py import_legacy_page``), revert
and recovery, and :func:`set_status` for a shell. The actor is a user, or :data:`COMMAND_LINE` for
the IT team's commands; no actor (``None``) decides nothing. The gate cannot be forgotten:
``Process.save()`` and ``Process.delete()`` refuse, with ``PublishingNotAuthorised``, a decision it
did not approve, and the bulk QuerySet writes refuse to change statuses at all (rcp/models.py).

``loaddata`` (and ``load_bundled_profiles``, which runs it on an empty database) writes a
fixture's rows as they are, without ``save()``, by Django's design: a restore of stored data,
which only someone at the command line can run, and who may publish anyway.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from rcp.events import log_event
from rcp.history_records import Source, SourceKind, changeset
from rcp.models import DELETION, Process, PublicationStatus, ReviewAction, ReviewStep

PUBLISH_PERMISSION = "rcp.publish_process"

EVENTS = {PublicationStatus.PUBLISHED: "publish", PublicationStatus.DRAFT: "unpublish"}


class CommandLine:
    """The IT team running a ``manage.py`` command on a server. It may publish (whoever runs
    commands there can change the database anyway) and is named so in the logs; a profile's
    history records no user for it."""

    def __str__(self):
        return "command line"

    def __repr__(self):
        return "COMMAND_LINE"


COMMAND_LINE = CommandLine()


def can_publish(actor) -> bool:
    """Whether ``actor`` (a user, :data:`COMMAND_LINE` or ``None``) may publish, unpublish and
    archive profiles, and delete those that are not drafts."""
    if actor is COMMAND_LINE:
        return True
    return actor is not None and actor.has_perm(PUBLISH_PERMISSION)


def history_user(actor):
    """The user a profile's history records for ``actor``: none for the command line."""
    return actor if getattr(actor, "pk", None) is not None else None


def refusal(decision: str) -> str:
    if decision == DELETION:
        return _(
            "Only Publishers may delete a profile that is published or archived: unpublish it "
            "first, or ask a Publisher."
        )
    return _("Only Publishers may publish, unpublish or archive profiles.")


def allows(process: Process, *, actor, delete: bool = False) -> bool:
    """Whether :func:`authorise` would let ``actor`` save (or delete) ``process`` as it is now;
    for the admin, to offer only what it would accept."""
    decision = process.publication_decision(delete=delete)
    return decision is None or can_publish(actor)


def authorise(process: Process, *, actor, delete: bool = False) -> None:
    """THE publishing gate: call it right before saving (or, with ``delete``, deleting)
    ``process``, once its fields are set.

    When the write would change what the public sees (a new status, a new profile that is not a
    draft, a profile that is not a draft deleted), ``actor`` must be allowed to decide it, or
    ``PermissionDenied`` is raised with a message for the editor and nothing is approved.
    Otherwise the next save (or deletion) of this instance may carry the write out. Who may edit
    at all is the caller's business (the admin's permissions); this decides who may publish.
    """
    decision = process.publication_decision(delete=delete)
    if decision is not None and decision != DELETION and decision not in PublicationStatus.values:
        raise ValueError(f"Unknown publication status {decision!r}")
    if decision is not None and not can_publish(actor):
        raise PermissionDenied(refusal(decision))
    process.record_publication_approval(decision)


def set_status(process: Process, status: str, *, actor) -> bool:
    """Publish, unpublish (back to draft) or archive a profile. Returns whether it changed."""
    if status not in PublicationStatus.values:
        raise ValueError(status)
    previous = process.status
    if previous == status:
        return False
    process.status = status
    try:
        authorise(process, actor=actor)
    except PermissionDenied:
        process.status = previous
        raise
    process._change_reason = _("Status: %(old)s → %(new)s") % {"old": previous, "new": status}
    process.save()
    log_event(
        EVENTS.get(status, "archive"),
        process=process.slug,
        user=actor,
        status_from=previous,
        status_to=status,
    )
    return True


def delete_profile(process: Process, *, actor) -> None:
    """Delete a profile with its parts (recoverable from its history), if ``actor`` may."""
    authorise(process, actor=actor, delete=True)
    process.delete()


def mark_reviewed(process: Process, *, user) -> None:
    """Record that ``user`` checked the whole profile today."""
    process.last_reviewed_on = timezone.localdate()
    process.last_reviewed_by = user
    process._change_reason = _("Reviewed")
    authorise(process, actor=user)
    process.save()


# The review queue ---------------------------------------------------------------------------------

#: The longest review note, in characters (a few paragraphs).
MAX_NOTE_LENGTH = 2000


class ReviewStepRefused(ValueError):
    """A review step that does not apply to the profile as it is now (e.g. a profile sent back
    that is not waiting for review): the message says why, for the editor."""


def latest_review_step(process: Process) -> ReviewStep | None:
    return process.review_steps.select_related("user").first()


def _review_step(
    process: Process, *, action: str, expected: str, to: str, actor, note: str
) -> ReviewStep:
    """Move ``process`` from ``expected`` to ``status`` as one version of its history, sourced
    "review" and with a :class:`ReviewStep` holding the note and who."""
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise ReviewStepRefused(
            _("The note is %(length)d characters long; keep it under %(limit)d.")
            % {"length": len(note), "limit": MAX_NOTE_LENGTH}
        )
    with transaction.atomic(), changeset(Source(SourceKind.REVIEW, action)) as changeset_id:
        # The profile as stored now, locked: two Publishers pressing at once decide once, and
        # a save that landed while this waited for the lock is kept, not written over.
        stored = (
            Process.objects.select_for_update().values_list("status", flat=True).get(pk=process.pk)
        )
        process.refresh_from_db()
        if stored != expected:
            raise ReviewStepRefused(
                _("This profile is no longer %(expected)s (it is %(status)s): nothing was done.")
                % {
                    "expected": PublicationStatus(expected).label.lower(),
                    "status": PublicationStatus(stored).label.lower(),
                }
            )
        if history_user(actor) is not None:
            process._history_user = actor
        if to == PublicationStatus.PUBLISHED:
            set_status(process, to, actor=actor)
        else:
            previous = process.status
            process.status = to
            try:
                authorise(process, actor=actor)  # draft <-> review: nothing to decide
            except PermissionDenied:
                process.status = previous
                raise
            process._change_reason = str(ReviewAction(action).label)
            process.save()
        step = ReviewStep.objects.create(
            process=process,
            action=action,
            note=note,
            user=history_user(actor),
            changeset=changeset_id,
        )
    log_event(f"review_{action}", process=process.slug, user=actor, note_length=len(note))
    return step


def submit_for_review(process: Process, *, actor, note: str = "") -> ReviewStep:
    """Hand a draft over to the Publishers (draft → waiting for review), with a note for them.
    Anyone who may edit the profile may submit it."""
    return _review_step(
        process,
        action=ReviewAction.SUBMITTED,
        expected=PublicationStatus.DRAFT,
        to=PublicationStatus.REVIEW,
        actor=actor,
        note=note,
    )


def send_back(process: Process, *, actor, note: str) -> ReviewStep:
    """Return a profile waiting for review to its draft, with a note saying what to change.
    Publishers only; the note is required (the Editor needs to know why)."""
    if not can_publish(actor):
        raise PermissionDenied(_("Only Publishers may send a profile back."))
    if not (note or "").strip():
        raise ReviewStepRefused(_("Say in the note what should change before it is published."))
    return _review_step(
        process,
        action=ReviewAction.SENT_BACK,
        expected=PublicationStatus.REVIEW,
        to=PublicationStatus.DRAFT,
        actor=actor,
        note=note,
    )


def publish_reviewed(process: Process, *, actor, note: str = "") -> ReviewStep:
    """Publish a profile waiting for review (through :func:`set_status`: Publishers only)."""
    if not can_publish(actor):
        raise PermissionDenied(refusal(PublicationStatus.PUBLISHED))
    return _review_step(
        process,
        action=ReviewAction.PUBLISHED,
        expected=PublicationStatus.REVIEW,
        to=PublicationStatus.PUBLISHED,
        actor=actor,
        note=note,
    )


def waiting_for_review():
    """The profiles waiting for a Publisher's review."""
    return Process.objects.waiting_for_review()


def submitted_by(user):
    """The profiles waiting for review whose latest review step is ``user``'s submission."""
    latest = ReviewStep.objects.filter(process=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        waiting_for_review()
        .annotate(
            submitter=Subquery(latest.values("user")[:1]),
            last_action=Subquery(latest.values("action")[:1]),
        )
        .filter(submitter=user.pk, last_action=ReviewAction.SUBMITTED)
    )
