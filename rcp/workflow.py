"""Publishing and reviewing profiles: the decisions of the editorial workflow.

Editors edit; only users holding ``rcp.publish_process`` (the Publishers and Administrators
groups) change whether the public sees a profile: they publish, unpublish and archive, create a
profile that is not a draft, and delete a profile that is not a draft.

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
from django.utils import timezone
from django.utils.translation import gettext as _

from rcp.events import log_event
from rcp.models import DELETION, Process, PublicationStatus

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
