"""An editor's spreadsheet import in a real browser (Debian's chromium, driven by Playwright):
a file with mistakes, its preview listing every one by line and column, the corrected file,
its preview of what changes, and the confirmation; axe finds no violation on the pages.

The browser and its fixtures are in tests/browser.py.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from rcp.models import Process

from .browser import EDITOR, PASSWORD, axe_check, log_in_to
from .factories import ParticipationFactory, ProcessFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

IMPORT_PATH = "/admin/rcp/participation/import/"


@pytest.fixture
def site(db) -> Process:
    editor = get_user_model().objects.create_user(EDITOR, password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    rabat = ProcessFactory(name="Rabat Process", slug="rabat-process")
    ParticipationFactory(process=rabat, country="FR", group="EU")
    return rabat


def choose_file(page, name: str, content: str) -> None:
    page.get_by_label("File to import").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode()}]
    )
    page.get_by_role("button", name="Preview the import").click()


def test_an_editor_corrects_a_file_from_its_preview_then_confirms_it(open_session, site):
    session = open_session()
    page = session.page
    log_in_to(session, IMPORT_PATH)
    expect(page.get_by_role("table", name="The columns of a file of participating countries"))

    choose_file(
        page,
        "members.csv",
        "process,country,role\nrabat-process,UK,member\nrabat-process,Eriteria,chair\n",
    )

    errors = page.get_by_role("table", name="Lines with errors")
    expect(errors).to_contain_text("“Eriteria” is not a country. Did you mean “Eritrea”?")
    expect(errors).to_contain_text("“chair” is not allowed here.")
    expect(errors.get_by_role("rowheader", name="3")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm the import")).to_have_count(0)
    assert axe_check(session) == []

    choose_file(
        page,
        "members.csv",
        "process,country,role\nrabat-process,UK,member\nrabat-process,Eritrea,member\n"
        "rabat-process,France,observer\n",
    )

    new = page.get_by_role("table", name="New records")
    expect(new).to_contain_text("UK → United Kingdom (GB)")
    changes = page.get_by_role("table", name="Lines that change what is stored")
    expect(changes).to_contain_text("France in rabat-process")
    expect(changes.locator("del")).to_have_text("Member")
    expect(changes.locator("ins")).to_have_text("Observer")
    assert axe_check(session) == []

    page.get_by_role("button", name="Confirm the import").click()

    expect(page.locator(".messagelist")).to_contain_text(
        "Import finished: 2 new, 1 changed and 0 unchanged participating countries."
    )
    listed = page.locator("#result_list")
    expect(listed).to_contain_text("United Kingdom")
    expect(listed).to_contain_text("Eritrea")
