"""A legacy page between its preview and its confirmation: kept as what the parser read.

The admin's preview reads the page once; what it read (the :class:`ParsedProfile` and its
:class:`Report`) waits for the editor's confirmation in :mod:`rcp.uploads` (the database, not
Redis), as compressed JSON, and the confirmation imports exactly that: the page is never read
a second time, and what is imported is what the editor saw. With it waits the stamp of the
import plan the preview showed (:meth:`rcp.legacy.plan.ProfileImportPlan.stamp`): the
confirmation imports only if its plan has the same stamp. JSON rather than pickle, so a stored
upload is data, never code. An upload kept by another version of the importer (a deploy in
between) is not used: the editor is asked to upload the page again.
"""

import json
import zlib
from dataclasses import dataclass

from rcp import uploads
from rcp.legacy.profile import ParsedProfile
from rcp.legacy.report import Report
from rcp.models import PendingUpload, UploadPurpose

#: The shape of what is kept; a change to the parsed profile or the report changes it.
FORMAT = 2


@dataclass
class WaitingPage:
    upload: PendingUpload
    parsed: ParsedProfile
    report: Report

    @property
    def token(self) -> str:
        return self.upload.token

    @property
    def source_name(self) -> str:
        return self.upload.name

    @property
    def stamp(self) -> dict | None:
        """The stamp of the plan its last preview showed; ``None`` if it showed none."""
        return self.upload.details.get("stamp")


def keep(
    user, parsed: ParsedProfile, report: Report, *, source_name: str, stamp: dict | None
) -> PendingUpload:
    """Keep what was read of a page until ``user`` confirms it (or cancels it), with the stamp
    of the plan its preview shows."""
    data = json.dumps(
        {"profile": parsed.to_json(), "report": report.to_json()}, separators=(",", ":")
    )
    return uploads.keep(
        user,
        UploadPurpose.LEGACY_PAGE,
        zlib.compress(data.encode("utf-8")),
        name=source_name,
        details={"format": FORMAT, "stamp": stamp},
    )


def waiting(user, token, *, lock: bool = False) -> WaitingPage | None:
    """The page ``token`` names if ``user`` uploaded it and it still waits, read back fresh
    (each call gives its own copy: an import that was refused may have marked its report);
    ``lock`` as in :func:`rcp.uploads.waiting`."""
    upload = uploads.waiting(user, UploadPurpose.LEGACY_PAGE, token, lock=lock)
    if upload is None or upload.details.get("format") != FORMAT:
        return None
    data = json.loads(zlib.decompress(bytes(upload.data)))
    return WaitingPage(
        upload=upload,
        parsed=ParsedProfile.from_json(data["profile"]),
        report=Report.from_json(data["report"]),
    )


def restamp(page: WaitingPage, stamp: dict | None) -> None:
    """The page's preview was shown again, with a new plan (the profile changed meanwhile)."""
    page.upload.details = {**page.upload.details, "stamp": stamp}
    page.upload.save(update_fields=["details"])


def discard(page: WaitingPage) -> None:
    uploads.discard(page.token)
