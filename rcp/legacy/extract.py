"""Text extraction: a legacy page, as a browser copies it or as saved HTML, becomes lines.

Every later step works on :class:`Line` objects: the text of one paragraph, list item, heading
or table row, with its list marker taken off and remembered. HTML is read with Python's own
``html.parser``: block elements end a line, list items become bullets, table cells are kept
apart (a row is one line with ``cells``), and scripts, styles, navigation and footers are
dropped before any text is read.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

from rcp.legacy.limits import check_lines

# List markers as pages write them: "- ", "• ", "1. ", "(ii) ", "a) ", Word's symbol bullets.
BULLET = re.compile(
    r"^(?P<marker>[-\u2013\u2014\u2022\u00b7\u25aa\u25ab\u25e6\u25cf\u25cb\u25a0\u25a1\u27a2"
    r"\u25ba\u25b6\u2192\u2190\u2713\u2714\uf0b7\uf0a7\uf0d8\u00a7o](?=\s|$)"
    r"|\d{1,2}\.(?=\s)|\(?[ivx]{1,5}\)(?=\s)|[a-h]\)(?=\s))\s*"
)
# Control characters no text has (a NUL cannot even be stored in PostgreSQL); the ones that
# are spaces (tabs, line and page breaks) stay.
CONTROL_CHARACTERS = dict.fromkeys(
    [code for code in (*range(32), 127) if not chr(code).isspace()], None
)
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
SOURCE_HEADER = re.compile(r"^#\s*source:\s*(?P<url>\S+)\s*$", re.IGNORECASE)
HTML_HINT = re.compile(r"<(?:!doctype|html|body|div|p|ul|ol|li|h[1-6]|table|section)\b", re.I)


@dataclass
class Line:
    """One line of the page's text, as a reader sees it."""

    text: str
    number: int
    bullet: str = ""
    indent: int = 0
    heading: int = 0
    cells: list[str] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        return self.text.split()

    def __str__(self):
        return self.text


@dataclass
class PageText:
    """A page read into lines, with what the file says about itself."""

    lines: list[Line]
    source_url: str = ""
    html_title: str = ""
    is_html: bool = False


def decode(data: bytes | str) -> str:
    """Text from the bytes of a saved page: UTF-8 (with or without BOM), else Windows-1252."""
    if isinstance(data, str):
        return data
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")  # pragma: no cover - latin-1 always decodes


def tidy(text: str) -> str:
    """One line's text with invisible characters gone and spaces collapsed."""
    text = unicodedata.normalize("NFC", text).translate(INVISIBLE)
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")
    return " ".join(text.split())


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:2000]
    return head.startswith("<") and bool(HTML_HINT.search(head))


def split_bullet(text: str) -> tuple[str, str]:
    """("- Algeria") -> ("-", "Algeria"); a line without a list marker keeps its text."""
    match = BULLET.match(text)
    if not match:
        return "", text
    rest = text[match.end() :]
    marker = match.group("marker")
    # "o" is Word's hollow bullet only when a word follows; "1." only before text.
    if marker == "o" and (not rest or rest[0].islower()):
        return "", text
    return marker, rest


def read_plain_text(text: str) -> PageText:
    lines: list[Line] = []
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw in enumerate(raw_lines, start=1):
        if not raw.strip():
            continue  # a blank line: many cost nothing
        raw = raw.replace("\u00a0", " ")
        indent = len(raw) - len(raw.lstrip(" \t"))
        # A table saved as text: cells apart by tabs, or by pipes ("| |Angola |").
        separator = "|" if raw.count("|") >= 2 else "\t"
        cells = [tidy(cell) for cell in raw.split(separator)]
        cells = [cell for cell in cells if cell]
        content = " ".join(cells) if separator == "|" else tidy(raw)
        if not content:
            continue
        bullet, content = split_bullet(content)
        if not content.strip():
            continue
        if len(cells) > 1:
            cells[0] = split_bullet(cells[0])[1]
        else:
            cells = []
        lines.append(
            Line(text=content.strip(), number=number, bullet=bullet, indent=indent, cells=cells)
        )
        check_lines(len(lines))
    return PageText(lines=lines)


