"""Every public page type in a real browser, on a 320 px phone and a 1280 px screen, in
English, French and Spanish (the page types of tests/public_pages.py, maps included):

- axe-core finds no accessibility violation;
- the page itself never scrolls sideways, even at 320 px (a wide table may scroll in a region
  of its own);
- everything it links loads (axe judges the styled page);
- headings go down one level at a time from the page's one ``h1``.

The browser and its fixtures are in tests/browser.py.
"""

from itertools import pairwise

import pytest
from django.test import Client

from .browser import axe_violations
from .public_pages import LANGUAGES, build_public_site, served_pages

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAGES = served_pages()
WIDTHS = {"phone": 320, "desktop": 1280}

# The levels of the page's headings in document order, hidden ones included (assistive
# technologies list those that are only visually hidden).
HEADING_LEVELS = """
[...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
    .filter((heading) => !heading.closest('[hidden], [aria-hidden="true"]'))
    .map((heading) => Number(heading.tagName[1]))
"""


@pytest.fixture
def site(django_user_model):
    """The public site of tests/public_pages.py, and the session cookie of a staff member who
    may preview its draft (made before the browser starts: see tests/browser.py)."""
    client = Client()
    client.force_login(build_public_site(django_user_model))
    return client.cookies["sessionid"].value


def heading_problems(levels: list[int]) -> list[str]:
    """What is wrong with the order of a page's headings, by their levels."""
    problems = []
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} h1 headings")
    if levels and levels[0] != 1:
        problems.append(f"the first heading is an h{levels[0]}")
    problems += [
        f"an h{level} follows an h{previous}"
        for previous, level in pairwise(levels)
        if level > previous + 1
    ]
    return problems


def page_problems(session, page, language: str, width: int) -> list[str]:
    response = session.page.goto(page.url(language))
    if response.status != page.status:
        return [f"answered {response.status}"]
    problems = list(axe_violations(session.page))
    assert session.page.evaluate("window.innerWidth") == width
    scroll_width = session.page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        problems.append(f"the page is {scroll_width} px wide on a {width} px screen")
    problems += heading_problems(session.page.evaluate(HEADING_LEVELS))
    return problems


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_every_public_page_is_accessible_and_fits_the_screen(open_session, site, width):
    viewport = {"width": width, "height": 800}
    reader, staff = open_session(viewport=viewport), open_session(viewport=viewport)
    staff.context.add_cookies([{"name": "sessionid", "value": site, "url": staff.base_url}])
    found = {}
    for page in PAGES:
        for language in LANGUAGES:
            session = staff if page.staff else reader
            if problems := page_problems(session, page, language, width):
                found[page.url(language)] = problems

    assert not found, "\n".join(
        f"{url}:\n  " + "\n  ".join(problems) for url, problems in found.items()
    )
    # Nothing a page links (styles, images) failed to load: axe judged the styled pages.
    error_pages = {reader.base_url + page.url(language) for page in PAGES for language in LANGUAGES}
    failed = reader.failures + staff.failures
    assert [(status, url) for status, url in failed if url not in error_pages] == []


def test_heading_problems_are_found():
    """The heading check above can fail."""
    assert heading_problems([1, 2, 3, 2, 3]) == []
    assert heading_problems([2, 1, 3]) == ["the first heading is an h2", "an h3 follows an h1"]
    assert heading_problems([1, 2, 1]) == ["2 h1 headings"]
