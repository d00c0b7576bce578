import html
import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from rcp.addresses import addresses
from rcp.models import country_names
from rcp.multilingual import SOURCE_LANGUAGE, fallback_language

register = template.Library()

# What could end the <script> element or open a comment or markup in it ("</script>", "<!--",
# "]]>"), as JSON escapes: the value means the same to any JSON reader. json.dumps escapes
# every other non-ASCII character, U+2028 and U+2029 (line ends to old JavaScript) included.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_script_content(value) -> str:
    """JSON safe inside a <script> element, for a ``<script type="application/ld+json">``
    that Django's ``json_script`` cannot write. Give it plain text: the JSON is the only
    escaping, so a reader of the JSON-LD sees the text exactly as typed."""
    return mark_safe(json.dumps(value, cls=DjangoJSONEncoder).translate(SCRIPT_ESCAPES))


@register.simple_tag
def translated(record, field: str, text=None, html=None):
    """The text an editor wrote in ``record``'s ``field``, in the page's language; a text not
    yet translated reads in English, inside an element saying so (WCAG 2.1, 3.1.2 Language of
    Parts), which a screen reader then reads with English rules.

    ``{% translated process "name" %}`` shows the field itself, escaped (``<span lang="en">``
    when it falls back); ``text=`` shows a text made from it instead (``text=name|capfirst``);
    ``html=`` shows formatted text already rendered (``html=process.objectives_html``), in a
    ``<div lang="en">`` when it falls back, as it holds paragraphs and lists. ``as name`` keeps
    the result for a ``{% blocktranslate %}``.
    """
    language = fallback_language(record, field)
    if html is not None:
        return format_html('<div lang="{}">{}</div>', language, html) if language else html
    shown = conditional_escape(getattr(record, field) if text is None else text)
    return format_html('<span lang="{}">{}</span>', language, shown) if language else shown


# A profile lists up to hundreds of countries and organisations: their rows are written here,
# in one pass, rather than in a template loop and an include per row, which cost as much again
# as the rest of the page (see bench/pages.py).


@register.simple_tag
def country_list(participations) -> str:
    """``<ul class="country-list">`` of ``participations``: each country's name, in the page's
    language, linking to its page, and the participation's note if any."""
    names = country_names()
    address_of = addresses("rcp:country-detail", "code")
    rows = []
    for participation in participations:
        code = participation.country_code
        found = names.get(code)
        name = found[0] if found else participation.country_name
        note = (
            f' <span class="note">({translated(participation, "note")})</span>'
            if participation.note
            else ""
        )
        url = address_of(code.lower())
        rows.append(f'<li><a href="{html.escape(url)}">{html.escape(name)}</a>{note}</li>')
    return mark_safe(f'<ul class="country-list">\n  {_lines(rows)}\n</ul>')


@register.simple_tag
def organisation_name(organisation) -> str:
    """An organisation as IOM writes it, "Name (ACRONYM, English name)", each text marked
    with its language when it is not the page's (``Organisation.display_name``, as HTML)."""
    name = translated(organisation, "name")
    details = []
    if organisation.acronym:
        details.append(translated(organisation, "acronym"))
    if organisation.english_name:
        language = get_language() or SOURCE_LANGUAGE
        if language == SOURCE_LANGUAGE:
            details.append(conditional_escape(organisation.english_name))
        else:
            details.append(format_html('<span lang="en">{}</span>', organisation.english_name))
    if not details:
        return name
    return format_html("{} ({})", name, mark_safe(", ".join(details)))


@register.simple_tag
def organisation_list(links) -> str:
    """``<ul class="organisation-list">`` of a profile's ``ProcessOrganisation`` links: each
    organisation's name linking to its page, and the year it ceased to exist, if it has."""
    rows = []
    for link in links:
        organisation = link.organisation
        ceased = (
            format_html(
                ' <span class="note">{}</span>',
                gettext("(ceased to exist in %(year)s)") % {"year": organisation.ceased_year},
            )
            if organisation.has_ceased
            else ""
        )
        url = html.escape(organisation.get_absolute_url())
        rows.append(f'<li><a href="{url}">{organisation_name(organisation)}</a>{ceased}</li>')
    return mark_safe(f'<ul class="organisation-list">\n  {_lines(rows)}\n</ul>')


def _lines(rows: list[str]) -> str:
    """Rows of HTML already escaped, one a line."""
    return "\n  ".join(rows)
