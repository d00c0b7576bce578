"""Two editors on the same profile, in two browsers: nothing of either is lost silently.

Ana and Bob log in through the admin's form in two browser contexts and open the bundled Tripoli
Process. Changes to different fields are both kept; for the same field, Bob sees both versions
side by side and chooses; while both have the page open, each is told the other has it open
(the heartbeat of static/rcp/admin/presence.js). axe finds nothing on these pages.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from rcp.admin.presence import PresenceAdminMixin
from rcp.history import record_baseline

from .browser import PASSWORD, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def site(tripoli, monkeypatch):
    """The Tripoli Process with its first version recorded, and two editors. The heartbeat is
    made every second instead of every 30, so the test need not wait."""
    record_baseline()
    for username, first, last in [("ana", "Ana", "Silva"), ("bob", "Bob", "Mensah")]:
        user = get_user_model().objects.create_user(
            username, password=PASSWORD, first_name=first, last_name=last, is_staff=True
        )
        user.groups.add(Group.objects.get(name="Editors"))
    monkeypatch.setattr(PresenceAdminMixin, "heartbeat_seconds", 1)
    return reverse("admin:rcp_process_change", args=[tripoli.pk])


def log_in(open_session, username: str, change_page: str):
    session = open_session(viewport={"width": 1280, "height": 900})
    page = session.page
    visit(session, change_page)  # redirected to the log-in form
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(change_page) + "$"))
    return session


def region_violations(session, selector: str) -> list[str]:
    """axe's findings within one region of the page (the rest of the change page is checked
    by the editor's own browser tests).

    axe reads the admin's forms.css, which imports widgets.css, by writing the imported sheet
    into a ``<style>`` of its own, which the Content-Security-Policy refuses: that load is
    axe's, not the page's, so it is not counted as one that tried to leave the site.
    """
    before = len(session.blocked)
    results = Axe().run(session.page, context={"include": [[selector]]})
    session.blocked[before:] = [
        load for load in session.blocked[before:] if load != "style-src-elem inline"
    ]
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results.response["violations"]
    ]


def save(page):
    page.locator("input[name=_save]").first.click()


def test_changes_to_different_fields_are_both_kept(open_session, site):
    ana = log_in(open_session, "ana", site).page
    bob = log_in(open_session, "bob", site).page

    ana.locator("input[name=website]").fill("https://tripoli.example.org/")
    save(ana)
    expect(ana.locator(".messagelist")).to_contain_text("was changed successfully")
    bob.locator("textarea[name=objectives_en]").fill("Bob's objectives.")
    save(bob)

    expect(bob.locator(".messagelist")).to_contain_text(
        "Ana Silva saved this profile while you had it open; their changes were kept "
        "alongside yours: Official website."
    )
    ana.goto(site)
    expect(ana.locator("input[name=website]")).to_have_value("https://tripoli.example.org/")
    expect(ana.locator("textarea[name=objectives_en]")).to_have_value("Bob's objectives.")


def test_the_same_field_is_shown_side_by_side_and_the_chosen_version_is_saved(open_session, site):
    bobs_session = log_in(open_session, "bob", site)
    bob = bobs_session.page
    ana = log_in(open_session, "ana", site).page

    # Bob's page heard of Ana from its heartbeat (she opened the profile after him).
    notice = bob.locator(".editing-notice[role=status]")
    expect(notice).to_contain_text(
        re.compile(r"Ana Silva has had this profile open since \d\d:\d\d\.")
    )
    assert region_violations(bobs_session, ".editing-notice") == []

    ana.locator("input[name=acronym_en]").fill("TP-ANA")
    save(ana)
    expect(ana.locator(".messagelist")).to_contain_text("was changed successfully")
    bob.locator("input[name=acronym_en]").fill("TP-BOB")
    save(bob)

    conflict = bob.locator("fieldset.merge-conflict")
    expect(conflict).to_have_count(1)
    expect(conflict.locator("legend")).to_have_text("Short name or acronym")
    expect(conflict).to_contain_text("Theirs (Ana Silva, ")
    expect(conflict).to_contain_text("TP-ANA")
    expect(conflict).to_contain_text("TP-BOB")
    expect(bob.locator(".editing-notice")).to_contain_text("Ana Silva saved this profile at ")
    assert region_violations(bobs_session, ".merge-conflicts") == []
    assert region_violations(bobs_session, ".editing-notice") == []

    conflict.get_by_label("Keep theirs").check()
    save(bob)

    expect(bob.locator(".messagelist")).to_contain_text("was changed successfully")
    bob.goto(site)
    expect(bob.locator("input[name=acronym_en]")).to_have_value("TP-ANA")
