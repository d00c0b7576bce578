"""Formatted text that IOM editors write: Markdown in, sanitised HTML out, in linear time.

Editors type paragraphs, lists, headings, emphasis and links in Markdown (CommonMark). The text
is stored as typed, normalised once (:func:`normalise_formatted_text`, applied by
:class:`FormattedTextField` whichever way a text comes in), and rendered in three steps, each
linear in its length, so that no text an editor may save can slow a page down
(Python-Markdown, used before, took over a minute on 20,000 "["):

1. :func:`strip_raw_html` drops the HTML an editor typed or pasted, keeping its text ("HTML is
   not kept", says the help text), and the content of ``<script>`` and ``<style>``;
2. cmark-gfm, CommonMark's C implementation (as PyPI renders READMEs), renders the Markdown in
   its safe mode, which leaves out any raw HTML the first step did not recognise;
3. :func:`_tidy_tags` flattens elements nested deeper than :data:`MAX_NESTING` (">>>>...",
   "- + - + ...": nh3's HTML parser is quadratic in the depth), moves headings under the page's
   own section headings, and turns a link to an address that is not allowed into its text; then
   nh3 (the Ammonia sanitiser) keeps only the handful of tags below.

:func:`dropped_markup` says, in words for the editor, what of a text those steps leave out.
"""

import html
import re
from collections import Counter
from dataclasses import dataclass, field

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

