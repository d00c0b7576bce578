"""World maps drawn on the server as SVG, from Natural Earth boundaries projected once.

``build.py`` turns the TopoJSON that the npm package world-atlas ships into ``world.json``
(committed; ``manage.py build_world_map`` rebuilds it); ``data.py`` loads that file once per
process; ``render.py`` draws the three maps the public pages show.
"""
