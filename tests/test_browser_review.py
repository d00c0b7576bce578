"""Two editors' journeys in a real browser (Debian's chromium, driven by Playwright): a revert
that shows what it will change and asks first, and a draft handed over for review and published
by a Publisher; axe finds no violation on the pages they pass through.

The browser and its fixtures are in tests/browser.py.
"""

import re
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from rcp.history import record_baseline
from rcp.history_records import Source, SourceKind, changeset
from rcp.models import Participation, Process, PublicationStatus
from rcp.workflow import authorise

from .browser import EDITOR, PASSWORD, axe_check, visit
from .factories import ParticipationFactory, ProcessFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PUBLISHER = "publisher"


@dataclass
class Site:
    tripoli: Process
    draft: Process


@pytest.fixture
def site(tripoli):
    """The bundled Tripoli Process with its history: as loaded, then an edit in the admin that
    changed its acronym and removed Morocco; a draft, Rabat Process; an Editor and a Publisher."""
    User = get_user_model()
    editor = User.objects.create_user(EDITOR, password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    publisher = User.objects.create_user(PUBLISHER, password=PASSWORD, is_staff=True)
    publisher.groups.add(Group.objects.get(name="Publishers"))
    record_baseline()
    with changeset(Source(SourceKind.ADMIN)):
        tripoli.acronym = "TP-2"
        tripoli._history_user = editor
        authorise(tripoli, actor=editor)
        tripoli.save()
        morocco = Participation.objects.get(process=tripoli, country="MA")
        morocco._history_user = editor
        morocco.delete()
    draft = ProcessFactory(
        name="Rabat Process", slug="rabat-process", status=PublicationStatus.DRAFT
    )
    ParticipationFactory(process=draft, country="SN")
    return Site(tripoli=Process.objects.get(pk=tripoli.pk), draft=draft)


def log_in(session, path: str, username: str) -> None:
    """Open an admin page, log in on the form it redirects to, and land on the page."""
    page = session.page
    visit(session, path)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log in")).to_have_count(0)
    page.wait_for_url(re.compile(re.escape(path) + "$"))


def test_an_editor_reverts_after_seeing_what_will_change(open_session, site):
    editor = open_session()
    page = editor.page
    history = reverse("admin:rcp_process_history", args=[site.tripoli.pk])
    log_in(editor, history, EDITOR)

    newest = page.locator("section.version").first
    expect(newest).to_contain_text("— editor")
    expect(newest).to_contain_text("Edited in the admin")
    assert axe_check(editor) == []
    page.locator("section.version").nth(1).get_by_role(
        "link", name="Revert to this version…"
    ).click()

    page.wait_for_url(re.compile(r"/history/[0-9a-f-]+/revert/$"))
    main = page.locator("#content-main")
    expect(main).to_contain_text("short name or acronym: TP-2 → —")
    expect(main).to_contain_text("Participating country: Morocco (Member) will be added back")
    assert axe_check(editor) == []
    page.get_by_role("button", name="Yes, revert").click()

    page.wait_for_url(re.compile(re.escape(f"/admin/rcp/process/{site.tripoli.pk}/change/") + "$"))
    expect(page.locator(".messagelist")).to_contain_text("The profile is back as it was on")
    expect(page.locator("input[name=acronym_en]")).to_have_value("")
    visit(editor, history)
    expect(page.locator("section.version").first).to_contain_text("Revert to the version of")
    expect(page.locator("section.version").first).to_contain_text(
        "Participating country: Morocco (Member) added"
    )


def test_an_editor_submits_a_draft_and_a_publisher_publishes_it(open_session, site):
    change_page = reverse("admin:rcp_process_change", args=[site.draft.pk])
    editor = open_session()
    log_in(editor, change_page, EDITOR)
    panel = editor.page.locator(".review-panel")
    expect(panel).to_contain_text("Status: Draft")
    assert axe_check(editor, ".review-panel") == []
    panel.get_by_label("Note for the Publishers (optional)").fill("Senegal's role checked.")
    panel.get_by_role("button", name="Submit for review").click()
    expect(editor.page.locator(".messagelist")).to_contain_text("is waiting for review")
    expect(panel).to_contain_text("Status: Waiting for review")

    publisher = open_session()
    page = publisher.page
    log_in(publisher, reverse("admin:index"), PUBLISHER)
    queue = page.get_by_role("link", name="1 profile waits for your review")
    expect(queue).to_be_visible()
    assert axe_check(publisher) == []
    queue.click()
    page.get_by_role("link", name="Rabat Process").click()
    # The list's filter comes along, so Save leads back to the queue.
    page.wait_for_url(
        re.compile(re.escape(change_page) + r"\?_changelist_filters=queue%3Dwaiting$")
    )
    panel = page.locator(".review-panel")
    expect(panel).to_contain_text("Senegal's role checked.")
    expect(panel).to_contain_text("Submitted for review by editor")
    assert axe_check(publisher, ".review-panel") == []
    panel.get_by_role("button", name="Publish").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "“Rabat Process” is published: the public sees it now."
    )
    visit(publisher, reverse("admin:rcp_process_history", args=[site.draft.pk]))
    steps = page.locator("section.version")
    expect(steps.first).to_contain_text("— publisher Published after review")
    expect(steps.nth(1)).to_contain_text("Senegal's role checked. Note from editor")
    assert axe_check(publisher) == []

    reader = open_session()
    visit(reader, "/processes/rabat-process/")
    expect(reader.page.get_by_role("heading", level=1)).to_contain_text("Rabat Process")
