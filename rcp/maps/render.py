"""Drawing the world map as inline SVG: countries filled by class, small states as dots.

A map is the neutral world with some countries in classes (a role in a profile, a range of
counts on the home page, the country a page is about). Every class has its own ``<pattern>``
fill, so that colour is never the only difference, and the legend's swatches use the same
patterns. Every country in a class carries a ``<title>`` (its name in the reader's language,
and its role or count) that a pointer shows; the rest of the world has none. Assistive
technologies read the map's own title and the page's country list instead (``role="img"`` hides
the children). Text is escaped here, once, before the markup is marked safe.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from rcp.maps.data import world

DOT_RADIUS = 4
STROKE = 'stroke="#fff" stroke-width=".5" stroke-linejoin="round"'
NEUTRAL_FILL = "#d6d6d6"


@dataclass(frozen=True)
class MapClass:
    """A class of countries: a key (for the pattern's id) and its pattern: a background colour
    and an optional motif drawn on it (SVG, on a 6 by 6 tile), optionally rotated."""

    key: str
    background: str
    motif: str = ""
    rotate: int = 0


def _pattern(prefix: str, map_class: MapClass) -> str:
    rotate = f' patternTransform="rotate({map_class.rotate})"' if map_class.rotate else ""
    return (
        f'<pattern id="{prefix}-{map_class.key}" width="6" height="6" '
        f'patternUnits="userSpaceOnUse"{rotate}>'
        f'<rect width="6" height="6" fill="{map_class.background}"/>{map_class.motif}</pattern>'
    )


def _country(code: str, title: str) -> str:
    shape = world().shapes.get(code)
    if shape is None:  # Antarctica, left out of the map
        return ""
    title = f"<title>{title}</title>"
    if shape.dot is None:
        return f'<path d="{shape.d}">{title}</path>'
    x, y = shape.dot
    outline = f'<path d="{shape.d}"/>' if shape.d else ""
    circle = f'<circle cx="{x:g}" cy="{y:g}" r="{DOT_RADIUS}" stroke="#222"/>'
    return f"<g>{title}{outline}{circle}</g>"


def _is_dot(code: str) -> bool:
    shape = world().shapes.get(code)
    return shape is not None and shape.dot is not None


def _group(prefix: str, map_class: MapClass, rows: list[tuple[str, str]]) -> str:
    drawn = "".join(_country(code, title) for code, title in rows)
    return f'<g fill="url(#{prefix}-{map_class.key})">{drawn}</g>' if drawn else ""


def _ring(code: str) -> str:
    shape = world().shapes.get(code)
    if shape is None or shape.dot is None:
        return ""
    x, y = shape.dot
    return f'<circle cx="{x:g}" cy="{y:g}" r="12" fill="none" stroke="#7c2d12" stroke-width="2"/>'


def swatch(prefix: str, map_class: MapClass) -> SafeString:
    """The legend's sample of a class, filled with the map's own pattern."""
    return mark_safe(
        '<svg class="map__swatch" width="30" height="18" viewBox="0 0 30 18" aria-hidden="true">'
        f'<rect x=".5" y=".5" width="29" height="17" fill="url(#{prefix}-{map_class.key})" '
        'stroke="#333"/></svg>'
    )


def world_map(
    *,
    prefix: str,
    title: str,
    classes: list[MapClass],
    members: dict[str, list[tuple[str, str]]],
    ring: str = "",
) -> SafeString:
    """The SVG: ``members`` maps each class key to its countries as (code, escaped title);
    every other country is drawn as neutral land, with no title (the page names only the
    countries it is about; names of every country would read as part of it). ``title`` is plain
    text. Classes are drawn in the given order, then their small states as dots on top; the dot of
    the state ``ring`` names, if it has one, is ringed to catch the eye."""
    shown = {code for rows in members.values() for code, _ in rows}
    neutral = "".join(
        f'<path d="{shape.d}"/>'
        for code, shape in world().shapes.items()
        if shape.d and code not in shown
    )
    land = "".join(f'<path d="{d}"/>' for d in world().land)
    # Two passes, so that no outline covers a dot: the outlines, then the small states.
    groups = "".join(
        _group(prefix, c, [row for row in members.get(c.key, ()) if not _is_dot(row[0])])
        for c in classes
    ) + "".join(
        _group(prefix, c, [row for row in members.get(c.key, ()) if _is_dot(row[0])])
        for c in classes
    )
    patterns = "".join(_pattern(prefix, c) for c in classes)
    groups += _ring(ring)
    return mark_safe(  # every text above is escaped
        f'<svg class="map__world" viewBox="{world().view_box}" role="img" '
        f'aria-labelledby="{prefix}-title"><title id="{prefix}-title">{escape(title)}</title>'
        f'<defs>{patterns}</defs><g {STROKE}><g fill="{NEUTRAL_FILL}">{land}{neutral}</g>'
        f"{groups}</g></svg>"
    )
