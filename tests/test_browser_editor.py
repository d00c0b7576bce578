"""The profile editor in a real browser (Debian's chromium, driven by Playwright): an editor pastes
a list of countries with a typo and a repeat, sees every entry checked as she types, fixes them
and saves; the page fits 1024 and 1280 px wide windows with its Save bar in view; axe finds no
violation on it.

The browser and its fixtures are in tests/browser.py.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from .browser import EDITOR, PASSWORD, axe_check, log_in_to

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TEN_COUNTRIES = "Japan\nBrazil\nCanada\nBoliva\nChile\nPeru\nNorway\nJapan\nIndia\nNepal\nThailand"


@pytest.fixture
def site(tripoli):
    """The bundled Tripoli Process and an Editor's account."""
    editor = get_user_model().objects.create_user(EDITOR, password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    return tripoli


def change_path(process_id: int) -> str:
    return reverse("admin:rcp_process_change", args=[process_id])


def test_an_editor_pastes_ten_countries_fixes_a_typo_and_a_repeat_and_saves(open_session, site):
    process_id = site.pk
    editor = open_session(viewport={"width": 1280, "height": 900})
    page = log_in_to(editor, change_path(process_id))
    countries = page.locator("#participations-group")
    add_box = countries.locator(".add-countries")
    preview = countries.locator(".add-countries__preview")

    add_box.get_by_label("Countries to add").fill(TEN_COUNTRIES + "\nAustria")
    add_box.get_by_label("Or a new group").fill("Partners")

    # Every entry is checked while she types, nothing saved yet.
    expect(preview).to_contain_text("12 entries read: nothing is saved until you press Save.")
    expect(preview).to_contain_text("Not a country we know: did you mean Bolivia?")
    expect(preview).to_contain_text("Japan is already in this list (entry 1).")
    expect(preview).to_contain_text("Austria is already a country of this profile (Member · EU)")
    # The existing Austria row, far down the list, is marked too.
    expect(countries.locator("table.country-rows tr[data-country=AT]")).to_have_class(
        "is-duplicate"
    )

    # She accepts the suggestion and removes the repeat and Austria.
    preview.get_by_label("Accept Bolivia").check()
    countries.get_by_label("Countries to add").fill(TEN_COUNTRIES.replace("Japan\nIndia", "India"))
    expect(preview).to_contain_text("10 entries read")
    expect(preview.locator(".country-preview__problem")).to_have_count(0)
    expect(countries.locator("table.country-rows tr.is-duplicate")).to_have_count(0)

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(
        "10 countries added: Japan, Brazil, Canada, Bolivia, Chile, Peru, Norway, India, Nepal, "
        "Thailand."
    )
    page.goto(change_path(process_id))
    expect(page.locator("#participations-heading")).to_contain_text("Countries (92)")
    expect(page.locator("table.country-rows")).to_contain_text("Members · Partners (10)")


def test_an_editor_ticks_a_group_and_moves_it_to_observers(open_session, site):
    process_id = site.pk
    editor = open_session(viewport={"width": 1280, "height": 900})
    page = log_in_to(editor, change_path(process_id))
    rows = page.locator("table.country-rows")

    rows.get_by_label("Tick all of Members · EU (28)").check()
    expect(rows.locator("input[name=participations-change-selected]:checked")).to_have_count(28)
    page.locator(".change-countries").get_by_label("Role").select_option("observer")
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(rows).to_contain_text("Observers · EU (28)")
    expect(rows).to_contain_text("Members · AU (53)")


@pytest.mark.parametrize("width", [1024, 1280])
def test_the_change_page_fits_the_window_with_its_save_bar_in_view(open_session, site, width):
    process_id = site.pk
    editor = open_session(viewport={"width": width, "height": 800})
    page = log_in_to(editor, change_path(process_id))

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wider = page.evaluate(
        """() => [...document.querySelectorAll('#content *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .map(el => el.tagName + '.' + el.className).slice(0, 5)"""
    )
    assert (overflow, wider) == (0, [])
    for section in ("#participations-group", "#meetings-group"):
        page.locator(section).scroll_into_view_if_needed()
        expect(page.locator(".save-bar input[name=_save]")).to_be_in_viewport()


def test_axe_finds_no_violation_on_the_change_page(open_session, site):
    process_id = site.pk
    editor = open_session(viewport={"width": 1280, "height": 900})
    page = log_in_to(editor, change_path(process_id))
    page.locator("#participations-group").get_by_label("Countries to add").fill("Boliva, Austria")
    expect(page.locator(".country-preview")).to_be_visible()

    assert axe_check(editor) == []
