"""Structured logs: one JSON object per line, so a log system can search and count events.

Editorial events (an import, a publication, a revert) go through :func:`log_event`::

    from rcp.events import log_event

    log_event("import", resource="ParticipationResource", new=3, updated=1, user="editor")
    log_event("publish", process="tripoli-process", user="editor", status_from="draft")

which writes, through the ``rcp.events`` logger::

    {"time": "2025-01-31T10:00:00.123Z", "level": "INFO", "logger": "rcp.events",
     "event": "publish", "process": "tripoli-process", "user": "editor", "status_from": "draft"}

(on one line). Every other log record (Django's, gunicorn's through Django, warnings) is
written by :class:`JsonFormatter` as ``{"time", "level", "logger", "message"}`` plus
``"exception"`` with the traceback when there is one. ``LOG_FORMAT=text`` in the environment
gives plain lines instead (see tripoli/settings.py).
"""

import json
import logging
from datetime import UTC, datetime

logger = logging.getLogger("rcp.events")

#: Attributes of a LogRecord that are not worth repeating in a JSON line.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def log_event(event: str, *, level: int = logging.INFO, **fields) -> None:
    """Log one event with its fields, e.g. ``log_event("revert", process="bali", version=7)``.

    ``event`` is a short name ("import", "publish", "unpublish", "revert"); ``fields`` are
    JSON-able values (anything else is written with ``str()``: a user gives its username, a
    date its ISO form). ``level`` is a ``logging`` level (``logging.WARNING`` for an import
    that was refused, say). Never raises because of a field's value.
    """
    logger.log(level, event, extra={"event": event, "event_fields": fields})


def _jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "get_username"):
        return value.get_username() or None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class JsonFormatter(logging.Formatter):
    """Formats every record as one line of JSON (see the module docstring)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        event = getattr(record, "event", None)
        if event is not None:
            line["event"] = event
            for name, value in (getattr(record, "event_fields", None) or {}).items():
                line.setdefault(name, value)
        else:
            line["message"] = record.getMessage()
            # Context other code passes with ``extra=`` (Django passes status_code, request...).
            for name, value in vars(record).items():
                if name not in _RECORD_ATTRIBUTES and name not in line and name != "request":
                    line[name] = value
            request = getattr(record, "request", None)
            if request is not None and hasattr(request, "method"):
                line["method"] = request.method
                line["path"] = getattr(request, "path", "")
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=_jsonable, ensure_ascii=False)


def log_import(resource, result, *, seconds: float, rows: int, **import_kwargs) -> None:
    """Log one ``import_data()`` call of a resource (rcp/resources.py), from the admin (preview
    and confirmation) or the ``import`` command: ``event="import"`` with ``outcome`` one of
    ``imported``, ``previewed`` (a dry run), ``rejected`` (errors: nothing written) or
    ``failed`` (an exception), the counts of new, updated, deleted, skipped and invalid rows,
    the user and the file name when the admin gives them, and the time taken."""
    dry_run = bool(import_kwargs.get("dry_run"))
    fields = {
        "resource": type(resource).__name__,
        "model": resource._meta.model._meta.label,
        "dry_run": dry_run,
        "rows": rows,
        "user": import_kwargs.get("user"),
        "file": import_kwargs.get("file_name"),
    }
    if result is None:
        outcome, level = "failed", logging.ERROR
    else:
        totals = result.totals
        fields.update(
            new=totals.get("new", 0),
            updated=totals.get("update", 0),
            deleted=totals.get("delete", 0),
            skipped=totals.get("skip", 0),
            invalid=totals.get("invalid", 0),
            errors=totals.get("error", 0),
        )
        if result.has_errors() or result.has_validation_errors():
            outcome, level = "rejected", logging.WARNING
        else:
            outcome, level = ("previewed" if dry_run else "imported"), logging.INFO
    log_event("import", level=level, outcome=outcome, **fields, duration_ms=round(seconds * 1000))


def log_import_confirmation(
    model_label: str, *, user, file_name: str, seconds: float, counts=None, problems=()
) -> None:
    """Log the confirmation of an admin import (its preview was logged by :func:`log_import`):
    ``outcome`` ``imported`` with the counts written, or ``rejected`` (nothing written)."""
    fields = {"model": model_label, "confirmation": True, "user": user, "file": file_name}
    if counts is None:
        fields.update(problems=len(problems))
        log_event("import", level=logging.WARNING, outcome="rejected", **fields)
        return
    log_event(
        "import",
        outcome="imported",
        **fields,
        new=counts.get("new", 0),
        updated=counts.get("changed", 0),
        skipped=counts.get("unchanged", 0),
        duration_ms=round(seconds * 1000),
    )
