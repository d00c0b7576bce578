"""Building ``world.json``, the map data the site draws from: Natural Earth country shapes,
projected once (Equal Earth), simplified, rounded and written as SVG path data.

The sources are the TopoJSON files of the npm package world-atlas (Natural Earth, public
domain): ``countries-110m.json`` for the shapes, ``countries-50m.json`` for the position of
states too small for 110m. Their ids are ISO 3166-1 numeric codes, which django-countries
turns into the alpha-2 codes the site stores. Antarctica is left out (it would take a fifth of
the height for no process); shapes with no ISO code (Kosovo, N. Cyprus, Somaliland) are kept
as land with no country. States smaller than ``SMALL_AREA`` on the map, or missing from 110m,
get a dot so that a reader can see them.
"""

import itertools
import json
import math
from pathlib import Path

from django_countries import countries

from rcp.maps import topojson
from rcp.maps.topojson import Point

WIDTH = 1000  # viewBox units; coordinates are rounded to whole units
MARGIN = 4
TOLERANCE = 0.6  # Douglas–Peucker tolerance, in viewBox units
SMALL_AREA = 12.0  # square viewBox units: below this a state also gets a dot
LEFT_OUT = {"AQ"}

# States that neither file draws (parts of France or Norway in Natural Earth, atolls), at the
# longitude and latitude of their main island or town.
POSITIONS = {
    "BQ": (-68.26, 12.18),  # Kralendijk, Bonaire
    "BV": (3.36, -54.42),
    "CC": (96.87, -12.17),
    "CX": (105.69, -10.45),
    "GF": (-53.13, 3.93),
    "GI": (-5.35, 36.14),
    "GP": (-61.55, 16.25),
    "MQ": (-61.02, 14.64),
    "RE": (55.54, -21.12),
    "SJ": (15.63, 78.22),
    "TK": (-171.85, -9.17),
    "TV": (179.19, -8.52),
    "UM": (166.63, 19.29),  # Wake Island
    "YT": (45.17, -12.83),
}

A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(point: Point) -> Point:
    """The Equal Earth projection (Šavrič, Patterson and Jenny, 2018), y pointing down."""
    lon, lat = math.radians(point[0]), math.radians(point[1])
    theta = math.asin(M * math.sin(lat))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lon * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, -y


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker, keeping both ends (so that arcs shared by two countries still meet)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        length = math.hypot(x2 - x1, y2 - y1)
        farthest, distance = None, tolerance
        for i in range(first + 1, last):
            x, y = points[i]
            if length:
                d = abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / length
            else:
                d = math.hypot(x - x1, y - y1)
            if d > distance:
                farthest, distance = i, d
        if farthest is not None:
            keep[farthest] = True
            stack.extend([(first, farthest), (farthest, last)])
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def area_and_centroid(ring: list[Point]) -> tuple[float, Point]:
    """The area of a ring (always positive) and its centroid (its first point if it is flat)."""
    twice_area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        twice_area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if not twice_area:
        return 0.0, ring[0]
    return abs(twice_area) / 2, (cx / (3 * twice_area), cy / (3 * twice_area))


def path_data(rings: list[list[tuple[int, int]]]) -> str:
    """Compact SVG path data: an absolute move to each ring's start, then relative lines."""
    parts = []
    for ring in rings:
        x0, y0 = ring[0]
        numbers = []
        for (xa, ya), (xb, yb) in itertools.pairwise(ring):
            numbers.extend((xb - xa, yb - ya))
        parts.append(f"M{x0} {y0}l{_join(numbers)}z")
    return "".join(parts)


def _join(numbers: list[int]) -> str:
    text = ""
    for number in numbers:
        text += str(number) if not text or number < 0 else f" {number}"
    return text


def alpha2(geometry: dict) -> str:
    numeric = geometry.get("id")
    return countries.alpha2(numeric) if numeric else ""


class Frame:
    """Projected coordinates scaled into the viewBox."""

    def __init__(self, projected_arcs: list[list[Point]]):
        xs = [x for arc in projected_arcs for x, _ in arc]
        ys = [y for arc in projected_arcs for _, y in arc]
        self.left, self.top = min(xs), min(ys)
        self.scale = (WIDTH - 2 * MARGIN) / (max(xs) - self.left)
        self.height = math.ceil((max(ys) - self.top) * self.scale) + 2 * MARGIN

    def place(self, point: Point) -> Point:
        return (
            (point[0] - self.left) * self.scale + MARGIN,
            (point[1] - self.top) * self.scale + MARGIN,
        )


def _polygons_of(geometry, arcs) -> list[list[list[Point]]]:
    return [
        [topojson.join_ring(topojson.ring_arcs(ring, arcs)) for ring in polygon]
        for polygon in topojson.geometry_polygons(geometry)
    ]


