"""The public site in a real browser: Debian's chromium, driven by Playwright, against
pytest-django's live server.

- axe-core (bundled with axe-playwright-python, so it works offline) finds no accessibility
  violation on any page type, in English, French and Spanish;
- the site works with the keyboard alone: the skip link, the search form, the language switcher;
- a profile fits a 320 px wide screen without horizontal scrolling;
- no request leaves the site (fonts, styles and icons are served by the app);
- a reader's journey from a search to a profile in French, and an editor's from the admin's
  log-in form to the public page.

The browser and its fixtures are in tests/browser.py.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from .browser import EDITOR, PASSWORD, axe_violations, visit
from .factories import ParticipationFactory, ProcessFactory

# The live server's requests run in their own transactions; serialized_rollback brings back
# what the migrations created (the editorial roles) for each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# A page of each type (the bundled Tripoli Process, and a second process Morocco observes).
PAGE_TYPES = {
    "index": "/",
    "profile": "/processes/tripoli-process/",
    "country list": "/countries/",
    "country": "/countries/ma/",
    "theme": "/focus/irregular-migration/",
    "organisation": "/organisations/ecowas/",
    "search": "/search/?q=Morocco",
    "open data": "/data/",
    "not found": "/processes/no-such-process/",
}
LANGUAGES = {"en": "", "fr": "/fr", "es": "/es"}


@pytest.fixture
def site(tripoli):
    """The bundled Tripoli Process (with a long country name among its members), a second
    process Morocco observes, and an editor's account."""
    ParticipationFactory(process=tripoli, country="GS")  # South Georgia and the South Sandw...
    other = ProcessFactory(name="Rabat Process", slug="rabat-process", kind="interregional")
    ParticipationFactory(process=other, country="MA", role="observer", group="Neighbours")
    ParticipationFactory(process=other, country="SN")
    editor = get_user_model().objects.create_user(EDITOR, password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    return tripoli


def status_of(page_type: str) -> int:
    return 404 if page_type == "not found" else 200


@pytest.mark.parametrize("language", LANGUAGES)
def test_axe_finds_no_violation_on_any_page_type(reader, language):
    found = {}
    for page_type, path in PAGE_TYPES.items():
        visit(reader, LANGUAGES[language] + path, status=status_of(page_type))
        assert reader.page.locator("html").get_attribute("lang") == language
        if violations := axe_violations(reader.page):
            found[page_type] = violations

    assert found == {}
    # Every page was judged with its styles: nothing it linked failed to load.
    assert [url for _status, url in reader.failures if "/no-such-process/" not in url] == []


def test_axe_checks_the_styled_page(reader):
    """axe judges contrast from the computed styles: the site's stylesheet must have loaded."""
    visit(reader, "/")

    color = reader.page.evaluate("getComputedStyle(document.querySelector('h1')).color")
    assert color == "rgb(0, 51, 160)"  # IOM blue, from site.css


def test_axe_reports_a_violation_it_is_shown(reader):
    """The check above can fail: a link with no name is reported."""
    visit(reader, "/")
    reader.page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<a href=\"/\"></a>')"
    )

    assert any(v.startswith("link-name") for v in axe_violations(reader.page))


# --- Keyboard -----------------------------------------------------------------------------------


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            const box = element.getBoundingClientRect();
            return {tag: element.tagName.toLowerCase(), id: element.id,
                    text: element.innerText || element.value || '', name: element.name || '',
                    hreflang: element.getAttribute('hreflang') || '',
                    visible: box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0};
        }"""
    )


def tab_until(page, condition, limit: int = 40) -> dict:
    """Press Tab until the focused element satisfies ``condition``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if condition(element):
            return element
    raise AssertionError(f"not reached with {limit} presses of Tab")


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(reader):
    visit(reader, "/processes/tripoli-process/")

    reader.page.keyboard.press("Tab")
    first = focused(reader.page)
    reader.page.keyboard.press("Enter")

    assert first["text"] == "Skip to main content"
    assert first["visible"]  # shown when focused
    assert focused(reader.page)["id"] == "main"
    assert reader.page.url.endswith("#main")
    # The next Tab goes on from the content, not from the header.
    reader.page.keyboard.press("Tab")
    assert reader.page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_the_search_form_works_with_the_keyboard(reader):
    visit(reader, "/")

    field = tab_until(reader.page, lambda element: element["name"] == "q")
    reader.page.keyboard.type("Morocco")
    reader.page.keyboard.press("Enter")
    reader.page.wait_for_url(re.compile(r"/search/\?q=Morocco$"))

    assert field["visible"]
    expect(reader.page.locator("main h2 a").first).to_have_text("Tripoli Process")


