"""World maps for the public pages: ``{% profile_map process %}``, ``{% participation_map %}``
and ``{% country_map country %}`` (see rcp/maps/figures.py)."""

from django import template

from rcp.maps import figures
from rcp.models import Participation

register = template.Library()

MAP_TEMPLATE = "rcp/includes/world_map.html"


@register.inclusion_tag(MAP_TEMPLATE)
def profile_map(process):
    """The profile's states by role; nothing when it has none. No query of its own."""
    return figures.profile_map(process)


@register.inclusion_tag(MAP_TEMPLATE)
def participation_map(summaries=None):
    """How many published processes each country takes part in. Pass the rows of
    ``Participation.objects.published().country_summaries()`` if the view has them already;
    otherwise the tag reads them, in one query."""
    if summaries is None:
        summaries = Participation.objects.published().country_summaries()
    return figures.participation_map(summaries)


@register.inclusion_tag(MAP_TEMPLATE)
def country_map(country):
    """The world with ``country`` (a django-countries ``Country``) highlighted."""
    return figures.country_map(country)