ALLOWED_TAGS = {
    "p", "br", "ul", "ol", "li", "em", "strong", "a", "blockquote", "h3", "h4", "h5", "h6",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# The longest formatted text a profile field accepts: ten times the longest real one (the
# profiles and the legacy pages hold at most 2,000 characters of objectives), and short enough
# that any text renders in a few milliseconds.
FORMATTED_TEXT_MAX_LENGTH = 20_000

# Lists in lists in quotes: real profiles nest two or three deep.
MAX_NESTING = 16

# The profile page names the profile in an <h1> and each section in an <h2>: a text's own
# headings start one level below, whatever level its first one is typed at.
TOP_HEADING_LEVEL = 3
LOWEST_HEADING_LEVEL = 6

# What the help text beside a formatted text box says, word for word what the steps above keep.
FORMATTED_TEXT_EDITOR_HELP = _(
    "Leave an empty line between paragraphs. **Two asterisks** make bold text, *one* italic. "
    "Start a line with “- ” for a bulleted list, “1. ” for a numbered list, “## ” for a "
    "heading. [Link text](https://example.org) makes a link to a web address, "
    "[text](mailto:name@iom.int) to an e-mail address. HTML tags, images and other "
    "formatting are not kept; the preview shows the text as the public page will."
)

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
# Every tag cmark writes for CommonMark; any other in its output is raw HTML (unsafe mode).
CMARK_TAGS = {
    "p", "br", "ul", "ol", "li", "em", "strong", "a", "blockquote", "h1", "h2", "h3", "h4",
    "h5", "h6", "img", "hr", "pre", "code",
}  # fmt: skip
HEADING = re.compile(r"<h([1-6])>")
HREF = re.compile(r'\shref="([^"]*)"')
ALT = re.compile(r'\salt="([^"]*)"')
URL_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")

# --- Normalising: the same text, however it was typed -------------------------------------------

LINE_BREAK = re.compile(r"\r\n?")
# What normalising changes inside a text: a carriage return, blanks ending a line.
NOT_NORMAL = re.compile(r"\r|[ \t]\n")
LEADING_BLANK_LINES = re.compile(r"^(?:[^\S\n]*\n)+")
# A line ending in an escaping backslash ("\" but not "\\").
ESCAPING_BACKSLASH_AT_END = re.compile(r"(?<!\\)(?:\\\\)*\\$")


def normalise_formatted_text(text):
    """``text`` with the differences that do not change what it shows taken out, so that
    saving the same text twice stores (and the history compares) the same characters.

    - Line breaks become "\\n": browsers post a text box's lines with "\\r\\n".
    - Spaces and tabs at the end of a line go, except where Markdown reads them: two spaces
      at the end of a line followed by another line of the paragraph make a line break
      (``<br>``), so such a line keeps exactly two; and a backslash ending a line would become
      a line break once its space went, so it keeps one space.
    - Blank lines at the start and blanks at the end go; the first line keeps its indent,
      which places a list ("   - a" above "- b" is a list of two, not a nested one).

    Rendered, the normalised text gives the same HTML as the text (one exception: an
    indented code block's trailing spaces, which the page does not show; cmark keeps them
    inside a ``<pre>`` that nh3 removes). Not a string (``None``), it is returned as it is.
    """
    if not isinstance(text, str):
        return text
    if (
        not NOT_NORMAL.search(text)
        and not LEADING_BLANK_LINES.match(text)
        and text == text.rstrip()
    ):
        return text
    text = LEADING_BLANK_LINES.sub("", LINE_BREAK.sub("\n", text).rstrip())
    lines = text.split("\n")
    kept = []
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        trimmed = line.rstrip(" \t")
        if trimmed and trimmed != line and following.strip(" \t"):
            if line.endswith("  "):
                trimmed += "  "
            elif ESCAPING_BACKSLASH_AT_END.search(trimmed):
                trimmed += " "
        kept.append(trimmed)
    return "\n".join(kept)


class NormalisedTextAttribute(DeferredAttribute):
    """A model attribute that normalises what is assigned to it (see
    :func:`normalise_formatted_text`): a form's cleaned value, a spreadsheet cell, a legacy
    page's paragraph, ``process.objectives = ...`` in a shell, and a row read back."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = normalise_formatted_text(value)


class FormattedTextField(models.TextField):
    """A text field for an editor's Markdown, normalised as it is assigned, so that every way
    in (the admin, the CSV and legacy imports, the shell) stores the same characters for the
    same text and compares them before saving: an import of an unchanged text is skipped, and
    a save that changed only a country records no change to the objectives.

    The column is a plain text column and the difference lies in Python only, so migrations
    see a ``TextField`` (no migration; a historical model copies this field as it is).
    """

    descriptor_class = NormalisedTextAttribute

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs


# --- Rendering ----------------------------------------------------------------------------------


@dataclass
class DroppedMarkup:
    """What the rendering steps left out of a text, as they came across it."""

    tags: dict[str, None] = field(default_factory=dict)  # names, in the order first met
    comments: int = 0
    links: Counter = field(default_factory=Counter)  # by scheme; "" for no address
    images: int = 0
    code: int = 0
    rules: int = 0
    flattened: int = 0


def render_formatted_text(source: str) -> SafeString:
    """Return the sanitised HTML for an editor's Markdown ``source``."""
    if not source or not source.strip():
        return mark_safe("")
    cleaned = nh3.clean(
        _tidy_tags(_markdown(strip_raw_html(source))),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    # nh3's output contains only the tags allowed above.
    return mark_safe(cleaned.strip())


def _markdown(source: str, options: int = Options.CMARK_OPT_DEFAULT) -> str:
    try:
        return cmarkgfm.markdown_to_html(source, options=options)
    except UnicodeEncodeError:  # a lone surrogate, which no form sends but a shell may save
        return cmarkgfm.markdown_to_html(source.encode("utf-8", "replace").decode(), options)


def formatted_text_summary(rendered: str, length: int = 160) -> str:
    """The words of rendered formatted text, cut to ``length`` characters: plain text, for a
    meta description or JSON-LD, to be escaped (once) where it is shown."""
    text = " ".join(html.unescape(nh3.clean(rendered, tags=set())).split())
    return Truncator(text).chars(length)


def strip_raw_html(source: str, dropped: DroppedMarkup | None = None) -> str:
    """Remove the HTML tags and comments in ``source`` and the content of its scripts and
    styles, in one pass; a block element's tag becomes a line break so words stay apart.
    What was removed is noted in ``dropped``, if given.

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
            if dropped is not None:
                dropped.comments += 1
            continue
        if dropped is not None:
            dropped.tags[name] = None
        if name in CONTENT_REMOVED and not match["closing"]:
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


def link_allowed(address: str) -> bool:
    """Whether a link may lead to ``address`` (as an HTML attribute gives it): a web or e-mail
    address, or one on this site; not ``javascript:``, ``data:`` or any other scheme, nor none."""
    address = html.unescape(address).strip()
    scheme = URL_SCHEME.match(address)
    return bool(address) and (scheme is None or scheme[1].lower() in ALLOWED_URL_SCHEMES)


def _tidy_tags(rendered: str, dropped: DroppedMarkup | None = None) -> str:
    """Rewrite cmark's output for nh3, noting in ``dropped`` what is left out:

    - the tags of elements nested deeper than :data:`MAX_NESTING` go, their text stays;
    - headings move under the page's section headings: the text's highest becomes an
      ``<h3>``, the next ones follow, down to ``<h6>``;
    - a link to an address that is not allowed (cmark's safe mode empties a ``javascript:``
      one) becomes its text, rather than a link that leads nowhere;
    - an image becomes its description (nh3 would drop it whole).
    """
    depth = 0
    in_dead_link = False
    levels = HEADING.findall(rendered)
    top = min(levels, default="1")

    def heading(level: str) -> str:
        return f"h{min(TOP_HEADING_LEVEL + int(level) - int(top), LOWEST_HEADING_LEVEL)}"

    def visit(tag: re.Match) -> str:
        nonlocal depth, in_dead_link
        closing, name, attributes = tag.groups()
        if name not in CMARK_TAGS:  # raw HTML, in unsafe mode only: nh3 removes it
            if dropped is not None:
                dropped.tags[name] = None
            return tag[0]
        if name == "a":
            if closing and in_dead_link:
                in_dead_link = False
                return ""
            href = HREF.search(attributes)
            if not closing and not link_allowed(href[1] if href else ""):
                if dropped is not None:
                    scheme = URL_SCHEME.match(html.unescape(href[1] if href else "").strip())
                    dropped.links[scheme[1].lower() if scheme else ""] += 1
                in_dead_link = True
                return ""
        if name in VOID_ELEMENTS:
            if name == "img":
                if dropped is not None:
                    dropped.images += 1
                alt = ALT.search(attributes)
                return alt[1] if alt else ""
            if name == "hr" and dropped is not None:
                dropped.rules += 1
            return tag[0] if depth < MAX_NESTING else ""
        if dropped is not None and name == "code" and not closing:
            dropped.code += 1
        if name[0] == "h" and name[1:].isdigit():
            name = heading(name[1:])
            tag_text = f"<{closing}{name}{attributes}>"
        else:
            tag_text = tag[0]
        if closing:
            depth -= 1
            return tag_text if depth < MAX_NESTING else ""
        depth += 1
        if depth > MAX_NESTING:
            if dropped is not None:
                dropped.flattened += 1
            return ""
        return tag_text

    return GENERATED_TAG.sub(visit, rendered)


# --- Telling the editor what was not kept -------------------------------------------------------


def dropped_markup(text: str) -> list[str]:
    """What the public page leaves out of ``text``, each in a phrase for the editor:
    ``["the HTML tags <font>, <span> were not kept", "a link to “javascript:…” was removed
    because only web and e-mail addresses are allowed"]``; nothing for a text shown whole.

    The text goes through the rendering steps that decide (cmark in its unsafe mode, so that
    the address of a link its safe mode would empty can be named); the output is not used.
    """
    if not text or not text.strip():
        return []
    dropped = DroppedMarkup()
    _tidy_tags(_markdown(strip_raw_html(text, dropped), Options.CMARK_OPT_UNSAFE), dropped)
    phrases = []
    if dropped.tags:
        names = [f"<{name}>" for name in dropped.tags]
        phrases.append(
            ngettext(
                "the HTML tag %(tags)s was not kept",
                "the HTML tags %(tags)s were not kept",
                len(names),
            )
            % {"tags": ", ".join(names)}
        )
    if dropped.comments:
        phrases.append(
            ngettext(
                "an HTML comment was not kept",
                "%(count)d HTML comments were not kept",
                dropped.comments,
            )
            % {"count": dropped.comments}
        )
    for scheme, count in dropped.links.items():
        if scheme:
            phrases.append(
                ngettext(
                    "a link to “%(address)s” was removed because only web and e-mail "
                    "addresses are allowed",
                    "%(count)d links to “%(address)s” were removed because only web and "
                    "e-mail addresses are allowed",
                    count,
                )
                % {"count": count, "address": f"{scheme}:…"}
            )
        else:
            phrases.append(
                ngettext(
                    "a link without an address was removed",
                    "%(count)d links without an address were removed",
                    count,
                )
                % {"count": count}
            )
    if dropped.images:
        phrases.append(
            ngettext(
                "an image was not kept (its description is shown instead)",
                "%(count)d images were not kept (their descriptions are shown instead)",
                dropped.images,
            )
            % {"count": dropped.images}
        )
    if dropped.code:
        phrases.append(
            gettext(
                "code formatting (text between backticks, or lines indented by four spaces) "
                "was not kept"
            )
        )
    if dropped.rules:
        phrases.append(gettext("a horizontal line (“---” or “***” alone on a line) was not kept"))
    if dropped.flattened:
        phrases.append(
            gettext("lists or quotes nested more than %(max)d deep were flattened")
            % {"max": MAX_NESTING}
        )
    return phrases


# --- Validation ---------------------------------------------------------------------------------


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
