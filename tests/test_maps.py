"""The world maps, as a reader sees them: a profile's states by role, the home page's count of
processes per country, the country a country page is about.

The maps are inline SVG drawn on the server from rcp/maps/world.json (built from Natural Earth
by ``manage.py build_world_map``); these tests read the rendered pages' markup.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from rcp.maps import build, data, figures, topojson
from rcp.models import PublicationStatus

from .conftest import ALL_COUNTRY_CODES
from .factories import ParticipationFactory, ProcessFactory
from .pages import Element, get_page, parse, profile_url
from .test_profile_page import PROFILE_PAGE_QUERIES
from .test_public_site import bulk_add_members

MAP_LIMIT = 150_000  # bytes of markup per map
ATLAS = Path(settings.BASE_DIR) / "node_modules" / "world-atlas"
VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SMALL_STATES = ["MT", "CV", "KM", "SC"]


def the_map(page: Element) -> Element:
    figures_ = page.find_all("figure", "map")
    assert len(figures_) == 1, f"{len(figures_)} maps"
    return figures_[0]


def countries_in(figure: Element, pattern: str) -> dict[str, Element]:
    """The countries drawn with a pattern, by their title (outlines, then dots on top)."""
    groups = [g for g in figure.find_all("g") if g.attrs.get("fill") == f"url(#{pattern})"]
    assert 1 <= len(groups) <= 2, f"{len(groups)} groups filled with {pattern}"
    return {
        child.find("title").text: child
        for group in groups
        for child in group.elements
        if child.tag in {"path", "g"}
    }


def legend(figure: Element) -> dict[str, str]:
    """Each legend entry's text, with the pattern its swatch is filled with."""
    return {
        li.text: li.find("rect").attrs["fill"] for li in figure.find("ul", "map__legend").elements
    }


def map_bytes(html: str) -> int:
    start = html.index('<figure class="map">')
    return len(html[start : html.index("</figure>", start)].encode())


@pytest.fixture
def profile(db):
    process = ProcessFactory(name="Mapped Process", slug="mapped")
    for code in ["MA", "SN", "CI", *SMALL_STATES]:
        ParticipationFactory(process=process, country=code)
    ParticipationFactory(process=process, country="FR", role="observer")
    ParticipationFactory(process=process, country="ML", role="suspended")
    ParticipationFactory(process=process, country="JP", role="guest")
    return process


# The profile map


def test_the_profile_map_shows_each_state_with_its_role_and_a_legend(client, profile):
    figure = the_map(get_page(client, profile_url(profile)))

    assert set(countries_in(figure, "map-profile-member")) == {
        "Morocco (Member)",
        "Senegal (Member)",
        "Côte d'Ivoire (Member)",
        "Malta (Member)",
        "Cabo Verde (Member)",
        "Comoros (Member)",
        "Seychelles (Member)",
    }
    assert set(countries_in(figure, "map-profile-observer")) == {"France (Observer)"}
    assert set(countries_in(figure, "map-profile-suspended")) == {"Mali (Suspended member)"}
    assert set(countries_in(figure, "map-profile-guest")) == {"Japan (Guest)"}
    assert legend(figure) == {
        "7 member states": "url(#map-profile-member)",
        "1 observer state": "url(#map-profile-observer)",
        "1 suspended member": "url(#map-profile-suspended)",
        "1 guest state": "url(#map-profile-guest)",
    }


def test_each_role_has_its_own_pattern_not_only_a_colour(client, profile):
    figure = the_map(get_page(client, profile_url(profile)))
    patterns = {p.attrs["id"]: p for p in figure.find_all("pattern")}

    assert set(patterns) == {
        f"map-profile-{r}" for r in ["member", "observer", "suspended", "guest"]
    }
    motifs = {
        tuple((e.tag, e.attrs.get("width"), e.attrs.get("d")) for e in p.elements[1:])
        for p in patterns.values()
    }
    assert len(motifs) == 4  # a plain fill, stripes, hatching and spots


def test_small_states_are_dots_drawn_over_every_outline(client, profile):
    figure = the_map(get_page(client, profile_url(profile)))
    members = countries_in(figure, "map-profile-member")
    # The countries in drawing order (after the patterns): the outlines, then the dots.
    drawn = [e for e in figure.find("svg").elements[-1].iter() if e.find_all("title")]
    first_dot = next(n for n, e in enumerate(drawn) if e.find_all("circle"))
    assert all(e.find_all("circle") for e in drawn[first_dot:])

    for name in ["Malta", "Cabo Verde", "Comoros", "Seychelles"]:
        assert members[f"{name} (Member)"].find_all("circle"), name
    assert not members["Morocco (Member)"].find_all("circle")


