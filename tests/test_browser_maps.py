"""The world maps in a real browser (Debian's chromium, Playwright, axe-core): the profile, the
home page and a country page, each with its map, have no accessibility violation at 320 px and
1280 px, and the map fits a 320 px wide screen. The fixtures are in tests/browser.py."""

import pytest

from .browser import axe_violations, visit
from .factories import ParticipationFactory, ProcessFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAGES = {
    "profile": "/processes/tripoli-process/",
    "home": "/",
    "country": "/countries/mt/",
    "profile in French": "/fr/processes/tripoli-process/",
}
WIDTHS = [320, 1280]


@pytest.fixture
def site(tripoli):
    """The bundled Tripoli Process (Malta, Cabo Verde, Comoros and Seychelles among its
    members, Switzerland observing), with a suspended member and a guest added, and a second
    process so that the home map has two classes."""
    ParticipationFactory(process=tripoli, country="BH", role="suspended")
    ParticipationFactory(process=tripoli, country="JP", role="guest")
    other = ProcessFactory(name="Rabat Process", slug="rabat-process")
    ParticipationFactory(process=other, country="MA")
    ParticipationFactory(process=other, country="MT")
    return tripoli


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_with_a_map_have_no_accessibility_violation(open_session, width):
    session = open_session(viewport={"width": width, "height": 900})
    violations = {}
    for name, path in PAGES.items():
        visit(session, path)
        assert session.page.locator("figure.map svg.map__world").count() == 1, name
        violations[name] = axe_violations(session.page)

    assert violations == {name: [] for name in PAGES}


def test_the_map_fits_a_320_px_screen(open_session):
    narrow = open_session(viewport={"width": 320, "height": 640})
    for name, path in PAGES.items():
        visit(narrow, path)
        box = narrow.page.locator("figure.map svg.map__world").bounding_box()

        assert narrow.page.evaluate("document.documentElement.scrollWidth") == 320, name
        assert 0 <= box["x"] and box["x"] + box["width"] <= 320, name
        assert box["height"] > 100, name  # drawn, at the map's proportions


def test_the_map_shows_without_javascript(open_session):
    session = open_session(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    visit(session, PAGES["profile"])
    svg = session.page.locator("figure.map svg.map__world")

    assert svg.bounding_box()["width"] > 600
    assert (
        session.page.locator("figure.map svg.map__world circle").count() >= 3
    )  # Malta, Cabo Verde and more
