"""How large a legacy page may be, and how a page over the limit is told so.

IOM's profile pages are tens of kilobytes and a few hundred lines. A page is refused before
it is read when it is larger than ``RCP_LEGACY_MAX_BYTES`` (1 MB unless configured), and while
it is read when it has more than ``MAX_LINES`` lines of text: within both, the parser reads
any page in a few seconds at most (``make bench`` measures it), well within a worker's timeout.

A page pasted into the admin's form is a form field, and Django refuses a request whose
fields are larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB) with a bare "400 Bad Request"
before any view runs. :class:`OversizedPageHandler` (first in ``FILE_UPLOAD_HANDLERS``) reads
such a request to the legacy page form itself, measuring the fields it does not keep, so the
editor gets the form back with the same message as for a file over the limit. It acts on that
form only, and is an upload handler rather than a view decorator because whatever reads the
request's fields first (the CSRF check, a middleware) makes Django parse them.
"""

import html

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import QueryDict
from django.http.multipartparser import FIELD, FILE, ChunkIter, LazyStream, Parser, exhaust
from django.urls import Resolver404, resolve
from django.utils.datastructures import MultiValueDict
from django.utils.encoding import force_str
from django.utils.translation import gettext

#: Lines of text a page may have (the HTML of a saved page counts by its paragraphs, items
#: and table rows): a profile page has a few hundred.
MAX_LINES = 5_000
#: The admin's form for legacy pages (see :class:`OversizedPageHandler`).
UPLOAD_VIEW = "admin:rcp_process_import_legacy"


class PageTooLarge(ValueError):
    """A page over a limit; the message says which, for an IOM editor."""


def max_bytes() -> int:
    return settings.RCP_LEGACY_MAX_BYTES


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def size_message(size: int) -> str:
    return gettext(
        "The page is %(size)s, more than the %(limit)s a legacy page may be (IOM's profile "
        "pages are tens of kilobytes). Check that this is the saved profile page, saved as "
        "text or as a web page only (without its images)."
    ) % {"size": _megabytes(size), "limit": _megabytes(max_bytes())}


def check_size(size: int) -> None:
    """Refuse a page of ``size`` bytes over the limit, before it is read."""
    if size > max_bytes():
        raise PageTooLarge(size_message(size))


def check_lines(count: int) -> None:
    """Refuse a page once more than ``MAX_LINES`` lines of it are read."""
    if count > MAX_LINES:
        raise PageTooLarge(
            gettext(
                "The page has more than %(limit)s lines of text (IOM's profile pages have a "
                "few hundred). Check that this is the saved profile page."
            )
            % {"limit": f"{MAX_LINES:,}"}
        )


class OversizedPageHandler(FileUploadHandler):
    """Reads a request to the legacy page form that is too large for Django's parser (see the
    module docstring); passes every other request on to the next handlers untouched.

    The fields and files it keeps are those within the page limit (the form then reads them as
    usual); the larger ones are measured as they stream past and left out, and their sizes are
    put in ``request.oversized_fields``, for the form to say so."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is None or content_length <= limit or not self._for_upload_view():
            return None
        return self._read_measured(input_data, boundary, encoding or settings.DEFAULT_CHARSET)

    def _for_upload_view(self) -> bool:
        try:
            return resolve(self.request.path_info).view_name == UPLOAD_VIEW
        except Resolver404:
            return False

    def _read_measured(self, input_data, boundary, encoding):
        post, files = QueryDict(mutable=True, encoding=encoding), MultiValueDict()
        oversized = self.request.oversized_fields = {}
        keep = max_bytes()
        # What is kept in memory: one page within the limit, and small fields with it.
        budget = keep + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        parts = 0
        stream = LazyStream(ChunkIter(input_data, self.chunk_size))
        for item_type, meta_data, part in Parser(stream, boundary):
            parts += 1
            if (
                settings.DATA_UPLOAD_MAX_NUMBER_FIELDS is not None
                and parts > settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 2
            ):
                raise TooManyFieldsSent("Too many fields in a legacy page upload.")
            try:
                disposition = meta_data["content-disposition"][1]
                name = force_str(disposition["name"].strip(), encoding, errors="replace")
            except (KeyError, IndexError, AttributeError):
                exhaust(part)
                continue
            if item_type not in (FIELD, FILE):
                exhaust(part)
                continue
            data = part.read(keep + 1)
            if len(data) > keep:
                oversized[name] = len(data) + sum(len(chunk) for chunk in part)
                continue
            exhaust(part)
            budget -= len(data)
            if budget < 0:
                raise RequestDataTooBig("A legacy page upload holds too many large fields.")
            if item_type == FIELD:
                post.appendlist(name, force_str(data, encoding, errors="replace"))
            elif file_name := _file_name(disposition.get("filename")):
                content_type = meta_data.get("content-type", ("", {}))[0].strip()
                files.appendlist(name, SimpleUploadedFile(file_name, data, content_type))
        exhaust(input_data)
        post._mutable = False
        return post, files

    # Every other request: the data goes on to the next handler.

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


def _file_name(written) -> str:
    """An uploaded file's name without a path (as Django's own parser gives it)."""
    if not written:
        return ""
    name = html.unescape(force_str(written, errors="replace"))
    name = name.rsplit("/")[-1].rsplit("\\")[-1]
    name = "".join(char for char in name if char.isprintable())
    return "" if name in {".", ".."} else name
