import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from rcp.multilingual import fallback_language

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
