"""Decoding TopoJSON (https://github.com/topojson/topojson-specification) into lon/lat rings."""

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]  # the outer ring first, then the holes


def decode_arcs(topology: dict) -> list[list[Point]]:
    """Every arc as longitude/latitude points: quantized arcs are delta-encoded integers that
    the ``transform`` scales and translates."""
    transform = topology.get("transform")
    if transform is None:
        return [[(float(x), float(y)) for x, y, *_ in arc] for arc in topology["arcs"]]
    (scale_x, scale_y), (translate_x, translate_y) = transform["scale"], transform["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * scale_x + translate_x, y * scale_y + translate_y))
        arcs.append(points)
    return arcs


def ring_arcs(indexes: list[int], arcs: list[list[Point]]) -> list[list[Point]]:
    """The arcs of one ring in drawing order; a negative index ``~i`` is arc ``i`` reversed."""
    return [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indexes]


def join_ring(parts: list[list[Point]]) -> Ring:
    """One ring from its arcs: each arc starts where the previous one ended."""
    ring: Ring = []
    for part in parts:
        ring.extend(part if not ring else part[1:])
    return ring


def geometry_polygons(geometry: dict) -> list[list[list[int]]]:
    """The polygons of a Polygon or MultiPolygon geometry, as lists of rings of arc indexes."""
    if geometry.get("type") == "Polygon":
        return [geometry["arcs"]]
    if geometry.get("type") == "MultiPolygon":
        return geometry["arcs"]
    return []