def test_the_language_switcher_works_with_the_keyboard(reader):
    visit(reader, "/processes/tripoli-process/")

    link = tab_until(reader.page, lambda element: element["hreflang"] == "fr")
    reader.page.keyboard.press("Enter")
    reader.page.wait_for_url(re.compile(r"/fr/processes/tripoli-process/$"))

    assert link["text"] == "Français" and link["visible"]
    assert reader.page.locator("html").get_attribute("lang") == "fr"
    expect(reader.page.locator("main")).to_contain_text("Maroc")


# --- Small screens ------------------------------------------------------------------------------


def test_no_horizontal_scrolling_at_320_px(open_session):
    narrow = open_session(viewport={"width": 320, "height": 640})
    widths = {}
    for page_type, path in PAGE_TYPES.items():
        visit(narrow, path, status=status_of(page_type))
        assert narrow.page.evaluate("window.innerWidth") == 320
        widths[page_type] = narrow.page.evaluate("document.documentElement.scrollWidth")

    assert {page_type: width for page_type, width in widths.items() if width > 320} == {}
    assert widths["profile"] == 320  # the profile itself, with its long country names


# --- Nothing from elsewhere ---------------------------------------------------------------------


def test_no_request_leaves_the_site(reader):
    for path in PAGE_TYPES.values():
        reader.page.goto(path)

    assert reader.offsite_requests() == []
    stylesheets = [url for url in reader.requests if urlsplit(url).path.endswith(".css")]
    assert stylesheets  # the recording works: the pages' own files were requested
    assert all(url.startswith(reader.base_url) for url in stylesheets)


def test_an_offsite_load_would_be_noticed(reader):
    """The check above can fail: an image from elsewhere is refused, and reported."""
    visit(reader, "/")
    reader.page.evaluate(
        "document.querySelector('main').insertAdjacentHTML("
        "'beforeend', '<img alt=\"\" src=\"https://fonts.example.net/x.png\">')"
    )
    reader.page.wait_for_timeout(300)

    assert "img-src https://fonts.example.net/x.png" in reader.offsite_requests()
    # Not a failure of the site:
    reader.blocked.clear()
    reader.requests.remove("https://fonts.example.net/x.png")


# --- Journeys -----------------------------------------------------------------------------------


def test_a_reader_searches_morocco_opens_the_country_follows_a_process_and_reads_french(
    reader, site
):
    page = reader.page
    visit(reader, "/")

    page.get_by_role("searchbox", name="Search processes, countries and organisations").fill(
        "Morocco"
    )
    page.get_by_role("search").get_by_role("button", name="Search").first.click()
    page.wait_for_url(re.compile(r"/search/\?q=Morocco$"))
    page.get_by_role("link", name="Morocco", exact=True).click()
    page.wait_for_url(re.compile(r"/countries/ma/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Morocco")
    expect(page.locator("main")).to_contain_text("Rabat Process: Observer (Neighbours)")
    page.get_by_role("link", name="Tripoli Process").click()
    page.wait_for_url(re.compile(r"/processes/tripoli-process/$"))
    page.get_by_role("link", name="Français").click()
    page.wait_for_url(re.compile(r"/fr/processes/tripoli-process/$"))

    members = page.locator("section[aria-labelledby=members] ul.country-list").first
    expect(members.get_by_role("link", name="Maroc", exact=True)).to_be_visible()
    expect(members).not_to_contain_text("Morocco")


def test_an_editor_adds_a_country_in_the_admin_and_readers_see_it(open_session, site):
    """The editor (in the Editors role, made by the ``site`` fixture) logs in with the admin's
    form, types Japan in "Add countries" on the change form, sees it matched, and saves."""
    process_id = site.pk
    reader = open_session()
    visit(reader, "/processes/tripoli-process/")  # cached for readers now
    expect(reader.page.locator("main")).not_to_contain_text("Japan")

    editor = open_session()
    page = editor.page
    change_page = reverse("admin:rcp_process_change", args=[process_id])
    visit(editor, change_page)  # redirected to the log-in form
    page.get_by_label("Username").fill(EDITOR)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log in")).to_have_count(0)
    page.wait_for_url(re.compile(re.escape(change_page) + "$"))
    inline = page.locator("#participations-group")
    rows_before = inline.locator("tr[data-country]").count()
    inline.get_by_label("Countries to add").fill("Japan")
    expect(inline.locator(".country-preview")).to_contain_text("Will be added")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(re.escape(reverse("admin:rcp_process_changelist")) + "$"))
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator(".messagelist")).to_contain_text("1 country added: Japan.")

    assert rows_before == 83
    visit(reader, "/processes/tripoli-process/")
    members = reader.page.locator("section[aria-labelledby=members]")
    expect(members.get_by_role("link", name="Japan", exact=True)).to_be_visible()
    expect(members.locator(".profile__count")).to_contain_text("83 Members")
