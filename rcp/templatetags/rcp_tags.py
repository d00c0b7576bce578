import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

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
