"""The projected world map, read from the committed ``world.json`` once per process."""

import functools
import json
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).with_name("world.json")


@dataclass(frozen=True)
class Shape:
    """One country on the map: its outline (``d``, SVG path data; empty for states too small
    for the source) and, for small states, the centre of the dot that makes them visible."""

    code: str
    d: str
    dot: tuple[float, float] | None


@dataclass(frozen=True)
class World:
    view_box: str
    shapes: dict[str, Shape]
    land: tuple[str, ...]  # outlines with no ISO code (Kosovo, N. Cyprus, Somaliland)


@functools.cache
def world() -> World:
    raw = json.loads(DATA_FILE.read_text())
    return World(
        view_box=" ".join(str(n) for n in raw["viewBox"]),
        shapes={
            code: Shape(code, shape.get("d", ""), tuple(shape["dot"]) if "dot" in shape else None)
            for code, shape in raw["countries"].items()
        },
        land=tuple(raw["land"]),
    )
