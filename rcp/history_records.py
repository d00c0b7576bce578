"""Grouping history records into changesets: everything one request, one import or one
revert changed is shown, and can be reverted to, as one version of a profile; and where each
changeset came from (the admin, an import of which file, a revert to which date, the command
line), stamped on every record it wrote."""

import contextlib
import contextvars
import uuid
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    """Where a changeset came from."""

    ADMIN = "admin", _("edited in the admin")
    SPREADSHEET = "spreadsheet", _("CSV or Excel import")
    LEGACY = "legacy", _("legacy page import")
    REVERT = "revert", _("revert")
    RECOVER = "recover", _("recovery after deletion")
    REVIEW = "review", _("review")
    COMMAND = "command", _("command line")


@dataclass(frozen=True)
class Source:
    """Where a changeset came from: a kind, and what names it (a file, a page, a date, a
    command), as stored on each history record."""

    kind: str
    label: str = ""


_current_changeset: contextvars.ContextVar[uuid.UUID | None] = contextvars.ContextVar(
    "rcp_changeset", default=None
)
_current_source: contextvars.ContextVar[Source | None] = contextvars.ContextVar(
    "rcp_changeset_source", default=None
)


class ChangesetRecord(models.Model):
    """Base of every history table: the changeset the record belongs to, and its source."""

    changeset = models.UUIDField(_("changeset"), null=True, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=20, choices=SourceKind.choices, blank=True)
    source_label = models.CharField(_("source details"), max_length=255, blank=True)

    class Meta:
        abstract = True


def _more_specific(outer: Source | None, inner: Source | None) -> Source | None:
    """The source of a block inside another: the admin request is the vaguest source, which
    what runs inside it names better (an import, a revert, a review step); any other outer
    source stands (a command running an import stays the command)."""
    if inner is None:
        return outer
    if outer is None or outer.kind == SourceKind.ADMIN:
        return inner
    return outer


@contextlib.contextmanager
def changeset(source: Source | None = None):
    """Group every history record written inside the block; nested blocks join the outer one.

    ``source`` says where the changes come from; a nested block's source replaces the outer
    one only where the outer is the admin request's (see :func:`_more_specific`)."""
    source_token = _current_source.set(_more_specific(_current_source.get(), source))
    try:
        if _current_changeset.get() is not None:
            yield _current_changeset.get()
            return
        token = _current_changeset.set(uuid.uuid4())
        try:
            yield _current_changeset.get()
        finally:
            _current_changeset.reset(token)
    finally:
        _current_source.reset(source_token)


def changeset_fields() -> dict:
    """The changeset and source fields of a history record written now: a record outside any
    changeset block gets a changeset of its own (and no source)."""
    fields = {"changeset": _current_changeset.get() or uuid.uuid4()}
    source = _current_source.get()
    if source is not None:
        fields.update(source=source.kind, source_label=source.label[:255])
    return fields


def stamp_changeset(sender, history_instance, **kwargs):
    """``pre_create_historical_record`` receiver (bulk writes pass :func:`changeset_fields`
    to simple-history's bulk helpers themselves: they send no signal)."""
    for name, value in changeset_fields().items():
        setattr(history_instance, name, value)


class ChangesetMiddleware:
    """Every request is one changeset (an admin save with all its inlines, an import), from
    the admin; what runs inside it (an import, a revert) may say more."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in {"GET", "HEAD", "OPTIONS"}:
            return self.get_response(request)
        with changeset(Source(SourceKind.ADMIN)):
            return self.get_response(request)