def test_the_rest_of_the_world_is_neutral_land_with_no_names(client, profile):
    html = client.get(profile_url(profile)).content.decode()
    figure = the_map(parse(html))
    neutral = next(g for g in figure.find_all("g") if g.attrs.get("fill", "").startswith("#"))

    assert len(neutral.elements) > 150  # every other country, and Kosovo, N. Cyprus...
    assert not neutral.find_all("title")
    assert "Brazil" not in html


def test_the_map_is_named_and_points_to_the_lists_as_its_text(client, profile):
    figure = the_map(get_page(client, profile_url(profile)))
    svg = figure.find("svg", "map__world")

    assert svg.attrs["role"] == "img"
    title = svg.elements[0]
    assert title.tag == "title"
    assert svg.attrs["aria-labelledby"] == title.attrs["id"]
    assert title.text == "World map of the states taking part in this process"
    assert "lists of countries below" in figure.find("figcaption").text


def test_titles_are_in_the_readers_language_and_escaped(client, profile):
    response = client.get(f"/fr{profile_url(profile)}")
    figure = the_map(get_page(client, f"/fr{profile_url(profile)}"))
    members = countries_in(figure, "map-profile-member")

    assert "Maroc (Membre)" in members
    assert "Cap-Vert (Membre)" in members or "Cabo Verde (Membre)" in members
    assert set(countries_in(figure, "map-profile-observer")) == {"France (Observateur)"}
    html = response.content.decode()
    assert "<title>Côte d&#x27;Ivoire (Membre)</title>" in html


def test_a_profile_without_states_has_no_map(client, db):
    process = ProcessFactory(slug="empty")

    assert not get_page(client, profile_url(process)).find_all("figure", "map")


def test_a_profile_of_every_country_renders_a_map_under_150_kb(client, db):
    process = ProcessFactory(slug="everyone")
    bulk_add_members(process, ALL_COUNTRY_CODES)

    response = client.get(profile_url(process))
    members = countries_in(the_map(get_page(client, profile_url(process))), "map-profile-member")

    assert len(members) == len(ALL_COUNTRY_CODES) - 1  # all but Antarctica, left out
    assert map_bytes(response.content.decode()) < MAP_LIMIT


def test_a_profile_with_one_state_renders(client, db):
    process = ProcessFactory(slug="single")
    ParticipationFactory(process=process, country="AQ", role="observer")
    ParticipationFactory(process=process, country="VA", role="guest")

    figure = the_map(get_page(client, profile_url(process)))

    assert set(countries_in(figure, "map-profile-guest")) == {"Vatican City (Guest)"}
    assert "1 observer state" in legend(figure)  # Antarctica: listed, not drawn


def test_the_map_adds_no_query_to_the_profile_page(client, profile, django_assert_max_num_queries):
    with django_assert_max_num_queries(PROFILE_PAGE_QUERIES):
        client.get(profile_url(profile))


# The home page map


def test_the_home_map_shades_countries_by_published_processes(client, db):
    processes = [ProcessFactory(slug=f"p{n}") for n in range(4)]
    draft = ProcessFactory(slug="draft", status=PublicationStatus.DRAFT)
    for process in processes:
        ParticipationFactory(process=process, country="MA")
    for process in processes[:2]:
        ParticipationFactory(process=process, country="SN", role="observer")
    ParticipationFactory(process=processes[0], country="MT")
    ParticipationFactory(process=draft, country="MA")
    ParticipationFactory(process=draft, country="BR")

    figure = the_map(get_page(client, "/"))

    assert legend(figure) == {
        "1 process": "url(#map-home-c1)",
        "2 processes": "url(#map-home-c2)",
        "3 processes": "url(#map-home-c3)",
        "4 processes": "url(#map-home-c4)",
    }
    assert set(countries_in(figure, "map-home-c1")) == {"Malta (1 process)"}
    assert countries_in(figure, "map-home-c1")["Malta (1 process)"].find_all("circle")
    assert set(countries_in(figure, "map-home-c2")) == {"Senegal (2 processes)"}
    assert not [g for g in figure.find_all("g") if g.attrs.get("fill") == "url(#map-home-c3)"]
    assert set(countries_in(figure, "map-home-c4")) == {"Morocco (4 processes)"}
    assert "Brazil" not in str(figure.find_all("title"))  # only in a draft: neutral land


