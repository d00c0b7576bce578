"""The three maps the public site shows, as context for ``rcp/includes/world_map.html``:
a profile's states by role, the home page's count of processes per country, and the country a
country page is about."""

import math

from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from rcp.maps import render
from rcp.maps.data import world
from rcp.maps.render import MapClass
from rcp.models import ParticipationRole, country_name

STRIPES = '<rect width="3" height="6" fill="{}"/>'
HATCH = '<path d="M0 1.5H6M1.5 0V6" stroke="{}" stroke-width="1.5"/>'
SPOTS = '<circle cx="3" cy="3" r="1.6" fill="{}"/>'

# Role: the Process attribute listing its states, and their pattern (colour and motif).
ROLES = {
    ParticipationRole.MEMBER: ("member_states", MapClass("member", "#1d4f91")),
    ParticipationRole.OBSERVER: (
        "observer_states",
        MapClass("observer", "#fde1bd", STRIPES.format("#a35200"), 45),
    ),
    ParticipationRole.SUSPENDED: (
        "suspended_states",
        MapClass("suspended", "#f8d7d7", HATCH.format("#9b1c1c"), 45),
    ),
    ParticipationRole.GUEST: (
        "guest_states",
        MapClass("guest", "#d9eed6", SPOTS.format("#2d6a27")),
    ),
}

# Light to dark, far enough apart in lightness to tell apart without colour; the first class
# is striped as well, to stand out from the neutral land.
COUNT_CLASSES = [
    MapClass("c1", "#cfe3f3", STRIPES.format("#5b9bd0"), 45),
    MapClass("c2", "#6baed6"),
    MapClass("c3", "#2b7bba"),
    MapClass("c4", "#08306b"),
]
HERE = MapClass("here", "#c2410c", STRIPES.format("#7c2d12"), 45)


def _role_legend(role: str, count: int) -> str:
    labels = {
        ParticipationRole.MEMBER: ngettext(
            "%(count)d member state", "%(count)d member states", count
        ),
        ParticipationRole.OBSERVER: ngettext(
            "%(count)d observer state", "%(count)d observer states", count
        ),
        ParticipationRole.SUSPENDED: ngettext(
            "%(count)d suspended member", "%(count)d suspended members", count
        ),
        ParticipationRole.GUEST: ngettext("%(count)d guest state", "%(count)d guest states", count),
    }
    return labels[role] % {"count": count}


def _titled(codes, detail: str) -> list[tuple[str, str]]:
    """(code, title) of each country: its name in the reader's language, then ``detail``."""
    detail = escape(detail)
    return [(code, f"{escape(country_name(code))} ({detail})") for code in codes]


def profile_map(process) -> dict:
    """A profile's member, observer, suspended and guest states, from the participations the
    profile page has already loaded (``Process.member_states`` and its siblings)."""
    prefix = "map-profile"
    classes, members, legend = [], {}, []
    for role, (attribute, map_class) in ROLES.items():
        participations = getattr(process, attribute)
        if not participations:
            continue
        label = ParticipationRole(role).label
        classes.append(map_class)
        members[map_class.key] = _titled((p.country.code for p in participations), label)
        legend.append((render.swatch(prefix, map_class), _role_legend(role, len(participations))))
    if not classes:
        return {}
    return {
        "svg": render.world_map(
            prefix=prefix,
            title=gettext("World map of the states taking part in this process"),
            classes=classes,
            members=members,
        ),
        "legend": legend,
        "caption": gettext(
            "Small states are shown as dots. The lists of countries below name every state "
            "on this map."
        ),
    }


def count_classes(highest: int) -> list[tuple[int, int]]:
    """Up to four ranges of equal width from 1 to ``highest``: (lowest, highest) of each."""
    if highest < 1:
        return []
    count = min(len(COUNT_CLASSES), highest)
    width = math.ceil(highest / count)
    ranges = [(1 + i * width, min(highest, (i + 1) * width)) for i in range(count)]
    return [(low, high) for low, high in ranges if low <= high]


def _spread(count: int) -> list[MapClass]:
    """``count`` classes from the light-to-dark ramp, as far apart as they can be."""
    last = len(COUNT_CLASSES) - 1
    if count <= 1:
        return COUNT_CLASSES[:count]
    return [COUNT_CLASSES[round(i * last / (count - 1))] for i in range(count)]


def _processes(count: int) -> str:
    return ngettext("%(count)d process", "%(count)d processes", count) % {"count": count}


def _range_label(low: int, high: int) -> str:
    if low == high:
        return _processes(low)
    return gettext("%(low)d–%(high)d processes") % {"low": low, "high": high}


def participation_map(summaries) -> dict:
    """Each country shaded by the number of published processes it takes part in;
    ``summaries`` are rows of ``Participation.objects.published().country_summaries()``."""
    prefix = "map-home"
    counts = {row["country"]: row["processes"] for row in summaries if row["processes"]}
    ranges = count_classes(max(counts.values(), default=0))
    classes = _spread(len(ranges))
    by_count: dict[int, list[str]] = {}
    for code, count in sorted(counts.items()):
        by_count.setdefault(count, []).append(code)
    members = {c.key: [] for c in classes}
    for count, codes in sorted(by_count.items()):
        index = next(i for i, (_, high) in enumerate(ranges) if count <= high)
        members[classes[index].key].extend(_titled(codes, _processes(count)))
    return {
        "svg": render.world_map(
            prefix=prefix,
            title=gettext(
                "World map of the number of published processes each country takes part in"
            ),
            classes=classes,
            members=members,
        ),
        "legend": [
            (render.swatch(prefix, map_class), _range_label(low, high))
            for map_class, (low, high) in zip(classes, ranges, strict=True)
        ],
        "caption": gettext(
            "Small states are shown as dots. The list of countries gives every figure."
        ),
        "link": (reverse("rcp:country-list"), gettext("All countries")),
    }


def country_map(country) -> dict:
    """The world with one country highlighted (and ringed if it is a small state); nothing
    for a country the map leaves out (Antarctica)."""
    if country.code not in world().shapes:
        return {}
    prefix = "map-country"
    name = country.name
    return {
        "svg": render.world_map(
            prefix=prefix,
            title=gettext("World map locating %(country)s") % {"country": name},
            classes=[HERE],
            members={HERE.key: [(country.code, escape(name))]},
            ring=country.code,
        ),
        "legend": [(render.swatch(prefix, HERE), name)],
        "caption": gettext("Small states are shown as dots."),
    }
