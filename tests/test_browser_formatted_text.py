"""The formatted text boxes of the profile editor in a real browser (Debian's chromium, driven by
Playwright): the preview follows what an editor types, the Preview button works from the
keyboard, a ``javascript:`` link is named in the preview and in a warning after the save, and
axe finds no violation on the change page with its previews shown.

The browser and its fixtures are in tests/browser.py.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.text import capfirst
from playwright.sync_api import expect

from .browser import EDITOR, PASSWORD, axe_check, log_in_to, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

JAVASCRIPT_WARNING = (
    "a link to “javascript:…” was removed because only web and e-mail addresses are allowed"
)


@pytest.fixture
def site(tripoli):
    """The bundled Tripoli Process and an Editor's account."""
    editor = get_user_model().objects.create_user(EDITOR, password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    return tripoli


def test_an_editor_sees_the_preview_follow_the_text_and_is_warned_of_a_dropped_link(
    open_session, site
):
    process_id = site.pk
    editor = open_session(viewport={"width": 1280, "height": 900})
    page = log_in_to(editor, reverse("admin:rcp_process_change", args=[process_id]))
    objectives = page.locator("#id_objectives_en")
    preview = page.locator("#id_objectives_en_preview")

    # The stored text, previewed as soon as the page is open.
    expect(preview.locator(".formatted-text__output")).to_contain_text(
        "The Tripoli Process is a series of sequenced and formal"
    )
    objectives.fill("## Our aims\n\nA **regional** dialogue.")
    expect(preview.get_by_role("heading", name="Our aims", level=3)).to_be_visible()
    expect(preview.locator("strong")).to_have_text("regional")
    assert axe_check(editor, ".formatted-text") == []

    # From the keyboard: the Preview button follows the text box.
    objectives.fill("See [the plan](javascript:alert(1)).")
    objectives.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Update preview").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(preview.locator(".formatted-text__warning")).to_have_text([capfirst(JAVASCRIPT_WARNING)])
    expect(preview.locator(".formatted-text__output")).to_have_text("See the plan.")
    expect(preview.get_by_role("link")).to_have_count(0)
    assert axe_check(editor, ".formatted-text") == []

    page.locator("input[name=_save]").click()
    page.wait_for_url(re.compile(re.escape(reverse("admin:rcp_process_changelist")) + "$"))
    messages = page.locator(".messagelist")
    expect(messages.locator(".warning")).to_have_text([f"Objectives: {JAVASCRIPT_WARNING}."])
    expect(messages).to_contain_text("was changed successfully")
    # The text is kept as typed, the source the editor corrects.
    visit(editor, reverse("admin:rcp_process_change", args=[process_id]))
    expect(objectives).to_have_value("See [the plan](javascript:alert(1)).")
    expect(preview.locator(".formatted-text__warning")).to_have_text([capfirst(JAVASCRIPT_WARNING)])
    assert editor.failures == []


def test_axe_finds_no_violation_on_the_change_page_with_its_previews_shown(open_session, site):
    editor = open_session(viewport={"width": 1280, "height": 900})
    page = log_in_to(editor, reverse("admin:rcp_process_change", args=[site.pk]))
    for field in ["objectives", "secretariat"]:
        expect(page.locator(f"#id_{field}_en_preview .formatted-text__output")).not_to_be_empty()

    assert axe_check(editor) == []