def test_the_home_map_groups_large_counts_in_ranges(client, db):
    assert figures.count_classes(0) == []
    assert figures.count_classes(2) == [(1, 1), (2, 2)]
    assert figures.count_classes(10) == [(1, 3), (4, 6), (7, 9), (10, 10)]
    assert figures.count_classes(1000) == [(1, 250), (251, 500), (501, 750), (751, 1000)]
    assert [c.key for c in figures._spread(2)] == ["c1", "c4"]  # the lightest and the darkest
    process = ProcessFactory(slug="p")
    ParticipationFactory(process=process, country="MA")

    figure = the_map(get_page(client, "/es/"))

    assert list(legend(figure).values()) == ["url(#map-home-c1)"]
    [title] = countries_in(figure, "map-home-c1")
    assert title.startswith("Marruecos (")


def test_the_home_map_is_drawn_with_no_process_at_all(client, db):
    figure = the_map(get_page(client, "/"))

    assert not figure.find("ul", "map__legend").elements
    assert figure.find("svg").find_all("path")


# The country page map


def test_the_country_page_highlights_its_country(client, profile):
    figure = the_map(get_page(client, "/countries/ma/"))

    assert set(countries_in(figure, "map-country-here")) == {"Morocco"}
    assert legend(figure) == {"Morocco": "url(#map-country-here)"}
    assert figure.find("svg").elements[0].text == "World map locating Morocco"


def test_the_country_page_rings_a_small_state(client, profile):
    figure = the_map(get_page(client, "/fr/countries/mt/"))

    malta = countries_in(figure, "map-country-here")["Malte"]
    assert malta.find_all("circle")
    assert [c for c in figure.find_all("circle") if c.attrs.get("fill") == "none"]


def test_a_country_off_the_map_has_no_map(client, profile):
    ParticipationFactory(process=profile, country="AQ", role="observer")

    assert not get_page(client, "/countries/aq/").find_all("figure", "map")


# The data and its build


def test_every_country_but_antarctica_is_on_the_map():
    shapes = data.world().shapes

    assert set(ALL_COUNTRY_CODES) - set(shapes) == {"AQ"}
    assert all(shape.d or shape.dot for shape in shapes.values())
    for code in SMALL_STATES:
        assert shapes[code].dot, code


def test_topojson_arcs_are_delta_decoded():
    topology = {
        "transform": {"scale": [0.5, 2], "translate": [10, -5]},
        "arcs": [[[0, 0], [2, 1], [2, -1]], [[4, 0], [0, 3]]],
    }
    arcs = topojson.decode_arcs(topology)

    assert arcs == [[(10, -5), (11, -3), (12, -5)], [(12, -5), (12, 1)]]
    assert topojson.join_ring(topojson.ring_arcs([0, 1], arcs)) == [
        (10, -5),
        (11, -3),
        (12, -5),
        (12, 1),
    ]
    assert topojson.ring_arcs([~1], arcs) == [[(12, 1), (12, -5)]]


def test_a_ring_across_the_antimeridian_is_split_in_two():
    ring = [(178, -16), (180, -16), (-180, -16), (-178, -17), (-180, -18), (180, -18), (178, -17)]
    west, east = build.split_at_antimeridian(ring)

    assert build.crosses_antimeridian(ring)
    assert all(178 <= lon <= 180 for lon, _ in west)
    assert all(-180 <= lon <= -178 for lon, _ in east)


@pytest.mark.skipif(not ATLAS.exists(), reason="npm install puts world-atlas in node_modules")
def test_the_committed_map_data_is_what_the_build_writes(tmp_path):
    output = tmp_path / "world.json"
    call_command("build_world_map", output=output, stdout=open(tmp_path / "log", "w"))

    assert json.loads(output.read_text()) == json.loads(data.DATA_FILE.read_text())


def test_the_build_says_what_is_missing(tmp_path):
    with pytest.raises(CommandError, match="is missing: run `npm install`"):
        call_command("build_world_map", atlas=tmp_path, output=tmp_path / "world.json")
    assert not (tmp_path / "world.json").exists()


@pytest.mark.skipif(
    not (VNU.exists() and shutil.which("java")), reason="make java-deps and npm install"
)
def test_pages_with_maps_pass_the_w3c_validator(client, profile, tmp_path):
    paths = [f"/fr{profile_url(profile)}", "/", "/countries/mt/"]
    files = []
    for n, path in enumerate(paths):
        files.append(tmp_path / f"page{n}.html")
        files[-1].write_bytes(client.get(path).content)

    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert json.loads(result.stderr or result.stdout)["messages"] == []
