"""Formatted text that IOM editors write: Markdown in, sanitised HTML out.

Editors type paragraphs, lists, emphasis and links in Markdown. Whatever they
type, including raw HTML, goes through nh3 (the Ammonia sanitiser), so the
public page only ever contains the handful of tags below.
"""

import re

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "em", "strong", "a", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# Reviewers' markers that slip into published pages: "[KG1]", "[AB12]", "[pic]".
# Not the text of a Markdown link such as "[G20](https://www.g20.org)".
EDITORIAL_MARKER = re.compile(r"\[(?:[A-Z]{1,4}\d{1,3}|pic)\](?!\()")

# A line of text directly followed by a "- " line: Markdown needs an empty line
# between them to start a list, which the help text does not ask editors for.
TEXT_BEFORE_LIST = re.compile(r"^(?![-*] |\s)(.*\S.*)\n(?=[-*] )", re.MULTILINE)


def render_formatted_text(source: str) -> SafeString:
    """Return the sanitised HTML for an editor's Markdown ``source``."""
    if not source or not source.strip():
        return mark_safe("")
    source = TEXT_BEFORE_LIST.sub(r"\1\n\n", source)
    html = markdown.markdown(source, extensions=["sane_lists"], output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    # nh3's output contains only the tags allowed above.
    return mark_safe(cleaned)


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
