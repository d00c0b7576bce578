"""Rebuild ``rcp/maps/world.json``, the world map data the public pages draw from.

The file is committed: the site never fetches map data and needs no node at run time. Rebuild
it only to change the projection, the simplification or the Natural Earth release:

    npm install            # world-atlas is in package.json (Natural Earth, public domain)
    .venv/bin/python manage.py build_world_map
    # or: manage.py build_world_map --atlas path/to/world-atlas --output path/to/world.json

What the build does (projection, small states as dots, shapes with no ISO code) is described
in ``rcp/maps/build.py``.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rcp.maps import build, data


class Command(BaseCommand):
    help = "Rebuild rcp/maps/world.json from the Natural Earth TopoJSON of world-atlas."

    def add_arguments(self, parser):
        parser.add_argument(
            "--atlas",
            type=Path,
            default=Path(settings.BASE_DIR) / "node_modules" / "world-atlas",
            help="The world-atlas folder (default: node_modules/world-atlas).",
        )
        parser.add_argument("--output", type=Path, default=data.DATA_FILE)

    def handle(self, *args, atlas: Path, output: Path, **options):
        try:
            world = build.build(atlas)
        except FileNotFoundError as error:
            raise CommandError(
                f"{error.filename} is missing: run `npm install` (world-atlas) or pass --atlas."
            ) from error
        except (ValueError, KeyError) as error:
            raise CommandError(f"{atlas} does not hold world-atlas TopoJSON: {error}") from error
        build.write(world, output)
        dots = sum("dot" in shape for shape in world["countries"].values())
        self.stdout.write(
            f"Wrote {output}: {len(world['countries'])} countries ({dots} with a dot), "
            f"{output.stat().st_size:,} bytes."
        )
