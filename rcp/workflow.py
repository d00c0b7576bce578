"""Publishing and reviewing profiles: the decisions of the editorial workflow.

Editors edit; only users holding ``rcp.publish_process`` (the Publishers and Administrators
groups) change whether the public sees a profile. The admin offers these actions only to
them, and these functions refuse anyone else, whatever the request says.
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from rcp.events import log_event
from rcp.models import Process, PublicationStatus

PUBLISH_PERMISSION = "rcp.publish_process"


def can_publish(user) -> bool:
    return bool(user and user.has_perm(PUBLISH_PERMISSION))


def set_status(process: Process, status: str, *, user) -> bool:
    """Publish, unpublish (back to draft) or archive a profile. Returns whether it changed."""
    if not can_publish(user):
        raise PermissionDenied(_("Only Publishers may publish, unpublish or archive profiles."))
    if status not in PublicationStatus.values:
        raise ValueError(status)
    if process.status == status:
        return False
    previous = process.status
    process.status = status
    process._change_reason = _("Status: %(old)s → %(new)s") % {"old": previous, "new": status}
    process.save()
    log_event(
        {PublicationStatus.PUBLISHED: "publish", PublicationStatus.DRAFT: "unpublish"}.get(
            status, "archive"
        ),
        process=process.slug,
        user=user,
        status_from=previous,
        status_to=status,
    )
    return True


def mark_reviewed(process: Process, *, user) -> None:
    """Record that ``user`` checked the whole profile today."""
    process.last_reviewed_on = timezone.localdate()
    process.last_reviewed_by = user
    process._change_reason = _("Reviewed")
    process.save()