class _HTMLLines(HTMLParser):
    """Collects the text of an HTML page as lines (see the module docstring)."""

    SKIPPED = {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "nav",
        "footer",
        "form",
        "button",
        "select",
        "iframe",
        "head",
    }
    BLOCKS = {
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "header",
        "hr",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "ul",
        "caption",
    }
    HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
    VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[Line] = []
        self.buffer: list[str] = []
        self.skip_depth = 0
        self.list_depth = 0
        self.bullet = ""
        self.heading = 0
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.title: list[str] = []
        self.in_title = False

    # Text ---------------------------------------------------------------------------------

    def flush(self):
        text = tidy("".join(self.buffer))
        self.buffer = []
        if not text:
            return
        bullet = self.bullet
        if not bullet:
            bullet, text = split_bullet(text)
        check_lines(len(self.lines) + 1)
        self.lines.append(
            Line(
                text=text,
                number=len(self.lines) + 1,
                bullet=bullet,
                indent=max(self.list_depth - 1, 0) * 2,
                heading=self.heading,
            )
        )
        self.bullet = ""

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
            return
        if self.skip_depth:
            return
        if self.cell is not None:
            self.cell.append(data)
        else:
            self.buffer.append(data)

    # Tags ---------------------------------------------------------------------------------

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
            return
        if tag in self.SKIPPED and tag not in self.VOID:
            self.skip_depth += 1
            return
        if self.skip_depth:
            return
        if tag == "br":
            if self.cell is not None:
                self.cell.append(" ")
            else:
                self.flush()
            return
        if tag == "tr":
            self.flush()
            self.row = []
            return
        if tag in {"td", "th"} and self.row is not None:
            self.cell = []
            return
        if tag == "li":
            self.flush()
            self.bullet = "-"
            return
        if tag in {"ul", "ol"}:
            self.flush()
            self.list_depth += 1
            return
        if tag in self.HEADINGS:
            self.flush()
            self.heading = self.HEADINGS[tag]
            return
        if tag in self.BLOCKS:
            self.flush()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
            return
        if tag in self.SKIPPED and tag not in self.VOID:
            self.skip_depth = max(self.skip_depth - 1, 0)
            return
        if self.skip_depth:
            return
        if tag in {"td", "th"} and self.cell is not None and self.row is not None:
            self.row.append(tidy("".join(self.cell)))
            self.cell = None
            return
        if tag == "tr" and self.row is not None:
            cells = [cell for cell in self.row if cell]
            self.row = None
            if cells:
                bullet, first = split_bullet(cells[0])
                cells[0] = first
                check_lines(len(self.lines) + 1)
                self.lines.append(
                    Line(
                        text=" ".join(cells),
                        number=len(self.lines) + 1,
                        bullet=bullet,
                        cells=cells if len(cells) > 1 else [],
                    )
                )
            return
        if tag == "li":
            self.flush()
            return
        if tag in {"ul", "ol"}:
            self.flush()
            self.list_depth = max(self.list_depth - 1, 0)
            return
        if tag in self.HEADINGS:
            self.flush()
            self.heading = 0
            return
        if tag in self.BLOCKS:
            self.flush()

    def close(self):
        super().close()
        self.flush()


COMMENT_CLOSE = re.compile(r"--\s*>")  # as html.parser reads a comment's end
MARKUP_START = re.compile(r"<!--|<!\[|<")


def closable(text: str) -> str:
    """A saved page's HTML with each ``<`` that can start nothing complete written ``&lt;``.

    Python's own HTML parser looks for the end of a tag, comment or declaration from each
    ``<``, to the end of the text when there is none: thousands of comments or tags that never
    close take quadratic time (minutes for a megabyte), and a marked section (``<![``) with
    no name fails. So every ``<`` after the last ``>``, every ``<!--`` after the last end of a
    comment, and every ``<![`` is made text, in one pass: what the parser then reads, it reads
    in linear time (a browser shows such characters as text too)."""
    last_close = text.rfind(">")
    last_comment_close = max((match.start() for match in COMMENT_CLOSE.finditer(text)), default=-1)

    def escape(match: re.Match) -> str:
        start, markup = match.start(), match.group(0)
        if markup == "<![" or start > last_close:
            return "&lt;" + markup[1:]
        if markup == "<!--" and last_comment_close < start + 4:
            return "&lt;" + markup[1:]
        return markup

    return MARKUP_START.sub(escape, text)


def read_html(text: str) -> PageText:
    parser = _HTMLLines()
    parser.feed(closable(text))
    parser.close()
    source_url = ""
    lines = parser.lines
    if lines and (match := SOURCE_HEADER.match(lines[0].text)):
        source_url = match.group("url")
        lines = lines[1:]
    title = tidy("".join(parser.title))
    # "Tripoli Process | International Organization for Migration": the site's name goes.
    title = re.split(r"\s+[|\u2013\u2014-]\s+", title)[0] if title else ""
    return PageText(lines=lines, source_url=source_url, html_title=title, is_html=True)


def read_page(data: bytes | str) -> PageText:
    """The lines of a saved page, whichever form it was saved in."""
    text = decode(data).translate(CONTROL_CHARACTERS)
    source_url = ""
    first, _newline, rest = text.lstrip("\ufeff").partition("\n")
    if match := SOURCE_HEADER.match(first.strip()):
        source_url, text = match.group("url"), rest
    if looks_like_html(text):
        page = read_html(text)
    else:
        page = read_plain_text(text)
    page.source_url = page.source_url or source_url
    return page
