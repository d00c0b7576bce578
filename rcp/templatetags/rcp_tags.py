import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def json_script_content(value) -> str:
    """JSON safe inside a <script> element (as Django's ``json_script`` escapes it), for a
    ``<script type="application/ld+json">`` that ``json_script`` cannot write."""
    return mark_safe(json.dumps(value, cls=DjangoJSONEncoder).translate(_json_script_escapes))
