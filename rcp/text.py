"""Formatted text that IOM editors write: Markdown in, sanitised HTML out, in linear time.

Editors type paragraphs, lists, emphasis and links in Markdown (CommonMark). The text goes
through three steps, each linear in its length, so that no text an editor may save can slow a
page down (Python-Markdown, used before, took over a minute on 20,000 "["):

1. :func:`strip_raw_html` drops the HTML an editor typed or pasted, keeping its text ("HTML is
   not kept", says the help text), and the content of ``<script>`` and ``<style>``;
2. cmark-gfm, CommonMark's C implementation (as PyPI renders READMEs), renders the Markdown in
   its safe mode, which leaves out any raw HTML the first step did not recognise;
3. :func:`_limit_nesting` flattens elements nested deeper than :data:`MAX_NESTING` (">>>>...",
   "- + - + ...": nh3's HTML parser is quadratic in the depth), then nh3 (the Ammonia
   sanitiser) keeps only the handful of tags below.
"""

import html
import re

import cmarkgfm
import nh3
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "em", "strong", "a", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# The longest formatted text a profile field accepts: ten times the longest real one (the
# profiles and the legacy pages hold at most 2,000 characters of objectives), and short enough
# that any text renders in a few milliseconds.
FORMATTED_TEXT_MAX_LENGTH = 20_000

# Lists in lists in quotes: real profiles nest two or three deep.
MAX_NESTING = 16

# Reviewers' markers that slip into published pages: "[KG1]", "[AB12]", "[pic]".
# Not the text of a Markdown link such as "[G20](https://www.g20.org)".
EDITORIAL_MARKER = re.compile(r"\[(?:[A-Z]{1,4}\d{1,3}|pic)\](?!\()")

# An HTML tag as CommonMark reads one (https://spec.commonmark.org/0.31.2/#raw-html), or the
# start of a comment; not after a backslash, which makes "\<b>" text. Quoted attribute values
# are bounded so that many unclosed quotes cannot make each "<" scan the rest of the text; a
# longer one is left to cmark's safe mode.
RAW_HTML = re.compile(
    r"(?<!\\)<(?P<closing>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*)"
    r"(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']{0,2000}'|\"[^\"]{0,2000}\"))?)*"
    r"\s*/?>"
    r"|(?<!\\)<!--",
    re.ASCII,
)
# Elements whose content goes with them, as nh3 removes it.
CONTENT_REMOVED = {
    "script": re.compile(r"</script\s*>", re.IGNORECASE | re.ASCII),
    "style": re.compile(r"</style\s*>", re.IGNORECASE | re.ASCII),
}
COMMENT_END = re.compile(r"-->")
# Elements that break a line: the text on either side of one stays apart.
BLOCK_ELEMENTS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip

# A tag of cmark's own output, which is well formed and escapes "<" and ">" everywhere else.
GENERATED_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)([^>]*)>")
VOID_ELEMENTS = {"br", "hr", "img"}


def render_formatted_text(source: str) -> SafeString:
    """Return the sanitised HTML for an editor's Markdown ``source``."""
    if not source or not source.strip():
        return mark_safe("")
    source = strip_raw_html(source)
    try:
        rendered = cmarkgfm.markdown_to_html(source)
    except UnicodeEncodeError:  # a lone surrogate, which no form sends but a shell may save
        rendered = cmarkgfm.markdown_to_html(source.encode("utf-8", "replace").decode())
    cleaned = nh3.clean(
        _limit_nesting(rendered),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    # nh3's output contains only the tags allowed above.
    return mark_safe(cleaned.strip())


def formatted_text_summary(rendered: str, length: int = 160) -> str:
    """The words of rendered formatted text, cut to ``length`` characters: plain text, for a
    meta description or JSON-LD, to be escaped (once) where it is shown."""
    text = " ".join(html.unescape(nh3.clean(rendered, tags=set())).split())
    return Truncator(text).chars(length)


def strip_raw_html(source: str) -> str:
    """Remove the HTML tags and comments in ``source`` and the content of its scripts and
    styles, in one pass; a block element's tag becomes a line break so words stay apart.

    What this misses, cmark's safe mode leaves out and nh3 would remove anyway: this step
    only keeps the text inside HTML (``<p onclick="...">Click me</p>``) from being lost.
    """
    if "<" not in source:
        return source
    kept, position, missing = [], 0, set()
    while match := RAW_HTML.search(source, position):
        kept.append(source[position : match.start()])
        position = match.end()
        name = (match["name"] or "").lower()
        if match["name"] is None:
            # "<!-->" and "<!--->" are comments too, hence the search from "<!".
            position = _end_of(source, COMMENT_END, match.start() + 2, missing)
        elif name in CONTENT_REMOVED and not match["closing"]:
            position = _end_of(source, CONTENT_REMOVED[name], position, missing)
        elif name in BLOCK_ELEMENTS:
            kept.append("\n")
    kept.append(source[position:])
    return "".join(kept)


def _end_of(source: str, end: re.Pattern, start: int, missing: set) -> int:
    """Where ``end`` next ends after ``start``, or the end of the text. A pattern once missing
    is missing from then on, so unclosed comments cannot make each one scan the rest."""
    found = None if end in missing else end.search(source, start)
    if found is None:
        missing.add(end)
        return len(source)
    return found.end()


def _limit_nesting(rendered: str) -> str:
    """Drop the tags of elements nested deeper than :data:`MAX_NESTING`, keeping their text,
    and the empty address cmark gives a link it found unsafe (``javascript:``)."""
    depth = 0

    def visit(tag: re.Match) -> str:
        nonlocal depth
        closing, name, attributes = tag.groups()
        if name in VOID_ELEMENTS:
            return tag[0] if depth < MAX_NESTING else ""
        if closing:
            depth -= 1
            return tag[0] if depth < MAX_NESTING else ""
        depth += 1
        if depth > MAX_NESTING:
            return ""
        if name == "a" and ' href=""' in attributes:
            return "<a" + attributes.replace(' href=""', "", 1) + ">"
        return tag[0]

    return GENERATED_TAG.sub(visit, rendered)


def validate_formatted_text_length(value: str) -> None:
    """Refuse formatted text longer than :data:`FORMATTED_TEXT_MAX_LENGTH`, saying by how much.

    A model validator, so the admin, the CSV import (which runs ``full_clean``) and any other
    write path give the same message. A line break counts as one character, as an editor's
    word processor counts it, though a browser sends it as two ("\\r\\n").
    """
    value = value or ""
    length = len(value) - value.count("\r\n")
    if length > FORMATTED_TEXT_MAX_LENGTH:
        raise ValidationError(
            _(
                "This text is %(length)s characters long; a profile field holds at most "
                "%(max)s. Shorten it by %(excess)s characters, for instance by linking to a "
                "document that gives the details."
            ),
            code="formatted_text_too_long",
            params={
                "length": number_format(length, force_grouping=True),
                "max": number_format(FORMATTED_TEXT_MAX_LENGTH, force_grouping=True),
                "excess": number_format(length - FORMATTED_TEXT_MAX_LENGTH, force_grouping=True),
            },
        )


def validate_no_editorial_markers(value: str) -> None:
    """Refuse text that still carries a reviewer's marker such as "[KG1]"."""
    markers = sorted(set(EDITORIAL_MARKER.findall(value or "")))
    if markers:
        raise ValidationError(
            _(
                "Remove the editorial marker %(markers)s: it is a reviewer's note, "
                "not text for the public page."
            ),
            code="editorial_marker",
            params={"markers": ", ".join(markers)},
        )