def crosses_antimeridian(ring: list[Point]) -> bool:
    return any(abs(b[0] - a[0]) > 180 for a, b in itertools.pairwise(ring))


def _clip(ring: list[Point], keep, cut: float) -> list[Point]:
    """Sutherland–Hodgman: the part of a ring on one side of the meridian ``cut``."""
    clipped = []
    for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
        if keep(b[0]):
            if not keep(a[0]):
                clipped.append(_meridian_crossing(a, b, cut))
            clipped.append(b)
        elif keep(a[0]):
            clipped.append(_meridian_crossing(a, b, cut))
    return clipped


def _meridian_crossing(a: Point, b: Point, cut: float) -> Point:
    t = (cut - a[0]) / (b[0] - a[0])
    return cut, a[1] + t * (b[1] - a[1])


def split_at_antimeridian(ring: list[Point]) -> list[list[Point]]:
    """A ring that wraps round from 180° to -180° (Fiji, Chukotka) as one ring on each side,
    so that no line crosses the whole map."""
    unwrapped = [(lon + 360 if lon < 0 else lon, lat) for lon, lat in ring]
    west = _clip(unwrapped, lambda lon: lon <= 180, 180)
    east = [(lon - 360, lat) for lon, lat in _clip(unwrapped, lambda lon: lon >= 180, 180)]
    return [part for part in (west, east) if len(part) >= 3]


def _rounded(ring: list[Point]) -> list[tuple[int, int]]:
    points: list[tuple[int, int]] = []
    for x, y in ring:
        point = (round(x), round(y))
        if not points or point != points[-1]:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    return points


def _largest_centroid(polygons: list[list[list[Point]]]) -> Point:
    return max((area_and_centroid(polygon[0]) for polygon in polygons), key=lambda a: a[0])[1]


def _dot(point: Point) -> list[float]:
    return [round(point[0], 1), round(point[1], 1)]


def build(atlas: Path) -> dict:
    """The content of ``world.json`` from the world-atlas folder."""
    fine = json.loads((atlas / "countries-110m.json").read_text())
    detailed = json.loads((atlas / "countries-50m.json").read_text())
    geometries = [
        g for g in fine["objects"]["countries"]["geometries"] if alpha2(g) not in LEFT_OUT
    ]
    used = {
        i if i >= 0 else ~i
        for g in geometries
        for p in g["arcs"]
        for r in (p if g["type"] == "MultiPolygon" else [p])
        for i in r
    }
    arcs = topojson.decode_arcs(fine)
    projected = [[equal_earth(p) for p in arc] if n in used else [] for n, arc in enumerate(arcs)]
    frame = Frame([arc for arc in projected if arc])
    placed = [simplify([frame.place(p) for p in arc], TOLERANCE) for arc in projected]

    shapes: dict[str, dict] = {}
    land = []
    for geometry in geometries:
        polygons = []
        for raw, simplified in zip(
            _polygons_of(geometry, arcs), _polygons_of(geometry, placed), strict=True
        ):
            if any(crosses_antimeridian(ring) for ring in raw):
                polygons.extend(
                    [simplify([frame.place(equal_earth(p)) for p in part], TOLERANCE)]
                    for ring in raw
                    for part in split_at_antimeridian(ring)
                )
            else:
                polygons.append(simplified)
        rings = [_rounded(ring) for polygon in polygons for ring in polygon]
        rings = [ring for ring in rings if len(ring) >= 3]
        entry = {"d": path_data(rings)} if rings else {}
        area = sum(area_and_centroid(polygon[0])[0] for polygon in polygons)
        code = alpha2(geometry)
        if not code:
            land.append(entry["d"])
            continue
        if area < SMALL_AREA:
            entry["dot"] = _dot(_largest_centroid(polygons))
        shapes[code] = entry

    missing = [code for code in dict(countries) if code not in shapes and code not in LEFT_OUT]
    detailed_arcs = topojson.decode_arcs(detailed)
    for geometry in detailed["objects"]["countries"]["geometries"]:
        code = alpha2(geometry)
        if code in missing:
            polygons = [
                [[frame.place(equal_earth(p)) for p in ring] for ring in polygon]
                for polygon in _polygons_of(geometry, detailed_arcs)
            ]
            shapes[code] = {"dot": _dot(_largest_centroid(polygons))}
    for code in missing:
        if code not in shapes and code in POSITIONS:
            shapes[code] = {"dot": _dot(frame.place(equal_earth(POSITIONS[code])))}
    return {
        "source": "Natural Earth (public domain), via world-atlas; Equal Earth projection",
        "viewBox": [0, 0, WIDTH, frame.height],
        "countries": dict(sorted(shapes.items())),
        "land": land,
    }


def write(data: dict, destination: Path) -> None:
    """Write the data file whole, or not at all."""
    temporary = destination.with_name(destination.name + ".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    temporary.replace(destination)
