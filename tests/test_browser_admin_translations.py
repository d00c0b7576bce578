"""The profile editor's languages in a real browser: each text's English, French and Spanish as
tabs (under the site's Content-Security-Policy: no load refused), or side by side, which still
fits a 1024 px window; axe finds no violation in either layout.

The browser and its fixtures are in tests/browser.py.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from rcp.models import Process

from .browser import EDITOR, PASSWORD, axe_check, log_in_to

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def site(tripoli):
    """The bundled Tripoli Process, its Spanish objectives not written yet, and an Editor."""
    Process.objects.filter(pk=tripoli.pk).update(objectives_es="")
    editor = get_user_model().objects.create_user(EDITOR, password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    return tripoli


def open_editor(open_session, process_id: int, width: int = 1280):
    session = open_session(viewport={"width": width, "height": 900})
    page = log_in_to(session, reverse("admin:rcp_process_change", args=[process_id]))
    return session, page


def test_each_text_shows_its_languages_as_tabs_and_says_what_is_to_translate(open_session, site):
    session, page = open_editor(open_session, site.pk)
    tabs = page.get_by_role("tablist", name="Languages of Objectives")

    expect(tabs.get_by_role("tab", name="English")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#id_objectives_en")).to_be_visible()
    expect(page.locator("#id_objectives_fr")).to_be_hidden()
    expect(tabs.get_by_role("tab", name="Spanish · to translate")).to_be_visible()

    tabs.get_by_role("tab", name="French").click()
    expect(page.locator("#id_objectives_fr")).to_be_visible()
    expect(page.locator("#id_objectives_en")).to_be_hidden()
    page.keyboard.press("ArrowRight")
    expect(tabs.get_by_role("tab", name="Spanish · to translate")).to_be_focused()
    page.locator("#id_objectives_es").fill("Un diálogo regional.")
    expect(tabs.get_by_role("tab", name="Spanish", exact=True)).to_be_visible()

    assert axe_check(session) == []


@pytest.mark.parametrize("width", [1024, 1280])
def test_side_by_side_shows_every_language_and_fits_the_window(open_session, site, width):
    session, page = open_editor(open_session, site.pk, width)

    page.get_by_role("button", name="side by side").click()

    for language in ("en", "fr", "es"):
        expect(page.locator(f"#id_objectives_{language}")).to_be_visible()
        expect(page.locator(f"#id_name_{language}")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wider = page.evaluate(
        """() => [...document.querySelectorAll('#content *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .map(el => el.tagName + '.' + el.className).slice(0, 5)"""
    )
    assert (overflow, wider) == (0, [])
    # Remembered: the next page opens side by side.
    page.reload()
    expect(page.locator("#id_name_es")).to_be_visible()
    if width == 1280:
        assert axe_check(session) == []
