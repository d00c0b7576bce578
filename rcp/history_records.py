"""Grouping history records into changesets: everything one request, one import or one
revert changed is shown, and can be reverted to, as one version of a profile."""

import contextlib
import contextvars
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

_current_changeset: contextvars.ContextVar[uuid.UUID | None] = contextvars.ContextVar(
    "rcp_changeset", default=None
)


class ChangesetRecord(models.Model):
    """Base of every history table: the changeset the record belongs to."""

    changeset = models.UUIDField(_("changeset"), null=True, blank=True, db_index=True)

    class Meta:
        abstract = True


@contextlib.contextmanager
def changeset():
    """Group every history record written inside the block; nested blocks join the outer one."""
    if _current_changeset.get() is not None:
        yield _current_changeset.get()
        return
    token = _current_changeset.set(uuid.uuid4())
    try:
        yield _current_changeset.get()
    finally:
        _current_changeset.reset(token)


def stamp_changeset(sender, history_instance, **kwargs):
    """``pre_create_historical_record`` receiver: a record outside any changeset block gets a
    changeset of its own."""
    history_instance.changeset = _current_changeset.get() or uuid.uuid4()


class ChangesetMiddleware:
    """Every request is one changeset (an admin save with all its inlines, an import)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in {"GET", "HEAD", "OPTIONS"}:
            return self.get_response(request)
        with changeset():
            return self.get_response(request)
